"""Evidence for findings: the record facts a rule reads, found statically in its compiled form.

A finding's evidence lists every fact the rule refers to that the record holds (field path →
value), in path order. It does not depend on evaluation order or on which path (generated code
or reference evaluator) decided the rule, so the same record always gets the same evidence.
"""

from __future__ import annotations

import functools
from typing import Any

import attrs

from kolrules import ir
from kolrules.builtins import BUILTINS
from kolrules.runtime.derived import DERIVED
from kolrules.values import Context, Unknown

#: How many elements of one list are shown before the rest is left out.
MAX_ELEMENTS = 10


def _walk(node: ir.Node, lists: dict[str, str], out: set[str]) -> None:
    """Collect fact paths; ``lists`` maps bound variables to their list's path."""
    out |= _paths(node, tuple(sorted(lists.items())))


# Keyed by the node itself: a program holds each distinct subtree once (``ir``), so a define
# inlined at many places is walked once per binding of its variables, not once per place.
@functools.lru_cache(maxsize=1 << 16)
def _paths(node: ir.Node, lists: tuple[tuple[str, str], ...]) -> frozenset[str]:
    out: set[str] = set()
    _visit(node, dict(lists), out)
    return frozenset(out)


def _visit(node: ir.Node, lists: dict[str, str], out: set[str]) -> None:
    match node:
        case ir.Path(base, steps) if all(isinstance(s, str) for s in steps):
            names = [str(s) for s in steps]
            if base is None:
                out.add(".".join(names))
            elif isinstance(base, str) and base in lists:
                if names:  # a whole element is not a fact; its fields are
                    out.add(".".join([lists[base] + "[]", *names]))
            elif not isinstance(base, str):
                _walk(base, lists, out)
            return
        case ir.Derived(name):
            out.add(name)
            return
        case ir.Quantified(_, var, collection, where, body):
            _bind(var, collection, lists, out, (where, body))
            return
        case ir.Count(var, collection, where) | ir.First(var, collection, where):
            _bind(var, collection, lists, out, (where,))
            return
        case ir.Builtin(name, args):
            for arg in args:
                if isinstance(arg, ir.Path) and isinstance(arg.base, str) and not arg.steps:
                    prefix = lists.get(arg.base)
                    if prefix is not None:
                        out.update(f"{prefix}[].{f}" for f in BUILTINS[name].reads)
                _walk(arg, lists, out)
            out.update(BUILTINS[name].record_reads)
            return
    for field in attrs.fields(type(node)):
        value = getattr(node, field.name)
        for child in value if isinstance(value, tuple) else (value,):
            if attrs.has(type(child)) and not isinstance(child, ir.Const):
                _walk(child, lists, out)


def _bind(
    var: str,
    collection: ir.Node,
    lists: dict[str, str],
    out: set[str],
    parts: tuple[ir.Node | None, ...],
) -> None:
    inner = dict(lists)
    if (
        isinstance(collection, ir.Path)
        and collection.base is None
        and all(isinstance(s, str) for s in collection.steps)
    ):
        inner[var] = ".".join(str(s) for s in collection.steps)
    else:
        _walk(collection, lists, out)
    for part in parts:
        if part is not None:
            _walk(part, inner, out)


def fact_paths(nodes: list[ir.Node]) -> tuple[str, ...]:
    """The fact paths the expressions read, sorted; ``[]`` marks "each element"."""
    out: set[str] = set()
    for node in nodes:
        _walk(node, {}, out)
    return tuple(sorted(out))


Compiled = tuple[tuple[str, tuple[str, ...]], ...]


def compile_paths(paths: tuple[str, ...]) -> Compiled:
    """Paths split into steps once (``a.b[].c`` → ``("a", "b[]", "c")``)."""
    out = []
    for path in paths:
        parts = path.replace("[].", "[]\x00").split(".")
        out.append((path, tuple(p for part in parts for p in part.split("\x00"))))
    return tuple(out)


def _expand(
    value: Any, steps: tuple[str, ...], at: int, path: str, found: list[tuple[str, object]]
) -> None:
    while at < len(steps):
        head = steps[at]
        if type(value) is not dict:
            return
        if head.endswith("[]"):
            items = value.get(head[:-2])
            if type(items) is list:
                for i, item in enumerate(items[:MAX_ELEMENTS]):
                    _expand(item, steps, at + 1, f"{path}{head[:-2]}[{i}].", found)
            return
        value = value.get(head)
        if value is None:
            return
        path = f"{path}{head}."
        at += 1
    if type(value) is not dict:
        found.append((path[:-1], _canonical(value) if type(value) is list else value))


def _canonical(value: Any) -> Any:
    """A list read whole, its objects' keys in sorted order: evidence never depends on the order
    in which the producer wrote an object's keys."""
    if type(value) is dict:
        return {key: _canonical(value[key]) for key in sorted(value)}
    if type(value) is list:
        return [_canonical(item) for item in value]
    return value


def collect(paths: Compiled, ctx: Context) -> tuple[tuple[str, object], ...]:
    """The values the record holds at ``paths`` (derived facts computed), in path order."""
    found: list[tuple[str, object]] = []
    memo = ctx.facts
    for path, steps in paths:
        known = memo.get(path)
        if known is None:
            known = memo[path] = []
            if path in DERIVED:
                value = ctx.derived.get(path)
                if value is None:
                    value = ctx.derived[path] = DERIVED[path](ctx)
                if not isinstance(value, Unknown):
                    known.append((path, value))
            else:
                _expand(ctx.data, steps, 0, "", known)
        found.extend(known)
    found.sort(key=lambda item: item[0])
    return tuple(found)
