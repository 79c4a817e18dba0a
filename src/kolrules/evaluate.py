"""Three-valued evaluation of compiled expressions over one validated record.

Absent facts are *unknown*. ``and``/``or``/``not`` follow Kleene's strong logic (false and
unknown = false; true or unknown = true), and an unknown result carries the set of field paths
whose absence made it unknown, so a finding can name exactly the facts that would decide it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from kolrules import ir
from kolrules.placement import PREDICATES
from kolrules.timeutil import Duration, shift, whole_years_between
from kolrules.values import NOTHING, Context, Elem, Env, Unknown, join_path, missing_of


def evaluate(node: ir.Node, ctx: Context, env: Env | None = None) -> object:
    """The value of a compiled expression: a Python value, ``Unknown`` or ``NOTHING``."""
    return _EVAL[type(node)](node, ctx, env or {})


def _const(node: ir.Const, ctx: Context, env: Env) -> object:
    return node.value


def _label(prefix: str, steps: tuple[str | int, ...]) -> str:
    for step in steps:
        prefix = join_path(prefix, step)
    return prefix


def _path(node: ir.Path, ctx: Context, env: Env) -> object:
    base = node.base
    value: Any
    if base is None:
        value, prefix = ctx.data, ""
    elif isinstance(base, str):
        bound = env[base]
        if type(bound) is not Elem:
            return bound
        value, prefix = bound.value, bound.path
    else:
        start = evaluate(base, ctx, env)
        if type(start) is not Elem:
            return start  # Unknown or NOTHING propagate
        value, prefix = start.value, start.path
    # Paths are spelled out only when needed: for an absent fact or a list/object value.
    for step in node.steps:
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
                return Unknown(frozenset((_label(prefix, node.steps),)))
    if type(value) is dict or type(value) is list:
        return Elem(value, _label(prefix, node.steps))
    return value


def _derived(node: ir.Derived, ctx: Context, env: Env) -> object:
    if node.name not in ctx.derived:
        ctx.derived[node.name] = DERIVED[node.name](ctx)
    return ctx.derived[node.name]


def _let(node: ir.LetRef, ctx: Context, env: Env) -> object:
    return ctx.lets[node.name]


def truth(value: object) -> object:
    """A value seen as a condition: True, False or an ``Unknown``."""
    if value is True or value is False or isinstance(value, Unknown):
        return value
    return value is not NOTHING and bool(value)


def _not(node: ir.Not, ctx: Context, env: Env) -> object:
    value = truth(evaluate(node.operand, ctx, env))
    return value if isinstance(value, Unknown) else not value


def _and(node: ir.And, ctx: Context, env: Env) -> object:
    missing: frozenset[str] = frozenset()
    for operand in node.operands:
        value = truth(evaluate(operand, ctx, env))
        if value is False:
            return False
        if isinstance(value, Unknown):
            missing |= value.missing
    return Unknown(missing) if missing else True


def _or(node: ir.Or, ctx: Context, env: Env) -> object:
    missing: frozenset[str] = frozenset()
    for operand in node.operands:
        value = truth(evaluate(operand, ctx, env))
        if value is True:
            return True
        if isinstance(value, Unknown):
            missing |= value.missing
    return Unknown(missing) if missing else False


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


#: The comparison operators of the language (shared with the generated code).
COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _compare(node: ir.Compare, ctx: Context, env: Env) -> object:
    left, right = evaluate(node.left, ctx, env), evaluate(node.right, ctx, env)
    if isinstance(left, Unknown) or isinstance(right, Unknown):
        return Unknown(missing_of(left, right))
    if left is NOTHING or right is NOTHING:
        return False
    a, b = coerce(ctx, left, right)
    return COMPARISONS[node.op](a, b)


def _items(value: object) -> object:
    """A collection value as a Python container (or Unknown/NOTHING as is)."""
    if isinstance(value, Elem):
        return value.value
    return value


def _member(node: ir.Member, ctx: Context, env: Env) -> object:
    item = evaluate(node.item, ctx, env)
    collection = _items(evaluate(node.collection, ctx, env))
    if isinstance(item, Unknown) or isinstance(collection, Unknown):
        return Unknown(missing_of(item, collection))
    if item is NOTHING or collection is NOTHING:
        return False
    found = item in collection  # type: ignore[operator]
    return not found if node.negated else found


def _set_of(node: ir.SetOf, ctx: Context, env: Env) -> object:
    values = [evaluate(item, ctx, env) for item in node.items]
    missing = missing_of(*values)
    if missing:
        return Unknown(missing)
    return frozenset(v for v in values if v is not NOTHING)


def _contains(node: ir.Contains, ctx: Context, env: Env) -> object:
    collection = _items(evaluate(node.collection, ctx, env))
    item = evaluate(node.item, ctx, env)
    if isinstance(item, Unknown) or isinstance(collection, Unknown):
        return Unknown(missing_of(item, collection))
    if item is NOTHING or collection is NOTHING:
        return False
    return item in collection  # type: ignore[operator]


def _matches(node: ir.Matches, ctx: Context, env: Env) -> object:
    subject = _items(evaluate(node.subject, ctx, env))
    if isinstance(subject, Unknown):
        return subject
    if subject is NOTHING:
        return False
    texts = subject if isinstance(subject, list) else [subject]
    return any(node.matcher.search(ctx.normalized(str(t))) is not None for t in texts)


def _within(node: ir.Within, ctx: Context, env: Env) -> object:
    subject = evaluate(node.subject, ctx, env)
    duration = evaluate(node.duration, ctx, env)
    anchor = evaluate(node.anchor, ctx, env)
    if any(isinstance(v, Unknown) for v in (subject, duration, anchor)):
        return Unknown(missing_of(subject, duration, anchor))
    if NOTHING in (subject, duration, anchor):
        return False
    assert isinstance(duration, Duration)
    s, a = coerce(ctx, subject, anchor)
    if node.direction == "before":
        lower = shift(a, duration, -1)  # type: ignore[arg-type]
        return lower <= s <= a  # type: ignore[operator]
    upper = shift(a, duration, +1)  # type: ignore[arg-type]
    return a <= s <= upper  # type: ignore[operator]


def _exists(node: ir.Exists, ctx: Context, env: Env) -> object:
    value = evaluate(node.operand, ctx, env)
    if isinstance(value, Unknown):
        return value
    return value is not NOTHING


def _arith(node: ir.Arith, ctx: Context, env: Env) -> object:
    left, right = evaluate(node.left, ctx, env), evaluate(node.right, ctx, env)
    if isinstance(left, Unknown) or isinstance(right, Unknown):
        return Unknown(missing_of(left, right))
    if left is NOTHING or right is NOTHING:
        return NOTHING
    sign = 1 if node.op == "+" else -1
    if isinstance(left, (dt.date, dt.datetime)) and isinstance(right, Duration):
        return shift(left, right, sign)
    a, b = coerce(ctx, left, right)
    return a + sign * b  # type: ignore[operator]


def _elements(node: ir.Quantified | ir.Count | ir.First, ctx: Context, env: Env) -> object:
    collection = evaluate(node.collection, ctx, env)
    if isinstance(collection, Unknown):
        return collection
    if not isinstance(collection, Elem) or not isinstance(collection.value, list):
        return []
    return [
        (
            i,
            {
                **env,
                node.var: Elem(item, f"{collection.path}[{i}]")
                if isinstance(item, (dict, list))
                else item,
            },
        )
        for i, item in enumerate(collection.value)
    ]


def _filter(node: ir.Quantified | ir.Count | ir.First, ctx: Context, inner: Env) -> object:
    return True if node.where is None else truth(evaluate(node.where, ctx, inner))


def _quantified(node: ir.Quantified, ctx: Context, env: Env) -> object:
    elements = _elements(node, ctx, env)
    if isinstance(elements, Unknown):
        return elements
    missing: frozenset[str] = frozenset()
    # any = OR over (where AND body); all = AND over (not where OR body); none = not any.
    want_all = node.quantifier == "all"
    for _, inner in elements:  # type: ignore[attr-defined]
        where = _filter(node, ctx, inner)
        if where is False:
            continue
        body = truth(evaluate(node.body, ctx, inner))
        if isinstance(where, Unknown) or isinstance(body, Unknown):
            if want_all and body is True:
                continue
            if not want_all and body is False:
                continue
            missing |= missing_of(where, body)
            continue
        if want_all and body is False:
            return False
        if not want_all and body is True:
            return node.quantifier == "any"
    if missing:
        return Unknown(missing)
    return want_all or node.quantifier == "none"


def _count(node: ir.Count, ctx: Context, env: Env) -> object:
    elements = _elements(node, ctx, env)
    if isinstance(elements, Unknown):
        return elements
    total = 0
    missing: frozenset[str] = frozenset()
    for _, inner in elements:  # type: ignore[attr-defined]
        where = _filter(node, ctx, inner)
        if isinstance(where, Unknown):
            missing |= where.missing
        elif where:
            total += 1
    return Unknown(missing) if missing else total


def _first(node: ir.First, ctx: Context, env: Env) -> object:
    elements = _elements(node, ctx, env)
    if isinstance(elements, Unknown):
        return elements
    for _, inner in elements:  # type: ignore[attr-defined]
        where = _filter(node, ctx, inner)
        if isinstance(where, Unknown):
            return where  # an earlier element might be the first one
        if where:
            return inner[node.var]
    return NOTHING


def _builtin(node: ir.Builtin, ctx: Context, env: Env) -> object:
    if node.name == "known":  # the one built-in that looks at unknowns instead of deciding
        value = evaluate(node.args[0], ctx, env)
        return not isinstance(value, Unknown) and value is not None
    args = [evaluate(arg, ctx, env) for arg in node.args]
    missing = missing_of(*args)
    if missing:
        return Unknown(missing)
    if any(arg is NOTHING for arg in args):
        return False
    return PREDICATES[node.name](ctx, *args)


# ---- derived facts ------------------------------------------------------------------------


def is_sponsored(ctx: Context) -> object:
    """Any connection other than ``none``, or an affiliate link (Kleene over the facts).

    Format 1.1: a stated ``relationship: "none"`` settles it when nothing given contradicts it;
    absent ``connections`` or ``links`` (or a link whose ``affiliate`` is not given) do not make
    it unknown, because the producer has stated the relationship.
    """
    commercial = ctx.data.get("commercial", {})
    relationship = commercial.get("relationship")
    stated_none = relationship == "none"
    parts: list[object] = []
    parts.append(
        Unknown(frozenset({"commercial.relationship"}))
        if relationship is None
        else relationship != "none"
    )
    connections = commercial.get("connections")
    if connections is None:
        if not stated_none:
            parts.append(Unknown(frozenset({"commercial.connections"})))
    else:
        for i, connection in enumerate(connections):
            kind = connection.get("kind")
            parts.append(
                Unknown(frozenset({f"commercial.connections[{i}].kind"}))
                if kind is None
                else kind != "none"
            )
    links = ctx.data.get("content", {}).get("links")
    if links is None:
        if not stated_none:
            parts.append(Unknown(frozenset({"content.links"})))
    else:
        for i, link in enumerate(links):
            affiliate = link.get("affiliate")
            if affiliate is None:
                if not stated_none:
                    parts.append(Unknown(frozenset({f"content.links[{i}].affiliate"})))
            else:
                parts.append(affiliate)
    if any(p is True for p in parts):
        return True
    missing = missing_of(*parts)
    return Unknown(missing) if missing else False


def age_at_publication(ctx: Context) -> object:
    """Whole years of age on the local publication date, from the birth date or ``age``."""
    kol = ctx.data.get("kol", {})
    birth = kol.get("birth_date")
    if birth is not None:
        return whole_years_between(birth, ctx.local_date(ctx.data["published_at"]))
    age = kol.get("age")
    if age is not None:
        return age
    return Unknown(frozenset({"kol.birth_date", "kol.age"}))


DERIVED: dict[str, Callable[[Context], object]] = {
    "is_sponsored": is_sponsored,
    "kol.age_at_publication": age_at_publication,
}

_EVAL: dict[type, Callable[[Any, Context, Env], object]] = {
    ir.Const: _const,
    ir.Path: _path,
    ir.Derived: _derived,
    ir.LetRef: _let,
    ir.Not: _not,
    ir.And: _and,
    ir.Or: _or,
    ir.Compare: _compare,
    ir.Member: _member,
    ir.SetOf: _set_of,
    ir.Contains: _contains,
    ir.Matches: _matches,
    ir.Within: _within,
    ir.Exists: _exists,
    ir.Arith: _arith,
    ir.Quantified: _quantified,
    ir.Count: _count,
    ir.First: _first,
    ir.Builtin: _builtin,
}
