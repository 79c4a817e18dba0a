"""Reports → text for people, JSON and JSON Lines for programs. Plain functions over reports."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any, TextIO

from kolrules.findings import OUTCOMES, Finding, Report, Summary

_MARK = {"violation": "✗", "undetermined": "?", "pass": "✓", "not_applicable": "·"}
_COLOUR = {"violation": "31", "undetermined": "33", "pass": "32", "not_applicable": "2"}

# Characters that JSON may carry raw but readers split lines at (U+0085, U+2028, U+2029), and
# lone surrogates, which are not UTF-8: written as \uXXXX escapes, the same JSON value.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff]")
# In text output, also every C0 control (ESC, CR, newline, …) and the bidirectional overrides
# that reorder what a terminal shows: record data must not draw on the terminal.
_TEXT_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _escape(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _json_safe(text: str) -> str:
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def safe_text(text: str) -> str:
    """``text`` with control characters shown as visible escapes (``\\x1b``), for terminals."""
    return _TEXT_UNSAFE.sub(_escape, text)


def to_json_line(report: Report) -> str:
    """One report as one line of JSON (keys in contract order, UTF-8 text kept; line
    separators and lone surrogates escaped, so the line is UTF-8 and splits nowhere else)."""
    return _json_safe(json.dumps(report.to_json(), ensure_ascii=False, separators=(",", ":")))


def json_document_text(document: dict[str, Any]) -> str:
    """A ``to_json_document`` result as indented JSON text, escaped like ``to_json_line``."""
    return _json_safe(json.dumps(document, ensure_ascii=False, indent=2))


def to_json_document(reports: Iterable[Report], summary: Summary) -> dict[str, Any]:
    """``{"reports": [...], "summary": {...}}`` for ``--format json``."""
    return {"reports": [r.to_json() for r in reports], "summary": summary.to_json()}


class _Style:
    def __init__(self, colour: bool) -> None:
        self.colour = colour

    def __call__(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.colour else text


def _finding_text(finding: Finding, style: _Style) -> list[str]:
    s = safe_text
    mark = style(_COLOUR[finding.outcome], f"{_MARK[finding.outcome]} {finding.outcome}")
    rule_id = style("1", s(finding.rule_id))
    lines = [f"  {mark}  {rule_id} [{s(finding.severity)}] {s(finding.title)}"]
    lines.append(f"      {s(finding.message)}")
    if finding.missing:
        lines.append(f"      missing: {s(', '.join(finding.missing))}")
    if finding.presumed:
        given = "; ".join(
            f"{p.path} = {json.dumps(p.value, ensure_ascii=False, default=str)} ({p.by})"
            for p in finding.presumed
        )
        lines.append(f"      presumed: {s(given)}")
    if finding.remedy and finding.outcome in ("violation", "undetermined"):
        lines.append(f"      remedy: {s(finding.remedy)}")
    for citation in finding.citations:
        url = f" <{citation.url}>" if citation.url else ""
        lines.append(style("2", f"      cite: {s(citation.text + url)}"))
    if finding.confidence:
        lines.append(style("2", f"      confidence: {s(finding.confidence)}"))
    if finding.overridden_by:
        lines.append(style("2", f"      overridden by: {s(', '.join(finding.overridden_by))}"))
    lines.append(style("2", f"      rule: {s(finding.rule_source)}"))
    return lines


def report_text(report: Report, *, colour: bool = False) -> str:
    """One report for a person: a header line, then each finding or error."""
    style = _Style(colour)
    s = safe_text
    where = f" (line {report.line})" if report.line is not None else ""
    name = s(report.record_id or "(no id)")
    if report.status == "invalid":
        lines = [f"{style('1', name)}{where}: {style('31', 'invalid record')}"]
        lines += [f"  ✗ {s(e.path or '(record)')}: {s(e.message)}" for e in report.errors]
    else:
        places = s(", ".join(report.jurisdictions)) or "no jurisdiction in scope"
        day = report.as_of.isoformat() if report.as_of else "?"
        if report.dates:
            day = ", ".join(f"{c} {d.isoformat()}" for c, d in report.dates)
        lines = [f"{style('1', name)}{where}: {places} — law as of {day}"]
        if not report.findings:
            lines.append(style("32", "  no violations or undetermined rules"))
        for finding in report.findings:
            lines += _finding_text(finding, style)
    lines += [
        style("2", f"  warning: {s(w.path or '(record)')}: {s(w.message)}")
        for w in report.warnings
    ]
    return "\n".join(lines)


def summary_text(summary: Summary) -> str:
    """The run's summary for a person."""
    counts = ", ".join(
        f"{summary.outcomes.get(o, 0)} {o.replace('_', ' ')}"
        for o in OUTCOMES
        if summary.outcomes.get(o, 0) or o in ("violation", "undetermined")
    )
    lines = [
        f"{summary.read} records read: {summary.checked} checked, {summary.invalid} invalid; "
        f"findings: {counts}"
    ]
    for code, per in summary.by_jurisdiction.items():
        detail = ", ".join(f"{n} {o.replace('_', ' ')}" for o, n in sorted(per.items()))
        lines.append(f"  {code}: {detail}")
    return "\n".join(lines)


def write_text(reports: Iterable[Report], out: TextIO, *, colour: bool) -> None:
    """Write reports as text, separated by blank lines, as they come."""
    for report in reports:
        out.write(report_text(report, colour=colour) + "\n\n")
        out.flush()
