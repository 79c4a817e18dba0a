"""Policy analysis: what changes between two versions of the law, on a corpus of records.

``compare`` judges every record twice (a *side* is a set of rules and a date to take the law
at) and counts, per rule, the records whose outcome moved from one value to another: the
question a drafting committee asks ("which posts that are fine today become violations on
1 January?"). A side can also *transplant* another jurisdiction's rule: the rule is copied,
unchanged, into the receiving jurisdiction, whose scope and time zone then apply.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from kolrules import ir
from kolrules.diagnostics import closest
from kolrules.engine import Engine
from kolrules.errors import RecordError, UsageError
from kolrules.findings import Citation
from kolrules.inputs import Input
from kolrules.obligations import OBLIGATIONS
from kolrules.program import CompiledRule

#: The outcome name for a rule that has no version in force on the record's date.
NOT_IN_FORCE = "not_in_force"
#: The outcome name for a rule that one side does not have at all (a transplanted rule).
ABSENT = "absent"

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@attrs.frozen
class Side:
    """One side of a comparison: an engine, the date the law is taken at (None: each record's
    own date), and how the user wrote it."""

    engine: Engine = attrs.field(repr=False)
    as_of: dt.date | None
    label: str


@attrs.frozen
class Transition:
    """Records whose outcome for one rule moved from ``before`` to ``after``."""

    rule_id: str
    before: str
    after: str
    records: tuple[str, ...]
    citations_before: tuple[Citation, ...]
    citations_after: tuple[Citation, ...]

    def to_json(self) -> dict[str, Any]:
        """A JSON object for ``--format json``."""
        return {
            "rule_id": self.rule_id,
            "from": self.before,
            "to": self.after,
            "count": len(self.records),
            "records": list(self.records),
            "citations_before": [c.to_dict() for c in self.citations_before],
            "citations_after": [c.to_dict() for c in self.citations_after],
        }


@attrs.frozen
class Comparison:
    """The result of ``compare``: the sides, how many records, and every transition."""

    before: str
    after: str
    records: int
    invalid: tuple[str, ...]
    transitions: tuple[Transition, ...]

    def to_json(self) -> dict[str, Any]:
        """``{"before", "after", "records", "invalid", "transitions"}``."""
        return {
            "before": self.before,
            "after": self.after,
            "records": self.records,
            "invalid": list(self.invalid),
            "transitions": [t.to_json() for t in self.transitions],
        }


def transplant(engine: Engine, into: str, rule_ids: Iterable[str]) -> Engine:
    """``engine`` with copies of other jurisdictions' rules re-scoped to ``into``.

    Each name is a rule id, a prefix of ids (``CN-HOSTCODE-13`` takes the four HostCode
    qualification rules), or ``CODE:OBLIGATION`` for every rule of jurisdiction ``CODE`` tagged
    with that obligation (``CN:endorser.qualification``); every version is copied. A copy's id
    is ``INTO~ORIGINAL-ID`` so its findings never pass for the receiving jurisdiction's own law.
    """
    program = engine.program
    if into not in program.jurisdictions:
        known = ", ".join(sorted(program.jurisdictions))
        raise UsageError(f"unknown jurisdiction {into}; available: {known}")
    copies: dict[tuple[str, dt.date], CompiledRule] = {}
    for name in rule_ids:
        chosen = _chosen(program.rules, program.jurisdictions, name, into)
        for rule in chosen:
            if rule.jurisdiction != into:
                copy = attrs.evolve(
                    rule, rule_id=f"{into}~{rule.rule_id}", jurisdiction=into, overrides=()
                )
                copies.setdefault((copy.rule_id, copy.start), copy)
    grown = attrs.evolve(program, rules=program.rules + tuple(copies.values()))
    return Engine.from_program(
        grown,
        jurisdictions=engine.selected,
        presumptions=engine.presumptions,
        assume={a.dotted: a.value for a in engine.assumed},
    )


def _chosen(
    rules: tuple[CompiledRule, ...], jurisdictions: Mapping[str, object], name: str, into: str
) -> list[CompiledRule]:
    """The rule versions one transplant name stands for (a clear error when none)."""
    code, colon, tag = name.partition(":")
    if not colon:
        chosen = [r for r in rules if r.rule_id == name or r.rule_id.startswith(name)]
        if not chosen:
            raise UsageError(f"no rule matches {name!r} to transplant into {into}")
        return chosen
    code = code.strip().upper()
    if code not in jurisdictions:
        known = ", ".join(sorted(jurisdictions))
        raise UsageError(f"{name!r}: unknown jurisdiction {code}; available: {known}")
    if tag not in OBLIGATIONS:
        guess = closest(tag, OBLIGATIONS)
        hint = f"; did you mean {guess}?" if guess else " (see docs/language.md, \"Obligations\")"
        raise UsageError(f"{name!r}: unknown obligation {tag!r}{hint}")
    chosen = [r for r in rules if r.jurisdiction == code and tag in r.obligations]
    if not chosen:
        raise UsageError(f"{name!r}: {code} has no rule with the obligation {tag}")
    return chosen


def side(spec: str, *, base: Engine | None = None) -> Side:
    """A side from its command-line form.

    - ``2026-01-01``: the bundled packs (or ``base``), law taken on that date;
    - ``path/to/rules`` (a folder or ``.kol`` file), optionally ``@2026-01-01``;
    - ``VN``: one jurisdiction; ``VN+CN-HOSTCODE-13,CN-ADLAW-38``: VN with those rules of
      other jurisdictions transplanted into it; ``VN+CN:endorser.qualification``: with every
      Chinese rule tagged with that obligation; either may end with ``@DATE``.
    """
    text, _, day = spec.partition("@")
    as_of = _date(day, spec) if day else None
    if _DATE.fullmatch(text):
        return Side(base or Engine.bundled(), _date(text, spec), spec)
    if Path(text).exists():
        return Side(Engine.from_paths([text]), as_of, spec)
    code, plus, borrowed = text.partition("+")
    engine = base or Engine.bundled()
    if not re.fullmatch(r"[A-Z]{2,3}", code.strip().upper()):
        raise UsageError(
            f"{spec!r}: expected a date, a rules folder or file, or a jurisdiction code "
            "(optionally +RULE-IDS or +CODE:OBLIGATION, and @DATE)"
        )
    code = code.strip().upper()
    engine = _only(engine, code)
    if plus:
        engine = transplant(engine, code, [n.strip() for n in borrowed.split(",") if n.strip()])
    return Side(engine, as_of, spec)


def _only(engine: Engine, code: str) -> Engine:
    return Engine.from_program(
        engine.program,
        jurisdictions=[code],
        presumptions=engine.presumptions,
        assume={a.dotted: a.value for a in engine.assumed},
    )


def _date(text: str, spec: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{spec!r}: {text!r} is not a date (YYYY-MM-DD)") from None


def _outcomes(side: Side, record: Mapping[str, Any]) -> dict[str, str]:
    return side.engine.outcomes(record, as_of=side.as_of, include_pass=True)


def compare(records: Iterable[object], before: Side, after: Side) -> Comparison:
    """Judge every record on both sides; group the records per rule and transition.

    Items are records (dicts) or ``Input`` items from a file; one that cannot be read or is not
    a valid record is listed under ``invalid`` (by id, else by line), never dropped.
    """
    moved: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    invalid: list[str] = []
    count = 0
    for position, item in enumerate(records, start=1):
        count += 1
        place = f"line {item.line}" if isinstance(item, Input) else f"#{position}"
        if isinstance(item, Input) and item.error is not None:
            invalid.append(place)
            continue
        record = item.value if isinstance(item, Input) else item
        given = record.get("id") if isinstance(record, Mapping) else None
        name = str(given) if given else place
        if not isinstance(record, Mapping):
            invalid.append(name)
            continue
        try:
            old, new = _outcomes(before, record), _outcomes(after, record)
        except RecordError:
            invalid.append(name)
            continue
        for rule_id in sorted(set(old) | set(new)):
            was = old.get(rule_id, _missing(before, rule_id))
            now = new.get(rule_id, _missing(after, rule_id))
            if was != now:
                moved[(rule_id, was, now)].append(name)
    transitions = tuple(
        Transition(
            rule_id,
            was,
            now,
            tuple(names),
            _citations(before.engine, rule_id, before.as_of),
            _citations(after.engine, rule_id, after.as_of),
        )
        for (rule_id, was, now), names in sorted(moved.items(), key=_weight)
    )
    return Comparison(before.label, after.label, count, tuple(invalid), transitions)


def _weight(item: tuple[tuple[str, str, str], list[str]]) -> tuple[int, int, tuple[str, ...]]:
    """Changes that create or remove violations first, then by how many records moved."""
    (rule_id, was, now), names = item
    return (0 if "violation" in (was, now) else 1, -len(names), (rule_id, was, now))


def _missing(side: Side, rule_id: str) -> str:
    return NOT_IN_FORCE if side.engine.versions(rule_id) else ABSENT


def _citations(engine: Engine, rule_id: str, as_of: dt.date | None) -> tuple[Citation, ...]:
    versions = engine.versions(rule_id)
    if not versions:
        return ()
    if as_of is not None:
        in_force = [v for v in versions if v.in_force(as_of)]
        if in_force:
            return in_force[-1].citations
    return versions[-1].citations


def comparison_text(result: Comparison, *, show: int = 5) -> str:
    """The comparison for a person: one block per rule, its transitions with record ids."""
    lines = [
        f"{result.records} records; before: {result.before}; after: {result.after}",
    ]
    if result.invalid:
        skipped = ", ".join(result.invalid[:show])
        lines.append(f"{len(result.invalid)} invalid records skipped: {skipped}")
    if not result.transitions:
        lines.append("no outcome changed")
        return "\n".join(lines) + "\n"
    by_rule: dict[str, list[Transition]] = defaultdict(list)
    for transition in result.transitions:
        by_rule[transition.rule_id].append(transition)
    for rule_id, items in by_rule.items():
        lines.append("")
        lines.append(rule_id)
        for t in items:
            names = ", ".join(t.records[:show]) + (", …" if len(t.records) > show else "")
            lines.append(f"  {t.before} → {t.after}: {len(t.records)} ({names})")
        cited = items[0].citations_after or items[0].citations_before
        for citation in cited:
            url = f" <{citation.url}>" if citation.url else ""
            lines.append(f"  cite: {citation.text}{url}")
    return "\n".join(lines) + "\n"


__all__ = [
    "ABSENT",
    "NOT_IN_FORCE",
    "Comparison",
    "Difference",
    "Side",
    "Transition",
    "compare",
    "comparison_text",
    "diff",
    "side",
    "transplant",
]


@attrs.frozen
class Difference:
    """The answer of ``diff``: equivalent, a record on which the rules differ, or none found."""

    first: str
    second: str
    verdict: str  # "equivalent", "different" or "none found"
    record: Mapping[str, Any] | None = None
    outcomes: tuple[str, str] | None = None
    budget: int = 0

    def to_json(self) -> dict[str, Any]:
        """``{"first", "second", "verdict", "record", "outcomes", "budget"}``."""
        return {
            "first": self.first,
            "second": self.second,
            "verdict": self.verdict,
            "record": self.record,
            "outcomes": list(self.outcomes) if self.outcomes else None,
            "budget": self.budget,
        }


def _version(engine: Engine, spec: str) -> CompiledRule:
    rule_id, _, day = spec.partition("@")
    versions = engine.versions(rule_id)
    if not versions:
        raise UsageError(f"no rule {rule_id}")
    if not day:
        return versions[-1]
    when = _date(day, spec)
    found = [v for v in versions if v.in_force(when)]
    if not found:
        raise UsageError(f"{rule_id} has no version in force on {when}")
    return found[-1]


def _canonical(node: object) -> object:
    """An IR tree with the operands of ``and``/``or`` in a fixed order (they commute)."""
    if isinstance(node, (ir.And, ir.Or)):
        operands = sorted((_canonical(o) for o in node.operands), key=repr)
        return type(node)(tuple(operands))  # type: ignore[arg-type]
    if attrs.has(type(node)):
        fields = attrs.fields(type(node))  # type: ignore[arg-type]  # attrs class, checked above
        changes = {
            f.name: _canonical(getattr(node, f.name))
            for f in fields
            if attrs.has(type(getattr(node, f.name))) or isinstance(getattr(node, f.name), tuple)
        }
        return attrs.evolve(node, **changes)  # type: ignore[misc]
    if isinstance(node, tuple):
        return tuple(_canonical(n) for n in node)
    return node


def diff(engine: Engine, first: str, second: str, *, budget: int = 500) -> Difference:
    """Whether two rules (``ID`` or ``ID@DATE`` for a version) ever disagree on a record.

    Both are copied, with their conditions unchanged and their dates and jurisdiction scope
    lifted, into one neutral jurisdiction, so only what they require is compared. Equal
    conditions (up to the order of ``and``/``or`` operands) are *equivalent*; otherwise
    Hypothesis searches ``budget`` records built to steer each rule into each outcome and
    shrinks the first disagreement to a small record. Finding none is not a proof.
    """
    a, b = _version(engine, first), _version(engine, second)
    home = engine.program.jurisdictions[a.jurisdiction]
    neutral = attrs.evolve(
        home, code="ZZ", name="comparison", scope=ir.Const(True), presumptions=()
    )
    copies = tuple(
        attrs.evolve(
            rule, rule_id=name, jurisdiction="ZZ", overrides=(), start=dt.date(1900, 1, 1), end=None
        )
        for rule, name in ((a, "ZZ-FIRST"), (b, "ZZ-SECOND"))
    )
    program = attrs.evolve(engine.program, jurisdictions={"ZZ": neutral}, rules=copies, examples=())
    lifted = Engine.from_program(program, presumptions=engine.presumptions)
    same = all(
        _canonical(getattr(a, part)) == _canonical(getattr(b, part))
        for part in ("scope", "requirement", "lets")
    )
    if same:
        return Difference(first, second, "equivalent")
    from kolrules.strategies import find_difference

    record = find_difference(lifted, "ZZ-FIRST", "ZZ-SECOND", budget=budget)
    if record is None:
        return Difference(first, second, "none found", budget=budget)
    found = _pair(lifted, record)
    record = _prune(record, lambda r: _pair(lifted, r) == found)
    got = lifted.outcomes(record, include_pass=True)
    return Difference(
        first,
        second,
        "different",
        record,
        (got.get("ZZ-FIRST", NOT_IN_FORCE), got.get("ZZ-SECOND", NOT_IN_FORCE)),
        budget,
    )


def _pair(engine: Engine, record: Mapping[str, Any]) -> tuple[str, str] | None:
    """The two rules' outcomes on a record (None for an invalid record)."""
    try:
        got = engine.outcomes(record, include_pass=True)
    except RecordError:
        return None
    return got.get("ZZ-FIRST", NOT_IN_FORCE), got.get("ZZ-SECOND", NOT_IN_FORCE)


def _prune(record: dict[str, Any], keep: Any) -> dict[str, Any]:
    """Drop every field whose removal keeps ``keep(record)`` true (``id`` and
    ``published_at`` stay): what is left is what the two outcomes rest on."""
    changed = True
    while changed:
        changed = False
        for path in _paths(record):
            if path[0] in ("id", "published_at"):
                continue
            trial = _without(record, path)
            if keep(trial):
                record, changed = trial, True
                break
    return record


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path and list index of a JSON value, deepest first."""
    out: list[tuple[Any, ...]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*prefix, key))
            out.append((*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _paths(item, (*prefix, index))
            out.append((*prefix, index))
    return out


def _without(value: Any, path: tuple[Any, ...]) -> Any:
    head, *rest = path
    if isinstance(value, dict):
        copy = dict(value)
        if rest:
            copy[head] = _without(copy[head], tuple(rest))
        else:
            copy.pop(head)
        return copy
    copy_list = list(value)
    if rest:
        copy_list[head] = _without(copy_list[head], tuple(rest))
    else:
        copy_list.pop(head)
    return copy_list


def difference_text(result: Difference) -> str:
    """``diff`` for a person."""
    if result.verdict == "equivalent":
        return (
            f"{result.first} and {result.second} are equivalent: their conditions are the same "
            "(up to the order of `and`/`or` operands)\n"
        )
    if result.verdict == "none found":
        return (
            f"no record found on which {result.first} and {result.second} differ in "
            f"{result.budget} tries (not a proof of equivalence)\n"
        )
    assert result.outcomes is not None
    shown = json.dumps(result.record, ensure_ascii=False, indent=2, default=str)
    return (
        f"{result.first}: {result.outcomes[0]}; {result.second}: {result.outcomes[1]} on this "
        f"record:\n{shown}\n"
    )
