"""The Python API cannot be misused silently: single paths where sequences are expected, a
string or dict given to check_many, None given to check; JSON text and dicts; KR codes in
JSON error entries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import kolrules
from kolrules import Engine, RecordError, Report, Summary, UsageError
from tests.conftest import HEADER, RULE_META

RULES = f"{HEADER}\nrule XX-T-1 {{\n{RULE_META}\n  requires kol.age >= 18\n}}\n"
BROKEN = f"{HEADER}\nrule XX-T-2 {{\n{RULE_META}\n  requires kol.agee >= 18\n}}\n"
GOOD = {"id": "r1", "published_at": "2026-03-04T10:00:00+07:00",
        "audience": {"countries": ["XX"]}, "kol": {"age": 30}}


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "broken.kol").write_text(BROKEN, encoding="utf-8")
    return folder


def test_lint_takes_a_single_str_or_path_as_one_path(pack: Path) -> None:
    expected = kolrules.lint([str(pack)])
    assert [d.code for d in expected] == ["KR201"]
    assert kolrules.lint(str(pack)) == expected
    assert kolrules.lint(pack) == expected
    assert kolrules.lint(pack / "broken.kol") == expected


def test_lint_refuses_what_is_not_paths() -> None:
    with pytest.raises(UsageError, match="give the rule files"):
        kolrules.lint()
    with pytest.raises(UsageError, match="paths must be file or folder paths"):
        kolrules.lint([1, 2])  # type: ignore[list-item]
    with pytest.raises(UsageError, match="paths must be file or folder paths"):
        kolrules.lint(b"jurisdictions")  # type: ignore[arg-type]
    assert [d.code for d in kolrules.lint(texts={"t.kol": BROKEN})] == ["KR201"]


def test_check_many_refuses_a_single_record_or_text() -> None:
    engine = Engine.from_text(RULES, path="t.kol")
    for wrong in (json.dumps(GOOD), GOOD, b"{}", 42):
        with pytest.raises(UsageError, match="iterable of records"):
            list(engine.check_many(wrong))  # type: ignore[arg-type]
    reports = list(engine.check_many([GOOD, None]))
    assert [r.status for r in reports] == ["checked", "invalid"]  # an item may be anything


def test_check_none_raises_record_error_like_any_other_non_record() -> None:
    engine = Engine.from_text(RULES, path="t.kol")
    for wrong in (None, "not a record", ["id", "x"]):
        with pytest.raises(RecordError) as raised:
            engine.check(wrong)
        assert raised.value.issues[0].code in ("KR502", "KR501")


def test_single_values_where_sequences_are_expected() -> None:
    with pytest.raises(UsageError):
        Engine.from_paths("jurisdictions/us")  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        Engine.bundled(jurisdictions="US")  # type: ignore[arg-type]
    engine = Engine.from_text(RULES, path="t.kol").with_options(assume="kol.age=40")
    report = engine.check({**GOOD, "kol": {}}, include_pass=True)
    assert report.findings[0].outcome == "pass"  # one assumption, not one per character
    with pytest.raises(TypeError, match="not one Report"):
        Summary.of(report)  # type: ignore[arg-type]


def test_to_json_is_text_and_to_dict_the_object() -> None:
    engine = Engine.from_text(RULES, path="t.kol")
    report = engine.check({**GOOD, "kol": {"age": 12}})
    assert isinstance(report.to_json(), str) and "\n" not in report.to_json()
    assert json.loads(report.to_json()) == report.to_dict()
    assert report.to_dict()["findings"][0] == report.findings[0].to_dict()
    assert json.loads(report.findings[0].to_json())["outcome"] == "violation"
    summary = Summary.of([report])
    assert json.loads(summary.to_json()) == summary.to_dict()
    assert isinstance(report, Report)


def test_json_error_entries_carry_their_codes() -> None:
    engine = Engine.from_text(RULES, path="t.kol")
    invalid, unknown_key = engine.check_many(
        [{"id": "x"}, {**GOOD, "id": "y", "audeince": {}}]
    )
    assert invalid.to_dict()["errors"] == [
        {"path": "published_at", "message": "required field missing", "code": "KR503"}
    ]
    assert [w["code"] for w in unknown_key.to_dict()["warnings"]] == ["KR504"]


def test_diagnostics_print_as_lint_prints_them(pack: Path) -> None:
    (diagnostic,) = kolrules.lint(pack)
    text = str(diagnostic)
    assert text.startswith(f"{pack / 'broken.kol'}:") and "error[KR201]" in text
    assert "did you mean `age`?" in text
