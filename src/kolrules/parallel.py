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


# ---- JSON Lines files: workers read their own byte ranges and write their own output ----------

#: Bytes of input per task: large enough to amortize a task, small enough to balance two cores.
SPAN = 1 << 20


@attrs.frozen
class Span:
    """A range of whole lines of a file, and the number of the first line."""

    path: str
    start: int
    end: int
    first_line: int


def spans(path: str, size: int | None = None) -> Iterator[Span]:
    """Cut a JSON Lines file into ranges of whole lines, each about ``size`` bytes."""
    size = size or SPAN
    with open(path, "rb") as stream:
        data = stream.read()  # counting newlines is C-speed; the text is not decoded here
    start, line = 0, 1
    while start < len(data):
        cut = data.find(b"\n", min(start + size, len(data)) - 1)
        end = len(data) if cut < 0 else cut + 1
        yield Span(path, start, end, line)
        line += data.count(b"\n", start, end)
        start = end


def _work_span(span: Span) -> tuple[str, list[tuple[str, list[tuple[str, str, str]]]]]:
    from kolrules.inputs import read_jsonl

    assert _worker is not None, "worker not started"
    engine, job = _worker
    with open(span.path, "rb") as stream:
        stream.seek(span.start)
        text = stream.read(span.end - span.start).decode("utf-8")
    lines = text.splitlines(keepends=True)
    items = [
        Input(item.line + span.first_line - 1 if item.line else None, item.value, item.error)
        for item in read_jsonl(lines)
    ]
    rendered: list[str] = []
    counts: list[tuple[str, list[tuple[str, str, str]]]] = []
    for report in engine.check_many(
        items, as_of=job.as_of, include_pass=job.include_pass, strict=job.strict
    ):
        rendered.append(job.render(report))
        counts.append(_summary(report)[1:])
    return "".join(r + job_separator(job) for r in rendered), counts


def job_separator(job: Job) -> str:
    """What follows each rendered report: a newline for JSON Lines, a blank line for text."""
    from kolrules.reporters import to_json_line

    return "\n" if job.render is to_json_line else "\n\n"


def check_files_parallel(
    job: Job, paths: Sequence[str], jobs: int, engine: Engine | None = None
) -> Iterator[tuple[str, list[tuple[str, list[tuple[str, str, str]]]]]]:
    """Rendered output and summary counts per span, in file order.

    Where processes are forked, workers inherit ``engine`` (with its compiled plans and
    caches) instead of loading the packs again.
    """
    global _worker
    with _pool(job, jobs, engine) as pool:
        for path in paths:
            yield from pool.imap(_work_span, spans(path))


def _pool(job: Job, jobs: int, engine: Engine | None) -> Any:
    global _worker
    if "fork" in multiprocessing.get_all_start_methods() and engine is not None:
        _worker = (engine, job)  # inherited by the forked workers
        return multiprocessing.get_context("fork").Pool(jobs)
    return multiprocessing.get_context("spawn").Pool(jobs, initializer=_start, initargs=(job,))
