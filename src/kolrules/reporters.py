"""Reports → text for people, JSON and JSON Lines for programs. Plain functions over reports.

CSV, HTML, SARIF and the data-gap report are in ``kolrules.reports``."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from typing import Any, TextIO

from kolrules.findings import OUTCOMES, Finding, Report, Summary, json_text

_MARK = {"violation": "✗", "undetermined": "?", "pass": "✓", "not_applicable": "·"}
_COLOUR = {"violation": "31", "undetermined": "33", "pass": "32", "not_applicable": "2"}

# In text output, also every C0 control (ESC, CR, newline, …) and the bidirectional overrides
# that reorder what a terminal shows: record data must not draw on the terminal.
_TEXT_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _escape(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe_text(text: str) -> str:
    """``text`` with control characters shown as visible escapes (``\\x1b``), for terminals."""
    return _TEXT_UNSAFE.sub(_escape, text)


def to_json_line(report: Report) -> str:
    """One report as one line of JSON (keys in contract order, UTF-8 text kept; line
    separators and lone surrogates escaped, so the line is UTF-8 and splits nowhere else)."""
    return report.to_json()


def json_document_text(document: dict[str, Any]) -> str:
    """A ``to_json_document`` result as indented JSON text, escaped like ``to_json_line``."""
    return json_text(document, indent=2)


def to_json_document(reports: Iterable[Report], summary: Summary) -> dict[str, Any]:
    """``{"reports": [...], "summary": {...}}`` for ``--format json``."""
    return {"reports": [r.to_dict() for r in reports], "summary": summary.to_dict()}


class _Style:
    def __init__(self, colour: bool) -> None:
        self.colour = colour

    def __call__(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.colour else text


def presumed_text(finding: Finding) -> str:
    """The values a finding rested on that the record did not give, on one line:
    ``path = value (where declared); …``."""
    return "; ".join(
        f"{p.path} = {json.dumps(p.value, ensure_ascii=False, default=str)} ({p.by})"
        for p in finding.presumed
    )


#: What the text report lists in full by default; undetermined findings are grouped per record.
DEFAULT_SHOW = frozenset({"violation"})


def _finding_text(finding: Finding, style: _Style) -> list[str]:
    s = safe_text
    mark = style(_COLOUR[finding.outcome], f"{_MARK[finding.outcome]} {finding.outcome}")
    rule_id = style("1", s(finding.rule_id))
    lines = [f"  {mark}  {rule_id} [{s(finding.severity)}] {s(finding.title)}"]
    if finding.outcome != "not_applicable":
        lines.append(f"      {s(finding.message)}")
    if finding.missing:
        lines.append(f"      missing: {s(', '.join(finding.missing))}")
    if finding.presumed:
        lines.append(f"      presumed: {s(presumed_text(finding))}")
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


def open_questions(findings: Iterable[Finding]) -> list[tuple[tuple[str, ...], list[Finding]]]:
    """Undetermined findings grouped by the fields that would decide them: ``[(fields,
    findings)]``, the largest group first. Findings that name no field (an internal error) are
    left out: they are shown one by one."""
    groups: dict[tuple[str, ...], list[Finding]] = {}
    for finding in findings:
        if finding.outcome == "undetermined" and finding.missing:
            groups.setdefault(tuple(sorted(set(finding.missing))), []).append(finding)
    return sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))


def _group_line(fields: tuple[str, ...], findings: list[Finding], style: _Style) -> str:
    count = len({f.rule_id for f in findings})
    rules = "1 rule" if count == 1 else f"{count} rules"
    them = "it" if count == 1 else "them"
    mark = style(_COLOUR["undetermined"], "?")
    return f"  {mark} {rules} undecided: give {safe_text(', '.join(fields))} to decide {them}"


def report_text(
    report: Report,
    *,
    colour: bool = False,
    show: Collection[str] = DEFAULT_SHOW,
    unit: str = "line",
) -> str:
    """One report for a person: a header line; violations in full (message, remedy, citation);
    then one line per group of undetermined findings that the same absent fields would decide.

    ``show`` names the outcomes listed in full besides violations (``undetermined`` expands the
    groups); pass and not_applicable findings, when the report holds them, are always listed.
    ``unit`` names the record's position: ``line`` (JSON Lines, CSV) or ``item`` (JSON arrays).
    """
    style = _Style(colour)
    s = safe_text
    where = f" ({unit} {report.line})" if report.line is not None else ""
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
        lines += _findings_text(report.findings, style, show)
    lines += [
        style("2", f"  warning: {s(w.path or '(record)')}: {s(w.message)}")
        for w in report.warnings
    ]
    return "\n".join(lines)


def _findings_text(
    findings: tuple[Finding, ...], style: _Style, show: Collection[str]
) -> list[str]:
    if not any(f.outcome in ("violation", "undetermined") for f in findings):
        lines = [style("32", "  no violations or undetermined rules")]
    else:
        lines = []
    expand = "undetermined" in show
    by_outcome = {o: [f for f in findings if f.outcome == o] for o in OUTCOMES}
    for finding in by_outcome["violation"]:
        lines += _finding_text(finding, style)
    for finding in by_outcome["undetermined"]:
        if expand or not finding.missing:
            lines += _finding_text(finding, style)
    if not expand:
        lines += [_group_line(k, v, style) for k, v in open_questions(findings)]
    for finding in by_outcome["pass"] + by_outcome["not_applicable"]:
        lines += _finding_text(finding, style)
    return lines


def _cells(counts: Mapping[str, int], columns: list[str], widths: list[int]) -> str:
    return "  ".join(
        (str(counts.get(o, 0)) if counts.get(o, 0) else "·").rjust(w)
        for o, w in zip(columns, widths, strict=True)
    )


def summary_text(summary: Summary, jurisdiction_of: Mapping[str, str] | None = None) -> str:
    """The run's summary for a person: records and findings counted, then a table of outcomes
    per jurisdiction and, under each, per rule (most violations first).

    ``jurisdiction_of`` maps rule ids to jurisdiction codes; without it a rule belongs to the
    code its id starts with (rule ids start with their jurisdiction's code).
    """
    counts = ", ".join(
        f"{summary.outcomes.get(o, 0)} {o.replace('_', ' ')}"
        for o in OUTCOMES
        if summary.outcomes.get(o, 0) or o in ("violation", "undetermined")
    )
    lines = [
        f"{summary.read} records read: {summary.checked} checked, {summary.invalid} invalid; "
        f"findings: {counts}"
    ]
    if not summary.by_rule:
        return "\n".join(lines)
    columns = [o for o in OUTCOMES if summary.outcomes.get(o, 0)]
    rules_of: dict[str, list[str]] = {}
    for rule_id in summary.by_rule:
        code = (jurisdiction_of or {}).get(rule_id) or rule_id.split("-")[0]
        rules_of.setdefault(code, []).append(rule_id)
    width = max(len("jurisdiction / rule"), *(len(r) + 2 for r in summary.by_rule)) + 2
    heads = [o.replace("not_applicable", "n/a") for o in columns]
    widths = [max(len(h), 5) for h in heads]
    lines.append("")
    lines.append(
        "jurisdiction / rule".ljust(width)
        + "  ".join(h.rjust(w) for h, w in zip(heads, widths, strict=True))
    )
    for code in sorted(rules_of):
        per = summary.by_jurisdiction.get(code, {})
        lines.append(safe_text(code).ljust(width) + _cells(per, columns, widths))
        ranked = sorted(
            rules_of[code],
            key=lambda r: (-summary.by_rule[r].get("violation", 0), r),
        )
        for rule_id in ranked:
            cells = _cells(summary.by_rule[rule_id], columns, widths)
            lines.append(f"  {safe_text(rule_id)}".ljust(width) + cells)
    return "\n".join(lines)


def write_text(
    reports: Iterable[Report],
    out: TextIO,
    *,
    colour: bool,
    show: Collection[str] = DEFAULT_SHOW,
    unit: str = "line",
) -> None:
    """Write reports as text, separated by blank lines, as they come."""
    for report in reports:
        out.write(report_text(report, colour=colour, show=show, unit=unit) + "\n\n")
        out.flush()


# --- the compact text report (the default) ---------------------------------------------------

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def _fit(text: str, room: int | None) -> str:
    """``text`` cut to ``room`` characters with an ellipsis (``None``: not cut)."""
    if room is None or len(text) <= room:
        return text
    return text[: max(room - 1, 0)].rstrip() + "…"


def record_label(report: Report, unit: str = "line") -> str:
    """``us-002 line 2`` (or ``item 2`` for JSON arrays): how a record is named in text."""
    name = safe_text(report.record_id or "(no id)")
    return f"{name} {unit} {report.line}" if report.line is not None else name


def compact_text(
    report: Report, *, colour: bool = False, width: int | None = None, unit: str = "line"
) -> str:
    """One report as at most a few lines, for the default text output: one line per violation
    (``✗ record line N  severity  RULE-ID  message``, errors first), one line for an invalid
    record, one per record warning; ``""`` for a record with no violation (its open questions
    are counted in the run's summary, see ``Folded``).

    ``width`` cuts each line's message to fit a terminal of that many columns (None: never cut).
    """
    style = _Style(colour)
    label = style("1", record_label(report, unit))
    lines: list[str] = []

    def line(mark: str, code: str, kind: str, rest: str) -> None:
        head = f"{mark} {record_label(report, unit)}  {kind:<7}  "
        room = None if width is None else width - len(head)
        shown = f"{style(code, mark)} {label}  {style(code, f'{kind:<7}')}  "
        lines.append(shown + _fit(rest, room))

    if report.status == "invalid":
        errors = "; ".join(f"{e.path or '(record)'}: {e.message}" for e in report.errors)
        line("✗", "31", "invalid", safe_text(errors))
    else:
        violations = sorted(
            (f for f in report.findings if f.outcome == "violation"),
            key=lambda f: (_SEVERITY_ORDER.get(f.severity, 3), f.rule_id),
        )
        for finding in violations:
            text = f"{finding.rule_id}  {finding.message}"
            line("✗", _COLOUR["violation"], finding.severity, safe_text(text))
    for warning in report.warnings:
        line("!", "2", "data", safe_text(f"{warning.path or '(record)'}: {warning.message}"))
    return "\n".join(lines)


class Folded:
    """What the compact report leaves out, counted as reports stream past: records whose only
    findings are open questions, records with none at all, and the fields that would decide
    undetermined findings (known only when whole reports are seen, not counts)."""

    def __init__(self) -> None:
        self.open_only = 0  # checked, no violation, some undetermined
        self.clear = 0  # checked, neither violation nor undetermined
        self.with_open = 0  # checked, some undetermined
        self.missing: Counter[str] = Counter()
        self.fields_known = True

    def add(self, report: Report) -> Report:
        """Count one report; returns it, so it can sit in a generator pipeline."""
        if report.status == "checked":
            self._count({f.outcome for f in report.findings})
            for finding in report.findings:
                if finding.outcome == "undetermined":
                    self.missing.update(set(finding.missing))
        return report

    def add_counts(self, status: str, findings: Iterable[tuple[str, str, str]]) -> None:
        """Count a report known only by its (jurisdiction, rule, outcome) triples."""
        self.fields_known = False
        if status == "checked":
            self._count({outcome for _, _, outcome in findings})

    def _count(self, outcomes: set[str]) -> None:
        if "undetermined" in outcomes:
            self.with_open += 1
            if "violation" not in outcomes:
                self.open_only += 1
        elif "violation" not in outcomes:
            self.clear += 1


def compact_summary_text(
    summary: Summary,
    folded: Folded,
    *,
    jurisdiction_of: Mapping[str, str] | None = None,
    rules_per_jurisdiction: int = 5,
    gaps_command: str = "kolrules gaps FILE",
) -> str:
    """The end of the compact report: counts, a table of violations per jurisdiction and its
    rules with the most violations, and the open questions folded into a few lines with the
    fields that would decide the most of them."""
    lines = summary_text(_violations_only(summary), jurisdiction_of).splitlines()
    lines[0] = summary_text(summary).splitlines()[0]
    kept, hidden = _top_rules(lines, rules_per_jurisdiction)
    lines = kept
    if hidden:
        lines.append(f"  … {hidden} more rule(s) with violations; --verbose lists every rule")
    open_findings = summary.outcomes.get("undetermined", 0)
    if folded.clear:
        lines += ["", f"{folded.clear} record(s) with no violation and no open question"]
    if open_findings:
        lines += [
            "",
            f"open questions: {open_findings} undetermined finding(s) on {folded.with_open} "
            f"record(s), {folded.open_only} of them with no violation (not listed above)",
        ]
        if folded.fields_known and folded.missing:
            top = sorted(folded.missing.items(), key=lambda item: (-item[1], item[0]))[:5]
            named = ", ".join(f"{field} ({count})" for field, count in top)
            lines.append(f"  the facts that would decide the most: {named}")
        lines.append(
            f"  `{gaps_command}` ranks the missing facts; --show undetermined lists them per "
            "record"
        )
    return "\n".join(lines)


def _violations_only(summary: Summary) -> Summary:
    """The summary with only violation counts, and only rules that have one."""
    return Summary(
        summary.read,
        summary.checked,
        summary.invalid,
        {"violation": summary.outcomes.get("violation", 0)},
        {
            code: {"violation": counts.get("violation", 0)}
            for code, counts in summary.by_jurisdiction.items()
            if counts.get("violation", 0)
        },
        {
            rule: {"violation": counts["violation"]}
            for rule, counts in summary.by_rule.items()
            if counts.get("violation", 0)
        },
    )


def _top_rules(lines: list[str], limit: int) -> tuple[list[str], int]:
    """The summary table's lines with at most ``limit`` rule rows under each jurisdiction."""
    kept: list[str] = []
    hidden = shown = 0
    for text in lines:
        if text.startswith("  "):
            shown += 1
            if shown > limit:
                hidden += 1
                continue
        else:
            shown = 0
        kept.append(text)
    return kept, hidden
