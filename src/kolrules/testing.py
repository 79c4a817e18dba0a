"""Run the worked examples of rule files: each expectation is a small test."""

from __future__ import annotations

import attrs

from kolrules.diagnostics import Diagnostic
from kolrules.engine import Engine
from kolrules.errors import RecordError
from kolrules.source import Span


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
