"""``kolrules check --jobs N``: records checked in worker processes, output in input order.

The parent writes the output; workers parse, validate, check and render. For JSON Lines files
the workers read their own byte ranges (``Span``) with the same line reader as ``--jobs 1``
(``kolrules.inputs``), so both give byte-identical output; for standard input and ``.json``
files the parent reads and sends chunks of lines.

- **Bounded.** At most ``2 × jobs`` tasks are in flight; the parent submits the next only after
  writing the oldest, so memory stays flat however large the input and however slow the reader.
  The parent cuts spans by scanning the file in blocks, never reading it whole.
- **A dead worker** (killed, out of memory) is detected: ``WorkerError`` is raised (the CLI
  exits 2 with a message naming the lines not checked); the run never hangs.
- **Ctrl-C**: workers ignore SIGINT; the parent stops them and re-raises ``KeyboardInterrupt``.
"""

from __future__ import annotations

import collections
import itertools
import multiprocessing
import signal
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

import attrs

from kolrules.engine import Engine
from kolrules.errors import KolrulesError
from kolrules.findings import Report
from kolrules.inputs import DEFAULT_LIMITS, Input, Limits, read_jsonl
from kolrules.packs import RuleSet

CHUNK = 1024

#: Bytes of input per task: large enough to amortize a task, small enough to balance two cores.
SPAN = 1 << 20

#: A rendered report, its status, and its (jurisdiction, rule, outcome) triples for the summary.
Done = tuple[str, str, list[tuple[str, str, str]]]
Counts = list[tuple[str, list[tuple[str, str, str]]]]

T = TypeVar("T")
R = TypeVar("R")


class WorkerError(KolrulesError):
    """A worker process died (killed, out of memory); the output stops before ``lines``."""

    def __init__(self, lines: str) -> None:
        super().__init__(
            f"a worker process died while checking {lines}; those and later records were not "
            "checked (out of memory or killed?)"
        )
        self.lines = lines


@attrs.frozen
class Job:
    """Everything a worker needs to rebuild the engine and check records like the parent."""

    rules: tuple[str, ...] | None
    jurisdictions: tuple[str, ...] | None
    as_of: Any
    include_pass: bool
    strict: bool
    render: Callable[[Report], str]
    limits: Limits = DEFAULT_LIMITS
    presumptions: bool = True
    assume: tuple[str, ...] = ()
    only_rules: tuple[str, ...] | None = None  # --only-rules (``rules`` is --rules)
    separator: str | None = None  # after each rendered report; None: by ``render`` (see below)


@attrs.frozen
class Span:
    """A range of whole lines of a file, and the number of the first line."""

    path: str
    start: int
    end: int
    first_line: int


_worker: tuple[Engine, Job] | None = None


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us


def _start(job: Job) -> None:
    global _worker
    _ignore_interrupts()
    engine = RuleSet.of(job.rules, job.only_rules).engine(job.jurisdictions)
    if not job.presumptions or job.assume:
        engine = engine.with_options(presumptions=job.presumptions, assume=job.assume)
    _worker = (engine, job)


def _summary(report: Report) -> tuple[str, list[tuple[str, str, str]]]:
    return report.status, [(f.jurisdiction, f.rule_id, f.outcome) for f in report.findings]


def _check(items: Iterable[Input]) -> Iterator[tuple[Report, str]]:
    assert _worker is not None, "worker not started"
    engine, job = _worker
    parsed = (item.parse(job.limits) for item in items)
    for report in engine.check_many(
        parsed, as_of=job.as_of, include_pass=job.include_pass, strict=job.strict
    ):
        yield report, job.render(report)


def _work(chunk: list[Input]) -> list[Done]:
    return [(text, *_summary(report)) for report, text in _check(chunk)]


def _work_span(span: Span) -> tuple[str, Counts]:
    assert _worker is not None, "worker not started"
    job = _worker[1]
    separator = job_separator(job)
    rendered: list[str] = []
    counts: Counts = []
    with open(span.path, "rb") as stream:
        stream.seek(span.start)
        items = read_jsonl(
            stream, parse=False, limits=job.limits, first_line=span.first_line, end=span.end
        )
        for report, text in _check(items):
            if text:  # the compact text report renders records without violations as ""
                rendered.append(text + separator)
            counts.append(_summary(report))
    return "".join(rendered), counts


def job_separator(job: Job) -> str:
    """What follows each rendered report: a newline for JSON Lines, a blank line for text."""
    from kolrules.reporters import to_json_line

    if job.separator is not None:
        return job.separator
    return "\n" if job.render is to_json_line else "\n\n"


def _chunks(items: Iterable[Input], size: int) -> Iterator[list[Input]]:
    rest = iter(items)
    while chunk := list(itertools.islice(rest, size)):
        yield chunk


def spans(path: str, size: int | None = None) -> Iterator[Span]:
    """Cut a JSON Lines file into ranges of whole lines, each about ``size`` bytes.

    The file is scanned in blocks (memory stays flat); a line longer than a block extends its
    span to the line's end.
    """
    size = size or SPAN
    with open(path, "rb") as stream:
        start, line = 0, 1
        while True:
            block = stream.read(size)
            if not block:
                return
            end = start + len(block)
            newlines = block.count(b"\n")
            while not block.endswith(b"\n"):  # extend to the end of the line
                block = stream.read(1 << 16)
                if not block:
                    break
                cut = block.find(b"\n")
                if cut >= 0:
                    end += cut + 1
                    newlines += 1
                    stream.seek(end)
                    break
                end += len(block)
            yield Span(path, start, end, line)
            line += newlines
            start = end


def _describe(task: object) -> str:
    if isinstance(task, Span):
        return f"{task.path} from line {task.first_line}"
    if isinstance(task, list) and task and isinstance(task[0], Input):
        return f"the records from line {task[0].line}"
    return "a chunk of records"


def _ordered(
    executor: ProcessPoolExecutor, work: Callable[[T], R], tasks: Iterable[T], window: int
) -> Iterator[R]:
    """``work(task)`` for each task, in order, with at most ``window`` tasks in flight."""
    pending: collections.deque[tuple[T, Future[R]]] = collections.deque()

    def oldest() -> R:
        task, future = pending.popleft()
        try:
            return future.result()
        except BrokenProcessPool:
            raise WorkerError(_describe(task)) from None

    for task in tasks:
        try:
            future = executor.submit(work, task)
        except BrokenProcessPool:  # a worker died while earlier tasks were still in flight
            raise WorkerError(_describe(pending[0][0] if pending else task)) from None
        pending.append((task, future))
        if len(pending) >= window:
            yield oldest()
    while pending:
        yield oldest()


def _executor(job: Job, jobs: int, engine: Engine | None) -> ProcessPoolExecutor:
    global _worker
    if "fork" in multiprocessing.get_all_start_methods() and engine is not None:
        _worker = (engine, job)  # inherited by the forked workers, with its warmed caches
        return ProcessPoolExecutor(
            jobs, mp_context=multiprocessing.get_context("fork"), initializer=_ignore_interrupts
        )
    return ProcessPoolExecutor(
        jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_start, initargs=(job,)
    )


def _run(
    job: Job, jobs: int, engine: Engine | None, work: Callable[[T], R], tasks: Iterable[T]
) -> Iterator[R]:
    executor = _executor(job, jobs, engine)
    try:
        yield from _ordered(executor, work, tasks, 2 * jobs)
    except BaseException:  # Ctrl-C, a broken pipe, a dead worker: stop the workers now
        for process in list(getattr(executor, "_processes", {}).values()):
            process.terminate()  # no public API stops a busy worker
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    executor.shutdown(wait=True)


def check_parallel(
    job: Job, inputs: Iterable[Input], jobs: int, engine: Engine | None = None
) -> Iterator[Done]:
    """Rendered reports in input order, checked by ``jobs`` worker processes."""
    for done in _run(job, jobs, engine, _work, _chunks(inputs, CHUNK)):
        yield from done


def check_files_parallel(
    job: Job, paths: Sequence[str], jobs: int, engine: Engine | None = None
) -> Iterator[tuple[str, Counts]]:
    """Rendered output and summary counts per span, in file order.

    Where processes are forked, workers inherit ``engine`` (with its compiled plans and
    caches) instead of loading the packs again.
    """
    tasks = (span for path in paths for span in spans(path))
    yield from _run(job, jobs, engine, _work_span, tasks)


def rules_tuple(rules: Sequence[str] | None) -> tuple[str, ...] | None:
    """CLI ``--rules`` as a picklable tuple."""
    return tuple(rules) if rules else None
