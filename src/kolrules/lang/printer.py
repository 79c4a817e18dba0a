"""One printed form of expressions and JSON values, fitted to a width.

``expr(node)`` is the one-line text; ``layout(node, column, hang)`` breaks it over lines when
it does not fit in ``WIDTH`` columns: an ``and``/``or`` chain one operand per line with the
operator first, a quantifier's body on the next line, a set or call filled line by line. The
author's parentheses are kept (``parens`` on the node); others are added only where the grammar
needs them. A line can still pass the width when a single string or name is longer than it.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from kolrules.lang import syntax
from kolrules.timeutil import Duration

#: The column limit of ``kolrules fmt``.
WIDTH = 100

# Binding strength, loosest first; a child looser than its context gets parentheses.
_QUANTIFIER, _OR, _AND, _NOT, _COMPARE, _SUM, _POSTFIX = range(7)


def string(value: str) -> str:
    """A string literal as the grammar reads it."""
    return json.dumps(value, ensure_ascii=False)


def _number(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return f"{value:.1f}"
    return repr(value)


def _literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return string(value)
    if isinstance(value, (int, float)):
        return _number(value)
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Duration):
        return f"{_number(value.amount)} {value.unit}"
    raise AssertionError(f"unexpected literal {value!r}")  # pragma: no cover


def _binding(node: syntax.Expr) -> int:
    match node:
        case syntax.Quantified():
            return _QUANTIFIER
        case syntax.Or():
            return _OR
        case syntax.And():
            return _AND
        case syntax.Not():
            return _NOT
        case (
            syntax.Compare()
            | syntax.Member()
            | syntax.Contains()
            | syntax.Matches()
            | syntax.Within()
            | syntax.Exists()
        ):
            return _COMPARE
        case syntax.Arith():
            return _SUM
        case _:
            return _POSTFIX


def _wrapped(node: syntax.Expr, context: int) -> bool:
    return node.parens or _binding(node) < context


def expr(node: syntax.Expr, context: int = _QUANTIFIER) -> str:
    """An expression's text on one line; in parentheses when the author wrote them or when it
    binds looser than ``context``."""
    text = _flat(node)
    return f"({text})" if _wrapped(node, context) else text


def _operands(node: syntax.Expr) -> list[tuple[str, syntax.Expr, int]]:
    """(text before, child, context) for the children of a node printed on one line."""
    match node:
        case syntax.Compare(op, left, right):
            return [("", left, _SUM), (f" {op} ", right, _SUM)]
        case syntax.Member(item, collection, negated):
            return [("", item, _SUM), (" not in " if negated else " in ", collection, _SUM)]
        case syntax.Contains(collection, item):
            return [("", collection, _SUM), (" contains ", item, _SUM)]
        case syntax.Matches(subject, vocabulary):
            return [("", subject, _SUM), (" matches ", vocabulary, _SUM)]
        case syntax.Arith(op, left, right):
            return [("", left, _SUM), (f" {op} ", right, _POSTFIX)]
    return []


def _flat(node: syntax.Expr) -> str:
    match node:
        case syntax.Name(name):
            return name
        case syntax.Attr(obj, name):
            base = expr(obj, _POSTFIX)
            plain = name.isidentifier() and name.islower()
            return f"{base}.{name}" if plain else f"{base}[{string(name)}]"
        case syntax.Index(obj, index):
            return f"{expr(obj, _POSTFIX)}[{index}]"
        case syntax.Call(func, args):
            return f"{func}({', '.join(expr(a) for a in args)})"
        case syntax.Literal(value):
            return _literal(value)
        case syntax.SetLiteral(items):
            return "{" + ", ".join(expr(i) for i in items) + "}"
        case (
            syntax.Compare()
            | syntax.Member()
            | syntax.Contains()
            | syntax.Matches()
            | syntax.Arith()
        ):
            return "".join(
                before + expr(child, context) for before, child, context in _operands(node)
            )
        case syntax.Within(subject, duration, direction, anchor):
            return (
                f"{expr(subject, _SUM)} within {expr(duration, _SUM)} {direction} "
                f"{expr(anchor, _SUM)}"
            )
        case syntax.Exists(operand):
            return f"exists {expr(operand, _SUM)}"
        case syntax.Not(operand):
            return f"not {expr(operand, _NOT)}"
        case syntax.And(operands):
            return " and ".join(expr(o, _AND + 1) for o in operands)
        case syntax.Or(operands):
            return " or ".join(expr(o, _OR + 1) for o in operands)
        case syntax.Quantified():
            return f"{_head(node)} {expr(node.body)}"
        case syntax.Count(var, collection, where) | syntax.First(var, collection, where):
            word = "count" if isinstance(node, syntax.Count) else "first"
            filt = f" where {expr(where)}" if where is not None else ""
            return f"{word}({var} in {expr(collection, _POSTFIX)}{filt})"
    raise AssertionError(f"unexpected node {node!r}")  # pragma: no cover


def _head(node: syntax.Quantified) -> str:
    filt = f" where {expr(node.where, _OR)}" if node.where is not None else ""
    return f"{node.quantifier} {node.var} in {expr(node.collection, _POSTFIX)}{filt}:"


def _fill(items: list[str], column: int, hang: int, tail: int) -> str:
    """Items joined by ", ", continued on lines starting at ``hang`` when one grows too long."""
    lines = [items[0]]
    at = column + len(items[0])
    for index, item in enumerate(items[1:], start=1):
        extra = tail if index == len(items) - 1 else 1
        if at + 2 + len(item) + extra > WIDTH:
            lines[-1] += ","
            lines.append(" " * hang + item)
            at = hang + len(item)
        else:
            lines[-1] += ", " + item
            at += 2 + len(item)
    return "\n".join(lines)


def layout(
    node: syntax.Expr, column: int, hang: int, *, context: int = _QUANTIFIER, tail: int = 0
) -> str:
    """The expression's text starting at ``column``, broken over lines when it does not fit.

    ``hang`` is the column where a broken ``and``/``or`` chain continues; ``tail`` counts the
    characters that follow the expression on its last line.
    """
    if _wrapped(node, context):
        # A chain continues under its first operand; a quantifier's body two further in.
        hang = column + (3 if isinstance(node, syntax.Quantified) else 1)
        inner = _layout(node, column + 1, hang, tail + 1)
        return f"({inner})"
    return _layout(node, column, hang, tail)


def _layout(node: syntax.Expr, column: int, hang: int, tail: int) -> str:
    flat = _flat(node)
    if column + len(flat) + tail <= WIDTH:
        return flat
    match node:
        case syntax.And(operands) | syntax.Or(operands):
            word = "and" if isinstance(node, syntax.And) else "or"
            level = _AND + 1 if isinstance(node, syntax.And) else _OR + 1
            last = len(operands) - 1
            parts = [
                layout(operands[0], column, hang + 2, context=level, tail=tail if last == 0 else 0)
            ]
            for index, operand in enumerate(operands[1:], start=1):
                start = hang + len(word) + 1
                text = layout(
                    operand, start, hang + 2, context=level, tail=tail if index == last else 0
                )
                parts.append(" " * hang + f"{word} {text}")
            return "\n".join(parts)
        case syntax.Not(operand):
            return "not " + layout(operand, column + 4, hang, context=_NOT, tail=tail)
        case syntax.Quantified(body=body):
            head = _head(node)
            if column + len(head) + 1 + len(expr(body)) + tail <= WIDTH:
                return f"{head} {expr(body)}"
            if column + len(head) > WIDTH and node.where is not None:
                lead = f"{node.quantifier} {node.var} in {expr(node.collection, _POSTFIX)} where "
                where = layout(node.where, column + len(lead), hang + 2, context=_OR, tail=1)
                head = f"{lead}{where}:"
            return f"{head}\n{' ' * hang}" + layout(body, hang, hang + 2, tail=tail)
        case syntax.SetLiteral(items):
            texts = [expr(i) for i in items]
            return "{" + _fill(texts, column + 1, column + 1, tail + 1) + "}" if texts else "{}"
        case syntax.Call(func, args) if args:
            start = column + len(func) + 1
            if len(args) == 1:  # a lone argument breaks inside itself: `in_category({…})`
                return f"{func}(" + layout(args[0], start, start, tail=tail + 1) + ")"
            texts = [expr(a) for a in args]
            return f"{func}(" + _fill(texts, start, start, tail + 1) + ")"
        case syntax.Compare() | syntax.Member() | syntax.Contains() | syntax.Matches():
            (_, left, lctx), (op, right, rctx) = _operands(node)
            before = expr(left, lctx) + op
            return before + layout(right, column + len(before), hang, context=rctx, tail=tail)
    return flat


# ---- JSON ---------------------------------------------------------------------------------


def json_flat(value: Any) -> str:
    """A JSON value on one line."""
    return json.dumps(value, ensure_ascii=False)


def json_layout(value: Any, column: int, indent: int, *, tail: int = 0) -> str:
    """A JSON value starting at ``column``: on one line when it fits, else one member per line
    indented two more than ``indent``."""
    flat = json_flat(value)
    if column + len(flat) + tail <= WIDTH or not isinstance(value, (dict, list)) or not value:
        return flat
    # A lone member that is itself a record or list opens on the same line:
    # {"content": {"claims": [ … ]}} breaks only inside the list.
    opening, closing = "", ""
    while isinstance(value, (dict, list)) and len(value) == 1:
        key, member = next(iter(value.items())) if isinstance(value, dict) else (None, value[0])
        if not isinstance(member, (dict, list)) or not member:
            break
        opening += "{" + json_flat(key) + ": " if key is not None else "["
        closing = ("}" if key is not None else "]") + closing
        value = member
    if opening:
        return (
            opening
            + json_layout(value, column + len(opening), indent, tail=tail + len(closing))
            + closing
        )
    inner = indent + 2
    pad = " " * inner
    lines = []
    members = list(value.items()) if isinstance(value, dict) else [(None, v) for v in value]
    for index, (key, member) in enumerate(members):
        prefix = "" if key is None else f"{json_flat(key)}: "
        comma = "," if index < len(members) - 1 else ""
        text = json_layout(member, inner + len(prefix), inner, tail=len(comma))
        lines.append(f"{pad}{prefix}{text}{comma}")
    opening, closing = ("{", "}") if isinstance(value, dict) else ("[", "]")
    return "\n".join([opening, *lines, " " * indent + closing])
