"""``kolrules check --jobs N``: records checked in worker processes, output in input order.

The parent reads the input and writes the output; workers parse, validate, check and render
chunks of records. At most a few chunks per worker are in flight, so memory stays flat however
large the input is.
"""

from __future__ import annotations

import collections
import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import attrs

from kolrules.engine import Engine
from kolrules.findings import Report
from kolrules.inputs import Input

CHUNK = 1024

#: A rendered report, its status, and its (jurisdiction, rule, outcome) triples for the summary.
Done = tuple[str, str, list[tuple[str, str, str]]]


@attrs.frozen
class Job:
    """Everything a worker needs to rebuild the engine and check records like the parent."""

    rules: tuple[str, ...] | None
    jurisdictions: tuple[str, ...] | None
    as_of: Any
    include_pass: bool
    strict: bool
    render: Callable[[Report], str]


_worker: tuple[Engine, Job] | None = None


def _start(job: Job) -> None:
    global _worker
    engine = (
        Engine.from_paths(list(job.rules), jurisdictions=job.jurisdictions)
        if job.rules
        else Engine.bundled(jurisdictions=job.jurisdictions)
    )
    _worker = (engine, job)


def _summary(report: Report) -> Done:
    return ("", report.status, [(f.jurisdiction, f.rule_id, f.outcome) for f in report.findings])


def _work(chunk: list[Input]) -> list[Done]:
    assert _worker is not None, "worker not started"
    engine, job = _worker
    out = []
    for report in engine.check_many(
        chunk, as_of=job.as_of, include_pass=job.include_pass, strict=job.strict
    ):
        _, status, findings = _summary(report)
        out.append((job.render(report), status, findings))
    return out


def _chunks(items: Iterable[Input], size: int) -> Iterator[list[Input]]:
    chunk: list[Input] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def check_parallel(job: Job, inputs: Iterable[Input], jobs: int) -> Iterator[Done]:
    """Rendered reports in input order, checked by ``jobs`` worker processes."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with context.Pool(jobs, initializer=_start, initargs=(job,)) as pool:
        pending: collections.deque[Any] = collections.deque()
        for chunk in _chunks(inputs, CHUNK):
            pending.append(pool.apply_async(_work, (chunk,)))
            if len(pending) >= 3 * jobs:  # bounded: the input is never read far ahead
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()


def rules_tuple(rules: Sequence[str] | None) -> tuple[str, ...] | None:
    """CLI ``--rules`` as a picklable tuple."""
    return tuple(rules) if rules else None
