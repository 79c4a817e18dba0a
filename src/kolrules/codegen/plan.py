"""Fused plans: every rule of a jurisdiction in force on a day decided by one generated
two-valued function (``compile_plan``), with the subexpressions the rules share computed at most
once per record.

Each rule sits in its own ``try``: a rule that meets an absent fact (``FALLBACK_ERRORS``) is
left to the three-valued functions of ``kolrules.codegen.three_valued``, the others are decided
here. The expressions are built by ``two_valued.Generator``.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Callable
from typing import Any

from kolrules import ir
from kolrules.codegen.emit import function, run
from kolrules.codegen.sharing import shared_nodes
from kolrules.codegen.two_valued import (
    FALLBACK_ERRORS,
    Generator,
    helpers_namespace,
    let_statements,
)
from kolrules.program import CompiledRule
from kolrules.types import FieldType
from kolrules.values import Context

#: Outcome codes a plan returns per rule; None means "ask the three-valued code".
NOT_APPLICABLE, PASS, VIOLATION, SCOPE_HOLDS = 0, 1, 2, 3
# SCOPE_HOLDS: the rule applies (no overriding rule does) but its requirement needs the
# three-valued code; it then only evaluates the requirement.

Plan = Callable[[dict[str, Any], Context], list[int | None]]

#: A shared value not computed yet for this record.
_UNSET = object()


class _SharingGenerator(Generator):
    """A generator whose shared subexpressions are computed at most once per record, on first
    use, each by a function of its own defined once in the plan's module: a use reads
    ``(s[k] if s[k] is not _UNSET else _s<k>(data, ctx, s))``.

    On first use, not up front: a rule reads a label match only when its scope holds, and an
    absent fact under one shared expression sends only the rules that read it to the
    three-valued code (it stays unset, so every later use raises the same way). A function per
    shared expression, not its code repeated at each use: shared expressions nest (a label test
    inside a tie inside a scope), and repeating them made a plan's code grow with the product of
    its nesting and its uses (588,000 nodes for the US pack, 13 s to compile).
    """

    def __init__(
        self,
        constants: dict[str, object],
        counter: itertools.count[int],
        shared: dict[ir.Node, int],
    ) -> None:
        super().__init__(constants, counter)
        self.shared = shared

    def expr(self, node: ir.Node, env: dict[str, FieldType | None]) -> ast.expr:
        k = self.shared.get(node)
        if k is None:
            return super().expr(node, env)
        unset = ast.Compare(_slot(k, ast.Load()), [ast.IsNot()], [self.load("_UNSET")])
        compute = self.call(f"_s{k}", self.load("data"), self.load("ctx"), self.load("s"))
        return ast.IfExp(unset, _slot(k, ast.Load()), compute)

    def definition(self, k: int, node: ir.Node) -> ast.stmt:
        """``def _s<k>(data, ctx, s)``: shared expression ``k`` computed and kept in ``s``."""
        # A shared expression is closed: no let or outer variable, so no types to pass in.
        value = super().expr(node, {})
        store = ast.Assign([ast.Name("found", ast.Store()), _slot(k, ast.Store())], value)
        return function(f"_s{k}", ["data", "ctx", "s"], [store, ast.Return(self.load("found"))])


def _slot(k: int, context: ast.expr_context) -> ast.Subscript:
    return ast.Subscript(ast.Name("s", ast.Load()), ast.Constant(k), context)


def _try(body: list[ast.stmt], handler: list[ast.stmt]) -> ast.Try:
    errors = ast.Name("FALLBACK_ERRORS", ast.Load())
    return ast.Try(
        body=body, handlers=[ast.ExceptHandler(errors, None, handler)], orelse=[], finalbody=[]
    )


def _decisions(
    rules: list[CompiledRule], overriders: dict[str, tuple[str, ...]], gen: Generator
) -> list[ast.stmt]:
    """Each rule decided in its own ``try``; the list of outcome codes returned."""
    by_id = {rule.rule_id: rule for rule in rules}
    body: list[ast.stmt] = []
    outcomes: list[ast.expr] = []
    for index, rule in enumerate(rules):
        target = f"o{index}"
        decide: list[ast.stmt] = []
        checks: list[ast.expr] = []
        for other_id in overriders.get(rule.rule_id, ()):
            other = by_id.get(other_id)
            if other is not None:
                assignments, other_env = let_statements(other.lets, gen)
                decide.extend(assignments)
                checks.append(gen.expr(other.scope, other_env))
        assignments, env = let_statements(rule.lets, gen)
        decide.extend(assignments)
        checks.append(ast.UnaryOp(ast.Not(), gen.expr(rule.scope, env)))
        requirement = ast.IfExp(
            gen.expr(rule.requirement, env), ast.Constant(PASS), ast.Constant(VIOLATION)
        )
        holds: list[ast.stmt] = [
            ast.Assign([ast.Name(target, ast.Store())], ast.Constant(SCOPE_HOLDS))
        ]
        decide.append(
            ast.If(
                ast.BoolOp(ast.Or(), checks) if len(checks) > 1 else checks[0],
                [ast.Assign([ast.Name(target, ast.Store())], ast.Constant(NOT_APPLICABLE))],
                [_try([ast.Assign([ast.Name(target, ast.Store())], requirement)], holds)],
            )
        )
        undecided: list[ast.stmt] = [
            ast.Assign([ast.Name(target, ast.Store())], ast.Constant(None))
        ]
        body.append(_try(decide, undecided))
        outcomes.append(gen.load(target))
    body.append(ast.Return(ast.List(outcomes, ast.Load())))
    return body


def compile_plan(
    rules: list[CompiledRule],
    overriders: dict[str, tuple[str, ...]],
    label: str,
    shared: list[ir.Node] | None = None,
) -> Plan:
    """One function deciding every rule of ``rules`` for a record: a list of outcome codes.

    Subexpressions used by two or more rules (scope tests, label matches over the same text)
    are computed at most once per record, when a rule first needs them. Each rule sits in its
    own ``try``, so only the rules that meet an absent fact go to the three-valued code.
    ``shared`` is ``shared_nodes(rules, overriders)`` when the caller has it already.
    """
    constants: dict[str, object] = {}
    if shared is None:
        shared = shared_nodes(rules, overriders)
    gen = _SharingGenerator(constants, itertools.count(), {n: k for k, n in enumerate(shared)})
    unset = ast.List([ast.Name("_UNSET", ast.Load())], ast.Load())
    body: list[ast.stmt] = [
        ast.Assign(
            [ast.Name("s", ast.Store())], ast.BinOp(unset, ast.Mult(), ast.Constant(len(shared)))
        )
    ]
    body.extend(_decisions(rules, overriders, gen))
    module = [gen.definition(k, node) for k, node in enumerate(shared)]
    module.append(function("plan", ["data", "ctx"], body))
    namespace = helpers_namespace(constants)
    namespace.update({"FALLBACK_ERRORS": FALLBACK_ERRORS, "_UNSET": _UNSET})
    made = run(module, namespace, f"<kolrules plan {label}>")
    plan: Plan = made["plan"]
    return plan
