"""Compiled rules → two-valued Python functions, built with the ``ast`` module (never from
pasted strings).

The engine runs one fused *plan* per jurisdiction and set of rules in force
(``kolrules.codegen.plan``, built from this module's ``Generator``): plain two-valued Python
that decides every rule whose facts are all given. Whenever a fact it needs is absent (a
``KeyError``), a list is shorter than an index, a ``first`` found nothing, or a built-in
answers *unknown*, the rule's code raises, and the rule is decided by the generated
three-valued functions of ``kolrules.codegen.three_valued``, which name the missing facts. (The
tree-walking ``kolrules.evaluate`` is only the tests' oracle.)

Why this is exact: on any run that completes, every subexpression Python evaluated was known,
and Python's short-circuit only skips operands whose value cannot change the result, which is
exactly where Kleene logic ignores unknowns (false and x = false; true or x = true; ``any``
stops at a true element, ``all`` at a false one). Rule authors' variable names are prefixed so
they can never shadow the generated code's own names.
"""

from __future__ import annotations

import ast
import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import attrs

from kolrules import ir
from kolrules.codegen.emit import Emitter, function, run
from kolrules.program import CompiledJurisdiction, CompiledRule
from kolrules.runtime.builtins import PREDICATES
from kolrules.runtime.derived import DERIVED
from kolrules.runtime.kleene import COMPARISONS
from kolrules.schema import RECORD
from kolrules.text import LabelMatcher
from kolrules.timeutil import Duration, shift
from kolrules.types import FieldType, Kind, Scalar, path_type, step_type
from kolrules.values import NOTHING, Context, Elem, Unknown


class Fallback(Exception):
    """The fast path met a fact it cannot decide alone; use the three-valued code."""


#: What the fast path may raise; each means "decide this rule with the three-valued code".
FALLBACK_ERRORS = (Fallback, KeyError, IndexError, TypeError, AttributeError)

Fast = Callable[[dict[str, Any], Context], bool]


@attrs.frozen
class FastRule:
    """The generated functions of one rule version."""

    scope: Fast
    requirement: Fast


# ---- runtime helpers the generated code calls ------------------------------------------------


def _known(value: object) -> Any:
    if isinstance(value, Unknown) or value is NOTHING:
        raise Fallback
    return value


def _derived(name: str, ctx: Context) -> Any:
    found = ctx.derived.get(name)
    if found is None:
        found = ctx.derived[name] = DERIVED[name](ctx)
    return _known(found)


def _match(matcher: LabelMatcher, subject: object, ctx: Context) -> bool:
    if isinstance(subject, list):
        return any(matcher.matches(str(text)) for text in subject)
    return matcher.matches(str(subject))


def _local(value: object, ctx: Context) -> object:
    if isinstance(value, dt.datetime):
        return ctx.local_date(value)
    return value


def _temporal_pair(a: object, b: object, ctx: Context) -> tuple[Any, Any]:
    # A datetime meets a date on the jurisdiction's local calendar.
    if isinstance(a, dt.datetime) != isinstance(b, dt.datetime):
        return _local(a, ctx), _local(b, ctx)
    return a, b


def _within(subject: Any, duration: Duration, before: bool, anchor: Any, ctx: Context) -> bool:
    s, a = _temporal_pair(subject, anchor, ctx)
    if before:
        return bool(shift(a, duration, -1) <= s <= a)
    return bool(a <= s <= shift(a, duration, +1))


def _shift(point: Any, duration: Duration, sign: int) -> Any:
    return shift(point, duration, sign)


def _builtin(name: str, ctx: Context, args: tuple[Any, ...]) -> bool:
    wrapped = [Elem(a, "") if isinstance(a, dict) else a for a in args]
    return bool(_known(PREDICATES[name](ctx, *wrapped)))


def _present(root: Any, steps: tuple[str | int, ...]) -> bool:
    """``known(path)``: the path leads to a given value (never raises, never falls back)."""
    value = root
    for step in steps:
        if isinstance(step, int):
            if not isinstance(value, list) or step >= len(value):
                return False
            value = value[step]
        elif isinstance(value, dict):
            value = value.get(step)
        else:
            return False
        if value is None:
            return False
    return True


_OPS = {"==": ast.Eq, "!=": ast.NotEq, "<": ast.Lt, "<=": ast.LtE, ">": ast.Gt, ">=": ast.GtE}


# ---- static types, to choose the right comparison --------------------------------------------

_TEMPORAL = "temporal"


def _kind_of(t: FieldType | None) -> str | None:
    if isinstance(t, Scalar) and t.kind in (Kind.DATE, Kind.DATETIME):
        return _TEMPORAL
    return None


class Generator(Emitter):
    """Builds the ``ast`` of one function body from an IR expression."""

    # types
    def type_of(self, node: ir.Node, env: dict[str, FieldType | None]) -> FieldType | None:
        if isinstance(node, ir.Path):
            if node.base is None:
                t: FieldType | None = RECORD
            elif isinstance(node.base, str):
                t = env.get(node.base)
            else:
                t = self.type_of(node.base, env)
            return path_type(t, node.steps)
        if isinstance(node, ir.First):
            return self.item_type(node.collection, env)
        if isinstance(node, ir.LetRef):
            return env.get(f"let:{node.name}")
        if isinstance(node, ir.Arith):
            return self.type_of(node.left, env)
        if isinstance(node, ir.Const) and isinstance(node.value, dt.date):
            return Scalar(Kind.DATETIME if isinstance(node.value, dt.datetime) else Kind.DATE)
        return None

    # expressions
    def expr(self, node: ir.Node, env: dict[str, FieldType | None]) -> ast.expr:
        match node:
            case ir.Const(value):
                return self.const(value)
            case ir.Path(base, steps):
                if base is None:
                    current: ast.expr = self.load("data")
                elif isinstance(base, str):
                    current = self.load(f"v_{base}")
                else:
                    current = self.call("_known", self.expr(base, env))
                for step in steps:
                    current = ast.Subscript(current, ast.Constant(step), ast.Load())
                return current
            case ir.Derived(name):
                return self.call("_derived", ast.Constant(name), self.load("ctx"))
            case ir.LetRef(name):
                return self.load(f"l_{name}")
            case ir.Not(operand):
                return ast.UnaryOp(ast.Not(), self.expr(operand, env))
            case ir.And(operands):
                return ast.BoolOp(ast.And(), [self.expr(o, env) for o in operands])
            case ir.Or(operands):
                return ast.BoolOp(ast.Or(), [self.expr(o, env) for o in operands])
            case ir.Compare(op, left, right):
                return self.compare(op, left, right, env)
            case ir.Member(item, collection, negated):
                test: ast.cmpop = ast.NotIn() if negated else ast.In()
                return ast.Compare(self.expr(item, env), [test], [self.expr(collection, env)])
            case ir.SetOf(items):
                return ast.Set([self.expr(i, env) for i in items])
            case ir.Contains(collection, item):
                return ast.Compare(self.expr(item, env), [ast.In()], [self.expr(collection, env)])
            case ir.Matches(subject, matcher, _):
                subject_type = self.type_of(subject, env)
                if isinstance(subject_type, Scalar) and subject_type.kind is Kind.STRING:
                    # One string: the vocabulary's own test (a short ASCII text is searched
                    # lower-cased, others in their cached normal form).
                    return ast.Call(self.const(matcher.matches), [self.expr(subject, env)], [])
                return self.call(
                    "_match", self.const(matcher), self.expr(subject, env), self.load("ctx")
                )
            case ir.Within(subject, duration, direction, anchor):
                return self.call(
                    "_within",
                    self.expr(subject, env),
                    self.expr(duration, env),
                    ast.Constant(direction == "before"),
                    self.expr(anchor, env),
                    self.load("ctx"),
                )
            case ir.Exists(operand):
                return self.exists(operand, env)
            case ir.Arith(op, left, right):
                if isinstance(right, ir.Const) and isinstance(right.value, Duration):
                    left_type = _kind_of(self.type_of(left, env))
                    if left_type == _TEMPORAL:
                        return self.call(
                            "_shift",
                            self.expr(left, env),
                            self.const(right.value),
                            ast.Constant(1 if op == "+" else -1),
                        )
                    return ast.BinOp(
                        self.expr(left, env),
                        ast.Add() if op == "+" else ast.Sub(),
                        ast.Constant(right.value.seconds()),
                    )
                return ast.BinOp(
                    self.expr(left, env),
                    ast.Add() if op == "+" else ast.Sub(),
                    self.expr(right, env),
                )
            case ir.Quantified(quantifier, var, collection, where, body):
                inner = {**env, var: self.item_type(collection, env)}
                generator = ast.GeneratorExp(
                    self.expr(body, inner), [self.comprehension(var, collection, where, env)]
                )
                function = "all" if quantifier == "all" else "any"
                found = self.call(function, generator)
                return ast.UnaryOp(ast.Not(), found) if quantifier == "none" else found
            case ir.Count(var, collection, where):
                if where is None:
                    return self.call("len", self.expr(collection, env))
                generator = ast.GeneratorExp(
                    ast.Constant(1), [self.comprehension(var, collection, where, env)]
                )
                return self.call("sum", generator)
            case ir.First(var, collection, where):
                generator = ast.GeneratorExp(
                    self.load(f"v_{var}"), [self.comprehension(var, collection, where, env)]
                )
                return self.call("next", generator, self.load("NOTHING"))
            case ir.Builtin("known", (ir.Path(base, steps),)) if base is None or isinstance(
                base, str
            ):
                root = self.load("data") if base is None else self.load(f"v_{base}")
                path = ast.Tuple([ast.Constant(s) for s in steps], ast.Load())
                return self.call("_present", root, path)
            case ir.Builtin(name, args):
                return self.call(
                    "_builtin",
                    ast.Constant(name),
                    self.load("ctx"),
                    ast.Tuple([self.expr(a, env) for a in args], ast.Load()),
                )
        raise AssertionError(f"unhandled IR node {node!r}")  # pragma: no cover

    def item_type(self, collection: ir.Node, env: dict[str, FieldType | None]) -> FieldType | None:
        return step_type(self.type_of(collection, env), 0)

    def comprehension(
        self, var: str, collection: ir.Node, where: ir.Node | None, env: dict[str, FieldType | None]
    ) -> ast.comprehension:
        inner = {**env, var: self.item_type(collection, env)}
        conditions = [self.expr(where, inner)] if where is not None else []
        return ast.comprehension(
            ast.Name(f"v_{var}", ast.Store()), self.expr(collection, env), conditions, 0
        )

    def exists(self, operand: ir.Node, env: dict[str, FieldType | None]) -> ast.expr:
        if isinstance(operand, ir.First):
            generator = ast.GeneratorExp(
                ast.Constant(True),
                [self.comprehension(operand.var, operand.collection, operand.where, env)],
            )
            return self.call("any", generator)
        # A present value exists; an absent one raised KeyError on the way (→ three-valued code).
        return ast.Compare(self.expr(operand, env), [ast.IsNot()], [self.load("NOTHING")])

    def compare(
        self, op: str, left: ir.Node, right: ir.Node, env: dict[str, FieldType | None]
    ) -> ast.expr:
        a, b = self.operand(left, env), self.operand(right, env)
        if _TEMPORAL in (_kind_of(self.type_of(left, env)), _kind_of(self.type_of(right, env))):
            return self.call("_cmp_temporal", ast.Constant(op), a, b, self.load("ctx"))
        return ast.Compare(a, [_OPS[op]()], [b])

    def operand(self, node: ir.Node, env: dict[str, FieldType | None]) -> ast.expr:
        # Durations compare with `_s` fields as seconds.
        if isinstance(node, ir.Const) and isinstance(node.value, Duration):
            return ast.Constant(node.value.seconds())
        return self.expr(node, env)


def _cmp_temporal(op: str, a: Any, b: Any, ctx: Context) -> bool:
    if a is NOTHING or b is NOTHING:
        raise Fallback
    x, y = _temporal_pair(a, b, ctx)
    return COMPARISONS[op](x, y)


def _body(node: ir.Node, lets: tuple[tuple[str, ir.Node], ...], gen: Generator) -> list[ast.stmt]:
    statements, env = let_statements(lets, gen)
    statements.append(ast.Return(gen.call("bool", gen.expr(node, env))))
    return statements


_HELPERS: dict[str, object] = {
    "_known": _known,
    "_derived": _derived,
    "_match": _match,
    "_within": _within,
    "_shift": _shift,
    "_builtin": _builtin,
    "_present": _present,
    "_temporal_pair": _temporal_pair,
    "_cmp_temporal": _cmp_temporal,
    "NOTHING": NOTHING,
}


def helpers_namespace(constants: dict[str, object]) -> dict[str, Any]:
    """The namespace generated two-valued code runs in: a few Python built-ins, the runtime
    helpers it calls and ``constants`` (values that are not Python literals)."""
    namespace: dict[str, Any] = {
        "__builtins__": {"any": any, "all": all, "len": len, "sum": sum, "next": next, "bool": bool}
    }
    namespace.update(_HELPERS)
    namespace.update(constants)
    return namespace


def _compile(
    functions: dict[str, tuple[ir.Node, tuple[tuple[str, ir.Node], ...]]], label: str
) -> dict[str, Fast]:
    constants: dict[str, object] = {}
    gen = Generator(constants, itertools.count())
    definitions: list[ast.stmt] = [
        function(name, ["data", "ctx"], _body(node, lets, gen))
        for name, (node, lets) in functions.items()
    ]
    namespace = run(definitions, helpers_namespace(constants), f"<kolrules {label}>")
    return {name: namespace[name] for name in functions}


def compile_rule(rule: CompiledRule) -> FastRule:
    """The fast functions of one rule version."""
    made = _compile(
        {"scope": (rule.scope, rule.lets), "requirement": (rule.requirement, rule.lets)},
        rule.rule_id,
    )
    return FastRule(made["scope"], made["requirement"])


def compile_scope(jurisdiction: CompiledJurisdiction) -> Fast:
    """The fast function of a jurisdiction's scope."""
    return _compile({"scope": (jurisdiction.scope, ())}, jurisdiction.code)["scope"]


def compile_condition(node: ir.Node, label: str) -> Fast:
    """The fast function of one condition over a record (a presumption's ``when``)."""
    return _compile({"condition": (node, ())}, label)["condition"]


def let_statements(
    lets: tuple[tuple[str, ir.Node], ...], gen: Generator
) -> tuple[list[ast.stmt], dict[str, FieldType | None]]:
    """The assignments of a rule's lets, and the static types they give their names."""
    env: dict[str, FieldType | None] = {}
    out: list[ast.stmt] = []
    for name, value in lets:
        out.append(ast.Assign([ast.Name(f"l_{name}", ast.Store())], gen.expr(value, env)))
        env[f"let:{name}"] = gen.type_of(value, env)
    return out, env
