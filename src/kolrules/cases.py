"""Real cases as tests: records rebuilt from regulators' decisions, scored against the packs.

A cases folder holds JSON Lines files (``us.jsonl``, ``cn.jsonl``, ``vn.jsonl``…), one case per
line::

    {"case": "us-c14-kardashian-emax", "source": "https://…", "dossier": "us.md §6 C-14",
     "facts": "…", "decided": "…", "record": {…}, "expect": {"US-SEC-17B-TOUTING": "violation"}}

``load_cases`` reads a folder and reports every bad line with its file, line and field path;
``run_cases`` checks each record with an ``Engine``; a case passes when every expected outcome
matches. ``score`` counts passing cases per jurisdiction (the case id's prefix). The format is
described in ``docs/cases.md``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from kolrules.engine import Engine
from kolrules.errors import KolrulesError, RecordError
from kolrules.records import RecordIssue, validate

OUTCOMES = ("violation", "pass", "not_applicable")
"""The outcomes a case may expect of a rule."""

FIELDS = ("case", "source", "dossier", "facts", "decided", "record", "expect")
"""The keys of one case line, all required."""

NOT_IN_FORCE = "not in force"
"""What a case got when the rule exists but no version of it is in force on the record's date."""

NO_SUCH_RULE = "no such rule"
"""What a case got when no loaded pack has the rule at all (e.g. a rule still being written)."""

_CASE_ID = re.compile(r"[a-z]{2}-[a-z0-9][a-z0-9.-]*\Z")
_RULE_ID = re.compile(r"[A-Z]{2}-[A-Z0-9][A-Z0-9.-]*\Z")
_JURISDICTION_FILE = re.compile(r"[a-z]{2}\Z")


@attrs.frozen
class CaseProblem:
    """One problem with a cases file: where it is (file, line, field path) and what is wrong."""

    path: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        field = f"{self.field}: " if self.field else ""
        return f"{where}: {field}{self.message}"


class CaseFileError(KolrulesError, ValueError):
    """A cases folder could not be read; ``problems`` lists every bad line."""

    def __init__(self, problems: Sequence[CaseProblem]) -> None:
        self.problems = tuple(problems)
        shown = "\n".join(f"  {p}" for p in self.problems[:20])
        more = len(self.problems) - 20
        tail = f"\n  … and {more} more" if more > 0 else ""
        super().__init__(f"{len(self.problems)} problem(s) in the cases:\n{shown}{tail}")


@attrs.frozen
class Case:
    """One real case: the record it rests on and the outcome the regulator reached per rule."""

    case_id: str
    source: str
    dossier: str
    facts: str
    decided: str
    record: Mapping[str, Any]
    expect: Mapping[str, str]
    path: str
    line: int

    @property
    def jurisdiction(self) -> str:
        """The jurisdiction the case is scored under: its id's prefix, upper-cased."""
        return self.case_id.split("-", 1)[0].upper()

    @property
    def where(self) -> str:
        """``file:line`` of the case."""
        return f"{self.path}:{self.line}"


@attrs.frozen
class Mismatch:
    """One expectation a case did not meet."""

    rule_id: str
    expected: str
    got: str
    missing: tuple[str, ...] = ()

    def __str__(self) -> str:
        detail = f" (missing: {', '.join(self.missing)})" if self.missing else ""
        return f"{self.rule_id}: expected {self.expected}, got {self.got}{detail}"


@attrs.frozen
class CaseResult:
    """The outcome of one case: every expectation that failed (none when it passed)."""

    case: Case
    mismatches: tuple[Mismatch, ...]

    @property
    def passed(self) -> bool:
        """True when every expected outcome matched."""
        return not self.mismatches


# ---- loading ----


def _text_field(raw: Mapping[str, Any], key: str, problems: list[str]) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{key}\0expected a non-empty string, got {_describe(value)}")
        return ""
    return value


def _describe(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _check_case(raw: object, stem: str) -> tuple[list[str], dict[str, Any] | None]:
    """Problems (``field\\0message``) with one parsed line, and the fields when usable."""
    if not isinstance(raw, dict):
        return [f"\0expected a JSON object, got {_describe(raw)}"], None
    problems: list[str] = []
    for key in sorted(set(raw) - set(FIELDS)):
        problems.append(f"{key}\0unknown key (expected {', '.join(FIELDS)})")
    for key in FIELDS:
        if key not in raw:
            problems.append(f"{key}\0required key is missing")
    case_id = _text_field(raw, "case", problems) if "case" in raw else ""
    if case_id and not _CASE_ID.match(case_id):
        problems.append(
            "case\0expected a lower-case id that starts with the jurisdiction, "
            f'like "us-c14-kardashian-emax", got {_describe(case_id)}'
        )
    elif case_id and _JURISDICTION_FILE.match(stem) and not case_id.startswith(stem + "-"):
        problems.append(f'case\0a case in {stem}.jsonl must start with "{stem}-"')
    for key in ("source", "dossier", "facts", "decided"):
        if key in raw:
            _text_field(raw, key, problems)
    source = raw.get("source")
    if (
        isinstance(source, str)
        and source.strip()
        and not source.startswith(("https://", "http://"))
    ):
        problems.append(f"source\0expected the address of the source (http…), got {source!r}")
    record = raw.get("record")
    if "record" in raw and not isinstance(record, dict):
        problems.append(f"record\0expected a JSON object, got {_describe(record)}")
    elif isinstance(record, dict):
        try:
            validate(record)
        except RecordError as error:
            for issue in error.issues:
                if isinstance(issue, RecordIssue):
                    path = f"record.{issue.path}" if issue.path else "record"
                    problems.append(f"{path}\0{issue.message}")
                else:
                    problems.append(f"record\0{issue}")
    expect = raw.get("expect")
    if "expect" in raw:
        if not isinstance(expect, dict) or not expect:
            problems.append(
                f"expect\0expected an object of rule id → outcome, got {_describe(expect)}"
            )
        else:
            for rule_id, outcome in expect.items():
                if not _RULE_ID.match(rule_id):
                    example = "US-FTC-255.5-DISCLOSE-CONNECTION"
                    problems.append(f"expect.{rule_id}\0expected a rule id like {example}")
                if outcome not in OUTCOMES:
                    problems.append(
                        f"expect.{rule_id}\0expected one of {', '.join(OUTCOMES)}, "
                        f"got {_describe(outcome)}"
                    )
    return problems, (raw if not problems else None)


def load_case_file(path: str | Path) -> tuple[list[Case], list[CaseProblem]]:
    """Read one ``.jsonl`` cases file: the good cases and a problem for every bad line."""
    path = Path(path)
    name = str(path)
    cases: list[Case] = []
    problems: list[CaseProblem] = []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        return [], [CaseProblem(name, None, "", f"cannot read: {error.strerror or error}")]
    except UnicodeDecodeError as error:
        return [], [CaseProblem(name, None, "", f"not UTF-8 text ({error.reason})")]
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(
                CaseProblem(name, number, "", f"not JSON: {error.msg} (column {error.colno})")
            )
            continue
        found, fields = _check_case(raw, path.stem)
        for problem in found:
            field, _, message = problem.partition("\0")
            problems.append(CaseProblem(name, number, field, message))
        if fields is not None:
            cases.append(
                Case(
                    case_id=fields["case"],
                    source=fields["source"],
                    dossier=fields["dossier"],
                    facts=fields["facts"],
                    decided=fields["decided"],
                    record=fields["record"],
                    expect=fields["expect"],
                    path=name,
                    line=number,
                )
            )
    return cases, problems


def case_files(paths: Iterable[str | Path]) -> list[Path]:
    """The ``.jsonl`` files at ``paths`` (folders are searched, sorted by name)."""
    found: list[Path] = []
    for entry in paths:
        entry = Path(entry)
        found.extend(sorted(entry.glob("*.jsonl")) if entry.is_dir() else [entry])
    return found


def load_cases(paths: str | Path | Iterable[str | Path]) -> list[Case]:
    """Every case in the given files or folders, in file and line order.

    Raises ``CaseFileError`` listing every problem (file, line, field path) when any line is
    bad, when a folder holds no cases file, or when two cases share an id.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    paths = list(paths)
    problems: list[CaseProblem] = []
    for entry in paths:
        if not Path(entry).exists():
            problems.append(CaseProblem(str(entry), None, "", "no such file or folder"))
    files = case_files(p for p in paths if Path(p).exists())
    if not files and not problems:
        problems.append(CaseProblem(", ".join(map(str, paths)), None, "", "no .jsonl cases file"))
    cases: list[Case] = []
    seen: dict[str, Case] = {}
    for file in files:
        loaded, found = load_case_file(file)
        problems.extend(found)
        for case in loaded:
            first = seen.setdefault(case.case_id, case)
            if first is not case:
                problems.append(
                    CaseProblem(
                        case.path, case.line, "case", f"duplicate id (first at {first.where})"
                    )
                )
                continue
            cases.append(case)
    if problems:
        raise CaseFileError(problems)
    return cases


# ---- running ----


def run_case(engine: Engine, case: Case) -> CaseResult:
    """Check the case's record and compare each expected outcome with the engine's.

    A rule that exists but is not in force on the record's date counts as ``not_applicable``
    (the law did not apply); a rule no loaded pack has never matches.
    """
    try:
        report = engine.check(case.record, include_pass=True)
    except RecordError as error:
        got = f"an invalid record ({error})"
        return CaseResult(
            case, tuple(Mismatch(rule, outcome, got) for rule, outcome in case.expect.items())
        )
    findings = {finding.rule_id: finding for finding in report.findings}
    mismatches: list[Mismatch] = []
    for rule_id, expected in case.expect.items():
        finding = findings.get(rule_id)
        if finding is not None:
            if finding.outcome != expected:
                mismatches.append(Mismatch(rule_id, expected, finding.outcome, finding.missing))
            continue
        got = NOT_IN_FORCE if engine.versions(rule_id) else NO_SUCH_RULE
        if not (got == NOT_IN_FORCE and expected == "not_applicable"):
            mismatches.append(Mismatch(rule_id, expected, got))
    return CaseResult(case, tuple(mismatches))


def run_cases(engine: Engine, cases: Iterable[Case]) -> list[CaseResult]:
    """Run every case, in order."""
    return [run_case(engine, case) for case in cases]


def score(results: Iterable[CaseResult]) -> dict[str, tuple[int, int]]:
    """Jurisdiction → (cases passed, cases run), in order of first appearance."""
    tally: dict[str, list[int]] = {}
    for result in results:
        counts = tally.setdefault(result.case.jurisdiction, [0, 0])
        counts[0] += result.passed
        counts[1] += 1
    return {code: (passed, total) for code, (passed, total) in tally.items()}


def failure_lines(result: CaseResult) -> list[str]:
    """One line per failed expectation: case id, where it is, rule, expected vs got."""
    return [f"{result.case.case_id} ({result.case.where}): {m}" for m in result.mismatches]


def score_lines(results: Sequence[CaseResult]) -> list[str]:
    """``US 27/30 cases`` per jurisdiction, then the total."""
    lines = [f"{code} {passed}/{total} cases" for code, (passed, total) in score(results).items()]
    passed = sum(r.passed for r in results)
    lines.append(f"all {passed}/{len(results)} cases")
    return lines
