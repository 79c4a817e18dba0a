"""Reports for people and tools: grouped text, the summary table, CSV, HTML, data gaps, SARIF,
GitHub annotations, and honest exit codes (format 1.1). Golden files: ``pytest --update-golden``."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from kolrules.cli import main
from tests.conftest import HEADER, check_golden

GOLDEN = Path(__file__).parent / "golden"

RULES = (
    HEADER
    + """
rule XX-USED {
  title "Endorsers must have used the product"
  cite "Test Act" article "art. 1" url "https://example.org/act#1"
  severity error
  effective from 2020-01-01
  requires commercial.kol_used_product == true
  message "{kol.handle} has not used the product"
  remedy "only endorse products you have used"
}

rule XX-ADULT {
  title "Endorsers must be adults"
  cite "Test Act" article "art. 2" url "https://example.org/act#2"
  severity error
  effective from 2020-01-01
  requires kol.age >= 18
  message "{kol.handle} is {kol.age}"
  remedy "use an adult endorser"
}

rule XX-ADULT-NOTICE {
  title "Young endorsers need a notice"
  cite "Test Act" article "art. 3"
  severity warning
  effective from 2020-01-01
  requires kol.age >= 16
  message "{kol.handle} is under 16"
}
"""
)

BASE = {"published_at": "2026-03-04T10:00:00+07:00", "audience": {"countries": ["XX"]}}
GOOD = {**BASE, "id": "good", "kol": {"handle": "@ok", "age": 30},
        "commercial": {"kol_used_product": True}}
BAD = {**BASE, "id": "bad", "kol": {"handle": "@kid", "age": 12},
       "commercial": {"kol_used_product": False}}
OPEN = {**BASE, "id": "open", "kol": {"handle": "@who"}, "commercial": {}}
HALF = {**BASE, "id": "half", "kol": {"handle": "=cmd|' /C calc'!A0"},
        "commercial": {"kol_used_product": False}}


def run(args: list[str], stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(args, stdout=out, stderr=err, stdin=io.StringIO(stdin))
    return code, out.getvalue(), err.getvalue()


def lines(*records: object) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


@pytest.fixture
def rules(tmp_path: Path) -> str:
    path = tmp_path / "r.kol"
    path.write_text(RULES, encoding="utf-8")
    return str(path)


def _sample() -> str:
    return lines(GOOD, BAD, OPEN, HALF, "{oops")


def _clean(text: str, rules: str) -> str:
    return text.replace(str(Path(rules).parent), "<tmp>")


# --- text ------------------------------------------------------------------------------------


def test_default_text_is_one_line_per_violation(rules: str, update_golden: bool) -> None:
    code, out, err = run(["check", "--rules", rules, "--color", "never", "-"], _sample())
    assert code == 1
    rows = out.splitlines()
    # bad: errors before warnings; half: one violation; the invalid record: one line; good and
    # open (no violation) print nothing here and are counted at the end.
    assert [r.split()[1:5] for r in rows] == [
        ["bad", "line", "2", "error"],
        ["bad", "line", "2", "error"],
        ["bad", "line", "2", "warning"],
        ["half", "line", "4", "error"],
        ["(no", "id)", "line", "5"],
    ]
    assert [r.split()[5] for r in rows[:3]] == ["XX-ADULT", "XX-USED", "XX-ADULT-NOTICE"]
    assert "invalid  (record): not valid JSON" in rows[4]
    assert "good" not in out and "open" not in out
    assert "1 record(s) with no violation and no open question" in err
    assert "open questions: 5 undetermined finding(s) on 2 record(s), 1 of them" in err
    assert "the facts that would decide the most: kol.age (4), commercial.kol_used_product (1)" in err
    assert "`kolrules gaps -` ranks the missing facts" in err
    check_golden(
        GOLDEN / "report-compact.txt", _clean(out + "--- stderr ---\n" + err, rules), update_golden
    )


def test_compact_lines_fit_a_terminal_width() -> None:
    from kolrules.findings import Finding, Report
    from kolrules.reporters import compact_text

    finding = Finding(
        "XX-LONG", "XX", "violation", "error", "t", ("word " * 40).strip(), None, (), (), (), "r.kol:1"
    )
    report = Report("r1", 7, "checked", None, ("XX",), (finding,))
    (line,) = compact_text(report, width=60).splitlines()
    assert len(line) == 60 and line.endswith("…") and line.startswith("✗ r1 line 7  error  ")
    assert compact_text(report).endswith("word")  # no width: never cut
    assert "item 7" in compact_text(report, unit="item")
    assert compact_text(Report("r2", 1, "checked", None, ("XX",))) == ""


def test_summary_shows_the_rules_with_most_violations_per_jurisdiction() -> None:
    from kolrules.findings import Summary
    from kolrules.reporters import Folded, compact_summary_text

    by_rule = {f"XX-R{n}": {"violation": n, "undetermined": 1} for n in range(1, 8)}
    by_rule["XX-OPEN"] = {"undetermined": 3}
    summary = Summary(
        9, 9, 0, {"violation": 28, "undetermined": 10}, {"XX": {"violation": 28}}, by_rule
    )
    text = compact_summary_text(summary, Folded(), rules_per_jurisdiction=3)
    rows = [line.split() for line in text.splitlines()]
    assert ["XX", "28"] in rows and ["XX-R7", "7"] in rows and ["XX-R5", "5"] in rows
    assert ["XX-R4", "4"] not in rows and not any("XX-OPEN" in r for r in rows)
    assert "… 4 more rule(s) with violations; --verbose lists every rule" in text


def test_verbose_text_lists_violations_then_one_line_per_open_question(
    rules: str, update_golden: bool
) -> None:
    code, out, err = run(
        ["check", "--rules", rules, "--color", "never", "--verbose", "-"], _sample()
    )
    assert code == 1
    assert "  ? 2 rules undecided: give kol.age to decide them" in out
    assert "not decided" not in out  # grouped, not listed
    record = out.split("\n\n")[3]  # half: one violation, two rules open
    assert record.index("✗ violation") < record.index("? ")
    assert "remedy: only endorse products you have used" in record
    assert "cite: Test Act, art. 1 <https://example.org/act#1>" in record
    assert "jurisdiction / rule" in err and "XX-ADULT" in err
    check_golden(GOLDEN / "report.txt", _clean(out + "--- stderr ---\n" + err, rules), update_golden)


def test_show_undetermined_expands_the_groups(rules: str, update_golden: bool) -> None:
    _, out, err = run(
        ["check", "--rules", rules, "--color", "never", "--show", "undetermined", "-"],
        lines(OPEN),
    )
    assert out.count("? undetermined") == 3
    assert "rules undecided" not in out
    assert "--show undetermined" not in err
    check_golden(GOLDEN / "report-show-undetermined.txt", _clean(out, rules), update_golden)


def test_show_pass_lists_what_was_met(rules: str) -> None:
    _, out, _ = run(["check", "--rules", rules, "--show", "pass", "-"], lines(GOOD))
    assert out.count("✓ pass") == 3
    assert "met: endorsers must be adults" in out
    _, out, _ = run(["check", "--rules", rules, "--show", "all", "-"], lines(GOOD))
    assert out.count("✓ pass") == 3


def test_summary_table_counts_per_jurisdiction_and_rule(rules: str) -> None:
    _, _, err = run(["check", "--rules", rules, "-v", "-"], _sample())
    table = err.split("\n\n")[1].splitlines()
    assert table[0].split() == ["jurisdiction", "/", "rule", "violation", "undetermined"]
    assert table[1].split() == ["XX", "4", "5"]
    assert table[2].split() == ["XX-USED", "2", "1"]  # most violations first


def test_jobs_keep_the_grouped_text_identical(rules: str, tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(_sample() * 3, encoding="utf-8")
    for form in ([], ["--verbose"]):
        one = run(["check", "--rules", rules, *form, str(path)])
        two = run(["check", "--rules", rules, *form, "--jobs", "2", str(path)])
        assert one[1] == two[1] and one[0] == two[0] == 1
        assert one[1].count("✗ bad line") == (0 if form else 9)  # 3 violations, 3 copies


def test_json_output_does_not_depend_on_the_text_form(rules: str) -> None:
    plain = run(["check", "--rules", rules, "--format", "json", "-"], _sample())
    verbose = run(["check", "--rules", rules, "--format", "json", "--verbose", "-"], _sample())
    assert plain == verbose
    document = json.loads(plain[1])
    assert [r.get("record_id") for r in document["reports"]] == [
        "good", "bad", "open", "half", None
    ]
    assert len(document["reports"][2]["findings"]) == 3  # open questions are all in JSON


# --- exit codes (format 1.1) -----------------------------------------------------------------


def test_invalid_records_fail_by_default_and_fail_on_chooses(rules: str) -> None:
    assert run(["check", "--rules", rules, "-"], lines(GOOD, "{oops"))[0] == 1
    assert run(["check", "--rules", rules, "--fail-on", "violation", "-"], lines(GOOD, "{"))[0] == 0
    assert run(["check", "--rules", rules, "-"], lines(GOOD, OPEN))[0] == 0
    assert run(["check", "--rules", rules, "--fail-on", "undetermined", "-"], lines(OPEN))[0] == 1
    code, _, err = run(["check", "--rules", rules, "--fail-on", "undetermined", "-"], lines(BAD))
    assert code == 0 and "3 violation(s) found; they do not fail the run" in err
    assert run(["check", "--rules", rules, "--fail-on", "violations", "-"], lines(GOOD))[0] == 2


def test_a_run_that_checks_nothing_never_exits_0(rules: str, tmp_path: Path) -> None:
    code, _, err = run(["check", "--rules", rules, "--fail-on", "violation", "-"], lines("{", "}"))
    assert code == 1 and "no record was checked: all 2 record(s) are invalid" in err
    code, _, err = run(["check", "--rules", rules, "-"], "")
    assert code == 1 and "holds no records" in err
    table = tmp_path / "export.txt"
    table.write_text("id,published_at,caption\np1,2026-01-01,hello\n", encoding="utf-8")
    code, _, err = run(["check", "--rules", rules, str(table)])
    assert code == 1 and "looks like CSV (first line: id, published_at, caption" in err
    assert "or CSV with --map map.toml" in err
    code, _, err = run(["check", "--rules", rules, str(table.rename(tmp_path / "export.csv"))])
    assert code == 2 and "CSV needs a column mapping: --map map.toml" in err
    array = tmp_path / "records.jsonl"
    array.write_text(json.dumps([GOOD], indent=1), encoding="utf-8")
    code, _, err = run(["check", "--rules", rules, str(array)])
    assert code == 1 and "looks like a JSON array" in err and "--input-format json" in err
    elsewhere = {**GOOD, "audience": {"countries": ["GB"]}}
    code, _, err = run(["check", "--rules", rules, "-"], lines(elsewhere))
    assert code == 1 and "is in the scope of the loaded jurisdictions" in err


def test_a_byte_order_mark_is_accepted(rules: str, tmp_path: Path) -> None:
    path = tmp_path / "excel.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + lines(GOOD).encode())
    assert run(["check", "--rules", rules, str(path)])[0] == 0


def test_rule_paths_without_rules_are_usage_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run(["check", "--rules", str(empty), "-"], lines(GOOD))
    assert code == 2 and "no rules in" in err
    assert run(["lint", str(empty)])[0] == 2
    assert run(["test", str(empty)])[0] == 2


# --- CSV -------------------------------------------------------------------------------------


def test_csv_has_one_row_per_finding(rules: str, update_golden: bool) -> None:
    code, out, _ = run(["check", "--rules", rules, "--format", "csv", "-"], _sample())
    assert code == 1
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["outcome"] for r in rows if r["record_id"] == "bad"] == ["violation"] * 3
    assert rows[0]["record_id"] == "good" and rows[0]["outcome"] == ""  # checked, no findings
    assert rows[-1]["outcome"] == "invalid" and rows[-1]["line"] == "5"
    half = next(r for r in rows if r["record_id"] == "half" and r["rule_id"] == "XX-USED")
    assert half["message"].startswith("'=cmd")  # a formula is not run by a spreadsheet
    assert "https://example.org/act#1" in half["citations"]
    assert out.count("\r\n") == len(out.splitlines())  # RFC 4180 line ends
    check_golden(GOLDEN / "report.csv", _clean(out.replace("\r\n", "\n"), rules), update_golden)


def test_csv_bom_for_excel(rules: str) -> None:
    _, out, _ = run(["check", "--rules", rules, "--format", "csv", "--csv-bom", "-"], lines(BAD))
    assert out.startswith("\ufeffrecord_id,")


# --- HTML ------------------------------------------------------------------------------------


def test_html_is_one_self_contained_page(rules: str, tmp_path: Path, update_golden: bool) -> None:
    code, out, _ = run(["check", "--rules", rules, "--format", "html", "-"], _sample())
    assert code == 1
    assert out.count('class="finding ') == 9
    assert "default-src 'none'" in out and "<script src" not in out and "<link" not in out
    assert '<svg id="chart"' in out and 'data-rule="XX-USED"' in out
    assert "&quot;kol_used_product&quot;: false" in out  # the record as given
    assert '<a href="https://example.org/act#1"' in out
    path = tmp_path / "report.html"
    assert run(["check", "--rules", rules, "--html", str(path), "-"], _sample())[0] == 1
    assert path.read_text(encoding="utf-8") == out
    check_golden(GOLDEN / "report.html", _clean(out, rules), update_golden)


def test_html_escapes_record_text(rules: str) -> None:
    hostile = {**BAD, "id": "<script>alert(1)</script>", "kol": {"handle": "<img src=x>"}}
    _, out, _ = run(["check", "--rules", rules, "--format", "html", "-"], lines(hostile))
    assert "<script>alert" not in out and "<img src=x>" not in out
    assert "&lt;img src=x&gt;" in out


# --- data gaps -------------------------------------------------------------------------------


def test_gaps_rank_the_fields_that_decide_the_most(rules: str, update_golden: bool) -> None:
    records = lines(OPEN, {**OPEN, "id": "open2"}, {**GOOD, "id": "aged", "commercial": {}})
    code, out, _ = run(["gaps", "--rules", rules, "-"], records)
    assert code == 0
    rows = [line.split() for line in out.splitlines() if line[:3].strip().isdigit()]
    assert [r[1] for r in rows] == ["kol.age", "commercial.kol_used_product"]
    assert rows[0][2:5] == ["4", "4", "2"]  # 4 findings, 4 decided alone, in 2 records
    check_golden(GOLDEN / "gaps.txt", out, update_golden)
    _, out, _ = run(["gaps", "--rules", rules, "--format", "json", "-"], records)
    document = json.loads(out)
    assert document["fields"][1] == {
        "field": "commercial.kol_used_product",
        "findings": 3,
        "alone": 3,
        "records": 3,
        "rules": {"XX-USED": 3},
    }
    _, out, _ = run(["gaps", "--rules", rules, "--format", "html", "-"], records)
    assert "<table id='gaps'>" in out and "kol.age" in out


def test_gaps_on_unreadable_input_fail(rules: str) -> None:
    code, _, err = run(["gaps", "--rules", rules, "-"], lines("{", "{"))
    assert code == 1 and "no record was checked" in err


# --- SARIF and GitHub annotations ------------------------------------------------------------

BROKEN = HEADER + """
rule XX-T-B {
  title "t"
  cite "Test Act" article "1"
  severity error
  effective from 2020-01-01
  requires kol.follower > 1
  message "m"
  obligation disclosure.label
}
"""


def test_lint_sarif_and_github(tmp_path: Path, update_golden: bool) -> None:
    path = tmp_path / "broken.kol"
    path.write_text(BROKEN, encoding="utf-8")
    code, out, _ = run(["lint", "--format", "sarif", str(path)])
    assert code == 1
    log = json.loads(out)
    assert log["version"] == "2.1.0"
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "KR201" and result["level"] == "error"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 14
    assert "did you mean `followers`" in result["message"]["text"]
    assert log["runs"][0]["tool"]["driver"]["rules"][0]["id"] == "KR201"
    text = out.replace(str(tmp_path), "<tmp>").replace(log["runs"][0]["tool"]["driver"]["version"], "<v>")
    check_golden(GOLDEN / "lint.sarif", text, update_golden)
    code, out, _ = run(["lint", "--format", "github", str(path)])
    assert code == 1
    assert out.startswith(f"::error file={path.as_posix()},line=14,col=")
    assert ",title=kolrules KR201::`kol` has no field `follower`" in out


def test_pass_messages_keep_acronyms() -> None:
    from kolrules.finding_builder import _sentence_inside

    assert _sentence_inside("Endorsers must be adults") == "endorsers must be adults"
    assert _sentence_inside("AI-generated content is declared") == "AI-generated content is declared"
    assert _sentence_inside("FTC labels") == "FTC labels"
    assert _sentence_inside("A label is shown") == "a label is shown"
