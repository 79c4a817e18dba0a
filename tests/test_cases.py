"""Real cases (tests/cases/*.jsonl): every record is a valid activity record, every case gets
the outcome the regulator reached, and the cases loader and ``kolrules test --cases`` report
bad input precisely. A case the packs do not yet get right fails here on purpose."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import attrs
import pytest

from kolrules import Engine, RecordError, validate
from kolrules.cases import (
    Case,
    CaseFileError,
    load_cases,
    run_case,
    score,
    score_lines,
)
from kolrules.cli import main

CASES_DIR = Path(__file__).parent / "cases"


def _cases() -> list[Case]:
    try:
        return load_cases(CASES_DIR)
    except CaseFileError:
        return []  # test_cases_folder_loads reports the problems


CASES = _cases()
IDS = [case.case_id for case in CASES]

# Cases the packs do not get right yet, each with the legal reason. Strict: when a pack change
# fixes one, its test fails until it is removed from here.
KNOWN_GAPS: dict[str, str] = {}


def _params() -> list[object]:
    return [
        pytest.param(
            case,
            marks=pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[case.case_id])
            if case.case_id in KNOWN_GAPS
            else (),
        )
        for case in CASES
    ]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.bundled()


def test_cases_folder_loads() -> None:
    cases = load_cases(CASES_DIR)
    per_jurisdiction = Counter(case.jurisdiction for case in cases)
    assert len(cases) >= 80
    assert set(per_jurisdiction) == {"US", "CN", "VN"}
    assert all(count >= 25 for count in per_jurisdiction.values()), per_jurisdiction
    assert all(case.source.startswith("http") for case in cases)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_record_is_valid(case: Case) -> None:
    """Strict validation: no unknown keys, every value of the right type."""
    try:
        validate(case.record, strict=True)
    except RecordError as error:
        pytest.fail(f"{case.where}: {error}")
    assert case.record["id"] == case.case_id, "record id and case id should agree"


@pytest.mark.parametrize("case", _params(), ids=IDS)
def test_case(case: Case, engine: Engine) -> None:
    """The packs reach the regulator's outcome on the case's record."""
    result = run_case(engine, case)
    if not result.passed:
        details = "\n  ".join(str(m) for m in result.mismatches)
        pytest.fail(f"{case.case_id} ({case.where}), decided: {case.decided}\n  {details}")


# ---- the loader and the command ----

GOOD = {
    "case": "xx-one",
    "source": "https://example.org/decision",
    "dossier": "xx.md §1",
    "facts": "A paid post with no label.",
    "decided": "Violation of art. 1.",
    "record": {"id": "xx-one", "published_at": "2026-03-04T10:00:00+07:00"},
    "expect": {"XX-T-1": "violation"},
}


def write(folder: Path, name: str, *lines: object) -> Path:
    path = folder / name
    path.write_text(
        "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines),
        encoding="utf-8",
    )
    return path


def problems(folder: Path) -> list[str]:
    with pytest.raises(CaseFileError) as caught:
        load_cases(folder)
    return [str(p) for p in caught.value.problems]


def test_loader_names_file_line_and_field(tmp_path: Path) -> None:
    bad_record = {
        **GOOD,
        "case": "xx-two",
        "record": {**GOOD["record"], "kol": {"followers": "many"}},
    }
    bad_expect = {**GOOD, "case": "xx-three", "expect": {"XX-T-1": "violated"}}
    missing = {k: v for k, v in GOOD.items() if k != "decided"} | {"case": "xx-four"}
    typo = {**GOOD, "case": "xx-five", "sorce": "x"}
    path = write(tmp_path, "xx.jsonl", GOOD, "{not json", bad_record, bad_expect, missing, typo)
    found = problems(tmp_path)
    assert f"{path}:2: not JSON" in found[0]
    assert any(p.startswith(f"{path}:3: record.kol.followers:") for p in found), found
    assert any(p.startswith(f"{path}:4: expect.XX-T-1: expected one of violation") for p in found)
    assert f"{path}:5: decided: required key is missing" in found
    assert any(p.startswith(f"{path}:6: sorce: unknown key") for p in found)


def test_loader_rejects_duplicates_and_wrong_prefix(tmp_path: Path) -> None:
    write(tmp_path, "xx.jsonl", GOOD, GOOD, {**GOOD, "case": "yy-one"})
    found = problems(tmp_path)
    assert any("xx.jsonl:2: case: duplicate id (first at" in p for p in found), found
    assert any('xx.jsonl:3: case: a case in xx.jsonl must start with "xx-"' in p for p in found)


def test_loader_empty_folder(tmp_path: Path) -> None:
    assert problems(tmp_path) == [f"{tmp_path}: no .jsonl cases file"]


RULES = """
jurisdiction XX {
  name "Testland"
  authority "Test Authority"
  timezone "Asia/Ho_Chi_Minh"
  scope audience.countries contains "XX"
}
rule XX-T-1 {
  title "t"
  cite "Test Act" article "1" url "https://example.org"
  severity error
  effective from 2020-01-01
  message "m"
  requires commercial.kol_used_product == true
}
"""


def test_run_case_compares_outcomes() -> None:
    engine = Engine.from_text(RULES, path="t.kol")
    record = {
        "id": "xx-one",
        "published_at": "2026-03-04T10:00:00+07:00",
        "audience": {"countries": ["XX"]},
        "commercial": {"kol_used_product": False},
    }
    case = Case(
        "xx-one", "https://e.org", "d", "f", "v", record, {"XX-T-1": "violation"}, "xx.jsonl", 1
    )
    assert run_case(engine, case).passed
    wrong = attrs.evolve(case, expect={"XX-T-1": "pass", "XX-T-2": "violation"})
    result = run_case(engine, wrong)
    assert [str(m) for m in result.mismatches] == [
        "XX-T-1: expected pass, got violation",
        "XX-T-2: expected violation, got no such rule",
    ]
    old = {**record, "published_at": "2019-03-04T10:00:00+07:00"}
    before = attrs.evolve(case, record=old, expect={"XX-T-1": "not_applicable"})
    assert run_case(engine, before).passed  # not in force counts as not applicable
    assert score([run_case(engine, case), result]) == {"XX": (1, 2)}
    assert score_lines([run_case(engine, case), result]) == ["XX 1/2 cases", "all 1/2 cases"]


def run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(args, stdout=out, stderr=err, stdin=io.StringIO(""))
    return code, out.getvalue(), err.getvalue()


def test_cli_scores_cases(tmp_path: Path) -> None:
    rules = tmp_path / "t.kol"
    rules.write_text(RULES, encoding="utf-8")
    record = {
        **GOOD["record"],
        "audience": {"countries": ["XX"]},
        "commercial": {"kol_used_product": False},
    }
    passing = {**GOOD, "record": record}
    failing = {
        **GOOD,
        "case": "xx-two",
        "record": {**record, "id": "xx-two"},
        "expect": {"XX-T-1": "pass"},
    }
    folder = tmp_path / "cases"
    folder.mkdir()
    write(folder, "xx.jsonl", passing)
    code, out, _ = run(["test", str(rules), "--cases", str(folder)])
    assert code == 0, out
    assert out.splitlines()[-2:] == ["XX 1/1 cases", "all 1/1 cases"]
    write(folder, "xx.jsonl", passing, failing)
    code, out, _ = run(["test", str(rules), "--cases", str(folder)])
    assert code == 1
    assert f"xx-two ({folder / 'xx.jsonl'}:2): XX-T-1: expected pass, got violation" in out
    assert "XX 1/2 cases" in out


def test_cli_reports_bad_cases_and_usage(tmp_path: Path) -> None:
    write(tmp_path, "xx.jsonl", "[]")
    code, _, err = run(["test", "--cases", str(tmp_path)])
    assert code == 2
    assert "xx.jsonl:1: expected a JSON object, got a list" in err
    code, _, err = run(["test"])
    assert code == 2 and "--cases" in err
