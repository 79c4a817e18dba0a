"""Findings from decisions: messages and remedies rendered for the outcome, citations, evidence,
missing facts and presumptions; and the reports of records whose checking failed."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from kolrules.evidence import Compiled, collect, compile_paths, fact_paths
from kolrules.findings import Finding, Issue, Outcome, Presumed, Report
from kolrules.presumptions import PLATFORM_DEFAULT
from kolrules.program import CompiledRule
from kolrules.runtime.derived import DERIVED
from kolrules.template import Part, compile_template, placeholders, render_compiled
from kolrules.values import NOTHING, Context, Elem, Unknown


@attrs.frozen
class _Prepared:
    """What a rule's findings need beyond the rule: its fact paths, whether templates use lets."""

    facts: Compiled
    templates_use_lets: bool
    message: tuple[Part, ...]
    remedy: tuple[Part, ...]


def _text(value: object) -> str:
    if value is None or isinstance(value, Unknown):
        return "not given"
    if value is NOTHING:
        return "none"
    if isinstance(value, Elem):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value) if value else "none"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _message(rule: CompiledRule, outcome: str, missing: tuple[str, ...], violation: Any) -> str:
    """A finding's message, written for its outcome (format 1.1 "Messages"): only a violation
    states what is wrong with the record; the others never assert what the record lacks."""
    if outcome == "violation":
        return str(violation())
    if outcome == "undetermined":
        facts = ", ".join(f"`{m}`" for m in missing) or "more facts"
        return f"not decided: the record does not give {facts}, which this rule needs"
    if outcome == "pass":
        return f"met: {_sentence_inside(rule.title)}"
    return "does not apply to this record"


def _sentence_inside(title: str) -> str:
    """The title lower-cased at its start to follow "met: ", unless its first word is an
    acronym or a name ("AI-generated", "FTC", "iPhone"): those keep their letters."""
    first = title.split(" ", 1)[0]
    if len(first) > 1 and not first[1:2].islower():
        return title
    return title[:1].lower() + title[1:]


def default_warnings(findings: Iterable[Finding]) -> tuple[Issue, ...]:
    """One warning per built-in platform default an outcome rested on (format 1.1: a default
    caption fold is used "with a warning that a default was used")."""
    used = {
        (p.path, json.dumps(p.value, default=str)): p
        for f in findings
        for p in f.presumed
        if p.by == PLATFORM_DEFAULT
    }
    return tuple(
        Issue(p.path, f"not given; rules used {p.reason}", "KR514", is_error=False)
        for p in used.values()
    )


def record_error(record_id: str | None, line: int | None, error: Exception) -> Report:
    """The ``invalid`` report (KR902) of a record whose checking raised: a bug, kept local."""
    text = f"{type(error).__name__}: {error}"[:200]
    issue = Issue("", f"internal error while checking this record ({text})", "KR902")
    return Report(record_id, line, "invalid", None, (), errors=(issue,))


class Explainer:
    """Builds findings; keeps what each rule's findings need, prepared once per rule."""

    def __init__(self) -> None:
        self._prepared_rules: dict[int, _Prepared] = {}

    def finding(
        self,
        rule: CompiledRule,
        lets: Callable[[], dict[str, object]],
        ctx: Context,
        outcome: Outcome,
        missing: tuple[str, ...],
        overridden_by: tuple[str, ...],
        presumed: tuple[Presumed, ...] = (),
    ) -> Finding:
        """The finding of ``rule`` with ``outcome`` for the record of ``ctx``; ``lets()`` gives
        the rule's lets, which messages may name (called only when they do)."""
        prepared = self._prepared(rule)
        if prepared.templates_use_lets:
            ctx.lets = lets()
        lookup = lambda steps: _text(self._lookup(steps, ctx))  # noqa: E731
        message = _message(
            rule, outcome, missing, lambda: render_compiled(prepared.message, lookup)
        )
        return Finding(
            rule_id=rule.rule_id,
            jurisdiction=rule.jurisdiction,
            outcome=outcome,
            severity=rule.severity,
            title=rule.title,
            message=message,
            remedy=render_compiled(prepared.remedy, lookup) if rule.remedy else None,
            citations=rule.citations,
            evidence=collect(prepared.facts, ctx) if outcome != Outcome.NOT_APPLICABLE else (),
            missing=missing,
            rule_source=rule.source,
            confidence=rule.confidence,
            notes=rule.notes,
            overridden_by=overridden_by,
            presumed=presumed,
        )

    def _prepared(self, rule: CompiledRule) -> _Prepared:
        found = self._prepared_rules.get(id(rule))
        if found is None:
            lets = {name for name, _ in rule.lets}
            used = {
                p.split(".")[0].split("[")[0]
                for p in placeholders(rule.message) + placeholders(rule.remedy or "")
            }
            nodes = [rule.scope, rule.requirement, *(node for _, node in rule.lets)]
            found = _Prepared(
                compile_paths(fact_paths(nodes)),
                bool(lets & used),
                compile_template(rule.message),
                compile_template(rule.remedy or ""),
            )
            self._prepared_rules[id(rule)] = found
        return found

    @staticmethod
    def _lookup(steps: tuple[str | int, ...], ctx: Context) -> object:
        if not steps:
            return None
        value: Any
        first = steps[0]
        if isinstance(first, str) and first in ctx.lets:
            value, rest = ctx.lets[first], steps[1:]
            if isinstance(value, Elem):
                value = value.value
        else:
            dotted = ".".join(str(s) for s in steps)
            if dotted in DERIVED:
                return DERIVED[dotted](ctx)
            value, rest = ctx.data, steps
        for step in rest:
            if isinstance(step, int):
                value = value[step] if isinstance(value, list) and step < len(value) else None
            else:
                value = value.get(step) if isinstance(value, dict) else None
            if value is None:
                return None
        return value

    @staticmethod
    def rule_error(rule: CompiledRule, error: Exception) -> Finding:
        """The ``undetermined`` finding (KR901) of a rule whose evaluation raised: a bug."""
        return Finding(
            rule_id=rule.rule_id,
            jurisdiction=rule.jurisdiction,
            outcome=Outcome.UNDETERMINED,
            severity=rule.severity,
            title=rule.title,
            message=f"internal error [KR901] while evaluating this rule: "
            f"{type(error).__name__}: {error}; please report it",
            remedy=None,
            citations=rule.citations,
            evidence=(),
            missing=(),
            rule_source=rule.source,
            confidence=rule.confidence,
            notes=("KR901",),
        )
