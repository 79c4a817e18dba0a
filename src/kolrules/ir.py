"""The compiled form of rule expressions: names resolved, defines inlined, labels precompiled.

The compiler produces these nodes from a checked AST; the evaluator walks them. They carry no
source positions: diagnostics are the checker's job, and it has already run. Hashes are
cached: code generation keys dictionaries by whole subtrees (shared subexpressions), and
rehashing a deep tree at every lookup made a cold start quadratic in rule depth.

Equal subtrees are one object in a compiled program (the compiler and the pack cache's decoder
keep one of each): a define inlined at forty places is one tree, so comparing two subtrees is
an identity test at the first level, and passes that memoize by identity (sharing, evidence)
see each subtree once. ``Const`` compares its value's type too (and its items' types), so
``1`` and ``true`` (equal in Python) never stand for each other.
"""

from __future__ import annotations

import attrs

from kolrules.text import LabelMatcher


def _typed(value: object) -> tuple[type, object]:
    # Inside a set too: {1, 0} and {true, false} are equal in Python and must not merge.
    if isinstance(value, (frozenset, tuple)):
        return type(value), type(value)(_typed(item) for item in value)
    return type(value), value


@attrs.frozen(cache_hash=True)
class Const:
    """A constant value (a literal, a folded const or a set of constants)."""

    value: object = attrs.field(eq=_typed)


@attrs.frozen(cache_hash=True)
class Path:
    """A field read: ``base`` is None for the record, a variable name, or an expression."""

    base: str | Node | None
    steps: tuple[str | int, ...]


@attrs.frozen(cache_hash=True)
class Derived:
    """A fact the engine computes: ``is_sponsored``, ``kol.age_at_publication``."""

    name: str


@attrs.frozen(cache_hash=True)
class LetRef:
    """The value of a ``let`` of the rule being evaluated."""

    name: str


@attrs.frozen(cache_hash=True)
class Not:
    """Kleene negation."""

    operand: Node


@attrs.frozen(cache_hash=True)
class And:
    """Kleene conjunction."""

    operands: tuple[Node, ...]


@attrs.frozen(cache_hash=True)
class Or:
    """Kleene disjunction."""

    operands: tuple[Node, ...]


@attrs.frozen(cache_hash=True)
class Compare:
    """``left op right``."""

    op: str
    left: Node
    right: Node


@attrs.frozen(cache_hash=True)
class Member:
    """``item in collection``; ``collection`` evaluates to a set, list or frozenset."""

    item: Node
    collection: Node
    negated: bool


@attrs.frozen(cache_hash=True)
class SetOf:
    """A set literal whose items are not all constants."""

    items: tuple[Node, ...]


@attrs.frozen(cache_hash=True)
class Contains:
    """``collection contains item``."""

    collection: Node
    item: Node


@attrs.frozen(cache_hash=True)
class Matches:
    """A label of ``matcher`` occurs in the text (or in any text of a list)."""

    subject: Node
    matcher: LabelMatcher
    vocabulary: str  # for evidence: "us_labels.accepted"


@attrs.frozen(cache_hash=True)
class Within:
    """``subject within duration before|after anchor``."""

    subject: Node
    duration: Node
    direction: str
    anchor: Node


@attrs.frozen(cache_hash=True)
class Exists:
    """The value is present (not the result of a ``first`` that found nothing)."""

    operand: Node


@attrs.frozen(cache_hash=True)
class Arith:
    """``left + right`` or ``left - right``."""

    op: str
    left: Node
    right: Node


@attrs.frozen(cache_hash=True)
class Quantified:
    """``any|all|none var in collection [where]: body``."""

    quantifier: str
    var: str
    collection: Node
    where: Node | None
    body: Node


@attrs.frozen(cache_hash=True)
class Count:
    """``count(var in collection [where])``."""

    var: str
    collection: Node
    where: Node | None


@attrs.frozen(cache_hash=True)
class First:
    """``first(var in collection [where])``."""

    var: str
    collection: Node
    where: Node | None


@attrs.frozen(cache_hash=True)
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
