"""The one decision loop: every selected jurisdiction's view of a record, and each rule in
force decided by generated code, with its missing facts, overriding rules and the presumptions
its outcome rests on.

``Engine.check``, ``Engine.check_many`` and ``Engine.outcomes`` are folds over it. The
generated code is built on first use and cached: per jurisdiction its scope and the code of
all its rule versions (``kolrules.codegen.plan.JurisdictionCode``, the three-valued
``kolrules.codegen.three_valued.KleeneCode``), per set of rules in force a small plan calling
them, per presumption condition both kinds.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NamedTuple

import attrs

from kolrules import ir
from kolrules.builtins import BUILTINS
from kolrules.codegen.plan import NOT_APPLICABLE, PASS, SCOPE_HOLDS, JurisdictionCode, Plan
from kolrules.codegen.sharing import shared_nodes
from kolrules.codegen.three_valued import (
    Evaluate,
    KleeneCode,
    KleenePlan,
    compile_condition,
    compile_kleene_scope,
)
from kolrules.codegen.two_valued import FALLBACK_ERRORS, Fast, compile_scope
from kolrules.codegen.two_valued import compile_condition as compile_fast_condition
from kolrules.findings import REPORTED_BY_DEFAULT, Outcome, Presumed
from kolrules.presumptions import apply as apply_presumptions
from kolrules.presumptions import normalized_value, platform_defaults
from kolrules.program import CompiledJurisdiction, CompiledPresumption, CompiledRule, Program
from kolrules.records import Record
from kolrules.runtime.decide import Decision
from kolrules.runtime.derived import READS as DERIVED_READS
from kolrules.template import placeholders
from kolrules.text import LabelMatcher
from kolrules.values import Context

Condition = Callable[[ir.Node, Context], object]
Steps = tuple[str, ...]


def _reads(node: ir.Node, out: set[Steps]) -> None:
    """Record fields ``node`` may read, as paths of names (a list read whole at an index)."""
    out.update(_fields_read(node))


# Keyed by the node itself: a program holds each distinct subtree once (``ir``), so a define
# inlined at many places is walked once, not once per place (a cold start walked 84,000 nodes).
@functools.lru_cache(maxsize=1 << 16)
def _fields_read(node: ir.Node) -> frozenset[Steps]:
    match node:
        case ir.Path(base, steps):
            if base is None:
                named = []
                for step in steps:
                    if not isinstance(step, str):
                        break
                    named.append(step)
                return frozenset({tuple(named)})
            if not isinstance(base, str):  # a variable reads inside a list read elsewhere
                return _fields_read(base)
            return frozenset()
        case ir.Derived(name):
            return frozenset(tuple(path.split(".")) for path in DERIVED_READS[name])
    out: set[Steps] = set()
    if isinstance(node, ir.Builtin):
        out.update(tuple(path.split(".")) for path in BUILTINS[node.name].record_reads)
    for field in attrs.fields(type(node)):
        value = getattr(node, field.name)
        for child in value if isinstance(value, tuple) else (value,):
            if attrs.has(type(child)) and not isinstance(child, (ir.Const, LabelMatcher)):
                out |= _fields_read(child)
    return frozenset(out)


@functools.lru_cache(maxsize=1024)  # a few presumed paths recur on every record
def _steps(path: str) -> Steps:
    """A field path's names (``a.b[0].c`` → ``("a", "b", "c")``)."""
    return tuple(re.sub(r"\[[^]]*\]", "", path).split("."))


def _related(a: Steps, b: Steps) -> bool:
    """One path is the other or lies inside it."""
    return a[: len(b)] == b or b[: len(a)] == a


def _read_by(jurisdiction: CompiledJurisdiction, rules: Iterable[CompiledRule]) -> set[Steps]:
    """Every record field the jurisdiction's scope, its rules (conditions, lets, message and
    remedy placeholders) and presumptions' conditions may read."""
    out: set[Steps] = set()
    _reads(jurisdiction.scope, out)
    for rule in rules:
        for node in (rule.scope, rule.requirement, *(value for _, value in rule.lets)):
            _reads(node, out)
        for text in placeholders(rule.message) + placeholders(rule.remedy or ""):
            out.add(_steps(text.strip()))
    return out


@attrs.frozen
class Plans:
    """The generated code of the rules in force in one jurisdiction on one day: the two-valued
    plan that decides every rule whose facts are all given, and the three-valued functions
    that decide the others with their missing facts."""

    rules: tuple[CompiledRule, ...]
    plan: Plan
    kleene: KleenePlan


@attrs.define
class View:
    """One selected jurisdiction's view of one record: its date there, the record as the
    jurisdiction presumes it (``ctx``), what was presumed, and the jurisdiction's scope."""

    code: str
    jurisdiction: CompiledJurisdiction
    day: dt.date
    ctx: Context
    applied: tuple[Presumed, ...]
    record: Record
    scope: object = None
    # The record as given (no presumption), built when a finding first asks what it rests on.
    strict: Context | None = None
    strict_scope: object = None


class Decided(NamedTuple):
    """One rule's decision in a view (``error`` set when evaluating the rule raised)."""

    number: int  # the rule's place in the plan
    rule: CompiledRule
    outcome: Outcome
    missing: tuple[str, ...]
    overridden_by: tuple[str, ...]
    error: Exception | None = None


_NAMES = (Outcome.NOT_APPLICABLE, Outcome.PASS, Outcome.VIOLATION)


class Decider:
    """Decides records for the selected jurisdictions of a program (caches generated code)."""

    def __init__(
        self,
        program: Program,
        selected: tuple[str, ...],
        by_jurisdiction: Mapping[str, tuple[CompiledRule, ...]],
        overriders: Mapping[str, tuple[str, ...]],
        *,
        presumptions: bool,
        assumed: tuple[CompiledPresumption, ...],
    ) -> None:
        self.program = program
        self.selected = selected
        self.by_jurisdiction = by_jurisdiction
        self.overriders = overriders
        self.presumptions = presumptions
        self.assumed = assumed
        # Caches, not state: each depends only on the program and the options above.
        self.defaults: dict[str, tuple[tuple[CompiledPresumption, object], ...]] = {}
        self.scopes: dict[str, tuple[Fast, Evaluate]] = {}
        # By (jurisdiction, day): a plan depends only on which rule versions are in force.
        self.plans: dict[tuple[str, dt.date], Plans] = {}
        # By jurisdiction: the generated code of all its rule versions, which plans call.
        self.code: dict[str, tuple[JurisdictionCode, KleeneCode]] = {}
        # Presumption conditions by id of the IR node (nodes live as long as the program).
        self.conditions: dict[int, tuple[Fast, Evaluate]] = {}
        # The fields each rule's decision reads, by (jurisdiction, plan, rule's place).
        self.reads: dict[tuple[str, int, int], frozenset[Steps]] = {}
        # Plans are built under this lock: building one scans the plans already built, and a
        # dict another thread adds to cannot be iterated, not even by ``list(d.items())`` (a
        # garbage collection while it copies may switch threads). A process forked while
        # another thread holds it would wait forever: fork from one thread (as the CLI does).
        self._building = threading.Lock()

    # ---- views ----
    def contexts(
        self, record: Record, as_of: dt.date | None, condition: Condition | None = None
    ) -> Iterator[View]:
        """Each selected jurisdiction's view, its scope not yet decided. Presumptions'
        conditions are decided by generated code unless ``condition`` says otherwise (the
        reference evaluator in ``kolrules.testing``)."""
        for code in self.selected:
            jurisdiction = self.program.jurisdictions[code]
            day = as_of or record.published_at.astimezone(jurisdiction.tzinfo).date()
            data: Mapping[str, Any] = record.data
            applied: tuple[Presumed, ...] = ()
            defaults = self._defaults_for(jurisdiction)
            if defaults:
                data, applied = apply_presumptions(
                    record.data,
                    defaults,
                    Context(record.data, jurisdiction.tzinfo),
                    condition or self._condition,
                )
            ctx = Context(data, jurisdiction.tzinfo)
            yield View(code, jurisdiction, day, ctx, applied, record)

    def views(self, record: Record, as_of: dt.date | None) -> Iterator[View]:
        """Each selected jurisdiction's view, with its scope decided."""
        for view in self.contexts(record, as_of):
            view.scope = self.scope(view.code, view.ctx)
            yield view

    def scope(self, code: str, ctx: Context) -> object:
        """A jurisdiction's scope for a record: True, False or an ``Unknown``."""
        found = self.scopes.get(code)
        if found is None:
            jurisdiction = self.program.jurisdictions[code]
            found = self.scopes[code] = (
                compile_scope(jurisdiction),
                compile_kleene_scope(jurisdiction),
            )
        try:
            return found[0](ctx.data, ctx)  # type: ignore[arg-type]
        except FALLBACK_ERRORS:
            return found[1](ctx.data, ctx)

    # ---- the decision loop ----
    def decisions(self, view: View, *, include_pass: bool, explain: bool) -> Iterator[Decided]:
        """The rules in force in ``view`` with their decisions: violations and undetermined
        ones, and with ``include_pass`` every rule. ``explain`` also names the overriding rules
        of a rule that does not apply because of them."""
        plans = self.plan(view.code, view.day)
        codes = self._codes(plans, view)
        rules = plans.rules
        if include_pass:
            indices: Iterable[int] = range(len(rules))
        else:  # the common case: generated code found nothing to report for most rules
            indices = [i for i, known in enumerate(codes) if known is None or known > PASS]
        for index in indices:
            rule, known = rules[index], codes[index]
            try:
                if (
                    known is None
                    or known == SCOPE_HOLDS
                    or (explain and known == NOT_APPLICABLE and rule.rule_id in self.overriders)
                ):
                    # Missing facts and overriding rules come from the three-valued code.
                    outcome, missing, over = self._three_valued(plans, index, known, view)
                else:
                    outcome, missing, over = _NAMES[known], (), ()
            except Exception as error:  # one broken rule must not lose the record
                yield Decided(index, rule, Outcome.UNDETERMINED, (), (), error)
                continue
            if include_pass or outcome in REPORTED_BY_DEFAULT:
                yield Decided(index, rule, outcome, missing, over)

    def _codes(self, plans: Plans, view: View) -> list[int | None]:
        """Outcome codes by the two-valued plan (None: the three-valued functions decide)."""
        if view.scope is True:
            try:
                return plans.plan(view.ctx.data, view.ctx)  # type: ignore[arg-type]
            except Exception:  # a bug surfaced here is reported per rule by the other path
                return [None] * len(plans.rules)
        if view.scope is False:
            return [NOT_APPLICABLE] * len(plans.rules)
        return [None] * len(plans.rules)

    @staticmethod
    def _three_valued(plans: Plans, index: int, known: int | None, view: View) -> Decision:
        # SCOPE_HOLDS: the plan found the scope true and no overriding rule applying, so the
        # decision with a true jurisdiction scope is the requirement's alone.
        scope = True if known == SCOPE_HOLDS else view.scope
        return plans.kleene.decide(index)(view.ctx.data, view.ctx, scope)

    def presumed(self, view: View, decided: Decided) -> tuple[Presumed, ...]:
        """The presumptions a decided outcome rests on.

        Kleene logic is monotone: an outcome decided without a presumed value would be the
        same with it. So an outcome rests on a presumption exactly when, on the record as
        given, its rule is undetermined for want of the presumed field.
        """
        if not view.applied or decided.outcome == Outcome.UNDETERMINED:
            return ()
        plans = self.plan(view.code, view.day)
        reads = self._decision_reads(view, plans, decided.number)
        if not any(_related(_steps(p.path), r) for p in view.applied for r in reads):
            return ()  # the decision reads no presumed field: the record as given decides alike
        if view.strict is None:
            view.strict = Context(view.record.data, view.jurisdiction.tzinfo)
            view.strict_scope = self.scopes[view.code][1](view.strict.data, view.strict)
        found, missing, _ = plans.kleene.decide(decided.number)(
            view.strict.data, view.strict, view.strict_scope
        )
        if found != Outcome.UNDETERMINED:
            return ()
        used = tuple(
            p
            for p in view.applied
            if any(m == p.path or m.startswith((p.path + ".", p.path + "[")) for m in missing)
        )
        return used or view.applied

    def _decision_reads(self, view: View, plans: Plans, index: int) -> frozenset[Steps]:
        """Every record field a rule's decision may read: the jurisdiction's scope, the scopes
        of the rules overriding it, and its own scope, requirement and lets."""
        key = (view.code, id(plans), index)
        found = self.reads.get(key)
        if found is None:
            out: set[Steps] = set()
            _reads(view.jurisdiction.scope, out)
            rule = plans.rules[index]
            for other in plans.kleene.overriding[index]:
                overriding = plans.rules[other]
                for node in (overriding.scope, *(value for _, value in overriding.lets)):
                    _reads(node, out)
            for node in (rule.scope, rule.requirement, *(value for _, value in rule.lets)):
                _reads(node, out)
            found = self.reads[key] = frozenset(out)
        return found

    # ---- generated code, built on first use ----
    def plan(self, code: str, day: dt.date) -> Plans:
        """The generated code of the rules of ``code`` in force on ``day``."""
        key = (code, day)
        found = self.plans.get(key)
        if found is None:
            with self._building:
                found = self.plans.get(key)  # another thread may have built it meanwhile
                if found is None:
                    found = self.plans[key] = self._build_plan(code, day)
        return found

    def _build_plan(self, code: str, day: dt.date) -> Plans:
        """A new plan, or the plan of another day with the same rules in force (the caller
        holds ``_building``)."""
        rules = tuple(r for r in self.by_jurisdiction.get(code, ()) if r.in_force(day))
        for (other, _), plans in self.plans.items():
            if other == code and plans.rules == rules:
                return plans
        two_valued, three_valued = self._code(code)
        chosen = [i for i, rule in enumerate(two_valued.versions) if rule.in_force(day)]
        return Plans(
            rules,
            two_valued.plan(chosen),
            KleenePlan(list(rules), dict(self.overriders), three_valued),
        )

    def _code(self, code: str) -> tuple[JurisdictionCode, KleeneCode]:
        """The generated code of every rule version of a jurisdiction, which each day's plan
        calls (the caller holds ``_building``)."""
        found = self.code.get(code)
        if found is None:
            versions, overriders = list(self.by_jurisdiction.get(code, ())), dict(self.overriders)
            shared = shared_nodes(versions, overriders)  # both generators share the same
            found = self.code[code] = (
                JurisdictionCode(versions, overriders, code, shared),
                KleeneCode(code, shared),
            )
        return found

    def _condition(self, node: ir.Node, ctx: Context) -> object:
        """A presumption's ``when`` condition by generated code (two-valued when it can)."""
        found = self.conditions.get(id(node))
        if found is None:
            found = self.conditions[id(node)] = (
                compile_fast_condition(node, "presumption"),
                compile_condition(node, "presumption"),
            )
        try:
            return found[0](ctx.data, ctx)  # type: ignore[arg-type]
        except FALLBACK_ERRORS:
            return found[1](ctx.data, ctx)

    def _defaults_for(
        self, jurisdiction: CompiledJurisdiction
    ) -> tuple[tuple[CompiledPresumption, object], ...]:
        found = self.defaults.get(jurisdiction.code)
        if found is None:
            ordered = self.assumed
            if self.presumptions:
                ordered += jurisdiction.presumptions + platform_defaults()
            # A presumption for a field nothing here reads cannot change an outcome, a message
            # or the evidence: skip it (the benchmark rules never read a caption fold, yet a
            # platform default for it was tried on every record).
            read = _read_by(jurisdiction, self.by_jurisdiction.get(jurisdiction.code, ()))
            for p in ordered:
                if p.when is not None:
                    _reads(p.when, read)
                if p.value_from:
                    read.add(tuple(p.value_from))
            found = tuple(
                (p, p.value if p.value_from else normalized_value(p))
                for p in ordered
                if any(_related(tuple(p.path), r) for r in read)
            )
            self.defaults[jurisdiction.code] = found
        return found
