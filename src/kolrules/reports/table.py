"""Reports as CSV: one row per finding, for spreadsheets.

Every input record gives at least one row: a checked record without findings gets one row with
an empty outcome, an invalid record one row with outcome ``invalid`` and its errors as the
message. Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
``@``, tab or carriage return) get a leading apostrophe: record data is not trusted.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import TextIO

from kolrules.findings import Finding, Report

COLUMNS = (
    "record_id",
    "line",
    "status",
    "as_of",
    "jurisdiction",
    "rule_id",
    "outcome",
    "severity",
    "title",
    "message",
    "remedy",
    "missing",
    "presumed",
    "evidence",
    "citations",
    "confidence",
    "rule_source",
)

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str) if value else ""


def _finding_row(report: Report, finding: Finding) -> list[str]:
    as_of = dict(report.dates).get(finding.jurisdiction, report.as_of)
    values: list[object] = [
        report.record_id,
        report.line,
        report.status,
        as_of.isoformat() if as_of else "",
        finding.jurisdiction,
        finding.rule_id,
        finding.outcome,
        finding.severity,
        finding.title,
        finding.message,
        finding.remedy,
        "; ".join(finding.missing),
        _json({p.path: p.value for p in finding.presumed}),
        _json(dict(finding.evidence)),
        " | ".join(c.text + (f" <{c.url}>" if c.url else "") for c in finding.citations),
        finding.confidence,
        finding.rule_source,
    ]
    return [_cell(v) for v in values]


def rows(report: Report) -> Iterator[list[str]]:
    """The CSV rows of one report (without the header), as lists of cells."""
    if report.status == "invalid":
        message = "; ".join(f"{e.path or '(record)'}: {e.message}" for e in report.errors)
        cells: list[object] = [report.record_id, report.line, "invalid", "", "", "", "invalid"]
        cells += ["error", "invalid record", message] + [""] * (len(COLUMNS) - 10)
        yield [_cell(v) for v in cells]
        return
    if not report.findings:
        as_of = report.as_of.isoformat() if report.as_of else ""
        cells = [report.record_id, report.line, "checked", as_of, ", ".join(report.jurisdictions)]
        yield [_cell(v) for v in cells] + [""] * (len(COLUMNS) - 5)
        return
    for finding in report.findings:
        yield _finding_row(report, finding)


def write_csv(reports: Iterable[Report], out: TextIO, *, bom: bool = False) -> None:
    """Write the header and every report's rows, as they come (``\\r\\n`` line ends, RFC 4180).

    ``bom=True`` starts with a UTF-8 byte-order mark, which Excel needs to read UTF-8.
    """
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for report in reports:
        writer.writerows(rows(report))
