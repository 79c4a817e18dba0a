"""Reports as one self-contained HTML page: a summary with a chart of violations per rule and
jurisdiction, filters (jurisdiction, outcome, severity, rule), and every finding with its
evidence, remedy and citations beside the record as it was given.

The page loads nothing: styles, script and chart (SVG) are inline, and its Content Security
Policy forbids any other source. Record text is escaped; only ``http(s)`` citation addresses
become links.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from kolrules.findings import OUTCOMES, Finding, Report, Summary
from kolrules.reporters import open_questions, presumed_text
from kolrules.reports.gaps import Gaps

_UNSAFE = re.compile("[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2430;
background:#f6f7f9}
header,section,main{max-width:1100px;margin:0 auto;padding:12px 20px}
h1{font-size:20px;margin:16px 0 4px}h2{font-size:16px;margin:12px 0 6px}
.totals span{display:inline-block;margin-right:14px}
.card{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:10px 14px;margin:10px 0}
.badge{display:inline-block;border-radius:3px;padding:0 6px;font-size:12px;font-weight:600;
color:#fff}
.violation .badge,.badge.violation{background:#c62828}
.undetermined .badge,.badge.undetermined{background:#b26a00}
.pass .badge,.badge.pass{background:#2e7d32}
.not_applicable .badge,.badge.not_applicable{background:#78909c}
.invalid .badge,.badge.invalid{background:#6a1b9a}
.finding{border-top:1px solid #eef0f3;padding:6px 0}.finding h4{margin:2px 0;font-size:14px}
.rule{font-family:ui-monospace,monospace;font-size:13px}
.muted{color:#5f6b7a;font-size:12px}dl{margin:4px 0;display:grid;
grid-template-columns:max-content 1fr;gap:0 12px;font-size:12px}
dt{font-family:ui-monospace,monospace;color:#5f6b7a}dd{margin:0;font-family:ui-monospace,monospace}
pre{background:#f3f4f6;padding:8px;overflow:auto;font-size:12px;max-height:320px}
#filters{position:sticky;top:0;background:#f6f7f9;border-bottom:1px solid #dde1e7;z-index:1}
#filters label{margin-right:12px}select{max-width:320px}
table{border-collapse:collapse;font-size:13px}td,th{padding:2px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}
svg text{font:12px ui-monospace,monospace}svg .bar{fill:#c62828}svg .row{cursor:pointer}
svg .row:hover .bar{fill:#8e0000}svg .head{font-weight:700;font-family:system-ui,sans-serif}
.open{color:#8a5300}
"""

SCRIPT = """
(function(){
  var keys=["jurisdiction","outcome","severity","rule"];
  function val(k){return document.getElementById("f-"+k).value;}
  function apply(){
    var shown=0,records=0;
    document.querySelectorAll("article.record").forEach(function(a){
      var visible=0;
      a.querySelectorAll(".finding").forEach(function(f){
        var ok=keys.every(function(k){var v=val(k);return !v||f.dataset[k]===v;});
        f.hidden=!ok; if(ok){visible++;}
      });
      var any=keys.some(function(k){return val(k);});
      a.hidden=any&&!visible; if(!a.hidden){records++;} shown+=visible;
    });
    document.getElementById("shown").textContent=shown+" findings in "+records+" records shown";
    var h=keys.filter(function(k){return val(k);}).map(function(k){
      return k+"="+encodeURIComponent(val(k));}).join("&");
    history.replaceState(null,"",h?"#"+h:location.pathname+location.search);
  }
  keys.forEach(function(k){document.getElementById("f-"+k).addEventListener("change",apply);});
  document.querySelectorAll("svg .row").forEach(function(r){
    r.addEventListener("click",function(){
      document.getElementById("f-rule").value=r.dataset.rule;
      document.getElementById("f-outcome").value="violation";apply();
    });
  });
  location.hash.slice(1).split("&").forEach(function(p){
    var kv=p.split("="); var el=document.getElementById("f-"+kv[0]);
    if(el&&kv.length===2){el.value=decodeURIComponent(kv[1]);}
  });
  apply();
  window.kolrulesFilter=function(k,v){document.getElementById("f-"+k).value=v;apply();
    return document.getElementById("shown").textContent;};
})();
"""


def _clean(text: str) -> str:
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _e(value: object) -> str:
    return html.escape(_clean(str(value)), quote=True)


def _json_text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


def _link(text: str, url: str | None) -> str:
    if url and url.startswith(("https://", "http://")):
        return f'<a href="{_e(url)}" rel="noreferrer noopener" target="_blank">{_e(text)}</a>'
    return _e(text) + (f" <span class='muted'>{_e(url)}</span>" if url else "")


def _finding(finding: Finding) -> str:
    attrs = " ".join(
        f'data-{k}="{_e(v)}"'
        for k, v in (
            ("jurisdiction", finding.jurisdiction),
            ("outcome", finding.outcome),
            ("severity", finding.severity),
            ("rule", finding.rule_id),
        )
    )
    parts = [
        f'<div class="finding {_e(finding.outcome)}" {attrs}>',
        f'<h4><span class="badge">{_e(finding.outcome.replace("_", " "))}</span> '
        f'<span class="rule">{_e(finding.rule_id)}</span> '
        f'<span class="muted">[{_e(finding.severity)}]</span> {_e(finding.title)}</h4>',
    ]
    if finding.outcome != "not_applicable":
        parts.append(f'<p class="message">{_e(finding.message)}</p>')
    if finding.remedy and finding.outcome in ("violation", "undetermined"):
        parts.append(f'<p class="remedy"><b>remedy:</b> {_e(finding.remedy)}</p>')
    if finding.missing:
        parts.append(f'<p class="missing"><b>missing:</b> {_e(", ".join(finding.missing))}</p>')
    if finding.evidence:
        rows = "".join(
            f"<dt>{_e(path)}</dt><dd>{_e(json.dumps(value, ensure_ascii=False, default=str))}</dd>"
            for path, value in finding.evidence
        )
        parts.append(f'<dl class="evidence">{rows}</dl>')
    if finding.presumed:
        given = presumed_text(finding)
        parts.append(f'<p class="presumed muted"><b>presumed:</b> {_e(given)}</p>')
    cites = "".join(f"<li>{_link(c.text, c.url)}</li>" for c in finding.citations)
    if cites:
        parts.append(f'<ul class="citations">{cites}</ul>')
    if finding.confidence:
        parts.append(f'<p class="muted"><b>confidence:</b> {_e(finding.confidence)}</p>')
    parts.append(f'<p class="muted">rule: {_e(finding.rule_source)}</p></div>')
    return "".join(parts)


def _record(report: Report, given: Any) -> str:
    where = f"line {report.line}" if report.line is not None else ""
    name = _e(report.record_id or "(no id)")
    if report.status == "invalid":
        errors = "".join(
            f"<li>{_e(e.path or '(record)')}: {_e(e.message)}</li>" for e in report.errors
        )
        body = f'<p><span class="badge invalid">invalid record</span></p><ul>{errors}</ul>'
        head = f"{name} <span class='muted'>{where}</span>"
    else:
        day = report.as_of.isoformat() if report.as_of else "?"
        if report.dates:
            day = ", ".join(f"{c} {d.isoformat()}" for c, d in report.dates)
        places = ", ".join(report.jurisdictions) or "no jurisdiction in scope"
        head = f"{name} <span class='muted'>{where} · {_e(places)} · law as of {_e(day)}</span>"
        order = {o: i for i, o in enumerate(OUTCOMES)}
        findings = sorted(report.findings, key=lambda f: order.get(f.outcome, 9))
        body = "".join(_finding(f) for f in findings)
        groups = open_questions(report.findings)
        if groups:
            body += "".join(
                f'<p class="open">? {len(fs)} rule(s) undecided: give {_e(", ".join(k))}</p>'
                for k, fs in groups
            )
        if not findings:
            body += '<p class="muted">no violations or undetermined rules</p>'
    warnings = "".join(
        f'<p class="muted">warning: {_e(w.path or "(record)")}: {_e(w.message)}</p>'
        for w in report.warnings
    )
    shown = (
        f"<details><summary>record as given</summary><pre>{_e(_json_text(given))}</pre></details>"
        if given is not None
        else ""
    )
    status = "invalid" if report.status == "invalid" else "checked"
    return (
        f'<article class="record card {status}" data-record="{name}">'
        f"<h3>{head}</h3>{body}{warnings}{shown}</article>"
    )


def _chart(summary: Summary, jurisdiction_of: Mapping[str, str]) -> str:
    per: dict[str, list[tuple[str, int]]] = {}
    for rule_id, counts in summary.by_rule.items():
        if counts.get("violation"):
            code = jurisdiction_of.get(rule_id) or rule_id.split("-")[0]
            per.setdefault(code, []).append((rule_id, counts["violation"]))
    if not per:
        return '<p class="muted">no violations</p>'
    top = max(n for rows in per.values() for _, n in rows)
    label = max(len(r) for rows in per.values() for r, _ in rows) * 7.4 + 10
    width, row, rows_svg, y = 900, 18, [], 0
    bar_room = width - label - 50
    for code in sorted(per):
        total = sum(n for _, n in per[code])
        rows_svg.append(
            f'<text class="head" x="0" y="{y + 13}">{_e(code)} — {total} violation(s)</text>'
        )
        y += row + 2
        for rule_id, count in sorted(per[code], key=lambda item: (-item[1], item[0])):
            length = max(2.0, bar_room * count / top)
            rows_svg.append(
                f'<g class="row" data-rule="{_e(rule_id)}"><title>{_e(rule_id)}: {count}</title>'
                f'<text x="0" y="{y + 12}">{_e(rule_id)}</text>'
                f'<rect class="bar" x="{label:.0f}" y="{y + 2}" width="{length:.1f}" '
                f'height="{row - 5}"/>'
                f'<text x="{label + length + 6:.0f}" y="{y + 12}">{count}</text></g>'
            )
            y += row
        y += 6
    return (
        f'<svg id="chart" role="img" aria-label="violations per rule and jurisdiction" '
        f'width="{width}" height="{y}" viewBox="0 0 {width} {y}">{"".join(rows_svg)}</svg>'
    )


def _select(key: str, label: str, values: Iterable[str]) -> str:
    options = "".join(f'<option value="{_e(v)}">{_e(v)}</option>' for v in values)
    return (
        f'<label>{label} <select id="f-{key}"><option value="">all</option>{options}</select>'
        "</label>"
    )


def _table(summary: Summary) -> str:
    columns = [o for o in OUTCOMES if summary.outcomes.get(o)]
    head = "".join(f"<th>{_e(o.replace('_', ' '))}</th>" for o in columns)
    rows = "".join(
        f"<tr><td>{_e(code)}</td>"
        + "".join(f"<td>{per.get(o, 0)}</td>" for o in columns)
        + "</tr>"
        for code, per in summary.by_jurisdiction.items()
    )
    return f'<table id="by-jurisdiction"><tr><th>jurisdiction</th>{head}</tr>{rows}</table>'


def _page(title: str, body: str, script: str = "") -> str:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{STYLE}</style></head><body>{body}"
        + (f"<script>{script}</script>" if script else "")
        + "</body></html>\n"
    )


def html_report(
    items: Sequence[tuple[Report, Any]],
    summary: Summary,
    *,
    title: str = "kolrules report",
    jurisdiction_of: Mapping[str, str] | None = None,
) -> str:
    """The whole page for ``(report, record as given)`` pairs (``None`` when unread)."""
    jurisdiction_of = jurisdiction_of or {}
    findings = [f for report, _ in items for f in report.findings]
    outcomes = Counter(f.outcome for f in findings)
    totals = (
        f'<p class="totals"><span id="records">{summary.read} records</span>'
        f"<span>{summary.checked} checked</span><span>{summary.invalid} invalid</span>"
        + "".join(
            f'<span id="count-{o}"><span class="badge {o}">{outcomes.get(o, 0)}</span> '
            f"{_e(o.replace('_', ' '))}</span>"
            for o in OUTCOMES
            if outcomes.get(o) or o in ("violation", "undetermined")
        )
        + "</p>"
    )
    filters = "".join(
        (
            _select("jurisdiction", "Jurisdiction", sorted({f.jurisdiction for f in findings})),
            _select("outcome", "Outcome", [o for o in OUTCOMES if outcomes.get(o)]),
            _select("severity", "Severity", sorted({f.severity for f in findings})),
            _select("rule", "Rule", sorted({f.rule_id for f in findings})),
        )
    )
    body = (
        f"<header><h1>{_e(title)}</h1>{totals}</header>"
        f'<section id="summary" class="card"><h2>Violations per rule and jurisdiction</h2>'
        f"{_table(summary)}{_chart(summary, jurisdiction_of)}</section>"
        f'<section id="filters">{filters} <b id="shown"></b></section>'
        f'<main id="records">{"".join(_record(r, g) for r, g in items)}</main>'
    )
    return _page(title, body, SCRIPT)


def gaps_html(gaps: Gaps, *, title: str = "kolrules data gaps") -> str:
    """The data-gap report (``kolrules gaps --format html``) as one self-contained page."""
    rows = "".join(
        f"<tr><td>{i}</td><td class='rule'>{_e(g.field)}</td><td>{g.findings}</td>"
        f"<td>{g.alone}</td><td>{g.records}</td>"
        f"<td style='text-align:left'>{_e(', '.join(f'{r} ({n})' for r, n in g.rules))}</td></tr>"
        for i, g in enumerate(gaps.fields, start=1)
    )
    body = (
        f"<header><h1>{_e(title)}</h1><p>{gaps.checked} records checked, "
        f"{gaps.undetermined} undetermined findings.</p></header><main class='card'>"
        "<table id='gaps'><tr><th>#</th><th>field</th><th>findings</th><th>decided alone</th>"
        f"<th>records</th><th style='text-align:left'>rules (findings)</th></tr>{rows}</table>"
        "</main>"
    )
    return _page(title, body)
