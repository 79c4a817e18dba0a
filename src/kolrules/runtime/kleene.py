"""The three-valued semantics of every expression form, written once.

Absent facts are *unknown*. ``and``/``or``/``not`` follow Kleene's strong logic (false and
unknown = false; true or unknown = true), and an unknown result carries the set of field paths
whose absence made it unknown, so a finding can name exactly the facts that would decide it.

Each function takes its operands already evaluated (or, where the language short-circuits, as
functions to call). The generated three-valued code (``kolrules.codegen.three_valued``) calls them
directly (``and``/``or`` it writes in line: it computes the operands in order while none decides,
as ``kleene_all``/``kleene_any`` read them, and hands the values read to them);
the tree-walking reference evaluator (``kolrules.evaluate``) calls them after walking the tree.
So the two differ only in how they reach the operands, which is what the differential tests
compare.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from kolrules.runtime.builtins import PREDICATES
from kolrules.runtime.derived import DERIVED
from kolrules.text import LabelMatcher
from kolrules.timeutil import Duration, shift
from kolrules.values import NOTHING, Context, Elem, Unknown, join_path, missing_of

Thunk = Callable[[], object]
Bound = Callable[[object], object]


def truth(value: object) -> object:
    """A value seen as a condition: True, False or an ``Unknown``."""
    if value is True or value is False or isinstance(value, Unknown):
        return value
    return value is not NOTHING and bool(value)


def negate(value: object) -> object:
    """Kleene ``not``."""
    value = truth(value)
    return value if isinstance(value, Unknown) else not value


def _connective(values: Iterable[object], decisive: bool) -> object:
    """Kleene ``and`` (``decisive`` False) or ``or`` (True) over ``values``, read lazily: the
    first decisive value decides; otherwise an unknown one leaves the result unknown, naming
    every missing fact read."""
    missing: frozenset[str] = frozenset()
    for value in values:
        value = truth(value)
        if value is decisive:
            return decisive
        if isinstance(value, Unknown):
            missing |= value.missing
    return Unknown(missing) if missing else not decisive


def kleene_all(values: Iterable[object]) -> object:
    """Kleene ``and`` over ``values``, read lazily: stops at the first false one."""
    return _connective(values, False)


def kleene_any(values: Iterable[object]) -> object:
    """Kleene ``or`` over ``values``, read lazily: stops at the first true one."""
    return _connective(values, True)


def all_of(operands: Sequence[Thunk]) -> object:
    """Kleene ``and`` of operands given as functions (later ones are computed only if needed)."""
    return kleene_all(operand() for operand in operands)


def any_of(operands: Sequence[Thunk]) -> object:
    """Kleene ``or`` of operands given as functions (later ones are computed only if needed)."""
    return kleene_any(operand() for operand in operands)


@functools.lru_cache(maxsize=4096)  # few distinct paths recur on every record
def _label(prefix: str, steps: tuple[str | int, ...]) -> str:
    for step in steps:
        prefix = join_path(prefix, step)
    return prefix


def follow(value: Any, prefix: str, steps: tuple[str | int, ...]) -> object:
    """The value at ``steps`` below ``value`` (found at path ``prefix``): a plain value, an
    ``Elem`` for an object or list, ``NOTHING`` past the end of a list, or ``Unknown``."""
    # Paths are spelled out only when needed: for an absent fact or a list/object value.
    for step in steps:
        if type(step) is int:
            if type(value) is not list or step >= len(value):
                return NOTHING  # the list is known and has no such element
            value = value[step]
        else:
            if type(value) is not dict:
                return NOTHING
            value = value.get(step)
            if value is None:
                # Name the field the rule asked for, not the first absent object on the way:
                # "commercial.product.category", not "commercial.product".
                return Unknown(frozenset((_label(prefix, steps),)))
    if type(value) is dict or type(value) is list:
        return Elem(value, _label(prefix, steps))
    return value


def follow_from(start: object, steps: tuple[str | int, ...]) -> object:
    """``follow`` from a bound variable or computed value; anything but an element (an
    unknown, ``NOTHING``, a scalar) is the answer as it is."""
    if type(start) is not Elem:
        return start
    return follow(start.value, start.path, steps)


def derived(name: str, ctx: Context) -> object:
    """A derived fact of the record, computed once per context."""
    if name not in ctx.derived:
        ctx.derived[name] = DERIVED[name](ctx)
    return ctx.derived[name]


def coerce(ctx: Context, a: object, b: object) -> tuple[object, object]:
    """Make two known values comparable: durations as seconds, datetimes vs dates as dates."""
    if isinstance(a, Duration):
        a = a.seconds()
    if isinstance(b, Duration):
        b = b.seconds()
    a_dt, b_dt = isinstance(a, dt.datetime), isinstance(b, dt.datetime)
    if a_dt and isinstance(b, dt.date) and not b_dt:
        a = ctx.local_date(a)  # type: ignore[arg-type]
    elif b_dt and isinstance(a, dt.date) and not a_dt:
        b = ctx.local_date(b)  # type: ignore[arg-type]
    return a, b


#: The comparison operators of the language.
COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def compare(op: str, left: object, right: object, ctx: Context) -> object:
    """``left op right``."""
    if isinstance(left, Unknown) or isinstance(right, Unknown):
        return Unknown(missing_of(left, right))
    if left is NOTHING or right is NOTHING:
        return False
    a, b = coerce(ctx, left, right)
    return COMPARISONS[op](a, b)


def items(value: object) -> object:
    """A collection value as a Python container (or Unknown/NOTHING as is)."""
    if isinstance(value, Elem):
        return value.value
    return value


def member(item: object, collection: object, negated: bool) -> object:
    """``item in collection`` (``not in`` when ``negated``)."""
    collection = items(collection)
    if isinstance(item, Unknown) or isinstance(collection, Unknown):
        return Unknown(missing_of(item, collection))
    if item is NOTHING or collection is NOTHING:
        return False
    found = item in collection  # type: ignore[operator]
    return not found if negated else found


def set_of(values: Sequence[object]) -> object:
    """A set literal ``{a, b, ...}``."""
    missing = missing_of(*values)
    if missing:
        return Unknown(missing)
    return frozenset(v for v in values if v is not NOTHING)


def contains(collection: object, item: object) -> object:
    """``collection contains item``."""
    collection = items(collection)
    if isinstance(item, Unknown) or isinstance(collection, Unknown):
        return Unknown(missing_of(item, collection))
    if item is NOTHING or collection is NOTHING:
        return False
    return item in collection  # type: ignore[operator]


def matches(matcher: LabelMatcher, subject: object, ctx: Context) -> object:
    """``subject matches vocabulary``: one text or any text of a list."""
    subject = items(subject)
    if isinstance(subject, Unknown):
        return subject
    if subject is NOTHING:
        return False
    texts = subject if isinstance(subject, list) else [subject]
    return any(matcher.matches(str(t)) for t in texts)


def within(subject: object, duration: object, before: bool, anchor: object, ctx: Context) -> object:
    """``subject within duration before|after anchor`` (both ends included)."""
    if any(isinstance(v, Unknown) for v in (subject, duration, anchor)):
        return Unknown(missing_of(subject, duration, anchor))
    if NOTHING in (subject, duration, anchor):
        return False
    assert isinstance(duration, Duration)
    s, a = coerce(ctx, subject, anchor)
    if before:
        lower = shift(a, duration, -1)  # type: ignore[arg-type]
        return lower <= s <= a  # type: ignore[operator]
    upper = shift(a, duration, +1)  # type: ignore[arg-type]
    return a <= s <= upper  # type: ignore[operator]


def exists(value: object) -> object:
    """``exists x``: a value is there (``first`` found one, a path leads somewhere)."""
    if isinstance(value, Unknown):
        return value
    return value is not NOTHING


def arith(sign: int, left: object, right: object, ctx: Context) -> object:
    """``left + right`` (``sign`` 1) or ``left - right`` (``sign`` -1)."""
    if isinstance(left, Unknown) or isinstance(right, Unknown):
        return Unknown(missing_of(left, right))
    if left is NOTHING or right is NOTHING:
        return NOTHING
    if isinstance(left, (dt.date, dt.datetime)) and isinstance(right, Duration):
        return shift(left, right, sign)
    a, b = coerce(ctx, left, right)
    return a + sign * b  # type: ignore[operator]


def elements(collection: object) -> object:
    """The values a quantifier binds, one per list item (objects and lists as elements with
    their paths), or the collection's ``Unknown``."""
    if isinstance(collection, Unknown):
        return collection
    if not isinstance(collection, Elem) or not isinstance(collection.value, list):
        return []
    path = collection.path
    return [
        Elem(item, f"{path}[{i}]") if isinstance(item, (dict, list)) else item
        for i, item in enumerate(collection.value)
    ]


def quantify(quantifier: str, collection: object, where: Bound | None, body: Bound) -> object:
    """``any|all|none x in collection [where w]: body``."""
    bound = elements(collection)
    if isinstance(bound, Unknown):
        return bound
    missing: frozenset[str] = frozenset()
    # any = OR over (where AND body); all = AND over (not where OR body); none = not any.
    want_all = quantifier == "all"
    for element in bound:  # type: ignore[attr-defined]
        test = True if where is None else truth(where(element))
        if test is False:
            continue
        value = truth(body(element))
        if isinstance(test, Unknown) or isinstance(value, Unknown):
            if want_all and value is True:
                continue
            if not want_all and value is False:
                continue
            missing |= missing_of(test, value)
            continue
        if want_all and value is False:
            return False
        if not want_all and value is True:
            return quantifier == "any"
    if missing:
        return Unknown(missing)
    return want_all or quantifier == "none"


def count(collection: object, where: Bound | None) -> object:
    """``count x in collection [where w]``."""
    bound = elements(collection)
    if isinstance(bound, Unknown):
        return bound
    total = 0
    missing: frozenset[str] = frozenset()
    for element in bound:  # type: ignore[attr-defined]
        test = True if where is None else truth(where(element))
        if isinstance(test, Unknown):
            missing |= test.missing
        elif test:
            total += 1
    return Unknown(missing) if missing else total


def first(collection: object, where: Bound | None) -> object:
    """``first x in collection [where w]``: the element, ``NOTHING``, or unknown while an
    earlier element might be the one."""
    bound = elements(collection)
    if isinstance(bound, Unknown):
        return bound
    for element in bound:  # type: ignore[attr-defined]
        test = True if where is None else truth(where(element))
        if isinstance(test, Unknown):
            return test  # an earlier element might be the first one
        if test:
            return element
    return NOTHING


def known(value: object) -> bool:
    """``known(x)``: the one built-in that looks at unknowns instead of deciding."""
    return not isinstance(value, Unknown) and value is not None


def call(name: str, ctx: Context, args: Sequence[object]) -> object:
    """A built-in predicate over evaluated arguments."""
    missing = missing_of(*args)
    if missing:
        return Unknown(missing)
    if any(arg is NOTHING for arg in args):
        return False
    return PREDICATES[name](ctx, *args)
