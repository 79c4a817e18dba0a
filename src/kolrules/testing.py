"""Run the worked examples of rule files (each expectation is a small test), and the
tree-walking reference evaluator as an oracle for the generated code."""

from __future__ import annotations

import datetime as dt

import attrs

from kolrules.diagnostics import Diagnostic
from kolrules.engine import Engine
from kolrules.errors import RecordError
from kolrules.evaluate import evaluate
from kolrules.program import CompiledRule
from kolrules.records import ensure_record
from kolrules.runtime.decide import Decision, conclude
from kolrules.runtime.kleene import kleene_all, negate, truth
from kolrules.source import Span
from kolrules.values import Context


@attrs.frozen
class ExampleResult:
    """The outcome of one example: how many expectations held, and a diagnostic per failure."""

    title: str
    source: str
    checked: int
    failures: tuple[Diagnostic, ...]


def _span(source: str) -> Span | None:
    path, _, line = source.rpartition(":")
    return Span.point(path, int(line), 1) if line.isdigit() else None


def run_examples(engine: Engine) -> list[ExampleResult]:
    """Check every example's record and compare each expected outcome with the actual one."""
    results = []
    for example in engine.examples:
        failures: list[Diagnostic] = []
        try:
            report = engine.check(example.record, as_of=example.as_of, include_pass=True)
        except RecordError as error:
            failures.append(
                Diagnostic(
                    "KR401",
                    f'example "{example.title}": record is invalid: {error}',
                    _span(example.source),
                )
            )
            results.append(ExampleResult(example.title, example.source, 0, tuple(failures)))
            continue
        actual = {f.rule_id: f for f in report.findings}
        for expect in example.expects:
            finding = actual.get(expect.rule_id)
            if expect.outcome == "not_in_force":
                if finding is not None:
                    failures.append(
                        Diagnostic(
                            "KR402",
                            f'example "{example.title}": expected `{expect.rule_id}` not '
                            f"to be in force on {report.as_of}, but it is ({finding.outcome})",
                            _span(expect.source),
                        )
                    )
                continue
            if finding is None:
                failures.append(
                    Diagnostic(
                        "KR402",
                        f'example "{example.title}": expected `{expect.rule_id}` to be '
                        f"{expect.outcome}, but the rule is not in force on {report.as_of}",
                        _span(expect.source),
                    )
                )
                continue
            if finding.outcome != expect.outcome:
                detail = f" (missing: {', '.join(finding.missing)})" if finding.missing else ""
                failures.append(
                    Diagnostic(
                        "KR402",
                        f'example "{example.title}": expected `{expect.rule_id}` to be '
                        f"{expect.outcome}, got {finding.outcome}{detail}",
                        _span(expect.source),
                        help=finding.message,
                    )
                )
            elif expect.missing is not None and tuple(sorted(expect.missing)) != finding.missing:
                failures.append(
                    Diagnostic(
                        "KR402",
                        f'example "{example.title}": `{expect.rule_id}` is undetermined '
                        f"for {', '.join(finding.missing) or 'nothing'}, expected "
                        f"{', '.join(sorted(expect.missing))}",
                        _span(expect.source),
                    )
                )
        results.append(
            ExampleResult(example.title, example.source, len(example.expects), tuple(failures))
        )
    return results


def _bind_lets(rule: CompiledRule, ctx: Context) -> None:
    ctx.lets = {}
    for name, node in rule.lets:
        ctx.lets[name] = evaluate(node, ctx)


def _scope(rule: CompiledRule, ctx: Context) -> object:
    _bind_lets(rule, ctx)
    return truth(evaluate(rule.scope, ctx))


def reference_decision(
    engine: Engine,
    rule: CompiledRule,
    ctx: Context,
    jurisdiction_scope: object,
    in_force: dict[str, CompiledRule],
) -> Decision:
    """One rule's outcome, missing facts and overriding rules by the tree-walking evaluator:
    Kleene ``and`` of the jurisdiction's scope, the negated scopes of the overriding rules in
    force and the rule's own scope; then its requirement."""
    parts = [jurisdiction_scope]
    overridden_by: list[str] = []
    if jurisdiction_scope is not False:
        for other_id in engine._overriders.get(rule.rule_id, ()):
            other = in_force.get(other_id)
            if other is None:
                continue
            other_scope = _scope(other, ctx)
            if other_scope is True:
                overridden_by.append(other_id)
            parts.append(negate(other_scope))
        parts.append(_scope(rule, ctx))
    return conclude(kleene_all(parts), lambda: evaluate(rule.requirement, ctx), overridden_by)


def reference_outcomes(
    engine: Engine, record: object, *, as_of: dt.date | None = None
) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Rule id → (outcome, missing facts) for every rule in force, by the tree-walking
    reference evaluator alone. Slow and simple on purpose: tests compare the generated code
    (which is what ``Engine`` runs) with it."""
    validated = ensure_record(record)
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    condition = lambda node, ctx: truth(evaluate(node, ctx))  # noqa: E731
    for view in engine._decider.contexts(validated, as_of, condition):
        ctx = view.ctx
        scope = truth(evaluate(view.jurisdiction.scope, ctx))
        rules = tuple(
            r for r in engine.rules if r.jurisdiction == view.code and r.in_force(view.day)
        )
        in_force = {r.rule_id: r for r in rules}
        for rule in rules:
            outcome, missing, _ = reference_decision(engine, rule, ctx, scope, in_force)
            out[rule.rule_id] = (outcome, missing)
    return out


__all__ = ["ExampleResult", "reference_decision", "reference_outcomes", "run_examples"]
