"""Validating activity records: every issue with its field path, warnings versus errors."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from kolrules import RecordError, validate

GOOD = {"id": "p1", "published_at": "2026-03-04T10:00:00+07:00"}


def issues(raw: object, strict: bool = False) -> list[tuple[str, str, str]]:
    try:
        record = validate(raw, strict=strict)
    except RecordError as error:
        return [(i.code, i.path, "error") for i in error.issues]  # type: ignore[attr-defined]
    return [(w.code, w.path, "warning") for w in record.warnings]


def test_minimal_record_is_valid() -> None:
    record = validate(GOOD)
    assert record.id == "p1" and record.published_at.utcoffset() == dt.timedelta(hours=7)
    assert record.warnings == ()


def test_required_fields() -> None:
    assert issues({}) == [("KR503", "id", "error"), ("KR503", "published_at", "error")]


@pytest.mark.parametrize(
    ("patch", "path"),
    [
        ({"kol": {"followers": "many"}}, "kol.followers"),
        ({"kol": {"followers": -1}}, "kol.followers"),
        ({"kol": {"followers": 1.5}}, "kol.followers"),
        ({"kol": {"followers": True}}, "kol.followers"),
        ({"audience": {"minors_share": 1.2}}, "audience.minors_share"),
        ({"audience": {"countries": ["Vietnam"]}}, "audience.countries[0]"),
        ({"language": "vietnamese!"}, "language"),
        ({"kol": {"birth_date": "02/05/2001"}}, "kol.birth_date"),
        ({"published_at": "yesterday"}, "published_at"),
        ({"format": "reel"}, "format"),
        ({"disclosures": {"text": "#ad"}}, "disclosures"),
        ({"disclosures": [{"start_s": "0"}]}, "disclosures[0].start_s"),
        ({"content": "hello"}, "content"),
        (
            {"commercial": {"product": {"category_by_country": {"China": "food"}}}},
            "commercial.product.category_by_country.China",
        ),
    ],
)
def test_wrong_types_are_errors_with_paths(patch: dict[str, object], path: str) -> None:
    assert ("KR502", path, "error") in issues({**GOOD, **patch})


def test_closed_list_message_lists_the_values() -> None:
    with pytest.raises(RecordError) as caught:
        validate({**GOOD, "format": "reel"})
    assert "expected one of post, image" in str(caught.value)


def test_open_list_values_warn() -> None:
    assert issues({**GOOD, "platform": "myspace"}) == [("KR506", "platform", "warning")]


def test_unknown_keys_warn_or_fail_in_strict_mode() -> None:
    raw = {**GOOD, "kol": {"folowers": 3}}
    assert issues(raw) == [("KR504", "kol.folowers", "warning")]
    assert issues(raw, strict=True) == [("KR504", "kol.folowers", "error")]
    record = validate(raw)
    assert "did you mean `followers`" in record.warnings[0].message


def test_derived_facts_are_not_input() -> None:
    assert issues({**GOOD, "is_sponsored": True}) == [("KR504", "is_sponsored", "warning")]


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ("kolrules/activity@1", []),
        ("kolrules/activity@1.0", []),
        ("kolrules/activity@1.7", [("KR505", "schema", "warning")]),
        ("kolrules/activity@2", [("KR505", "schema", "error")]),
        ("something/else", [("KR505", "schema", "error")]),
    ],
)
def test_schema_versions(schema: str, expected: list[tuple[str, str, str]]) -> None:
    assert issues({**GOOD, "schema": schema}) == expected


def test_naive_datetime_is_utc_with_a_warning() -> None:
    record = validate({**GOOD, "published_at": "2026-03-04T10:00:00"})
    assert record.published_at.utcoffset() == dt.timedelta(0)
    assert [w.code for w in record.warnings] == ["KR508"]


def test_contradictions_warn() -> None:
    raw = {
        **GOOD,
        "commercial": {"relationship": "none"},
        "content": {"links": [{"affiliate": True}], "shoppable": True, "checkout": "none"},
    }
    assert sorted(i[0] for i in issues(raw)) == ["KR507", "KR507"]


def test_nulls_are_dropped_and_dates_parsed() -> None:
    record = validate({**GOOD, "kol": {"birth_date": "2001-05-02", "age": None}})
    assert record.data["kol"] == {"birth_date": dt.date(2001, 5, 2)}


def test_attrs_instances_are_accepted() -> None:
    @attrs.frozen
    class Post:
        id: str
        published_at: str

    assert validate(Post("a", "2026-01-01T00:00:00Z")).id == "a"


def test_non_object_record() -> None:
    assert issues(["not", "a", "record"]) == [("KR502", "", "error")]


def _corpus() -> list[object]:
    import contextlib
    import json
    from pathlib import Path

    from benchmarks.generate import records

    from kolrules import Engine

    root = Path(__file__).parents[1]
    corpus: list[object] = [e.record for e in Engine.bundled().examples]
    for line in (root / "examples" / "activities.jsonl").read_text(encoding="utf-8").splitlines():
        with contextlib.suppress(json.JSONDecodeError):
            corpus.append(json.loads(line))
    corpus.extend(records(300))
    return corpus


def test_fast_check_agrees_with_the_full_validator() -> None:
    from kolrules.codegen.record_check import fast_check
    from kolrules.records import validate_fully

    fast_used = 0
    for raw in _corpus():
        assert isinstance(raw, dict)
        quick = fast_check(raw)
        try:
            full = validate_fully(raw)
        except RecordError:
            assert quick is None
            continue
        if quick is not None:
            fast_used += 1
            assert full.warnings == () and quick == dict(full.data)
    assert fast_used > 300


@pytest.mark.parametrize(
    "patch",
    [
        {"published_at": "2026-03-04T10:00:00"},
        {"platform": "myspace"},
        {"kol": {"x": 1}},
        {"schema": "kolrules/activity@1.4"},
        {"commercial": {"relationship": "none"}, "content": {"links": [{"affiliate": True}]}},
        {"disclosures": [None]},
        {"kol": {"followers": 2.5}},
        {"is_sponsored": None},
    ],
)
def test_fast_check_leaves_anything_to_report_to_the_full_validator(
    patch: dict[str, object],
) -> None:
    from kolrules.codegen.record_check import fast_check

    assert fast_check({**GOOD, **patch}) is None
