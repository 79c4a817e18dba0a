"""Findings and reports: the output contract (``../shared/spec/findings-output.md``) as data."""

from __future__ import annotations

import datetime as dt
import enum
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import attrs


class Outcome(str, enum.Enum):
    """A rule's outcome for a record. A ``str``: its value is the word JSON and text show."""

    VIOLATION = "violation"
    UNDETERMINED = "undetermined"
    PASS = "pass"
    NOT_APPLICABLE = "not_applicable"

    # The word itself wherever it is printed, as before the enum (not "Outcome.PASS").
    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


OUTCOMES = tuple(outcome.value for outcome in Outcome)
REPORTED_BY_DEFAULT = frozenset({Outcome.VIOLATION, Outcome.UNDETERMINED})


# Characters that JSON may carry raw but readers split lines at (U+0085, U+2028, U+2029), and
# lone surrogates, which are not UTF-8: written as \uXXXX escapes, the same JSON value.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def json_text(value: object, *, indent: int | None = None) -> str:
    """``value`` as JSON text: UTF-8 kept, keys in the given order, compact on one line unless
    ``indent``; line separators and lone surrogates escaped, so it splits only at ``\\n``."""
    separators = (",", ":") if indent is None else None
    text = json.dumps(value, ensure_ascii=False, indent=indent, separators=separators)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


@attrs.frozen
class Citation:
    """A legal source: the instrument with its article, and an address."""

    text: str
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """``{"text", "url"}``."""
        return {"text": self.text, "url": self.url}


def _json_value(value: object) -> object:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _json_value(v) for k, v in value.items()}
    return value


@attrs.frozen
class Presumed:
    """A value the outcome rests on that the record did not give: a rule pack's presumption,
    a user's assumption or a built-in default, with where it was declared and why."""

    path: str
    value: object = attrs.field(eq=False)
    by: str  # a source address ("jurisdictions/us/jurisdiction.kol:14") or "--assume"
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """``{"path", "value", "by"}`` (plus ``reason`` when known)."""
        out: dict[str, Any] = {"path": self.path, "value": _json_value(self.value), "by": self.by}
        if self.reason:
            out["reason"] = self.reason
        return out


@attrs.frozen
class Finding:
    """The outcome of one rule for one record, with everything needed to act on it."""

    rule_id: str
    jurisdiction: str
    outcome: str
    severity: str
    title: str
    message: str
    remedy: str | None
    citations: tuple[Citation, ...]
    evidence: tuple[tuple[str, object], ...]
    missing: tuple[str, ...]
    rule_source: str
    confidence: str | None = None
    notes: tuple[str, ...] = ()
    overridden_by: tuple[str, ...] = ()
    presumed: tuple[Presumed, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The finding object of the output contract (plus ``confidence``/``notes`` if set)."""
        out: dict[str, Any] = {
            "rule_id": self.rule_id,
            "jurisdiction": self.jurisdiction,
            "outcome": self.outcome,
            "severity": self.severity,
            "title": self.title,
            "message": self.message,
            "remedy": self.remedy,
            "citations": [c.to_dict() for c in self.citations],
            "evidence": {path: _json_value(value) for path, value in self.evidence},
            "missing": list(self.missing),
            "rule_source": self.rule_source,
        }
        if self.presumed:
            out["presumed"] = [p.to_dict() for p in self.presumed]
        if self.confidence is not None:
            out["confidence"] = self.confidence
        if self.notes:
            out["notes"] = list(self.notes)
        if self.overridden_by:
            out["overridden_by"] = list(self.overridden_by)
        return out

    def to_json(self) -> str:
        """``to_dict()`` as one line of JSON text."""
        return json_text(self.to_dict())


@attrs.frozen
class Issue:
    """A problem with an input record: the field path (or ``""``), a message, its stable KR
    code, and whether it makes the record invalid (an error) or not (a warning).

    The one class for record problems: the validator's errors and warnings
    (``kolrules.records``, where it is also called ``RecordIssue``) and a report's ``errors``
    and ``warnings``. ``is_error`` is not part of the output contract (a report lists errors
    and warnings apart), so ``to_dict`` leaves it out.
    """

    path: str
    message: str
    code: str = "KR502"
    is_error: bool = True

    def __str__(self) -> str:
        return f"{self.path or '(record)'}: {self.message}"

    def to_dict(self) -> dict[str, str]:
        """``{"path", "message", "code"}``: the contract's object with its stable KR code."""
        return {"path": self.path, "message": self.message, "code": self.code}


@attrs.frozen
class Report:
    """Everything said about one input record."""

    record_id: str | None
    line: int | None
    status: str  # "checked" or "invalid"
    as_of: dt.date | None
    jurisdictions: tuple[str, ...]
    findings: tuple[Finding, ...] = ()
    errors: tuple[Issue, ...] = ()
    warnings: tuple[Issue, ...] = ()
    dates: tuple[tuple[str, dt.date], ...] = ()  # per jurisdiction, when they differ

    def outcomes(self) -> dict[str, str]:
        """Rule id → outcome, for the findings present."""
        return {f.rule_id: f.outcome for f in self.findings}

    def to_dict(self) -> dict[str, Any]:
        """The report object of the output contract."""
        out: dict[str, Any] = {"record_id": self.record_id}
        if self.line is not None:
            out["line"] = self.line
        out["status"] = self.status
        if self.status == "invalid":
            out["errors"] = [e.to_dict() for e in self.errors]
        else:
            out["as_of"] = self.as_of.isoformat() if self.as_of else None
            if self.dates:
                out["as_of_by_jurisdiction"] = {c: d.isoformat() for c, d in self.dates}
            out["jurisdictions"] = list(self.jurisdictions)
            out["findings"] = [f.to_dict() for f in self.findings]
        if self.warnings:
            out["warnings"] = [w.to_dict() for w in self.warnings]
        return out

    def to_json(self) -> str:
        """The report as one line of JSON text, as ``--format jsonl`` prints it; ``to_dict()``
        gives the same object as a dict."""
        return json_text(self.to_dict())


@attrs.frozen
class Summary:
    """Counts over a run: records read / checked / invalid, outcomes overall and per key."""

    read: int
    checked: int
    invalid: int
    outcomes: Mapping[str, int]
    by_jurisdiction: Mapping[str, Mapping[str, int]]
    by_rule: Mapping[str, Mapping[str, int]]

    @classmethod
    def of(cls, reports: Iterable[Report]) -> Summary:
        """Summarize reports (the findings they hold); ``TypeError`` for a single report."""
        if isinstance(reports, Report):
            raise TypeError("Summary.of takes an iterable of reports, not one Report: [report]")
        tally = Tally()
        for report in reports:
            tally.add(report)
        return tally.summary()

    def to_dict(self) -> dict[str, Any]:
        """The summary object."""
        return {
            "records": {"read": self.read, "checked": self.checked, "invalid": self.invalid},
            "outcomes": {o: self.outcomes.get(o, 0) for o in OUTCOMES},
            "by_jurisdiction": self.by_jurisdiction,
            "by_rule": self.by_rule,
        }

    def to_json(self) -> str:
        """``to_dict()`` as one line of JSON text."""
        return json_text(self.to_dict())


class Tally:
    """Counts reports as they stream past, so a summary needs no second pass or stored list."""

    def __init__(self) -> None:
        self.read = self.checked = self.invalid = 0
        self.outcomes: Counter[str] = Counter()
        self.by_jurisdiction: dict[str, Counter[str]] = {}
        self.by_rule: dict[str, Counter[str]] = {}

    def add(self, report: Report) -> Report:
        """Count one report; returns it, so it can sit inside a generator pipeline."""
        self.read += 1
        if report.status == "invalid":
            self.invalid += 1
            return report
        self.checked += 1
        for finding in report.findings:
            self.outcomes[finding.outcome] += 1
            self.by_jurisdiction.setdefault(finding.jurisdiction, Counter())[finding.outcome] += 1
            self.by_rule.setdefault(finding.rule_id, Counter())[finding.outcome] += 1
        return report

    def add_counts(self, status: str, findings: list[tuple[str, str, str]]) -> None:
        """Count a report known only by its status and (jurisdiction, rule, outcome) triples."""
        self.read += 1
        if status == "invalid":
            self.invalid += 1
            return
        self.checked += 1
        for jurisdiction, rule_id, outcome in findings:
            self.outcomes[outcome] += 1
            self.by_jurisdiction.setdefault(jurisdiction, Counter())[outcome] += 1
            self.by_rule.setdefault(rule_id, Counter())[outcome] += 1

    def summary(self) -> Summary:
        """The counts so far."""
        return Summary(
            self.read,
            self.checked,
            self.invalid,
            dict(self.outcomes),
            {k: dict(v) for k, v in sorted(self.by_jurisdiction.items())},
            {k: dict(v) for k, v in sorted(self.by_rule.items())},
        )
