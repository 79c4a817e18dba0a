"""The ``kolrules`` command: check, lint, test, explain, schema. ``main(argv) -> int``."""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime as dt
import functools
import io
import json
import os
import shlex
import shutil
import signal
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, TextIO, TypeVar, cast

from kolrules import __version__
from kolrules.csvmap import ColumnMap, MapError, load_map, read_csv
from kolrules.diagnostics import Severity, render
from kolrules.docgen import records_markdown
from kolrules.engine import Engine
from kolrules.errors import KolrulesError, RuleError
from kolrules.findings import Report, Summary, Tally
from kolrules.inputs import Input, Limits, read_stream
from kolrules.jsonschema import record_schema
from kolrules.packs import RuleSet
from kolrules.reporters import (
    Folded,
    compact_summary_text,
    compact_text,
    json_document_text,
    report_text,
    summary_text,
    to_json_document,
    to_json_line,
    write_text,
)
from kolrules.reports.progress import Progress, wanted
from kolrules.sniff import sniff
from kolrules.testing import run_examples

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it


class _Usage(Exception):
    pass


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-01-01, got {text!r}") from None


def _whole(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("expected 0 or more")
    return value


def _jobs(text: str) -> int:
    return _whole(text) or (os.cpu_count() or 1)


FAIL_ON = ("violation", "invalid", "undetermined")
DEFAULT_FAIL_ON = frozenset({"violation", "invalid"})
SHOWABLE = ("violation", "undetermined", "pass", "not_applicable")


def _names(text: str, allowed: Sequence[str]) -> frozenset[str]:
    names = {n.strip().replace("-", "_") for n in text.split(",") if n.strip()}
    wrong = sorted(names - set(allowed))
    if wrong or not names:
        raise argparse.ArgumentTypeError(
            f"expected a comma-separated set of {', '.join(allowed)}, got {text!r}"
        )
    return frozenset(names)


def _outcome_set(text: str) -> frozenset[str]:
    return frozenset(SHOWABLE) if text.strip() == "all" else _names(text, SHOWABLE)


def _fail_set(text: str) -> frozenset[str]:
    return _names(text, FAIL_ON)


EPILOG = """exit codes of check: 0 every record was checked and nothing in --fail-on was found;
1 a violation or an invalid record (by default; see --fail-on), or no record was checked at all;
2 usage error, unreadable input, rule paths with no rules, or rules that do not compile"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kolrules", description="Check influencer (KOL) activity against advertising law."
    )
    parser.add_argument("--version", action="version", version=f"kolrules {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = sub.add_parser(
        "check",
        help="check activity records (JSON Lines, JSON, or - for stdin)",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument(
        "files", nargs="+", metavar="FILE", help="JSON Lines, a JSON array (*.json), or -"
    )
    check.add_argument(
        "--jurisdiction", "-j", default=None, help="comma-separated codes (default: all loaded)"
    )
    check.add_argument(
        "--as-of",
        type=_date,
        default=None,
        metavar="DATE",
        help="take the law in force on DATE instead of each publication date",
    )
    check.add_argument(
        "--format",
        choices=("text", "json", "jsonl", "csv", "html"),
        default="text",
        help="text for people (default); json, jsonl for programs; csv, one row per finding; "
        "html, one self-contained page",
    )
    check.add_argument(
        "--show",
        type=_outcome_set,
        default=frozenset(),
        metavar="OUTCOMES",
        help="text: every record in full, listing these too (undetermined, pass, "
        "not_applicable, all; comma-separated); implies --verbose",
    )
    check.add_argument(
        "--verbose",
        "-v",
        action="store_true",
        help="text: every record in full (violations with remedy and citations, open "
        "questions grouped) and every rule in the summary; by default one line per violation",
    )
    check.add_argument(
        "--include-pass",
        action="store_true",
        help="also list pass and not_applicable findings (= --show pass,not_applicable)",
    )
    check.add_argument(
        "--html", default=None, metavar="FILE", help="also write the HTML report to FILE"
    )
    check.add_argument(
        "--csv-bom",
        action="store_true",
        help="csv: start with a UTF-8 byte-order mark, so Excel reads the text right",
    )
    check.add_argument(
        "--fail-on",
        type=_fail_set,
        default=DEFAULT_FAIL_ON,
        metavar="SET",
        help="what makes exit 1: violation, invalid, undetermined (comma-separated; "
        "default violation,invalid). A run that checks no record never exits 0",
    )
    check.add_argument("--strict", action="store_true", help="unknown record keys are errors")
    check.add_argument(
        "--assume",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="state a fact for this data source when a record leaves it out, e.g. "
        "published_by=kol or 'audience.countries=[\"US\"]' (VALUE is JSON or a word; repeatable)",
    )
    check.add_argument(
        "--no-presumptions",
        action="store_true",
        help="strict evidence: the rule packs' presumptions and the platform defaults are off",
    )
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    check.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="no progress bar (one is drawn on stderr, when it is a terminal and the reports "
        "go to a file or pipe, for runs longer than a second)",
    )
    check.add_argument(
        "--output",
        default=None,
        metavar="FILE.parquet",
        help="write the findings to a Parquet file (one row per finding and per invalid "
        "record; docs/scale-out.md) instead of printing reports; needs kolrules[arrow]",
    )
    check.add_argument(
        "--jobs",
        type=_jobs,
        default=1,
        metavar="N",
        help="worker processes (default 1; 0 = one per CPU); output order is kept",
    )

    gaps = sub.add_parser(
        "gaps",
        help="rank the absent record fields that keep findings undetermined, across a corpus",
    )
    gaps.add_argument(
        "files", nargs="+", metavar="FILE", help="JSON Lines, a JSON array (*.json), or -"
    )
    gaps.add_argument("--format", choices=("text", "json", "html"), default="text")
    gaps.add_argument(
        "--top", type=_whole, default=20, metavar="N", help="text: rows shown (0 = all)"
    )
    for command in (check, gaps):
        command.add_argument(
            "--input-format",
            choices=("auto", "jsonl", "json", "csv"),
            default="auto",
            help="auto (default): a JSON array for files named *.json, JSON Lines otherwise "
            "(either may be gzip-compressed: *.jsonl.gz, *.json.gz); csv needs --map",
        )
        command.add_argument(
            "--map",
            default=None,
            metavar="MAP.toml",
            help="read the inputs as CSV exports, each column filling the record field this "
            "mapping file names (examples/csv-map.toml)",
        )
        command.add_argument(
            "--limit",
            action="append",
            default=None,
            metavar="NAME=N",
            help="input limits: line_bytes, depth, digits (see docs/security.md; repeatable)",
        )
    gaps.add_argument("--jurisdiction", "-j", default=None, help="comma-separated codes")
    gaps.add_argument("--as-of", type=_date, default=None, metavar="DATE")
    gaps.add_argument("--assume", action="append", default=[], metavar="PATH=VALUE")
    gaps.add_argument("--no-presumptions", action="store_true")
    gaps.add_argument("--strict", action="store_true", help="unknown record keys are errors")

    lint = sub.add_parser("lint", help="check rule files and report every problem")
    lint.add_argument("paths", nargs="+", metavar="RULEFILE")
    lint.add_argument("--strict", action="store_true", help="warnings fail too")
    lint.add_argument(
        "--format",
        choices=("text", "sarif", "github"),
        default="text",
        help="text (default); sarif: SARIF 2.1.0 for code scanning; github: Actions annotations",
    )

    test = sub.add_parser(
        "test", help="run the worked examples in rule files, and/or real cases (--cases)"
    )
    test.add_argument(
        "paths",
        nargs="*",
        metavar="RULEFILE",
        help="rule files or folders (with --cases and none given: the bundled packs)",
    )
    test.add_argument(
        "--cases",
        action="append",
        default=None,
        metavar="PATH",
        help="cases files or folders (tests/cases) to score per jurisdiction (repeatable)",
    )

    compare = sub.add_parser(
        "compare",
        help="what changes between two versions of the law, on a corpus of records",
        description="Judge every record on both sides and count, per rule, the records whose "
        "outcome changes. A side is a date (2026-01-01), a rules folder or file, or a "
        "jurisdiction code with rules of other jurisdictions transplanted into it "
        "(VN+CN-HOSTCODE-13), or every rule of a jurisdiction carrying an obligation "
        "(VN+CN:endorser.qualification); a folder or code may end with @DATE. See "
        "docs/policy-analysis.md.",
    )
    compare.add_argument("files", nargs="+", metavar="FILE")
    compare.add_argument("--before", required=True, metavar="SIDE")
    compare.add_argument("--after", required=True, metavar="SIDE")
    compare.add_argument("--format", choices=("text", "json"), default="text")
    compare.add_argument(
        "--show", type=int, default=5, metavar="N", help="record ids listed per transition"
    )

    diff = sub.add_parser(
        "diff",
        help="search for a record on which two rules (or two versions of one) differ",
        description="Both rules are lifted into one neutral jurisdiction (their dates and "
        "jurisdiction scopes set aside) and compared on what they require. Equal conditions are "
        "reported equivalent; otherwise a Hypothesis search (extra kolrules[hypothesis]) shows "
        "the smallest record found on which their outcomes differ.",
    )
    diff.add_argument("first", metavar="RULE_ID[@DATE]")
    diff.add_argument("second", metavar="RULE_ID[@DATE]")
    diff.add_argument("--budget", type=int, default=500, metavar="N", help="records to try")
    diff.add_argument("--format", choices=("text", "json"), default="text")

    obligation_map = sub.add_parser(
        "map",
        help="per obligation, which jurisdictions impose it, from when, how severely and why",
        description="The comparative map of the rule packs' `obligation` tags, as Markdown or "
        "HTML. --write DIR keeps DIR/obligations-map.md and .html; --check DIR fails if either "
        "is out of date. See docs/policy-analysis.md.",
    )
    obligation_map.add_argument(
        "--jurisdiction", action="append", default=None, metavar="CODE", help="repeatable"
    )
    obligation_map.add_argument("--format", choices=("markdown", "html"), default="markdown")
    where = obligation_map.add_mutually_exclusive_group()
    where.add_argument("--write", metavar="DIR", help="write both files into DIR")
    where.add_argument("--check", metavar="DIR", help="change nothing; exit 1 if DIR's are stale")

    explain = sub.add_parser(
        "explain", help="show a rule: its conditions, citations, versions and examples"
    )
    explain.add_argument("rule_id", metavar="RULE_ID")
    rules = _rules_parser(sub)
    new_pack = _new_pack_parser(sub)
    sub.add_parser(
        "lsp",
        help="run the language server for rule files on stdin/stdout (needs kolrules[lsp])",
    )

    fmt = sub.add_parser("fmt", help="rewrite rule files in the canonical layout")
    fmt.add_argument("paths", nargs="+", metavar="RULEFILE", help="files or folders; - for stdin")
    fmt.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 if a file is not in the canonical layout",
    )

    sub.add_parser("schema", help="print the activity record format as JSON Schema")

    docs = sub.add_parser("docs", help="generated documentation")
    docs.add_argument(
        "what",
        choices=("records", "coverage"),
        help="records: print the record reference; coverage: update "
        "docs/jurisdictions/*.md from the bundled packs",
    )
    docs.add_argument(
        "--check",
        action="store_true",
        help="coverage: change nothing, exit 1 if a page is out of date",
    )
    docs.add_argument(
        "--folder", default="docs/jurisdictions", help="coverage: where the pages are"
    )
    for command in (check, gaps, explain, diff, rules, docs, obligation_map):
        _add_rule_set(command)
    del new_pack  # no options shared with other commands
    for command in (check, gaps, lint, test, explain):
        command.add_argument(
            "--allow-imports-outside",
            action="store_true",
            help="let rule files import files outside the folders given (trusted packs only)",
        )
    return parser


@contextlib.contextmanager
def _imports_outside(allowed: bool) -> Iterator[None]:
    """``--allow-imports-outside`` for the loader (and the pack cache's key), for one run."""
    name = "KOLRULES_ALLOW_IMPORTS_OUTSIDE"
    before = os.environ.get(name)
    if allowed:
        os.environ[name] = "1"
    try:
        yield
    finally:
        if allowed:
            if before is None:
                del os.environ[name]
            else:
                os.environ[name] = before


def _add_rule_set(command: argparse.ArgumentParser) -> None:
    """``--rules`` (beside the bundled packs) and ``--only-rules`` (instead of them)."""
    command.add_argument(
        "--rules",
        action="append",
        default=None,
        metavar="PATH",
        help="your rule files or folders, checked beside the bundled packs (a pack declaring a "
        "bundled jurisdiction takes its place; repeatable)",
    )
    command.add_argument(
        "--only-rules",
        action="append",
        default=None,
        metavar="PATH",
        help="rule files or folders instead of the bundled packs (repeatable)",
    )


def _rule_set(args: argparse.Namespace) -> RuleSet:
    return RuleSet.of(args.rules, args.only_rules)


def _engine(args: argparse.Namespace, jurisdictions: list[str] | None = None) -> Engine:
    return _rule_set(args).engine(jurisdictions)


def _binary(stdin: TextIO) -> IO[bytes]:
    buffer = getattr(stdin, "buffer", None)  # in-memory streams (tests) have none
    return buffer or io.BytesIO(stdin.read().encode("utf-8", "surrogateescape"))


def _inputs(
    files: Sequence[str],
    stdin: TextIO,
    *,
    parse: bool,
    limits: Limits,
    array: bool | None,
    mapping: ColumnMap | None = None,
    meter: _Meter | None = None,
) -> Iterator[Input]:
    """Every input item of every file in order: JSON Lines, JSON arrays, gzip-compressed
    either (``*.gz``), Parquet, or CSV through ``mapping``; ``-`` is standard input.
    ``meter`` follows how far the files are read."""
    meter = meter or _Meter()
    for name in files:
        if name == "-":
            yield from _stream_inputs(_binary(stdin), "-", parse, limits, array, mapping)
            continue
        if _is_parquet(name):
            yield from _parquet_inputs(name, limits)
            continue
        try:
            with open(name, "rb") as raw:
                meter.current = raw
                if name.endswith(".gz"):
                    import gzip

                    with gzip.GzipFile(fileobj=raw, mode="rb") as packed:
                        stream = cast(IO[bytes], packed)
                        yield from _stream_inputs(stream, name, parse, limits, array, mapping)
                else:
                    yield from _stream_inputs(raw, name, parse, limits, array, mapping)
            meter.finished(name)
        except (EOFError, zlib.error) as error:
            damaged = f"its gzip data is cut short or damaged ({error})"
            raise _Usage(f"cannot read {name}: {damaged}") from None
        except OSError as error:  # gzip.BadGzipFile is one
            raise _Usage(f"cannot read {name}: {error.strerror or error}") from None
        except MapError as error:
            raise _Usage(str(error)) from None


class _Meter:
    """How many input bytes are read so far, across files, for the progress bar."""

    def __init__(self) -> None:
        self.done = 0
        self.current: IO[bytes] | None = None

    def position(self) -> int:
        """Bytes of the inputs read so far (the current file's read position included)."""
        try:
            here = self.current.tell() if self.current is not None else 0
        except (OSError, ValueError):
            here = 0
        return self.done + here

    def finished(self, name: str) -> None:
        """The file ``name`` is read to its end."""
        self.current = None
        with contextlib.suppress(OSError):
            self.done += os.path.getsize(name)


def _total_bytes(files: Sequence[str]) -> int | None:
    """The inputs' size on disk, or None when some input is a stream or a Parquet file."""
    if any(name == "-" or _is_parquet(name) for name in files):
        return None
    try:
        return sum(os.path.getsize(name) for name in files)
    except OSError:
        return None


def _closing(items: Iterator[Input], progress: Progress) -> Iterator[Input]:
    """``items``, erasing the progress bar once they are all read (before the summary)."""
    try:
        yield from items
    finally:
        progress.close()


def _stream_inputs(
    stream: IO[bytes],
    name: str,
    parse: bool,
    limits: Limits,
    array: bool | None,
    mapping: ColumnMap | None,
) -> Iterator[Input]:
    if mapping is not None:
        try:
            yield from read_csv(stream, mapping, name="stdin" if name == "-" else name)
        except MapError as error:
            raise _Usage(str(error)) from None
        return
    base = name.removesuffix(".gz")
    yield from read_stream(stream, name=base, array=array, parse=parse, limits=limits)


def _unit(args: argparse.Namespace) -> str:
    """How the text report numbers records: ``item`` when every input is a JSON array."""
    if args.input_format == "json" or (
        args.input_format == "auto"
        and all(name.removesuffix(".gz").endswith(".json") for name in args.files)
    ):
        return "item"
    return "line"


def _mapping(args: argparse.Namespace) -> ColumnMap | None:
    """The ``--map`` file, or None; CSV input without one is a usage error that says why."""
    if args.map:
        try:
            return load_map(args.map)
        except MapError as error:
            raise _Usage(str(error)) from None
    tables = [n for n in args.files if n.removesuffix(".gz").lower().endswith((".csv", ".tsv"))]
    if tables or args.input_format == "csv":
        what = tables[0] if tables else "--input-format csv"
        raise _Usage(
            f"{what}: CSV needs a column mapping: --map map.toml saying which record field each "
            "column fills (examples/csv-map.toml, docs/inputs.md)"
        )
    return None


def _is_parquet(name: str) -> bool:
    return name.lower().endswith((".parquet", ".parq"))


def _parquet_inputs(name: str, limits: Limits) -> Iterator[Input]:
    """The rows of a Parquet file (nested record columns, or one JSON text column)."""
    try:
        from kolrules.columnar import read_inputs
    except ImportError:
        raise _Usage(f"reading {name} needs pyarrow: pip install 'kolrules[arrow]'") from None
    yield from read_inputs(name, limits=limits)  # ColumnarError (exit 2) if not Parquet


def _write_findings_file(reports: Iterator[Report], path: str, err: TextIO) -> None:
    """``--output FILE.parquet``: the findings table, written as the reports stream past."""
    if not _is_parquet(path):
        raise _Usage(f"--output: expected a file name ending in .parquet, got {path!r}")
    try:
        from kolrules.columnar import write_findings
    except ImportError:
        raise _Usage("--output needs pyarrow: pip install 'kolrules[arrow]'") from None
    try:
        rows = write_findings(reports, path)
    except OSError as error:
        raise _Usage(f"cannot write {path}: {error.strerror or error}") from None
    err.write(f"{rows} finding row(s) written to {path}\n")


def _readable(files: Sequence[str]) -> None:
    """Every input can be opened, before any output is written."""
    for name in files:
        if name != "-":
            try:
                with open(name, "rb"):
                    pass
            except OSError as error:
                raise _Usage(f"cannot read {name}: {error.strerror or error}") from None


def _quiet_stdout(out: TextIO) -> None:
    """After a broken pipe: send what is still buffered nowhere, so exit prints no traceback."""
    if out is sys.stdout:
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _print_rule_error(error: RuleError, err: TextIO) -> None:
    err.write(error.render() + "\n")
    count = sum(1 for d in error.diagnostics if d.severity is Severity.ERROR)
    err.write(f"\n{count} error(s): rule files did not compile\n")


def _check_engine(args: argparse.Namespace, codes: list[str] | None) -> Engine:
    engine = _engine(args, codes)
    if args.no_presumptions or args.assume:
        engine = engine.with_options(presumptions=not args.no_presumptions, assume=args.assume)
    return engine


def _check(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO) -> int:
    codes = [c for c in args.jurisdiction.split(",") if c.strip()] if args.jurisdiction else None
    engine = _check_engine(args, codes)
    colour = args.color == "always" or (
        args.color == "auto" and out.isatty() and not os.environ.get("NO_COLOR")
    )
    try:
        limits = Limits.parse(args.limit)
    except ValueError as error:
        raise _Usage(f"--limit: {error}") from None
    _readable(args.files)
    if args.include_pass:
        args.show = args.show | {"pass", "not_applicable"}
    args.verbose = args.verbose or bool(args.show)
    args.width = shutil.get_terminal_size().columns if _isatty(out) else None
    tally = _Scope()
    parallel = args.jobs > 1 and args.format in ("text", "jsonl") and not args.html
    array = {"auto": None, "jsonl": False, "json": True, "csv": None}[args.input_format]
    mapping = _mapping(args)
    args.unit = "line" if mapping else _unit(args)
    meter = _Meter()
    inputs = _inputs(
        args.files,
        stdin,
        parse=not parallel,
        limits=limits,
        array=array,
        mapping=mapping,
        meter=meter,
    )
    if wanted(err, out, quiet=args.quiet):
        total = None if parallel else _total_bytes(args.files)
        tally.progress = Progress(err, total=total, position=meter.position)
        inputs = _closing(inputs, tally.progress)
    try:
        _write_reports(args, codes, engine, inputs, limits, tally, out, err, colour, parallel)
    except BrokenPipeError:  # the reader went away: the exit code still says what was found
        _quiet_stdout(out)
    return _exit_code(args, tally, err)


class _Scope(Tally):
    """A ``Tally`` that also counts checked records that no jurisdiction's scope covered."""

    def __init__(self) -> None:
        super().__init__()
        self.out_of_scope = 0
        self.scope_known = True  # False when workers rendered the reports (counts only)
        self.folded = Folded()  # what the compact text report leaves to its summary
        self.progress: Progress | None = None

    def add(self, report: Report) -> Report:
        """Count one report, and whether any jurisdiction was in scope."""
        if report.status == "checked" and not report.jurisdictions:
            self.out_of_scope += 1
        self.folded.add(report)
        if self.progress is not None:
            self.progress.tick()
        return super().add(report)

    def add_counts(self, status: str, findings: list[tuple[str, str, str]]) -> None:
        """Count a report known only by its counts (the scope is then unknown)."""
        self.scope_known = False
        self.folded.add_counts(status, findings)
        if self.progress is not None:
            self.progress.tick()
        super().add_counts(status, findings)


def _exit_code(args: argparse.Namespace, tally: _Scope, err: TextIO) -> int:
    """Exit codes per format 1.1: a run that checked nothing never exits 0."""
    summary = tally.summary()
    if summary.checked == 0:
        err.write(f"kolrules: error: no record was checked: {_looked_like(args, summary)}\n")
        return EXIT_FAIL
    if tally.scope_known and tally.out_of_scope == summary.checked:
        loaded = ", ".join(args.jurisdiction.split(",")) if args.jurisdiction else "loaded"
        err.write(
            f"kolrules: error: no record was checked: none of the {summary.checked} record(s) "
            f"is in the scope of the {loaded} jurisdictions' rules (audience.countries?)\n"
        )
        return EXIT_FAIL
    found = {
        "violation": summary.outcomes.get("violation", 0),
        "undetermined": summary.outcomes.get("undetermined", 0),
        "invalid": summary.invalid,
    }
    if found["violation"] and "violation" not in args.fail_on:
        err.write(
            f"kolrules: note: {found['violation']} violation(s) found; they do not fail the run "
            f"(--fail-on {','.join(sorted(args.fail_on))})\n"
        )
    return EXIT_FAIL if any(found[name] for name in args.fail_on) else EXIT_OK


def _looked_like(args: argparse.Namespace, summary: Summary) -> str:
    """What the input was, when no record in it could be checked."""
    if summary.read == 0:
        return "the input holds no records (it is empty)"
    said = f"all {summary.read} record(s) are invalid"
    hints = [
        f"{name} {hint}"
        for name in args.files
        if name != "-" and (hint := sniff(name, array=args.input_format))
    ]
    return said + (f"; {'; '.join(hints)}" if hints else "")


T = TypeVar("T")


class _Interrupts:
    """Ctrl-C, remembered. Python raises ``KeyboardInterrupt`` wherever the main thread is when
    the signal arrives; raised while a finalizer runs (an abandoned generator closed by the
    garbage collector), it is printed as "Exception ignored" and lost, and the check would run
    on to the end. The record loops of ``kolrules check`` ask ``check`` before every record,
    so a lost interrupt still stops them."""

    seen = False

    @classmethod
    def handler(cls, signum: int, frame: object) -> None:
        """The SIGINT handler ``entry_point`` installs: remember, then interrupt as usual."""
        cls.seen = True
        raise KeyboardInterrupt

    @classmethod
    def check(cls) -> None:
        """Raise ``KeyboardInterrupt`` again if Ctrl-C was pressed."""
        if cls.seen:
            raise KeyboardInterrupt


def _until_interrupted(items: Iterable[T]) -> Iterator[T]:
    """``items``, asking for Ctrl-C before each is read (an idle stdin must not hide it), and
    closing the source when stopped, so a worker pool behind it is shut down at once."""
    source = iter(items)
    try:
        while True:
            _Interrupts.check()
            try:
                item = next(source)
            except StopIteration:
                return
            yield item
    finally:
        close = getattr(source, "close", None)
        if close is not None:
            close()


def _write_reports(
    args: argparse.Namespace,
    codes: list[str] | None,
    engine: Engine,
    inputs: Iterator[Input],
    limits: Limits,
    tally: Tally,
    out: TextIO,
    err: TextIO,
    colour: bool,
    parallel: bool,
) -> None:
    inputs = _until_interrupted(inputs)
    if args.output:  # findings to Parquet, in this process
        reports = engine.check_many(
            (item.parse(limits) for item in inputs),
            as_of=args.as_of,
            include_pass=bool(args.show & {"pass", "not_applicable"}),
            strict=args.strict,
        )
        _write_findings_file((tally.add(r) for r in reports), args.output, err)
        return
    jurisdiction_of = {r.rule_id: r.jurisdiction for r in engine.program.rules}
    if parallel:
        _check_parallel(args, codes, inputs, limits, tally, out, colour, engine)
        if args.format == "text" and args.verbose:
            err.write(_summary_footer(tally.summary(), jurisdiction_of, args.show))
        elif args.format == "text":
            err.write(_compact_footer(args, tally, jurisdiction_of))
        return
    include_pass = bool(args.show & {"pass", "not_applicable"})
    given: collections.deque[Any] = collections.deque()
    keep = args.format == "html" or bool(args.html)

    def remembered() -> Iterator[Input]:
        for item in inputs:
            if keep:
                given.append(item.value)
            yield item

    reports = (
        tally.add(r)
        for r in engine.check_many(
            remembered(), as_of=args.as_of, include_pass=include_pass, strict=args.strict
        )
    )
    pairs = ((r, given.popleft() if keep else None) for r in reports)
    kept: list[tuple[Report, Any]] = []
    if keep:
        kept = list(pairs)
        reports = iter(r for r, _ in kept)
    if args.format == "jsonl":
        for report in reports:
            out.write(to_json_line(report) + "\n")
            out.flush()
    elif args.format == "json":
        collected: list[Report] = list(reports)
        document = to_json_document(collected, tally.summary())
        out.write(json_document_text(document) + "\n")
    elif args.format == "csv":
        from kolrules.reports.table import write_csv

        write_csv(reports, out, bom=args.csv_bom)
    elif args.format == "html":
        out.write(_html(args, kept, tally, jurisdiction_of))
    elif args.verbose:
        write_text(reports, out, colour=colour, show=args.show, unit=args.unit)
        err.write(_summary_footer(tally.summary(), jurisdiction_of, args.show))
    else:
        for report in reports:
            text = compact_text(report, colour=colour, width=args.width, unit=args.unit)
            if text:
                out.write(text + "\n")
                out.flush()
        err.write(_compact_footer(args, tally, jurisdiction_of))
    if args.html:
        page = _html(args, kept, tally, jurisdiction_of)
        try:
            Path(args.html).write_text(page, encoding="utf-8")
        except OSError as error:
            raise _Usage(f"cannot write {args.html}: {error.strerror or error}") from None


def _html(
    args: argparse.Namespace,
    kept: list[tuple[Report, Any]],
    tally: Tally,
    jurisdiction_of: dict[str, str],
) -> str:
    from kolrules.reports.page import html_report

    names = (Path(f).name if f != "-" else "stdin" for f in args.files)
    title = "kolrules report: " + ", ".join(names)
    return html_report(kept, tally.summary(), title=title, jurisdiction_of=jurisdiction_of)


def _compact_footer(
    args: argparse.Namespace, tally: Tally, jurisdiction_of: dict[str, str]
) -> str:
    """The compact report's summary, with the ``gaps`` command for these very inputs."""
    folded = tally.folded if isinstance(tally, _Scope) else Folded()
    files = " ".join(shlex.quote(name) for name in args.files)
    if args.map:
        files = f"--map {shlex.quote(args.map)} {files}"
    text = compact_summary_text(
        tally.summary(),
        folded,
        jurisdiction_of=jurisdiction_of,
        gaps_command=f"kolrules gaps {files}",
    )
    return "\n" + text + "\n"


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _summary_footer(
    summary: Summary, jurisdiction_of: dict[str, str], show: frozenset[str]
) -> str:
    text = summary_text(summary, jurisdiction_of)
    if summary.outcomes.get("undetermined") and "undetermined" not in show:
        text += (
            "\n\nundetermined findings are grouped per record by the facts that would decide "
            "them; --show undetermined lists them, `kolrules gaps FILE` ranks the missing facts"
        )
    return text + "\n"


def _check_parallel(
    args: argparse.Namespace,
    codes: list[str] | None,
    inputs: Iterator[Input],
    limits: Limits,
    tally: Tally,
    out: TextIO,
    colour: bool,
    engine: Engine,
) -> None:
    from kolrules.parallel import Job, check_files_parallel, check_parallel, rules_tuple

    render: Callable[[Report], str]
    if args.format == "jsonl":
        render, separator = to_json_line, "\n"
    elif args.verbose:
        render = functools.partial(report_text, colour=colour, show=args.show, unit=args.unit)
        separator = "\n\n"
    else:
        render = functools.partial(compact_text, colour=colour, width=args.width, unit=args.unit)
        separator = "\n"  # records without violations render as "" and print nothing
    job = Job(
        rules_tuple(args.rules),
        tuple(codes) if codes else None,
        args.as_of,
        bool(args.show & {"pass", "not_applicable"}),
        args.strict,
        render,
        limits,
        presumptions=not args.no_presumptions,
        assume=tuple(args.assume),
        only_rules=rules_tuple(args.only_rules),
        separator=separator,
    )
    files = args.files
    lines = args.input_format == "jsonl" or (
        args.input_format == "auto" and not any(name.endswith(".json") for name in files)
    )
    # Warm the engine once here so forked workers inherit its compiled plans.
    engine.check({"id": "warm-up", "published_at": "2026-01-01T00:00:00Z"})
    # Parquet, gzip and CSV go in parsed chunks; plain JSON Lines files in byte ranges.
    spans = not args.map and not any(_is_parquet(n) or n.endswith(".gz") for n in files)
    if spans and lines and all(name != "-" and Path(name).is_file() for name in files):
        # Regular JSON Lines files: workers read their own ranges; the parent only writes.
        checked = check_files_parallel(job, files, args.jobs, engine)
        for text, counts in _until_interrupted(checked):
            for status, findings in counts:
                tally.add_counts(status, findings)
            out.write(text)
        return
    results = check_parallel(job, inputs, args.jobs, engine)
    for rendered, status, findings in _until_interrupted(results):
        tally.add_counts(status, findings)
        if rendered:
            out.write(rendered + separator)


def _gaps(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO) -> int:
    from kolrules.reports.gaps import gaps, gaps_text

    codes = [c for c in args.jurisdiction.split(",") if c.strip()] if args.jurisdiction else None
    engine = _check_engine(args, codes)
    try:
        limits = Limits.parse(args.limit)
    except ValueError as error:
        raise _Usage(f"--limit: {error}") from None
    _readable(args.files)
    array = {"auto": None, "jsonl": False, "json": True, "csv": None}[args.input_format]
    inputs = _inputs(
        args.files, stdin, parse=True, limits=limits, array=array, mapping=_mapping(args)
    )
    tally = _Scope()
    checked = engine.check_many(inputs, as_of=args.as_of, strict=args.strict)
    reports = (tally.add(r) for r in checked)
    found = gaps(reports)
    if args.format == "json":
        out.write(json_document_text(found.to_json()) + "\n")
    elif args.format == "html":
        from kolrules.reports.page import gaps_html

        out.write(gaps_html(found))
    else:
        out.write(gaps_text(found, top=args.top or None) + "\n")
    if found.checked == 0:
        args.fail_on = DEFAULT_FAIL_ON
        return _exit_code(args, tally, err)
    return EXIT_OK


def _fmt(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    from kolrules.lang.formatter import format_source
    from kolrules.lang.parser import ParseFailure
    from kolrules.resources import rule_files
    from kolrules.source import SourceFile

    if args.paths == ["-"]:
        source = SourceFile("<stdin>", stdin.read())
        try:
            out.write(format_source(source))
        except ParseFailure as failure:
            raise RuleError([failure.diagnostic], {source.path: source}) from None
        return EXIT_OK
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        raise _Usage(f"no such file or folder: {', '.join(missing)}")
    changed = []
    for path in rule_files(args.paths):
        source = SourceFile(str(path), path.read_text(encoding="utf-8"))
        try:
            text = format_source(source)
        except ParseFailure as failure:
            raise RuleError([failure.diagnostic], {source.path: source}) from None
        if text != source.text:
            changed.append(str(path))
            if not args.check:
                path.write_text(text, encoding="utf-8")
    verb = "would reformat" if args.check else "reformatted"
    for name in changed:
        out.write(f"{verb} {name}\n")
    out.write(f"{len(changed)} file(s) {verb}\n" if changed else "all files canonical\n")
    return EXIT_FAIL if args.check and changed else EXIT_OK


def _docs(args: argparse.Namespace, out: TextIO) -> int:
    if args.what == "records":
        out.write(records_markdown())
        return EXIT_OK
    from kolrules.coverage import update

    given = args.rules or args.only_rules
    engine = _engine(args) if given else None
    stale = update(Path(args.folder), check=args.check, engine=engine)
    verb = "out of date" if args.check else "updated"
    for page in stale:
        out.write(f"{verb}: {page}\n")
    if not stale:
        out.write("coverage pages are current\n")
    return EXIT_FAIL if args.check and stale else EXIT_OK


def _lint(args: argparse.Namespace, out: TextIO) -> int:
    from kolrules.lang.checker import check as check_rules
    from kolrules.lang.loader import load
    from kolrules.resources import rule_files

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        raise _Usage(f"no such file or folder: {', '.join(missing)}")
    if not list(rule_files(args.paths)):
        raise _Usage(f"no rule files (*.kol) in {', '.join(args.paths)}")
    loaded = load(args.paths)
    checked = check_rules(loaded)
    errors = sum(1 for d in checked.diagnostics if d.severity is Severity.ERROR)
    warnings = len(checked.diagnostics) - errors
    if args.format == "sarif":
        from kolrules.reports.sarif import sarif_text

        out.write(sarif_text(checked.diagnostics, version=__version__) + "\n")
    elif args.format == "github":
        from kolrules.reports.sarif import github_line

        for diagnostic in checked.diagnostics:
            out.write(github_line(diagnostic) + "\n")
    else:
        for diagnostic in checked.diagnostics:
            source = loaded.sources.get(diagnostic.span.path) if diagnostic.span else None
            out.write(render(diagnostic, source) + "\n\n")
    if args.format != "sarif":
        # Files that failed to parse count too: they were linted, and they hold an error.
        files = len(set(loaded.modules) | set(loaded.sources))
        out.write(f"{files} file(s): {errors} error(s), {warnings} warning(s)\n")
    return EXIT_FAIL if errors or (args.strict and warnings) else EXIT_OK


def _test(args: argparse.Namespace, out: TextIO) -> int:
    if not args.paths and not args.cases:
        raise _Usage("give rule files to run their examples, --cases PATH, or both")
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        raise _Usage(f"no such file or folder: {', '.join(missing)}")
    failed_any = False
    if args.paths:
        from kolrules.resources import rule_files

        if not list(rule_files(args.paths)):
            raise _Usage(f"no rule files (*.kol) in {', '.join(args.paths)}")
        engine = Engine.from_paths(args.paths)
        results = run_examples(engine)
        failed = [r for r in results if r.failures]
        for result in failed:
            for failure in result.failures:
                out.write(render(failure) + "\n")
        expectations = sum(r.checked for r in results)
        out.write(
            f"{len(results)} example(s), {expectations} expectation(s): "
            f"{len(results) - len(failed)} passed, {len(failed)} failed\n"
        )
        failed_any = bool(failed)
    else:
        engine = Engine.bundled()
    if args.cases:
        from kolrules.cases import failure_lines, load_cases, run_cases, score_lines

        case_results = run_cases(engine, load_cases(args.cases))
        for case_result in case_results:
            for line in failure_lines(case_result):
                out.write(line + "\n")
        for line in score_lines(case_results):
            out.write(line + "\n")
        failed_any = failed_any or not all(r.passed for r in case_results)
    return EXIT_FAIL if failed_any else EXIT_OK


def _compare(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    from kolrules.policy import compare, comparison_text, side

    before, after = side(args.before), side(args.after)
    _readable(args.files)
    items = _inputs(args.files, stdin, parse=True, limits=Limits(), array=None)
    result = compare(items, before, after)
    if args.format == "json":
        out.write(json_document_text(result.to_json()) + "\n")
    else:
        out.write(comparison_text(result, show=args.show))
    return EXIT_OK


def _diff(args: argparse.Namespace, out: TextIO) -> int:
    from kolrules.policy import diff, difference_text

    try:
        result = diff(_engine(args), args.first, args.second, budget=args.budget)
    except ImportError as error:
        hint = "pip install 'kolrules[hypothesis]'"
        raise _Usage(f"kolrules diff needs hypothesis ({error}): {hint}") from None
    if args.format == "json":
        out.write(json_document_text(result.to_json()) + "\n")
    else:
        out.write(difference_text(result))
    return EXIT_FAIL if result.verdict == "different" else EXIT_OK


def _map(args: argparse.Namespace, out: TextIO) -> int:
    from kolrules.obligationmap import build, render, update

    engine = _engine(args, args.jurisdiction)
    folder = args.write or args.check
    if folder is None:
        out.write(render(build(engine), args.format))
        return EXIT_OK
    stale = update(Path(folder), check=bool(args.check), engine=engine)
    verb = "out of date" if args.check else "updated"
    for name in stale:
        out.write(f"{verb}: {name}\n")
    if not stale:
        out.write("obligations map is current\n")
    return EXIT_FAIL if args.check and stale else EXIT_OK


def _explain(args: argparse.Namespace, out: TextIO) -> int:
    from kolrules.explain import explain_text, suggestion

    engine = _engine(args)
    if not engine.versions(args.rule_id):
        guess = suggestion(args.rule_id, {r.rule_id for r in engine.program.rules})
        hint = f"; did you mean {guess}?" if guess else ""
        if not guess and not (args.rules or args.only_rules):
            hint = "; for a rule of your own pack, add --rules PATH"
        raise _Usage(f"no rule {args.rule_id}{hint}")
    out.write(explain_text(engine, args.rule_id))
    return EXIT_OK


def _rules_parser(sub: Any) -> argparse.ArgumentParser:
    rules: argparse.ArgumentParser = sub.add_parser(
        "rules", help="list the rules with their titles and in-force dates"
    )
    rules.add_argument(
        "--jurisdiction", "-j", default=None, help="comma-separated codes (default: all loaded)"
    )
    rules.add_argument("--format", choices=("text", "json"), default="text")
    return rules


def _rules(args: argparse.Namespace, out: TextIO) -> int:
    from kolrules.explain import rule_list, rules_text

    codes = [c for c in args.jurisdiction.split(",") if c.strip()] if args.jurisdiction else None
    engine = _engine(args, codes)
    if args.format == "json":
        out.write(json_document_text({"rules": rule_list(engine)}) + "\n")
    else:
        out.write(rules_text(engine))
    return EXIT_OK


def _new_pack_parser(sub: Any) -> argparse.ArgumentParser:
    new_pack: argparse.ArgumentParser = sub.add_parser(
        "new-pack",
        help="create a rule pack folder for a jurisdiction, ready to edit, lint, test and check",
    )
    new_pack.add_argument("code", metavar="CODE", help="the jurisdiction code, e.g. GB")
    new_pack.add_argument(
        "folder",
        nargs="?",
        default=None,
        help="where to create it (default: the code in lower case)",
    )
    new_pack.add_argument(
        "--country",
        default=None,
        help="ISO 3166-1 code of the audience the pack covers (default: CODE)",
    )
    new_pack.add_argument(
        "--timezone", default="UTC", help="IANA time zone that dates posts (default: UTC)"
    )
    return new_pack


def _new_pack(args: argparse.Namespace, out: TextIO) -> int:
    from kolrules.scaffold import scaffold

    folder = Path(args.folder or args.code.lower())
    written = scaffold(args.code, folder, country=args.country, timezone=args.timezone)
    for path in written:
        out.write(f"created {path}\n")
    out.write(
        f"next: kolrules lint --strict {folder} && kolrules test {folder} && "
        f"kolrules check --rules {folder} RECORDS.jsonl\n"
    )
    return EXIT_OK


def _lsp() -> int:
    import importlib.util

    if importlib.util.find_spec("pygls") is None:
        raise _Usage("kolrules lsp needs pygls: pip install 'kolrules[lsp]'")
    from kolrules.lsp import serve

    serve()
    return EXIT_OK


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    stdin: TextIO | None = None,
) -> int:
    """Run the command line; returns the exit code instead of exiting."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0) if exit_.code in (0, None) else EXIT_USAGE
    try:
        with _imports_outside(getattr(args, "allow_imports_outside", False)):
            return _run(args, out, err, stdin)
    except RuleError as error:
        _print_rule_error(error, err)
        return EXIT_USAGE
    except (_Usage, KolrulesError) as error:
        err.write(f"kolrules: error: {error}\n")
        return EXIT_USAGE
    except BrokenPipeError:
        _quiet_stdout(out)
        return EXIT_OK
    except KeyboardInterrupt:
        err.write("kolrules: interrupted\n")
        return EXIT_INTERRUPTED


def _run(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO | None) -> int:
    if args.command == "check":
        return _check(args, out, err, stdin or sys.stdin)
    if args.command == "gaps":
        return _gaps(args, out, err, stdin or sys.stdin)
    if args.command == "lint":
        return _lint(args, out)
    if args.command == "test":
        return _test(args, out)
    if args.command == "explain":
        return _explain(args, out)
    if args.command == "compare":
        return _compare(args, out, stdin or sys.stdin)
    if args.command == "diff":
        return _diff(args, out)
    if args.command == "map":
        return _map(args, out)
    if args.command == "fmt":
        return _fmt(args, out, stdin or sys.stdin)
    if args.command == "docs":
        return _docs(args, out)
    if args.command == "rules":
        return _rules(args, out)
    if args.command == "new-pack":
        return _new_pack(args, out)
    if args.command == "lsp":
        return _lsp()
    json.dump(record_schema(), out, ensure_ascii=False, indent=2)
    out.write("\n")
    return EXIT_OK


def entry_point() -> None:
    """Console-script entry: ``sys.exit(main())``.

    After Ctrl-C the process ends at once: the interpreter's exit would otherwise join the
    worker pool's helper threads, which can wait forever on a worker that was terminated.
    """
    previous = signal.getsignal(signal.SIGINT)
    if previous is signal.default_int_handler:  # not ignored by a shell, not someone else's
        signal.signal(signal.SIGINT, _Interrupts.handler)
    try:
        code = main()
    finally:
        if previous is signal.default_int_handler:
            signal.signal(signal.SIGINT, previous)
        _Interrupts.seen = False
    if code == EXIT_INTERRUPTED:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        os._exit(code)
    sys.exit(code)
