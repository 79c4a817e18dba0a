"""The data-gap report: across a corpus, which absent record fields keep the most findings
undetermined, so that data producers know what to add first (``kolrules gaps FILE…``).

For each field named in some undetermined finding's ``missing``: how many findings need it,
how many it would decide on its own (it is the only field missing), in how many records, and
which rules. Fields are ranked by the findings that need them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import attrs

from kolrules.findings import Report


@attrs.frozen
class Gap:
    """One absent field and what giving it would help decide.

    Attributes:
        field: the record field path (``kol.credentials``).
        findings: undetermined findings that name the field among their missing facts.
        alone: of those, the findings for which it is the only missing fact.
        records: records with at least one such finding.
        rules: ``(rule id, findings)`` pairs, most findings first.
    """

    field: str
    findings: int
    alone: int
    records: int
    rules: tuple[tuple[str, int], ...]

    def to_json(self) -> dict[str, Any]:
        """``{"field", "findings", "alone", "records", "rules": {rule: n}}``."""
        return {
            "field": self.field,
            "findings": self.findings,
            "alone": self.alone,
            "records": self.records,
            "rules": dict(self.rules),
        }


@attrs.frozen
class Gaps:
    """The data-gap report of a corpus: record counts and the ranked fields."""

    read: int
    checked: int
    undetermined: int
    fields: tuple[Gap, ...]

    def to_json(self) -> dict[str, Any]:
        """The report as a JSON-ready dict."""
        return {
            "records": {"read": self.read, "checked": self.checked},
            "undetermined": self.undetermined,
            "fields": [g.to_json() for g in self.fields],
        }


def gaps(reports: Iterable[Report]) -> Gaps:
    """Count, over ``reports``, the fields that undetermined findings miss, and rank them."""
    read = checked = undetermined = 0
    needs: Counter[str] = Counter()
    alone: Counter[str] = Counter()
    records: Counter[str] = Counter()
    rules: dict[str, Counter[str]] = {}
    for report in reports:
        read += 1
        if report.status != "checked":
            continue
        checked += 1
        seen: set[str] = set()
        for finding in report.findings:
            if finding.outcome != "undetermined":
                continue
            undetermined += 1
            fields = set(finding.missing)
            for field in fields:
                needs[field] += 1
                rules.setdefault(field, Counter())[finding.rule_id] += 1
                if len(fields) == 1:
                    alone[field] += 1
            seen |= fields
        records.update(seen)
    ranked = sorted(needs, key=lambda f: (-needs[f], -alone[f], f))
    return Gaps(
        read,
        checked,
        undetermined,
        tuple(
            Gap(
                field,
                needs[field],
                alone[field],
                records[field],
                tuple(sorted(rules[field].items(), key=lambda item: (-item[1], item[0]))),
            )
            for field in ranked
        ),
    )


def gaps_text(report: Gaps, *, top: int | None = None, rules: int = 3) -> str:
    """The ranked fields as a table for people; ``top`` limits the rows, ``rules`` the rule
    ids named per row."""
    lines = [
        f"{report.checked} of {report.read} records checked; {report.undetermined} undetermined "
        f"findings name {len(report.fields)} absent field(s)"
    ]
    if not report.fields:
        return "\n".join(lines)
    shown = report.fields[:top] if top else report.fields
    width = max(len(g.field) for g in shown) + 2
    lines.append("")
    lines.append(
        "  #  " + "field".ljust(width) + "findings  alone  records  rules (findings)"
    )
    for number, gap in enumerate(shown, start=1):
        named = ", ".join(f"{r} ({n})" for r, n in gap.rules[:rules])
        more = len(gap.rules) - rules
        if more > 0:
            named += f", +{more} more"
        lines.append(
            f"{number:>3}  {gap.field.ljust(width)}{gap.findings:>8}  {gap.alone:>5}  "
            f"{gap.records:>7}  {named}"
        )
    if top and len(report.fields) > top:
        lines.append(f"  … {len(report.fields) - top} more field(s); --top 0 lists all")
    lines.append("")
    lines.append(
        "findings: undetermined findings that need the field; alone: those it decides by itself"
    )
    return "\n".join(lines)
