"""Fused plans: every rule of a jurisdiction in force on a day decided by one generated
two-valued function (``JurisdictionCode.plan``), with the subexpressions the rules share
computed at most once per record.

Each rule version is decided by a function of its own in its own ``try``: a rule that meets an
absent fact (``FALLBACK_ERRORS``) is left to the three-valued functions of
``kolrules.codegen.three_valued``, the others are decided here. The expressions are built by
``two_valued.Generator``.
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


def _version(index: int, rule: CompiledRule, gen: Generator, overrides: bool) -> list[ast.stmt]:
    """``r<i>(data, ctx, s)``: the outcome code of rule version ``i`` (None: three-valued
    code), and when its rule ``overrides`` others, ``q<i>(data, ctx, s)``: its scope with its
    lets, for the rules it overrides (it raises where a fact is absent)."""
    assignments, env = let_statements(rule.lets, gen)
    requirement = ast.IfExp(
        gen.expr(rule.requirement, env), ast.Constant(PASS), ast.Constant(VIOLATION)
    )
    decide = [
        *assignments,
        ast.If(
            ast.UnaryOp(ast.Not(), gen.expr(rule.scope, env)),
            [ast.Return(ast.Constant(NOT_APPLICABLE))],
            [_try([ast.Return(requirement)], [ast.Return(ast.Constant(SCOPE_HOLDS))])],
        ),
    ]
    made: list[ast.stmt] = [
        function(f"r{index}", _PARAMS, [_try(decide, [ast.Return(ast.Constant(None))])])
    ]
    if overrides:
        assignments, env = let_statements(rule.lets, gen)
        scope = [*assignments, ast.Return(gen.expr(rule.scope, env))]
        made.append(function(f"q{index}", _PARAMS, scope))
    return made


_PARAMS = ["data", "ctx", "s"]


def _args() -> list[ast.expr]:
    return [ast.Name(name, ast.Load()) for name in _PARAMS]


class JurisdictionCode:
    """The two-valued code of every rule version of one jurisdiction, generated once: a
    function per version and per shared subexpression. The plan of one set of versions in
    force (one per day a record can fall on) is a small function calling them.

    Generating a plan per set of versions in force, each with every rule's code, compiled the
    same rules again for every such set a batch's dates met (26 sets for the bundled sample).
    """

    def __init__(
        self,
        versions: list[CompiledRule],
        overriders: dict[str, tuple[str, ...]],
        label: str,
        shared: list[ir.Node] | None = None,
    ) -> None:
        """``shared`` is ``shared_nodes(versions, overriders)`` when the caller has it."""
        self.versions = versions
        self.overriders = overriders
        self.label = label
        if shared is None:
            shared = shared_nodes(versions, overriders)
        self.size = len(shared)
        constants: dict[str, object] = {}
        gen = _SharingGenerator(constants, itertools.count(), {n: k for k, n in enumerate(shared)})
        module = [gen.definition(k, node) for k, node in enumerate(shared)]
        # Overriding is a rule's, not a version's: a version without `overrides` overrides
        # too when another version of its rule says so (as in the reference evaluator).
        overriding = {rule_id for ids in overriders.values() for rule_id in ids}
        for index, rule in enumerate(versions):
            module.extend(_version(index, rule, gen, rule.rule_id in overriding))
        namespace = helpers_namespace(constants)
        namespace.update(
            {"FALLBACK_ERRORS": FALLBACK_ERRORS, "_UNSET": _UNSET, "_SHARED": shared}
        )
        self.namespace = run(module, namespace, f"<kolrules plan {label}>")

    def plan(self, chosen: list[int]) -> Plan:
        """The plan of the versions at ``chosen`` (one version of each rule at most): their
        outcome codes, in that order. An overriding version counts only when it is chosen."""
        place = {self.versions[i].rule_id: i for i in chosen}
        # The values are left on the context: the three-valued code takes the truths found
        # here instead of computing them again (``KleeneCode.shared_value``).
        ctx = ast.Name("ctx", ast.Load())
        body: list[ast.stmt] = [
            ast.Assign(
                [
                    ast.Name("s", ast.Store()),
                    ast.Attribute(ctx, "plain", ast.Store()),
                ],
                ast.BinOp(
                    ast.List([ast.Name("_UNSET", ast.Load())], ast.Load()),
                    ast.Mult(),
                    ast.Constant(self.size),
                ),
            ),
            ast.Assign(
                [ast.Attribute(ctx, "plain_of", ast.Store())], ast.Name("_SHARED", ast.Load())
            ),
        ]
        outcomes: list[ast.expr] = []
        for n, index in enumerate(chosen):
            decide: ast.expr = ast.Call(ast.Name(f"r{index}", ast.Load()), _args(), [])
            overrides = self.overriders.get(self.versions[index].rule_id, ())
            overriding = [place[o] for o in overrides if o in place]
            if overriding:
                # The overriding scopes first, as the reference procedure reads them; an absent
                # fact in one leaves the rule to the three-valued code.
                applies: list[ast.expr] = [
                    ast.Call(ast.Name(f"q{o}", ast.Load()), _args(), []) for o in overriding
                ]
                target = ast.Name(f"o{n}", ast.Store())
                chose = ast.IfExp(
                    ast.BoolOp(ast.Or(), applies) if len(applies) > 1 else applies[0],
                    ast.Constant(NOT_APPLICABLE),
                    decide,
                )
                body.append(
                    _try(
                        [ast.Assign([target], chose)],
                        [ast.Assign([ast.Name(f"o{n}", ast.Store())], ast.Constant(None))],
                    )
                )
                decide = ast.Name(f"o{n}", ast.Load())
            outcomes.append(decide)
        body.append(ast.Return(ast.List(outcomes, ast.Load())))
        made = run([function("plan", ["data", "ctx"], body)], dict(self.namespace), self.label)
        plan: Plan = made["plan"]
        return plan
