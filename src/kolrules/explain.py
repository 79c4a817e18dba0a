"""What ``kolrules rules`` lists and ``kolrules explain RULE`` shows.

``explain`` prints a rule's conditions as the rule language writes them (the ``fmt`` printer's
canonical form, read back from the rule's own file), with the definitions they use and the
jurisdiction's presumptions for the facts they read, so a lawyer can check the encoding
against the law without opening the pack.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from kolrules import ir
from kolrules.diagnostics import closest
from kolrules.engine import Engine
from kolrules.evidence import fact_paths
from kolrules.lang import syntax
from kolrules.lang.loader import Loaded, load
from kolrules.lang.printer import WIDTH, json_flat, layout, string
from kolrules.lang.symbols import build
from kolrules.program import CompiledPresumption, CompiledRule
from kolrules.resources import jurisdictions_dir

_INDENT = 4


# ---- the rule list ----------------------------------------------------------------------------


def _window(start: dt.date, end: dt.date | None) -> str:
    return f"{start} – {end - dt.timedelta(days=1)}" if end else f"from {start}"


def rule_list(engine: Engine) -> list[dict[str, Any]]:
    """One entry per rule id of the selected jurisdictions: the latest title and severity, and
    every version's in-force range (``until`` is the first day no longer in force)."""
    by_id: dict[str, list[CompiledRule]] = {}
    for rule in engine.rules:
        by_id.setdefault(rule.rule_id, []).append(rule)
    entries = []
    for rule_id in sorted(by_id, key=lambda i: (by_id[i][0].jurisdiction, i)):
        versions = sorted(by_id[rule_id], key=lambda r: r.start)
        latest = versions[-1]
        entries.append(
            {
                "id": rule_id,
                "jurisdiction": latest.jurisdiction,
                "title": latest.title,
                "severity": latest.severity,
                "versions": [
                    {
                        "from": v.start.isoformat(),
                        "until": v.end.isoformat() if v.end else None,
                        "source": v.source,
                    }
                    for v in versions
                ],
            }
        )
    return entries


def rules_text(engine: Engine) -> str:
    """The rule list for people: per jurisdiction, one line per rule with its in-force dates."""
    entries = rule_list(engine)
    lines: list[str] = []
    for jurisdiction in engine.jurisdictions:
        mine = [e for e in entries if e["jurisdiction"] == jurisdiction.code]
        if lines:
            lines.append("")
        lines.append(f"{jurisdiction.code} — {jurisdiction.name}: {len(mine)} rule(s)")
        for entry in mine:
            ranges = ", ".join(
                _window(
                    dt.date.fromisoformat(v["from"]),
                    dt.date.fromisoformat(v["until"]) if v["until"] else None,
                )
                for v in entry["versions"]
            )
            lines.append(f"  {entry['id']}  [{entry['severity']}]  {ranges}")
            lines.append(f"      {entry['title']}")
    return "\n".join(lines) + "\n"


def suggestion(rule_id: str, known: set[str]) -> str | None:
    """The rule id meant: the same id in other letter case, or the closest spelling."""
    upper = {k.upper(): k for k in known}
    if rule_id.upper() in upper:
        return upper[rule_id.upper()]
    # Only ids of the same jurisdiction: a rule of a pack not loaded is not a typo of another.
    prefix = rule_id.upper().split("-")[0] + "-"
    upper = {k: v for k, v in upper.items() if k.startswith(prefix)}
    guess = closest(rule_id.upper(), set(upper))
    return upper[guess] if guess else None


# ---- explain ----------------------------------------------------------------------------------


@attrs.frozen
class _Located:
    """A rule version's syntax, with the file it was read from."""

    rule: syntax.Rule
    loaded: Loaded
    path: str


def _candidates(shown: str) -> Iterator[Path]:
    """Where a shown path may be: as given (a user's pack) or below the bundled packs' root."""
    path = Path(shown)
    yield path
    if not path.is_absolute():
        yield jurisdictions_dir().parent / path


def _locate(version: CompiledRule, cache: dict[Path, Loaded]) -> _Located | None:
    """The syntax of a compiled rule version, read again from its file (None if it moved)."""
    shown, _, line = version.source.rpartition(":")
    for candidate in _candidates(shown):
        if not candidate.is_file():
            continue
        key = candidate.resolve()
        if key not in cache:
            cache[key] = load([candidate], allow_outside=True)
        loaded = cache[key]
        for path in loaded.roots:
            module = loaded.modules.get(path)
            for item in module.items if module else ():
                if (
                    isinstance(item, syntax.Rule)
                    and item.rule_id == version.rule_id
                    and item.span is not None
                    and str(item.span.line) == line
                ):
                    return _Located(item, loaded, path)
    return None


def _keyed(head: str, node: syntax.Expr, indent: int) -> str:
    return " " * indent + head + layout(node, indent + len(head), indent + 2)


def _condition_lines(rule: syntax.Rule, indent: int) -> list[str]:
    out = []
    for clause in rule.clauses:
        match clause:
            case syntax.Let(name, value):
                out.append(_keyed(f"let {name} = ", value, indent))
            case syntax.Applies(when, unless):
                line = _keyed("applies when ", when, indent)
                if unless is not None:
                    rest = _keyed("unless ", unless, 0)
                    if "\n" in line + rest or len(line) + 1 + len(rest) > WIDTH:
                        line += "\n" + _keyed("unless ", unless, indent + 2)
                    else:
                        line += " " + rest
                out.append(line)
            case syntax.Requires(value):
                out.append(_keyed("requires ", value, indent))
    return out


def _names(node: object) -> Iterator[str]:
    """Every name and called name in a piece of syntax."""
    if isinstance(node, syntax.Name):
        yield node.name
    elif isinstance(node, syntax.Call):
        yield node.func
    kind = type(node)
    if attrs.has(kind):
        for field in attrs.fields(kind):
            value = getattr(node, field.name)
            for child in value if isinstance(value, tuple) else (value,):
                if attrs.has(type(child)):
                    yield from _names(child)


def _definitions(located: list[_Located]) -> list[str]:
    """The ``define``s and ``const``s the conditions use, directly or through each other."""
    out: list[str] = []
    seen: set[str] = set()
    for where in located:
        symbols, _ = build(where.loaded, where.path)
        todo = [n for c in where.rule.clauses for n in _names(c)]
        while todo:
            name = todo.pop(0)
            if name in seen:
                continue
            if name in symbols.defines:
                seen.add(name)
                define = symbols.defines[name]
                params = f"({', '.join(define.params)})" if define.params else ""
                out.append(_keyed(f"define {name}{params} = ", define.body, 2))
                todo.extend(_names(define.body))
            elif name in symbols.consts:
                seen.add(name)
                out.append(_keyed(f"const {name} = ", symbols.consts[name].value, 2))
    return out


def _reads(paths: set[str], presumed: str) -> bool:
    return any(
        p == presumed
        or p.startswith((presumed + ".", presumed + "["))
        or presumed.startswith(p + ".")
        for p in paths
    )


def _presumption(presumption: CompiledPresumption, loaded: list[_Located]) -> list[str]:
    head = f"  presume {presumption.dotted} = {json_flat(presumption.value)}"
    lines = [f"{head}  ({presumption.source})"]
    if presumption.when is not None:
        when = _presume_when(presumption, loaded)
        if when is not None:
            lines.append(_keyed("when ", when, 4))
    lines.append(f"    because {string(presumption.reason)}")
    return lines


def _presume_when(presumption: CompiledPresumption, located: list[_Located]) -> syntax.Expr | None:
    shown, _, line = presumption.source.rpartition(":")
    for where in located:
        for module in where.loaded.modules.values():
            for item in module.items:
                if (
                    isinstance(item, syntax.Presume)
                    and item.span is not None
                    and str(item.span.line) == line
                    and item.span.path.endswith(Path(shown).name)
                ):
                    return item.when
    return None


def explain_text(engine: Engine, rule_id: str) -> str:
    """Everything about one rule: versions (a timeline), each with its citations and
    conditions, the definitions and presumptions they rest on, and the worked examples."""
    versions = sorted(engine.versions(rule_id), key=lambda r: r.start)
    latest = versions[-1]
    jurisdiction = engine.program.jurisdictions[latest.jurisdiction]
    out = [
        f"{latest.rule_id} — {latest.title}",
        f"jurisdiction: {jurisdiction.code} ({jurisdiction.name}; {jurisdiction.authority})",
    ]
    cache: dict[Path, Loaded] = {}
    located: list[_Located] = []
    before: list[str] | None = None
    for version in versions:
        until = f" until {version.end}" if version.end else ""
        out.append("")
        out.append(
            f"version in force from {version.start}{until}  [{version.severity}]  "
            f"{version.source}"
        )
        for citation in version.citations:
            out.append(f"  cite: {citation.text}" + (f" <{citation.url}>" if citation.url else ""))
        if version.confidence:
            out.append(f"  confidence: {version.confidence}")
        out.extend(f"  note: {note}" for note in version.notes)
        out.append(f"  message: {version.message}")
        if version.remedy:
            out.append(f"  remedy: {version.remedy}")
        if version.overrides:
            out.append(f"  overrides: {', '.join(version.overrides)}")
        where = _locate(version, cache)
        if where is None:
            out.append("  conditions: (the rule file is not at hand)")
            continue
        located.append(where)
        conditions = _condition_lines(where.rule, _INDENT) or [" " * _INDENT + "(every post)"]
        if conditions == before:
            out.append("  conditions: as in the version before")
        else:
            out.append("  conditions:")
            out.extend(conditions)
        before = conditions
    definitions = _definitions(located)
    if definitions:
        out += ["", "definitions used:", *definitions]
    nodes: list[ir.Node] = [jurisdiction.scope]
    for version in versions:
        nodes += [version.scope, version.requirement, *(value for _, value in version.lets)]
    paths = set(fact_paths(nodes))
    presumed = [p for p in jurisdiction.presumptions if _reads(paths, p.dotted)]
    if presumed:
        out += ["", f"presumptions of {jurisdiction.code} for facts these conditions read:"]
        for presumption in presumed:
            out += _presumption(presumption, located)
    examples = [(e, x) for e in engine.examples for x in e.expects if x.rule_id == rule_id]
    if examples:
        out += ["", "examples:"]
        for example, expect in examples:
            out.append(f'  {expect.outcome:<15} "{example.title}"  {example.source}')
    return "\n".join(out) + "\n"
