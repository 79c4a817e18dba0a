"""The tree-walking reference evaluator: three-valued evaluation of compiled expressions over
one validated record, by walking the IR.

It is the oracle the generated code (``kolrules.codegen``) is tested against, never the engine's
path. The meaning of every form is in ``kolrules.runtime.kleene`` (one copy shared with the
generated code); this module only walks the tree to reach the operands.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kolrules import ir
from kolrules.runtime import kleene
from kolrules.runtime.derived import DERIVED
from kolrules.runtime.kleene import COMPARISONS, coerce, truth
from kolrules.values import Context, Elem, Env

__all__ = ["COMPARISONS", "DERIVED", "coerce", "evaluate", "truth"]


def evaluate(node: ir.Node, ctx: Context, env: Env | None = None) -> object:
    """The value of a compiled expression: a Python value, ``Unknown`` or ``NOTHING``."""
    return _EVAL[type(node)](node, ctx, env or {})


def _path(node: ir.Path, ctx: Context, env: Env) -> object:
    base = node.base
    if base is None:
        return kleene.follow(ctx.data, "", node.steps)
    start = env[base] if isinstance(base, str) else evaluate(base, ctx, env)
    if type(start) is not Elem:
        return start  # a bound scalar, Unknown or NOTHING is the answer as it is
    return kleene.follow_from(start, node.steps)


def _later(nodes: tuple[ir.Node, ...], ctx: Context, env: Env) -> list[Callable[[], object]]:
    return [lambda n=n: evaluate(n, ctx, env) for n in nodes]  # type: ignore[misc]


def _bound(
    var: str, node: ir.Node | None, ctx: Context, env: Env
) -> Callable[[object], object] | None:
    if node is None:
        return None
    return lambda element: evaluate(node, ctx, {**env, var: element})


_EVAL: dict[type, Callable[[Any, Context, Env], object]] = {
    ir.Const: lambda n, ctx, env: n.value,
    ir.Path: _path,
    ir.Derived: lambda n, ctx, env: kleene.derived(n.name, ctx),
    ir.LetRef: lambda n, ctx, env: ctx.lets[n.name],
    ir.Not: lambda n, ctx, env: kleene.negate(evaluate(n.operand, ctx, env)),
    ir.And: lambda n, ctx, env: kleene.all_of(_later(n.operands, ctx, env)),
    ir.Or: lambda n, ctx, env: kleene.any_of(_later(n.operands, ctx, env)),
    ir.Compare: lambda n, ctx, env: kleene.compare(
        n.op, evaluate(n.left, ctx, env), evaluate(n.right, ctx, env), ctx
    ),
    ir.Member: lambda n, ctx, env: kleene.member(
        evaluate(n.item, ctx, env), evaluate(n.collection, ctx, env), n.negated
    ),
    ir.SetOf: lambda n, ctx, env: kleene.set_of([evaluate(i, ctx, env) for i in n.items]),
    ir.Contains: lambda n, ctx, env: kleene.contains(
        evaluate(n.collection, ctx, env), evaluate(n.item, ctx, env)
    ),
    ir.Matches: lambda n, ctx, env: kleene.matches(n.matcher, evaluate(n.subject, ctx, env), ctx),
    ir.Within: lambda n, ctx, env: kleene.within(
        evaluate(n.subject, ctx, env),
        evaluate(n.duration, ctx, env),
        n.direction == "before",
        evaluate(n.anchor, ctx, env),
        ctx,
    ),
    ir.Exists: lambda n, ctx, env: kleene.exists(evaluate(n.operand, ctx, env)),
    ir.Arith: lambda n, ctx, env: kleene.arith(
        1 if n.op == "+" else -1, evaluate(n.left, ctx, env), evaluate(n.right, ctx, env), ctx
    ),
    ir.Quantified: lambda n, ctx, env: kleene.quantify(
        n.quantifier,
        evaluate(n.collection, ctx, env),
        _bound(n.var, n.where, ctx, env),
        _bound(n.var, n.body, ctx, env),  # type: ignore[arg-type]
    ),
    ir.Count: lambda n, ctx, env: kleene.count(
        evaluate(n.collection, ctx, env), _bound(n.var, n.where, ctx, env)
    ),
    ir.First: lambda n, ctx, env: kleene.first(
        evaluate(n.collection, ctx, env), _bound(n.var, n.where, ctx, env)
    ),
    ir.Builtin: lambda n, ctx, env: (
        kleene.known(evaluate(n.args[0], ctx, env))
        if n.name == "known"
        else kleene.call(n.name, ctx, [evaluate(a, ctx, env) for a in n.args])
    ),
}
