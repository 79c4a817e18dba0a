"""What rule files compile to: jurisdictions, dated rule versions and worked examples.

Plain data (frozen attrs classes) that the engine evaluates and the pack cache stores; it does
not depend on the rule language's parser or checker, so running compiled rules never loads them.
"""

from __future__ import annotations

import datetime as dt

import attrs

from kolrules import ir
from kolrules.diagnostics import Diagnostic
from kolrules.findings import Citation


@attrs.frozen
class CompiledPresumption:
    """A default for an absent fact: the path and value, the condition, and its ground."""

    path: tuple[str, ...]
    value: object = attrs.field(eq=False)
    when: ir.Node | None
    reason: str
    citations: tuple[Citation, ...]
    source: str  # "path:line", or who supplied it ("--assume")
    #: For built-in defaults only: take the value from this field of the record (a list field
    #: gets a one-element list), instead of ``value``.
    value_from: tuple[str, ...] = ()

    @property
    def dotted(self) -> str:
        """The field path: ``audience.countries``."""
        return ".".join(self.path)


@attrs.frozen
class CompiledJurisdiction:
    """A jurisdiction ready to evaluate."""

    code: str
    name: str
    authority: str
    timezone: str
    tzinfo: dt.tzinfo
    scope: ir.Node
    source: str
    presumptions: tuple[CompiledPresumption, ...] = ()


@attrs.frozen
class CompiledRule:
    """One version of one rule, ready to evaluate."""

    rule_id: str
    jurisdiction: str
    title: str
    citations: tuple[Citation, ...]
    severity: str
    start: dt.date
    end: dt.date | None  # first day no longer in force
    confidence: str | None
    notes: tuple[str, ...]
    lets: tuple[tuple[str, ir.Node], ...]
    scope: ir.Node  # the rule's own scope; the jurisdiction's is evaluated separately
    requirement: ir.Node
    message: str
    remedy: str | None
    overrides: tuple[str, ...]
    source: str  # "path:line"
    #: The kinds of duty the rule encodes (``kolrules.obligations``), for maps and transplants.
    obligations: tuple[str, ...] = ()

    def in_force(self, day: dt.date) -> bool:
        """Whether this version is in force on ``day``."""
        return self.start <= day and (self.end is None or day < self.end)


@attrs.frozen
class Expectation:
    """An example's expected outcome for one rule."""

    rule_id: str
    outcome: str
    missing: tuple[str, ...] | None
    source: str


@attrs.frozen
class CompiledExample:
    """A worked example: a record, an optional date, and what the rules should say."""

    title: str
    record: object = attrs.field(eq=False)
    as_of: dt.date | None
    expects: tuple[Expectation, ...]
    source: str


@attrs.frozen
class Program:
    """Everything compiled from a set of rule files."""

    jurisdictions: dict[str, CompiledJurisdiction]
    rules: tuple[CompiledRule, ...]
    examples: tuple[CompiledExample, ...]
    warnings: tuple[Diagnostic, ...]
