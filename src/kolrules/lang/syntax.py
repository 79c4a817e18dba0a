"""The syntax tree of rule files: frozen attrs classes with tuple children.

Every node carries a ``span`` that is excluded from equality, so two parses of equivalent text
compare equal. Behaviour lives in passes (checker, compiler, formatter), never on nodes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from kolrules.source import Span
from kolrules.timeutil import Duration

_span = attrs.field(default=None, eq=False, repr=False, kw_only=True)
# Whether the author wrote the expression in parentheses: kept by ``fmt``, ignored by equality.
_parens = attrs.field(default=False, eq=False, repr=False, kw_only=True)

# ---- expressions ------------------------------------------------------------------------------


@attrs.frozen
class Name:
    """A bare name: a top-level record field, a bound variable, a const, a let or a define."""

    name: str
    span: Span | None = _span
    parens: bool = _parens


@attrs.frozen
class Attr:
    """``obj.name``: a field of an object."""

    obj: Expr
    name: str
    span: Span | None = _span
    parens: bool = _parens


@attrs.frozen
class Index:
    """``obj[n]``: an element of a list, counted from 0."""

    obj: Expr
    index: int
    span: Span | None = _span
    parens: bool = _parens


@attrs.frozen
class Call:
    """``func(args…)``: a built-in predicate or a define with parameters."""

    func: str
    args: tuple[Expr, ...]
    span: Span | None = _span
    parens: bool = _parens


LiteralValue = str | float | int | bool | dt.date | dt.datetime | Duration


@attrs.frozen
class Literal:
    """A string, number, date, datetime, duration or boolean written in the rule."""

    value: LiteralValue
    span: Span | None = _span
    parens: bool = _parens


@attrs.frozen
class SetLiteral:
    """``{a, b, …}``: a set of values."""

    items: tuple[Expr, ...]
    span: Span | None = _span
    parens: bool = _parens


@attrs.frozen
class Compare:
    """``left op right`` with op one of ``== != < <= > >=``."""

    op: str
    left: Expr
    right: Expr
    span: Span | None = _span
    parens: bool = _parens


@attrs.frozen
class Member:
    """``item in collection`` (or ``not in`` when negated)."""

    item: Expr
    collection: Expr
    negated: bool = False
    span: Span | None = _span
    parens: bool = _parens


@attrs.frozen
class Contains:
    """``collection contains item``."""

    collection: Expr
    item: Expr
    span: Span | None = _span
    parens: bool = _parens


@attrs.frozen
class Matches:
    """``text matches vocabulary``: a label of the vocabulary occurs in the text."""

    subject: Expr
    vocabulary: Expr
    span: Span | None = _span
    parens: bool = _parens


@attrs.frozen
class Within:
    """``subject within duration before|after anchor``."""

    subject: Expr
    duration: Expr
    direction: str
    anchor: Expr
    span: Span | None = _span
    parens: bool = _parens


@attrs.frozen
class Exists:
    """``exists operand``: the value is present (for ``first(…)`` results)."""

    operand: Expr
    span: Span | None = _span
    parens: bool = _parens


@attrs.frozen
class Arith:
    """``left + right`` or ``left - right`` (numbers, or a date and a duration)."""

    op: str
    left: Expr
    right: Expr
    span: Span | None = _span
    parens: bool = _parens


@attrs.frozen
class Not:
    """``not operand``."""

    operand: Expr
    span: Span | None = _span
    parens: bool = _parens


@attrs.frozen
class And:
    """``a and b and …``."""

    operands: tuple[Expr, ...]
    span: Span | None = _span
    parens: bool = _parens


@attrs.frozen
class Or:
    """``a or b or …``."""

    operands: tuple[Expr, ...]
    span: Span | None = _span
    parens: bool = _parens


@attrs.frozen
class Quantified:
    """``any|all|none var in collection [where filter]: body``."""

    quantifier: str
    var: str
    collection: Expr
    where: Expr | None
    body: Expr
    span: Span | None = _span
    parens: bool = _parens


@attrs.frozen
class Count:
    """``count(var in collection [where filter])``."""

    var: str
    collection: Expr
    where: Expr | None
    span: Span | None = _span
    parens: bool = _parens


@attrs.frozen
class First:
    """``first(var in collection [where filter])``: the first such element, or nothing."""

    var: str
    collection: Expr
    where: Expr | None
    span: Span | None = _span
    parens: bool = _parens


Expr = (
    Name
    | Attr
    | Index
    | Call
    | Literal
    | SetLiteral
    | Compare
    | Member
    | Contains
    | Matches
    | Within
    | Exists
    | Arith
    | Not
    | And
    | Or
    | Quantified
    | Count
    | First
)

# ---- rule clauses -----------------------------------------------------------------------------


@attrs.frozen
class Title:
    """``title "…"``."""

    text: str
    span: Span | None = _span


@attrs.frozen
class Obligation:
    """``obligation disclosure.label[, …]``: the kinds of duty the rule encodes, named from the
    shared vocabulary (``kolrules.obligations``) so that rules of different packs line up."""

    tags: tuple[str, ...]
    span: Span | None = _span
    #: Where each tag is written, for diagnostics on one tag.
    spans: tuple[Span | None, ...] = attrs.field(default=(), eq=False, repr=False, kw_only=True)


@attrs.frozen
class Cite:
    """``cite "instrument" [article "…"] [url "…"]``, or ``cite NAME art "…"`` naming a
    ``source`` (then ``source`` is its name and ``text`` is empty)."""

    text: str
    article: str | None = None
    url: str | None = None
    source: str | None = None
    span: Span | None = _span


@attrs.frozen
class SeverityClause:
    """``severity error|warning|info``."""

    level: str
    span: Span | None = _span


@attrs.frozen
class Effective:
    """``effective from DATE [until DATE]``; ``until`` is the first day it no longer applies."""

    start: dt.date
    end: dt.date | None
    span: Span | None = _span


@attrs.frozen
class Confidence:
    """``confidence "…"``: why a point of law is uncertain."""

    text: str
    span: Span | None = _span


@attrs.frozen
class Applies:
    """``applies when expr [unless expr]``."""

    when: Expr
    unless: Expr | None
    span: Span | None = _span


@attrs.frozen
class Requires:
    """``requires expr``."""

    expr: Expr
    span: Span | None = _span


@attrs.frozen
class Message:
    """``message "…"`` with ``{field}`` placeholders."""

    text: str
    span: Span | None = _span


@attrs.frozen
class Remedy:
    """``remedy "…"`` with ``{field}`` placeholders."""

    text: str
    span: Span | None = _span


@attrs.frozen
class Note:
    """``note "…"``: information shown with the finding (e.g. a penalty range)."""

    text: str
    span: Span | None = _span


@attrs.frozen
class Overrides:
    """``overrides ID, …``: this rule takes precedence over those where it applies."""

    rule_ids: tuple[str, ...]
    span: Span | None = _span


@attrs.frozen
class Let:
    """``let name = expr``: a named value inside one rule."""

    name: str
    value: Expr
    span: Span | None = _span


@attrs.frozen
class Revision:
    """``revision from DATE [until DATE] { clauses }``: a later version of the rule.

    It is in force from ``start`` (the version before ends there) and states only what changed:
    each kind of clause it gives (every ``cite``, every ``note``, the ``requires`` …) replaces
    that kind in the version before; the rest is inherited.
    """

    start: dt.date
    end: dt.date | None
    clauses: tuple[Clause, ...]
    span: Span | None = _span


Clause = (
    Title
    | Obligation
    | Cite
    | SeverityClause
    | Effective
    | Confidence
    | Applies
    | Requires
    | Message
    | Remedy
    | Note
    | Overrides
    | Let
    | Revision
)

# ---- declarations -----------------------------------------------------------------------------


@attrs.frozen
class Jurisdiction:
    """``jurisdiction CODE { name … authority … timezone … scope … }``."""

    code: str
    name: str | None
    authority: str | None
    timezone: str | None
    scope: Expr | None
    span: Span | None = _span
    # Where each clause starts, for tools that keep comments in place (``fmt``).
    lines: tuple[tuple[str, int], ...] = attrs.field(default=(), eq=False, repr=False, kw_only=True)


@attrs.frozen
class Import:
    """``import "path"``, relative to the importing file."""

    path: str
    span: Span | None = _span


@attrs.frozen
class LabelClass:
    """One class of a vocabulary, e.g. ``accepted: "#ad", "sponsored"``."""

    name: str
    labels: tuple[str, ...]
    span: Span | None = _span


@attrs.frozen
class Labels:
    """``labels name { class: "…", … }``: a label vocabulary."""

    name: str
    classes: tuple[LabelClass, ...]
    span: Span | None = _span


@attrs.frozen
class Const:
    """``const name = expr``."""

    name: str
    value: Expr
    span: Span | None = _span


@attrs.frozen
class Define:
    """``define name[(params)] = expr``: a reusable predicate."""

    name: str
    params: tuple[str, ...]
    body: Expr
    span: Span | None = _span


@attrs.frozen
class Presume:
    """``presume path = value { when … because "…" cite … }``: a rebuttable default.

    When the record does not give ``path`` (and ``when`` holds), the jurisdiction's rules see
    ``value`` instead of an unknown; every finding that depended on it says so.
    """

    path: tuple[str, ...]
    value: Any = attrs.field(eq=False)
    when: Expr | None
    because: str | None
    cites: tuple[Cite, ...]
    span: Span | None = _span
    # Where each clause starts (``when``, ``because``, ``cite``), for ``fmt``'s comments.
    lines: tuple[tuple[str, int], ...] = attrs.field(default=(), eq=False, repr=False, kw_only=True)

    @property
    def dotted(self) -> str:
        """The field path as written: ``audience.countries``."""
        return ".".join(self.path)


@attrs.frozen
class Source:
    """``source name { title … english … short … url … date … in force from … until … note … }``.

    A legal instrument declared once: its title in the original language and in English, its
    official address, its date and the range it is in force. ``short`` is how findings name it
    (by default the title, with the English title in brackets); ``note`` says what about the
    instrument is unverified or where its text was read.
    """

    name: str
    title: str | None
    english: str | None
    short: str | None
    url: str | None
    date: dt.date | None
    start: dt.date | None
    end: dt.date | None
    span: Span | None = _span
    lines: tuple[tuple[str, int], ...] = attrs.field(default=(), eq=False, repr=False, kw_only=True)
    note: str | None = attrs.field(default=None, kw_only=True)

    @property
    def cited_as(self) -> str:
        """The instrument's name in findings."""
        if self.short is not None:
            return self.short
        title = self.title or self.name
        return f"{title} ({self.english})" if self.english else title


@attrs.frozen
class Rule:
    """``rule ID { clauses }``: one legal obligation (one version of it)."""

    rule_id: str
    clauses: tuple[Clause, ...]
    span: Span | None = _span


@attrs.frozen
class Json:
    """A JSON value written in a rule file, with where it starts."""

    value: Any = attrs.field(eq=False)
    span: Span | None = _span

    def __eq__(self, other: object) -> bool:
        # dict/list values are not hashable; compare by value explicitly.
        return isinstance(other, Json) and self.value == other.value

    def __hash__(self) -> int:
        return hash(repr(self.value))


@attrs.frozen
class Base:
    """``base name { … }``: a named record that examples patch."""

    name: str
    record: Json
    span: Span | None = _span


@attrs.frozen
class Expect:
    """``expect RULE-ID outcome [missing "path", …]``."""

    rule_id: str
    outcome: str
    missing: tuple[str, ...] | None
    span: Span | None = _span


@attrs.frozen
class Example:
    """``example "title" { from … record|patch {…} as of … expect … }``."""

    title: str
    base: str | None
    record: Json | None
    patch: Json | None
    as_of: dt.date | None
    expects: tuple[Expect, ...]
    span: Span | None = _span
    # Where each clause starts (``from``, ``record``, ``patch``, ``as_of``, ``expect``), for
    # ``fmt``'s comments.
    lines: tuple[tuple[str, int], ...] = attrs.field(default=(), eq=False, repr=False, kw_only=True)


Declaration = (
    Jurisdiction | Import | Labels | Const | Define | Presume | Source | Rule | Base | Example
)


@attrs.frozen
class Module:
    """A parsed rule file."""

    path: str
    items: tuple[Declaration, ...]
