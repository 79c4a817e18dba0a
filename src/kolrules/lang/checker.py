"""Check loaded rule files: names, types, rule metadata, examples' shape; collect everything.

``check`` never raises for problems in the rules: it returns every diagnostic, in file order.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import defaultdict
from collections.abc import Mapping

import attrs

from kolrules.diagnostics import Diagnostic, Severity, closest
from kolrules.errors import RecordError
from kolrules.lang import syntax
from kolrules.lang.loader import Loaded, closure
from kolrules.lang.symbols import Symbols, build
from kolrules.lang.typecheck import Binding, Typer
from kolrules.obligations import OBLIGATIONS
from kolrules.records import validate
from kolrules.schema import RECORD, walk
from kolrules.source import Span
from kolrules.template import is_valid_path, placeholders, split_path
from kolrules.timeutil import zone
from kolrules.types import ObjectType, path_type

_SINGLE: tuple[type, ...] = (
    syntax.Title,
    syntax.Obligation,
    syntax.SeverityClause,
    syntax.Effective,
    syntax.Confidence,
    syntax.Applies,
    syntax.Requires,
    syntax.Message,
    syntax.Remedy,
    syntax.Overrides,
)
_REQUIRED: dict[type, str] = {
    syntax.Title: "title",
    syntax.SeverityClause: "severity",
    syntax.Effective: "effective",
    syntax.Requires: "requires",
    syntax.Message: "message",
}


@attrs.frozen
class Checked:
    """The result of checking: the loaded files, symbols per file, all diagnostics."""

    loaded: Loaded
    symbols: dict[str, Symbols]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        """No errors (warnings allowed)."""
        return not any(d.severity is Severity.ERROR for d in self.diagnostics)


def clause(rule: syntax.Rule, kind: type[syntax.Clause]) -> syntax.Clause | None:
    """The first clause of a kind in a rule, or None."""
    return next((c for c in rule.clauses if isinstance(c, kind)), None)


def merge_patch(base: object, patch: object) -> object:
    """RFC 7386 JSON merge patch: objects merge key by key, ``null`` deletes, others replace."""
    if not isinstance(patch, dict):
        return patch
    result = dict(base) if isinstance(base, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def example_record(example: syntax.Example, symbols: Symbols) -> object | None:
    """The record an example describes (base patched, or its own record); None if no base."""
    if example.base is not None:
        base = symbols.bases.get(example.base)
        if base is None:
            return None
        patch = (
            example.patch.value
            if example.patch
            else (example.record.value if example.record else {})
        )
        return merge_patch(base.record.value, patch)
    if example.record is not None:
        value: object = example.record.value
        return value
    return None


def _field_path_ok(text: str) -> bool:
    return path_type(RECORD, split_path(text)) is not None


class _FileChecker:
    def __init__(self, loaded: Loaded, path: str, symbols: Symbols) -> None:
        self.loaded = loaded
        self.path = path
        self.symbols = symbols
        self.typer = Typer(symbols)
        self.out: list[Diagnostic] = []

    def run(self, module: syntax.Module, rules_by_id: Mapping[str, list[syntax.Rule]]) -> None:
        for item in module.items:
            if isinstance(item, syntax.Jurisdiction):
                self.jurisdiction(item)
            elif isinstance(item, syntax.Const):
                self.typer.infer(item.value, {})
            elif isinstance(item, syntax.Define) and not item.params:
                self.typer.infer(syntax.Name(item.name, span=item.span), {})
            elif isinstance(item, syntax.Labels):
                self.labels(item)
            elif isinstance(item, syntax.Presume):
                self.presume(item)
            elif isinstance(item, syntax.Rule):
                self.rule(item, rules_by_id)
            elif isinstance(item, syntax.Base):
                self.record(item.record.value, item, f"base `{item.name}`")
            elif isinstance(item, syntax.Example):
                self.example(item, rules_by_id)
            elif isinstance(item, syntax.Source):
                self.source(item)
        self.out.extend(self.typer.diagnostics)

    def source(self, item: syntax.Source) -> None:
        """KR316: an instrument titled in another language names itself in English too."""
        if item.title is not None and not item.title.isascii() and item.english is None:
            self.out.append(
                Diagnostic(
                    "KR316",
                    f"source `{item.name}` has a title in another language but no `english` title",
                    item.span,
                    severity=Severity.WARNING,
                    help='add `english "…"`: findings name the instrument "title (english)", '
                    "so readers who do not read the original language know what is cited",
                )
            )

    def jurisdiction(self, item: syntax.Jurisdiction) -> None:
        for field in ("name", "authority", "timezone"):
            if getattr(item, field) is None:
                self.out.append(
                    Diagnostic("KR306", f"jurisdiction `{item.code}` has no `{field}`", item.span)
                )
        if item.timezone is not None and zone(item.timezone) is None:
            self.out.append(
                Diagnostic(
                    "KR307",
                    f'unknown time zone "{item.timezone}"',
                    item.span,
                    help='use an IANA name such as "Asia/Ho_Chi_Minh" or "America/New_York"',
                )
            )
        if item.scope is not None:
            self.typer.boolean(item.scope, {}, "a jurisdiction's scope")

    def cite(self, c: syntax.Cite) -> None:
        """KR213 for a cite naming no visible ``source``."""
        if c.source is not None and c.source not in self.symbols.sources:
            self.out.append(
                Diagnostic(
                    "KR213",
                    f"no source `{c.source}` is declared here",
                    c.span,
                    suggestion=closest(c.source, self.symbols.sources),
                    help="declare `source NAME { title … url … }` in this file or import the "
                    "file that does",
                )
            )

    def obligation(self, c: syntax.Obligation) -> None:
        """KR314 for a tag outside the obligation vocabulary, or given twice."""
        seen: set[str] = set()
        for index, tag in enumerate(c.tags):
            at = c.spans[index] if index < len(c.spans) else c.span
            if tag not in OBLIGATIONS:
                self.out.append(
                    Diagnostic(
                        "KR314",
                        f"unknown obligation `{tag}`",
                        at or c.span,
                        suggestion=closest(tag, OBLIGATIONS),
                        help="obligations come from one vocabulary shared by all packs "
                        '(docs/language.md, "Obligations"); propose a new one there',
                    )
                )
            elif tag in seen:
                self.out.append(
                    Diagnostic("KR314", f"obligation `{tag}` is given twice", at or c.span)
                )
            seen.add(tag)

    def no_jurisdiction(self, what: str, span: Span | None) -> None:
        """KR306 for a declaration that belongs to no jurisdiction."""
        self.out.append(
            Diagnostic(
                "KR306",
                f"{what} has no jurisdiction",
                span,
                help="declare `jurisdiction XX { … }` in this "
                "file or import the file that declares it",
            )
        )

    def presume(self, item: syntax.Presume) -> None:
        for c in item.cites:
            self.cite(c)
        if self.symbols.jurisdiction is None:
            self.no_jurisdiction(f"presumption of `{item.dotted}`", item.span)
        if item.because is None:
            self.out.append(
                Diagnostic(
                    "KR312",
                    f"presumption of `{item.dotted}` gives no reason",
                    item.span,
                    help='add `because "…"`: the legal or factual ground for the default',
                )
            )
        if item.when is not None:
            self.typer.boolean(item.when, {}, "a presumption's `when`")
        if not _field_path_ok(item.dotted):
            self.out.append(
                Diagnostic(
                    "KR310",
                    f"`{item.dotted}` is not a field of the record format",
                    item.span,
                    suggestion=closest(item.dotted, [p for p, _ in walk()]),
                )
            )
            return
        if isinstance(path_type(RECORD, item.path), ObjectType):
            self.out.append(
                Diagnostic(
                    "KR310",
                    f"`{item.dotted}` is an object; presume one of its fields instead",
                    item.span,
                )
            )
            return
        raw: dict[str, object] = {"id": "presumption", "published_at": "2000-01-01T00:00:00Z"}
        target = raw
        for step in item.path[:-1]:
            target = target.setdefault(step, {})  # type: ignore[assignment]
        target[item.path[-1]] = item.value
        try:
            found = validate(raw, strict=True)
        except RecordError as error:
            issues: list[object] = list(error.issues)
        else:
            issues = list(found.warnings)
        for issue in issues:
            self.out.append(
                Diagnostic(
                    "KR311",
                    f"the presumed value does not fit `{item.dotted}`: "
                    f"{getattr(issue, 'message', issue)}",
                    item.span,
                )
            )

    def labels(self, item: syntax.Labels) -> None:
        seen: set[str] = set()
        for label_class in item.classes:
            if label_class.name in seen:
                self.out.append(
                    Diagnostic(
                        "KR209", f"label class `{label_class.name}` appears twice", label_class.span
                    )
                )
            seen.add(label_class.name)

    def rule(self, rule: syntax.Rule, rules_by_id: Mapping[str, list[syntax.Rule]]) -> None:
        jurisdiction = self.symbols.jurisdiction
        if jurisdiction is None:
            self.no_jurisdiction(f"rule `{rule.rule_id}`", rule.span)
        elif not rule.rule_id.startswith(jurisdiction.code + "-"):
            self.out.append(
                Diagnostic(
                    "KR308",
                    f"rule id `{rule.rule_id}` does not start with `{jurisdiction.code}-`",
                    rule.span,
                    help="rule ids are unique across packs because they "
                    "carry their jurisdiction's code",
                )
            )
        elif not _RULE_ID.match(rule.rule_id):
            self.out.append(
                Diagnostic(
                    "KR313",
                    f"rule id `{rule.rule_id}` does not follow the scheme "
                    "JURISDICTION-INSTRUMENT[-ARTICLE]-SHORT-NAME",
                    rule.span,
                    severity=Severity.WARNING,
                    suggestion=_scheme_id(rule.rule_id),
                    help="upper-case parts joined by `-`: the jurisdiction, the instrument's "
                    "abbreviation, the article (dots allowed) and a short name",
                )
            )
        for c in rule.clauses:
            if isinstance(c, syntax.Cite):
                self.cite(c)
            elif isinstance(c, syntax.Obligation):
                self.obligation(c)
        if clause(rule, syntax.Obligation) is None:
            self.out.append(
                Diagnostic(
                    "KR315",
                    f"rule `{rule.rule_id}` names no obligation",
                    rule.span,
                    severity=Severity.WARNING,
                    help="add `obligation disclosure.label` (or another tag from the vocabulary "
                    'in docs/language.md, "Obligations") so `kolrules map` can compare it',
                )
            )
        for kind in _SINGLE:
            found = [c for c in rule.clauses if isinstance(c, kind)]
            if len(found) > 1:
                self.out.append(
                    Diagnostic(
                        "KR304",
                        f"`{_name(kind)}` is given more than once",
                        found[1].span or rule.span,
                    )
                )
        for kind, name in _REQUIRED.items():
            if clause(rule, kind) is None:
                self.out.append(
                    Diagnostic("KR304", f"rule `{rule.rule_id}` has no `{name}`", rule.span)
                )
        if clause(rule, syntax.Cite) is None:
            self.out.append(
                Diagnostic(
                    "KR303",
                    f"rule `{rule.rule_id}` cites no source",
                    rule.span,
                    help='add `cite "instrument" article "…" url "https://…"`',
                )
            )
        effective = clause(rule, syntax.Effective)
        if (
            isinstance(effective, syntax.Effective)
            and effective.end is not None
            and effective.end <= effective.start
        ):
            self.out.append(
                Diagnostic(
                    "KR305",
                    f"in-force window from {effective.start} until {effective.end} is empty",
                    effective.span,
                    help="`until` is the first day the rule no longer applies",
                )
            )
        env: dict[str, Binding] = {}
        if jurisdiction is not None and jurisdiction.scope is not None:
            pass  # checked with the jurisdiction
        for c in rule.clauses:
            if isinstance(c, syntax.Let):
                if c.name in env or RECORD.field(c.name) or c.name in self.symbols.names():
                    self.out.append(
                        Diagnostic("KR209", f"`{c.name}` is already a name here", c.span)
                    )
                env[c.name] = Binding(self.typer.infer(c.value, env), "let")
        for c in rule.clauses:
            if isinstance(c, syntax.Applies):
                self.typer.boolean(c.when, env, "`applies when`")
                if c.unless is not None:
                    self.typer.boolean(c.unless, env, "`unless`")
            elif isinstance(c, syntax.Requires):
                self.typer.boolean(c.expr, env, "`requires`")
            elif isinstance(c, (syntax.Message, syntax.Remedy)):
                self.template(c, env)
            elif isinstance(c, syntax.Overrides):
                for target in c.rule_ids:
                    if target == rule.rule_id:
                        self.out.append(
                            Diagnostic("KR208", "a rule cannot override itself", c.span)
                        )
                    elif target not in rules_by_id:
                        self.out.append(
                            Diagnostic(
                                "KR207",
                                f"unknown rule `{target}`",
                                c.span,
                                suggestion=closest(target, rules_by_id),
                            )
                        )

    def template(self, c: syntax.Message | syntax.Remedy, env: Mapping[str, Binding]) -> None:
        for text in placeholders(c.text):
            root = split_path(text)[0] if is_valid_path(text) else None
            if root is not None and root in env:
                continue
            if root is None or not _field_path_ok(text):
                paths = [p for p, _ in walk()]
                self.out.append(
                    Diagnostic(
                        "KR309",
                        f"`{{{text}}}` is not a field of the record format or a `let` of this rule",
                        _placeholder_span(c, text),
                        suggestion=closest(text, paths),
                    )
                )

    def record(self, raw: object, node: object, what: str) -> bool:
        try:
            validate(raw, strict=True)
        except RecordError as error:
            for issue in error.issues:
                self.out.append(
                    Diagnostic(
                        "KR401",
                        f"{what}: `{getattr(issue, 'path', '') or '(record)'}`: "
                        f"{getattr(issue, 'message', issue)}",
                        getattr(node, "span", None),
                    )
                )
            return False
        return True

    def example(
        self, example: syntax.Example, rules_by_id: Mapping[str, list[syntax.Rule]]
    ) -> None:
        if example.base is not None and example.base not in self.symbols.bases:
            self.out.append(
                Diagnostic(
                    "KR404",
                    f"unknown base record `{example.base}`",
                    example.span,
                    suggestion=closest(example.base, self.symbols.bases),
                )
            )
            return
        if example.base is None and example.record is None:
            self.out.append(
                Diagnostic(
                    "KR403",
                    f'example "{example.title}" has no record',
                    example.span,
                    help="add `record { … }` or `from base` with a `patch { … }`",
                )
            )
            return
        if example.base is None and example.patch is not None:
            self.out.append(Diagnostic("KR403", "`patch` needs `from base_name`", example.span))
        if not example.expects:
            self.out.append(
                Diagnostic(
                    "KR403",
                    f'example "{example.title}" expects nothing',
                    example.span,
                    help="add `expect RULE-ID outcome`",
                )
            )
        raw = example_record(example, self.symbols)
        self.record(raw, example, f'example "{example.title}"')
        for expect in example.expects:
            if expect.rule_id not in rules_by_id:
                self.out.append(
                    Diagnostic(
                        "KR207",
                        f"unknown rule `{expect.rule_id}`",
                        expect.span,
                        suggestion=closest(expect.rule_id, rules_by_id),
                    )
                )


def _name(kind: type) -> str:
    return {syntax.SeverityClause: "severity", syntax.Applies: "applies when"}.get(
        kind, kind.__name__.lower()
    )


def _windows(rules_by_id: Mapping[str, list[syntax.Rule]]) -> list[Diagnostic]:
    out = []
    for rule_id, versions in rules_by_id.items():
        dated = []
        for rule in versions:
            effective = clause(rule, syntax.Effective)
            if isinstance(effective, syntax.Effective):
                dated.append((effective.start, effective.end, rule))
        dated.sort(key=lambda item: item[0])
        for (s1, e1, r1), (s2, e2, r2) in itertools.pairwise(dated):
            if (s1, e1) == (s2, e2):
                out.append(
                    Diagnostic(
                        "KR301",
                        f"rule `{rule_id}` is declared twice with the same "
                        f"in-force window (first at {r1.span})",
                        r2.span,
                    )
                )
            elif e1 is None or s2 < e1:
                out.append(
                    Diagnostic(
                        "KR302",
                        f"versions of `{rule_id}` overlap: one in force "
                        f"from {s1} until {e1 or 'further notice'}, the next from "
                        f"{s2} (first at {r1.span})",
                        r2.span,
                        help="give the earlier version `until` the later one's start date",
                    )
                )
    return out


def _override_cycles(rules_by_id: Mapping[str, list[syntax.Rule]]) -> list[Diagnostic]:
    graph: dict[str, set[str]] = defaultdict(set)
    spans = {}
    for rule_id, versions in rules_by_id.items():
        for rule in versions:
            c = clause(rule, syntax.Overrides)
            if isinstance(c, syntax.Overrides):
                graph[rule_id].update(t for t in c.rule_ids if t != rule_id)
                spans[rule_id] = c.span
    out = []
    reported: set[frozenset[str]] = set()

    def visit(node: str, stack: list[str]) -> None:
        for target in graph.get(node, ()):
            if target in stack:
                cycle = [*stack[stack.index(target) :], target]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    out.append(
                        Diagnostic(
                            "KR208",
                            "rules override each other in a cycle: " + " → ".join(cycle),
                            spans.get(node),
                        )
                    )
            else:
                visit(target, [*stack, target])

    for node in list(graph):
        visit(node, [node])
    return out


_RULE_ID = re.compile(r"[A-Z]{2,3}(-[A-Z0-9][A-Z0-9.]*){2,}\Z")


def _scheme_id(rule_id: str) -> str | None:
    """The id in upper case, when that is all it lacks."""
    upper = rule_id.upper()
    return upper if upper != rule_id and _RULE_ID.match(upper) else None


def _placeholder_span(c: syntax.Message | syntax.Remedy, text: str) -> Span | None:
    """Where ``{text}`` sits inside the string literal (strings stay on one line)."""
    at = c.text.find("{" + text + "}")
    if c.span is None or at < 0:
        return c.span
    # The column in the source: the quote, then the prefix as written (escapes included).
    start = c.span.column + len(json.dumps(c.text[:at], ensure_ascii=False)) - 1
    return Span(c.span.path, c.span.line, start, c.span.line, start + len(text) + 2)


def _examples(loaded: Loaded, rules_by_id: Mapping[str, list[syntax.Rule]]) -> list[Diagnostic]:
    """KR405: every rule needs a violating and a compliant (pass) example."""
    expected: dict[str, set[str]] = defaultdict(set)
    for module in loaded.modules.values():
        for item in module.items:
            if isinstance(item, syntax.Example):
                for expect in item.expects:
                    expected[expect.rule_id].add(expect.outcome)
    out = []
    for rule_id, versions in rules_by_id.items():
        lacking = [
            word
            for outcome, word in (("violation", "violating"), ("pass", "compliant (pass)"))
            if outcome not in expected[rule_id]
        ]
        if lacking:
            out.append(
                Diagnostic(
                    "KR405",
                    f"rule `{rule_id}` has no {' and no '.join(lacking)} example",
                    versions[0].span,
                    severity=Severity.WARNING,
                    help='add `example "…" { from … patch {…} expect '
                    f"{rule_id} violation }}` (and one expecting `pass`)",
                )
            )
    return out


def check(loaded: Loaded) -> Checked:
    """Check every loaded file and the rule set as a whole."""
    diagnostics = list(loaded.diagnostics)
    symbols: dict[str, Symbols] = {}
    rules_by_id: dict[str, list[syntax.Rule]] = defaultdict(list)
    codes: dict[str, str] = {}
    for path, module in loaded.modules.items():
        table, problems = build(loaded, path)
        symbols[path] = table
        diagnostics.extend(problems)
        for item in module.items:
            if isinstance(item, syntax.Rule):
                rules_by_id[item.rule_id].append(item)
            if isinstance(item, syntax.Jurisdiction):
                if item.code in codes and codes[item.code] != path:
                    diagnostics.append(
                        Diagnostic(
                            "KR306",
                            f"jurisdiction `{item.code}` is "
                            f"declared again (first in {codes[item.code]})",
                            item.span,
                        )
                    )
                codes.setdefault(item.code, path)
    for path, module in loaded.modules.items():
        checker = _FileChecker(loaded, path, symbols[path])
        checker.run(module, rules_by_id)
        diagnostics.extend(checker.out)
    diagnostics.extend(_windows(rules_by_id))
    diagnostics.extend(_override_cycles(rules_by_id))
    # Completeness comes once the pack compiles: missing examples are not news beside errors.
    if not any(d.severity is Severity.ERROR for d in diagnostics):
        diagnostics.extend(_examples(loaded, rules_by_id))
    unique = list(dict.fromkeys(diagnostics))
    unique.sort(key=lambda d: (d.span.path, d.span.line, d.span.column) if d.span else ("", 0, 0))
    return Checked(loaded, symbols, tuple(unique))


__all__ = ["Checked", "check", "clause", "closure", "example_record", "merge_patch"]
