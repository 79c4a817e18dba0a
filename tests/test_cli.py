"""The command line: exit codes, formats, and bad input reported line by line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from kolrules.cli import main
from tests.conftest import RULE_META, check_golden, rule

ROOT = Path(__file__).parents[1]
GOLDEN = Path(__file__).parent / "golden"

OK = {
    "id": "ok",
    "published_at": "2026-03-04T10:00:00+07:00",
    "audience": {"countries": ["XX"]},
    "commercial": {"kol_used_product": True},
}
BAD = {**OK, "id": "bad", "commercial": {"kol_used_product": False}}
OPEN = {**OK, "id": "open", "commercial": {}}


def run(args: list[str], stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(args, stdout=out, stderr=err, stdin=io.StringIO(stdin))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def rules(tmp_path: Path) -> str:
    path = tmp_path / "r.kol"
    path.write_text(rule("requires commercial.kol_used_product == true"), encoding="utf-8")
    return str(path)


def lines(*records: object) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


def test_exit_0_without_violations(rules: str) -> None:
    assert run(["check", "--rules", rules, "-"], lines(OK))[0] == 0


def test_exit_1_on_a_violation(rules: str) -> None:
    assert run(["check", "--rules", rules, "-"], lines(OK, BAD))[0] == 1


def test_fail_on_undetermined(rules: str) -> None:
    assert run(["check", "--rules", rules, "-"], lines(OPEN))[0] == 0
    assert run(["check", "--rules", rules, "--fail-on", "undetermined", "-"], lines(OPEN))[0] == 1


def test_exit_2_on_usage_errors(rules: str, tmp_path: Path) -> None:
    assert run(["check", "--rules", rules, str(tmp_path / "missing.jsonl")])[0] == 2
    assert run(["check", "--rules", rules, "--as-of", "soon", "-"])[0] == 2
    assert run(["check", "--rules", rules, "--jurisdiction", "ZZ", "-"])[0] == 2
    assert run(["frobnicate"])[0] == 2


def test_exit_2_when_rules_do_not_compile(tmp_path: Path) -> None:
    path = tmp_path / "broken.kol"
    path.write_text(rule("requires kol.follower > 1"), encoding="utf-8")
    code, _, err = run(["check", "--rules", str(path), "-"], lines(OK))
    assert code == 2 and "error[KR201]" in err and "did you mean `followers`" in err


def test_bad_input_gets_a_report_per_line(rules: str) -> None:
    text = lines(
        OK,
        "{not json",
        {**OK, "id": "t", "kol": {"followers": "many"}},
        {**OK, "id": "enum", "format": "reel"},
        {**OK, "id": "v", "schema": "kolrules/activity@2"},
        {**OK, "id": "k", "kol": {"folowers": 1}},
        "[1, 2]",
        BAD,
    )
    code, out, _ = run(["check", "--rules", rules, "--format", "jsonl", "-"], text)
    reports = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert [r["line"] for r in reports] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert [r["status"] for r in reports] == [
        "checked",
        "invalid",
        "invalid",
        "invalid",
        "invalid",
        "checked",
        "invalid",
        "checked",
    ]
    assert reports[1]["errors"][0]["message"].startswith("not valid JSON")
    assert reports[2]["errors"] == [
        {"path": "kol.followers", "message": 'expected a whole number ≥ 0, got "many"',
         "code": "KR502"}
    ]
    assert reports[1]["errors"][0]["code"] == "KR501"
    assert reports[3]["errors"][0]["path"] == "format"
    assert reports[4]["errors"][0]["path"] == "schema"
    assert reports[5]["warnings"][0]["path"] == "kol.folowers"
    assert reports[7]["findings"][0]["outcome"] == "violation"


def test_strict_turns_unknown_keys_into_invalid_records(rules: str) -> None:
    _, out, _ = run(
        ["check", "--rules", rules, "--strict", "--format", "jsonl", "-"],
        lines({**OK, "kol": {"folowers": 1}}),
    )
    assert json.loads(out)["status"] == "invalid"


def test_invalid_records_alone_do_not_make_exit_2(rules: str) -> None:
    # Format 1.1: invalid records fail the run (1), never as a usage error (2).
    assert run(["check", "--rules", rules, "-"], lines(OK, "{oops"))[0] == 1
    assert run(["check", "--rules", rules, "--fail-on", "violation", "-"], lines(OK, "{oops"))[0] == 0


def test_json_document_has_reports_and_summary(rules: str) -> None:
    code, out, _ = run(
        ["check", "--rules", rules, "--format", "json", "--include-pass", "-"],
        lines(OK, BAD, "nope"),
    )
    document = json.loads(out)
    assert code == 1
    assert document["summary"]["records"] == {"read": 3, "checked": 2, "invalid": 1}
    assert document["summary"]["outcomes"]["pass"] == 1
    assert document["summary"]["by_rule"]["XX-T-1"] == {"pass": 1, "violation": 1}


def test_json_array_files_count_elements(rules: str, tmp_path: Path) -> None:
    path = tmp_path / "records.json"
    path.write_text(json.dumps([OK, BAD]), encoding="utf-8")
    _, out, _ = run(["check", "--rules", rules, "--format", "jsonl", str(path)])
    assert [json.loads(x)["line"] for x in out.splitlines()] == [1, 2]


def test_text_report_matches_golden(rules: str, update_golden: bool) -> None:
    _code, out, err = run(
        ["check", "--rules", rules, "--color", "never", "-"], lines(OK, BAD, OPEN, "{")
    )
    text = out.replace(str(Path(rules).parent), "<tmp>") + "--- stderr ---\n" + err
    check_golden(GOLDEN / "check.txt", text, update_golden)


def test_lint_test_explain_schema(tmp_path: Path) -> None:
    good = tmp_path / "g.kol"
    good.write_text(
        rule("requires true") + 'example "e" { record {"id": "e", "published_at": '
        '"2026-01-01T00:00:00Z", "audience": {"countries": ["XX"]}} '
        "expect XX-T-1 pass }\n",
        encoding="utf-8",
    )
    assert run(["lint", str(good)])[0] == 0
    assert run(["test", str(good)])[0] == 0
    bad = tmp_path / "b.kol"
    bad.write_text(good.read_text().replace("expect XX-T-1 pass", "expect XX-T-1 violation"))
    code, out, _ = run(["test", str(bad)])
    assert code == 1 and "KR402" in out
    code, out, _ = run(["explain", "XX-T-1", "--rules", str(good)])
    assert code == 0 and "version in force from 2020-01-01" in out and '"e"' in out
    assert run(["explain", "XX-T-9", "--rules", str(good)])[0] == 2
    code, out, _ = run(["schema"])
    schema = json.loads(out)
    assert code == 0 and schema["required"] == ["id", "published_at"]
    assert schema["properties"]["format"]["anyOf"][0]["enum"][0] == "post"
    assert run(["lint", str(tmp_path / "none.kol")])[0] == 2


def test_lint_reports_errors_with_exit_1(tmp_path: Path) -> None:
    path = tmp_path / "x.kol"
    path.write_text(rule("requires nope"), encoding="utf-8")
    code, out, _ = run(["lint", str(path)])
    assert code == 1 and "error[KR202]" in out


def test_bundled_sample_runs() -> None:
    code, out, _err = run(
        ["check", "--format", "jsonl", str(ROOT / "examples" / "activities.jsonl")]
    )
    reports = [json.loads(x) for x in out.splitlines()]
    sample_lines = (ROOT / "examples" / "activities.jsonl").read_text().splitlines()
    assert code == 1 and len(reports) == len([x for x in sample_lines if x.strip()])
    assert {"US", "CN", "VN"} <= {j for r in reports for j in r.get("jurisdictions", [])}


def test_module_entry_point() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "kolrules", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and done.stdout.startswith("kolrules ")


def test_rule_meta_helper() -> None:
    assert "effective" in RULE_META


def test_generated_record_docs_are_current() -> None:
    code, out, _ = run(["docs", "records"])
    assert code == 0
    assert out == (ROOT / "docs" / "records.md").read_text(encoding="utf-8"), (
        "docs/records.md is stale: run `kolrules docs records > docs/records.md`"
    )


def test_jobs_keep_order_line_numbers_and_output(rules: str, tmp_path: Path) -> None:
    from kolrules import parallel

    path = tmp_path / "many.jsonl"
    items = [dict(OK, id=f"r{i}") if i % 7 else "{broken" for i in range(1, 400)]
    path.write_text(lines(*items), encoding="utf-8")
    one = run(["check", "--rules", rules, "--format", "jsonl", str(path)])
    old = parallel.SPAN
    parallel.SPAN = 512  # many small spans, so order across workers is really exercised
    try:
        two = run(["check", "--rules", rules, "--format", "jsonl", "--jobs", "2", str(path)])
    finally:
        parallel.SPAN = old
    assert two[1] == one[1] and two[0] == one[0]
    reports = [json.loads(x) for x in two[1].splitlines()]
    assert [r["line"] for r in reports] == list(range(1, 400))
    assert [r["status"] for r in reports if r["line"] % 7 == 0] == ["invalid"] * 57


def test_jobs_with_stdin_use_the_streaming_pool(rules: str) -> None:
    out = run(["check", "--rules", rules, "--format", "jsonl", "--jobs", "2", "-"], lines(OK, BAD))
    assert out[0] == 1 and [json.loads(x)["record_id"] for x in out[1].splitlines()] == [
        "ok",
        "bad",
    ]
