"""Compiled rules → three-valued Python functions, built with the ``ast`` module.

The two-valued plans of ``kolrules.codegen.two_valued`` decide a rule whenever every fact it
reads is present. This module generates the other half, so that no record ever needs the
tree-walking evaluator at run time: for each rule in force, functions that return its outcome
*with* the facts whose absence left it undetermined and the overriding rules that made it not
apply.

Generated expressions call the operations of ``kolrules.runtime.kleene`` (the one copy of the
language's semantics, shared with the reference evaluator) on operands computed in place;
``and``/``or`` operands and quantifier bodies are lambdas, so they run only when the logic
needs them, as in the reference evaluator. Let bindings are locals of the function that uses
them, so an overriding rule's lets never meet the overridden rule's. Closed subexpressions the
rules share (a label match over the caption, a definition used by many rules) are generated once
per plan as functions of their own and computed at most once per record (``Context.shared``):
generating each rule with its definitions written out cost most of a cold start. A use looks the
value up in line (most find it computed), and a truth the two-valued plan already found for the
record is taken from it (``Context.plain``) rather than computed again.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Callable
from typing import Any

from kolrules import ir
from kolrules.codegen.emit import Emitter, function, lambda_, load, run
from kolrules.program import CompiledJurisdiction, CompiledRule
from kolrules.runtime import kleene
from kolrules.runtime.decide import NOT_APPLICABLE_NOTHING, Decision, conclude
from kolrules.values import Context

#: One rule decided for a record: (data, ctx, jurisdiction scope) → its decision.
Decide = Callable[[Any, Context, object], Decision]
#: A condition or value over a record: (data, ctx) → a three-valued value.
Evaluate = Callable[[Any, Context], object]
#: A rule's lets over a record: (data, ctx) → name → value.
Lets = Callable[[Any, Context], dict[str, object]]


class KleeneCode:
    """The three-valued functions of one jurisdiction's rule versions, each generated on first
    use and kept for every set of versions in force that needs it (most records never need
    most of them, and a cold start compiles only what its records need)."""

    def __init__(self, label: str, shared: list[ir.Node]) -> None:
        """``shared``: the closed subexpressions the versions share (``shared_nodes``)."""
        self.label = label
        self.shared = shared
        self.shared_index = {node: k for k, node in enumerate(shared)}
        self._shared: list[Evaluate | None] = [None] * len(shared)
        # By the ids of the rule version and of its overriding versions in force (the rules
        # live as long as the program).
        self._decide: dict[tuple[int, ...], Decide] = {}
        self._lets: dict[int, Lets] = {}

    def decide(self, rule: CompiledRule, overriding: list[CompiledRule]) -> Decide:
        """``(data, ctx, jurisdiction scope) → decision`` of ``rule`` with ``overriding`` the
        versions in force that override it."""
        key = (id(rule), *(id(o) for o in overriding))
        found = self._decide.get(key)
        if found is None:
            found = self._decide[key] = _compile_decide(self, rule, overriding)
        return found

    def lets(self, rule: CompiledRule) -> Lets:
        """``(data, ctx) → name → value``: the lets of ``rule`` (messages name them)."""
        found = self._lets.get(id(rule))
        if found is None:
            gen = self.generator()
            module: list[ast.stmt] = [_lets_function(0, rule, gen)]
            found = self._lets[id(rule)] = self.run(module, gen, self.label)["b0"]
        return found

    def generator(self) -> _Generator:
        """A generator that reads the shared subexpressions through ``shared_value``."""
        return _Generator({}, itertools.count(), self.shared_index)

    def run(self, module: list[ast.stmt], gen: _Generator, label: str) -> dict[str, Any]:
        """Execute generated statements with the helpers, ``gen``'s constants and
        ``shared_value``."""
        return _run(
            module, {**gen.constants, "_shared": self.shared_value, "_UNSET": _UNSET}, label
        )

    def shared_value(self, k: int, data: Any, ctx: Context) -> object:
        """The value of shared subexpression ``k`` for the record of ``ctx``, computed once."""
        node = self.shared[k]
        key = id(node)  # the code keeps the node alive; an int hashes without Python code
        found = ctx.shared.get(key, _UNSET)
        if found is _UNSET:
            if ctx.plain_of is self.shared:
                # The two-valued plan computed it with every fact it read present: a truth
                # it found is the three-valued one (two_valued's docstring argues why).
                plain = ctx.plain[k]
                if plain is True or plain is False:
                    ctx.shared[key] = plain
                    return plain
            compute = self._shared[k]
            if compute is None:
                gen = self.generator()
                body: list[ast.stmt] = [ast.Return(gen.expr(node, share=False))]
                made = self.run([function("c", ["data", "ctx"], body)], gen, self.label)
                compute = self._shared[k] = made["c"]
            found = ctx.shared[key] = compute(data, ctx)
        return found


class KleenePlan:
    """The three-valued functions of the rules in force (in the plan's rule order), from the
    jurisdiction's ``KleeneCode``."""

    def __init__(
        self,
        rules: list[CompiledRule],
        overriders: dict[str, tuple[str, ...]],
        code: KleeneCode,
    ) -> None:
        self.rules = rules
        self.code = code
        self.shared = code.shared
        index_of = {rule.rule_id: i for i, rule in enumerate(rules)}
        # An overriding rule counts only when it is in force too.
        self.overriding = [
            [index_of[o] for o in overriders.get(rule.rule_id, ()) if o in index_of]
            for rule in rules
        ]

    def decide(self, index: int) -> Decide:
        """``(data, ctx, jurisdiction scope) → decision`` of rule ``index``. With a scope of
        True it also decides a rule whose scope the two-valued plan found to hold."""
        overriding = [self.rules[k] for k in self.overriding[index]]
        return self.code.decide(self.rules[index], overriding)

    def lets(self, index: int) -> Lets:
        """``(data, ctx) → name → value``: the lets of rule ``index`` (messages name them)."""
        return self.code.lets(self.rules[index])

    def lets_of(self, index: int, ctx: Context) -> dict[str, object]:
        """The lets of rule ``index`` for the record of ``ctx``."""
        return self.lets(index)(ctx.data, ctx)


_HELPERS: dict[str, object] = {
    "_follow": kleene.follow,
    "_follow_from": kleene.follow_from,
    "_derived": kleene.derived,
    "_truth": kleene.truth,
    "_negate": kleene.negate,
    "_kleene_all": kleene.kleene_all,
    "_kleene_any": kleene.kleene_any,
    "_compare": kleene.compare,
    "_member": kleene.member,
    "_set_of": kleene.set_of,
    "_contains": kleene.contains,
    "_matches": kleene.matches,
    "_within": kleene.within,
    "_exists": kleene.exists,
    "_arith": kleene.arith,
    "_quantify": kleene.quantify,
    "_count": kleene.count,
    "_first": kleene.first,
    "_known": kleene.known,
    "_call": kleene.call,
    "_conclude": conclude,
    "_NOT_APPLICABLE": NOT_APPLICABLE_NOTHING,
}


#: Expression forms whose generated code already gives True, False or an ``Unknown``.
_CONDITIONS = (
    ir.Not,
    ir.And,
    ir.Or,
    ir.Compare,
    ir.Member,
    ir.Contains,
    ir.Matches,
    ir.Within,
    ir.Exists,
    ir.Quantified,
)


_call = Emitter.call
#: A shared value not computed yet for this record.
_UNSET = object()


class _Generator(Emitter):
    """Builds three-valued ``ast`` expressions from IR expressions; a node among ``shared``
    becomes a call of the plan's ``shared_value``."""

    def __init__(
        self,
        constants: dict[str, object],
        counter: itertools.count[int],
        shared: dict[ir.Node, int] | None = None,
    ) -> None:
        super().__init__(constants, counter)
        self.shared = shared or {}

    def steps(self, steps: tuple[str | int, ...]) -> ast.expr:
        return self.const(steps)

    def bound(self, var: str, node: ir.Node | None) -> ast.expr:
        if node is None:
            return ast.Constant(None)
        return lambda_([f"v_{var}"], self.expr(node))

    def expr(self, node: ir.Node, *, share: bool = True) -> ast.expr:
        if share and self.shared:
            k = self.shared.get(node)
            if k is not None:
                # ``(v if (v := ctx.shared.get(id, _UNSET)) is not _UNSET else _shared(...))``:
                # most uses find the value computed, and a lookup in line costs no call.
                found = f"_v{next(self.counter)}"
                shared = ast.Attribute(load("ctx"), "shared", ast.Load())
                cached = ast.Call(
                    ast.Attribute(shared, "get", ast.Load()),
                    [ast.Constant(id(node)), load("_UNSET")],
                    [],
                )
                return ast.IfExp(
                    ast.Compare(
                        ast.NamedExpr(ast.Name(found, ast.Store()), cached),
                        [ast.IsNot()],
                        [load("_UNSET")],
                    ),
                    load(found),
                    _call("_shared", ast.Constant(k), load("data"), load("ctx")),
                )
        match node:
            case ir.Const(value):
                return self.const(value)
            case ir.Path(None, steps):
                return _call("_follow", load("data"), ast.Constant(""), self.steps(steps))
            case ir.Path(str() as var, steps):
                return _call("_follow_from", load(f"v_{var}"), self.steps(steps))
            case ir.Path(base, steps):
                assert base is not None and not isinstance(base, str)
                return _call("_follow_from", self.expr(base), self.steps(steps))
            case ir.Derived(name):
                return _call("_derived", ast.Constant(name), load("ctx"))
            case ir.LetRef(name):
                return load(f"l_{name}")
            case ir.Not(operand):
                return _call("_negate", self.expr(operand))
            case ir.And(operands) | ir.Or(operands):
                return self.connective(isinstance(node, ir.And), operands)
            case ir.Compare(op, left, right):
                return _call(
                    "_compare", ast.Constant(op), self.expr(left), self.expr(right), load("ctx")
                )
            case ir.Member(item, collection, negated):
                return _call(
                    "_member", self.expr(item), self.expr(collection), ast.Constant(negated)
                )
            case ir.SetOf(items):
                return _call("_set_of", ast.List([self.expr(i) for i in items], ast.Load()))
            case ir.Contains(collection, item):
                return _call("_contains", self.expr(collection), self.expr(item))
            case ir.Matches(subject, matcher, _):
                return _call("_matches", self.const(matcher), self.expr(subject), load("ctx"))
            case ir.Within(subject, duration, direction, anchor):
                return _call(
                    "_within",
                    self.expr(subject),
                    self.expr(duration),
                    ast.Constant(direction == "before"),
                    self.expr(anchor),
                    load("ctx"),
                )
            case ir.Exists(operand):
                return _call("_exists", self.expr(operand))
            case ir.Arith(op, left, right):
                sign = ast.Constant(1 if op == "+" else -1)
                return _call("_arith", sign, self.expr(left), self.expr(right), load("ctx"))
            case ir.Quantified(quantifier, var, collection, where, body):
                return _call(
                    "_quantify",
                    ast.Constant(quantifier),
                    self.expr(collection),
                    self.bound(var, where),
                    self.bound(var, body),
                )
            case ir.Count(var, collection, where):
                return _call("_count", self.expr(collection), self.bound(var, where))
            case ir.First(var, collection, where):
                return _call("_first", self.expr(collection), self.bound(var, where))
            case ir.Builtin("known", (argument,)):
                return _call("_known", self.expr(argument))
            case ir.Builtin(name, args):
                arguments = ast.List([self.expr(a) for a in args], ast.Load())
                return _call("_call", ast.Constant(name), load("ctx"), arguments)
        raise AssertionError(f"unhandled IR node {node!r}")  # pragma: no cover

    def truth(self, node: ir.Node) -> ast.expr:
        """``node`` as a condition: True, False or an ``Unknown``."""
        made = self.expr(node)
        return made if isinstance(node, _CONDITIONS) else _call("_truth", made)

    def connective(self, conjunction: bool, operands: tuple[ir.Node, ...]) -> ast.expr:
        """Kleene ``and`` (``or``) in line: the operands in order, each computed only while
        none so far was false (true), as ``kleene_all`` (``kleene_any``) reads them; the values
        read are then combined by it, unless all were true (false), the common case.

        ``(A if (t0 := a) is A else (A if (t1 := b) is A else (...)))``, A = False for ``and``.
        """
        absorbing = ast.Constant(not conjunction)
        names = [f"_t{next(self.counter)}" for _ in operands]
        neutral = ast.BoolOp(
            ast.And(),
            [ast.Compare(load(n), [ast.Is()], [ast.Constant(conjunction)]) for n in names],
        )
        combine = _call(
            "_kleene_all" if conjunction else "_kleene_any",
            ast.Tuple([load(n) for n in names], ast.Load()),
        )
        made: ast.expr = ast.IfExp(neutral, ast.Constant(conjunction), combine)
        for name, operand in reversed(list(zip(names, operands, strict=True))):
            value = ast.NamedExpr(ast.Name(name, ast.Store()), self.truth(operand))
            stops = ast.Compare(value, [ast.Is()], [absorbing])
            made = ast.IfExp(stops, ast.Constant(not conjunction), made)
        return made

    def lets(self, rule: CompiledRule) -> list[ast.stmt]:
        return [
            ast.Assign([ast.Name(f"l_{name}", ast.Store())], self.expr(value))
            for name, value in rule.lets
        ]


def _assign(name: str, value: ast.expr) -> ast.Assign:
    return ast.Assign([ast.Name(name, ast.Store())], value)


def _scope_function(index: int, rule: CompiledRule, gen: _Generator) -> ast.FunctionDef:
    """``s{index}(data, ctx)``: the rule's own scope, with its lets."""
    body: list[ast.stmt] = [*gen.lets(rule), ast.Return(_call("_truth", gen.expr(rule.scope)))]
    return function(f"s{index}", ["data", "ctx"], body)


def _decide_function(
    index: int,
    rule: CompiledRule,
    overriding: list[tuple[int, CompiledRule]],
    gen: _Generator,
) -> ast.FunctionDef:
    """``r{index}(data, ctx, jscope)``: the decision, as the reference procedure makes it:
    Kleene ``and`` of the jurisdiction's scope, the negated scopes of the overriding rules in
    force and the rule's own scope; then the requirement, unless the scope is false."""
    body: list[ast.stmt] = [
        ast.If(
            ast.Compare(load("jscope"), [ast.Is()], [ast.Constant(False)]),
            [ast.Return(load("_NOT_APPLICABLE"))],
            [],
        ),
        _assign("parts", ast.List([load("jscope")], ast.Load())),
        _assign("over", ast.List([], ast.Load())),
    ]
    for other_index, other in overriding:
        scope = _call(f"s{other_index}", load("data"), load("ctx"))
        body.append(_assign("other", scope))
        applies = ast.Compare(load("other"), [ast.Is()], [ast.Constant(True)])
        add = ast.Call(
            ast.Attribute(load("over"), "append", ast.Load()), [ast.Constant(other.rule_id)], []
        )
        body.append(ast.If(applies, [ast.Expr(add)], []))
        negated = ast.Call(
            ast.Attribute(load("parts"), "append", ast.Load()),
            [_call("_negate", load("other"))],
            [],
        )
        body.append(ast.Expr(negated))
    body.extend(gen.lets(rule))
    own = ast.Call(ast.Attribute(load("parts"), "append", ast.Load()), [gen.expr(rule.scope)], [])
    body.append(ast.Expr(own))
    requirement = lambda_([], gen.expr(rule.requirement))
    verdict = _call("_conclude", _call("_kleene_all", load("parts")), requirement, load("over"))
    body.append(ast.Return(verdict))
    return function(f"r{index}", ["data", "ctx", "jscope"], body)


def _lets_function(index: int, rule: CompiledRule, gen: _Generator) -> ast.FunctionDef:
    """``b{index}(data, ctx)``: the rule's lets by name (messages and remedies read them)."""
    names = [name for name, _ in rule.lets]
    result = ast.Dict([ast.Constant(n) for n in names], [load(f"l_{n}") for n in names])
    return function(f"b{index}", ["data", "ctx"], [*gen.lets(rule), ast.Return(result)])


def _run(module: list[ast.stmt], constants: dict[str, object], label: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__builtins__": {}}
    namespace.update(_HELPERS)
    namespace.update(constants)
    return run(module, namespace, f"<kolrules kleene {label}>")


def _compile_decide(code: KleeneCode, rule: CompiledRule, overriding: list[CompiledRule]) -> Decide:
    gen = code.generator()
    others = list(enumerate(overriding, start=1))
    module: list[ast.stmt] = [_scope_function(k, other, gen) for k, other in others]
    module.append(_decide_function(0, rule, others, gen))
    decide: Decide = code.run(module, gen, f"{code.label} {rule.rule_id}")["r0"]
    return decide


def compile_kleene_scope(jurisdiction: CompiledJurisdiction) -> Evaluate:
    """The three-valued function of a jurisdiction's scope: True, False or an ``Unknown``."""
    constants: dict[str, object] = {}
    gen = _Generator(constants, itertools.count())
    body: list[ast.stmt] = [ast.Return(_call("_truth", gen.expr(jurisdiction.scope)))]
    namespace = _run([function("scope", ["data", "ctx"], body)], constants, jurisdiction.code)
    scope: Evaluate = namespace["scope"]
    return scope


def compile_condition(node: ir.Node, label: str) -> Evaluate:
    """The three-valued function of one condition over a record (presumptions' ``when``)."""
    constants: dict[str, object] = {}
    gen = _Generator(constants, itertools.count())
    body: list[ast.stmt] = [ast.Return(_call("_truth", gen.expr(node)))]
    namespace = _run([function("condition", ["data", "ctx"], body)], constants, label)
    condition: Evaluate = namespace["condition"]
    return condition
