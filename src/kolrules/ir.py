"""The compiled form of rule expressions: names resolved, defines inlined, labels precompiled.

The compiler produces these nodes from a checked AST; the evaluator walks them. They carry no
source positions: diagnostics are the checker's job, and it has already run.
"""

from __future__ import annotations

import attrs

from kolrules.text import LabelMatcher


@attrs.frozen
class Const:
    """A constant value (a literal, a folded const or a set of constants)."""

    value: object


@attrs.frozen
class Path:
    """A field read: ``base`` is None for the record, a variable name, or an expression."""

    base: str | Node | None
    steps: tuple[str | int, ...]


@attrs.frozen
class Derived:
    """A fact the engine computes: ``is_sponsored``, ``kol.age_at_publication``."""

    name: str


@attrs.frozen
class LetRef:
    """The value of a ``let`` of the rule being evaluated."""

    name: str


@attrs.frozen
class Not:
    """Kleene negation."""

    operand: Node


@attrs.frozen
class And:
    """Kleene conjunction."""

    operands: tuple[Node, ...]


@attrs.frozen
class Or:
    """Kleene disjunction."""

    operands: tuple[Node, ...]


@attrs.frozen
class Compare:
    """``left op right``."""

    op: str
    left: Node
    right: Node


@attrs.frozen
class Member:
    """``item in collection``; ``collection`` evaluates to a set, list or frozenset."""

    item: Node
    collection: Node
    negated: bool


@attrs.frozen
class SetOf:
    """A set literal whose items are not all constants."""

    items: tuple[Node, ...]


@attrs.frozen
class Contains:
    """``collection contains item``."""

    collection: Node
    item: Node


@attrs.frozen
class Matches:
    """A label of ``matcher`` occurs in the text (or in any text of a list)."""

    subject: Node
    matcher: LabelMatcher
    vocabulary: str  # for evidence: "us_labels.accepted"


@attrs.frozen
class Within:
    """``subject within duration before|after anchor``."""

    subject: Node
    duration: Node
    direction: str
    anchor: Node


@attrs.frozen
class Exists:
    """The value is present (not the result of a ``first`` that found nothing)."""

    operand: Node


@attrs.frozen
class Arith:
    """``left + right`` or ``left - right``."""

    op: str
    left: Node
    right: Node


@attrs.frozen
class Quantified:
    """``any|all|none var in collection [where]: body``."""

    quantifier: str
    var: str
    collection: Node
    where: Node | None
    body: Node


@attrs.frozen
class Count:
    """``count(var in collection [where])``."""

    var: str
    collection: Node
    where: Node | None


@attrs.frozen
class First:
    """``first(var in collection [where])``."""

    var: str
    collection: Node
    where: Node | None


@attrs.frozen
class Builtin:
    """A call of a built-in predicate (see ``kolrules.builtins``)."""

    name: str
    args: tuple[Node, ...]


Node = (
    Const
    | Path
    | Derived
    | LetRef
    | Not
    | And
    | Or
    | Compare
    | Member
    | SetOf
    | Contains
    | Matches
    | Within
    | Exists
    | Arith
    | Quantified
    | Count
    | First
    | Builtin
)
