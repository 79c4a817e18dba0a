"""The Python API: Engine construction, check, check_many, selection, dating, robustness."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from kolrules import Engine, RecordError, UsageError, placement
from kolrules.inputs import Input
from tests.conftest import engine_for, record


def test_check_raises_record_error_with_paths() -> None:
    engine = engine_for("requires true")
    with pytest.raises(RecordError) as caught:
        engine.check({"id": "x", "published_at": "2026-01-01T00:00:00Z", "kol": {"age": "old"}})
    assert isinstance(caught.value, ValueError)
    assert [i.path for i in caught.value.issues] == ["kol.age"]  # type: ignore[attr-defined]


def test_check_many_never_drops_a_record() -> None:
    engine = engine_for("requires commercial.kol_used_product == true")
    items = [record(id="a"), {"nope": 1}, Input(7, error="not valid JSON"), record(id="b"), 42]
    reports = list(engine.check_many(items))
    assert [(r.record_id, r.status, r.line) for r in reports] == [
        ("a", "checked", 1),
        (None, "invalid", 2),
        (None, "invalid", 7),
        ("b", "checked", 4),
        (None, "invalid", 5),
    ]


def test_check_many_equals_check() -> None:
    engine = engine_for("requires commercial.kol_used_product == true")
    records = [record(id=str(i), commercial={"kol_used_product": i % 2 == 0}) for i in range(6)]
    many = [r.to_dict() for r in engine.check_many(records, include_pass=True)]
    one = [engine.check(r, include_pass=True).to_dict() for r in records]
    for a, b in zip(many, one, strict=True):
        a.pop("line")
        assert a == b


def test_an_exception_in_a_rule_becomes_an_internal_error_finding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = engine_for("requires any d in disclosures: in_video(d)")

    def broken(ctx: object, d: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setitem(placement.PREDICATES, "in_video", broken)
    reports = list(engine.check_many([record(disclosures=[{"text": "x"}]), record(id="r2")]))
    assert len(reports) == 2
    finding = reports[0].findings[0]
    assert finding.outcome == "undetermined" and "KR901" in finding.message
    assert finding.notes == ("KR901",)


def test_as_of_selects_the_law_not_the_facts() -> None:
    engine = Engine.bundled(jurisdictions=["VN"])
    rec = {
        "id": "x",
        "published_at": "2025-06-01T10:00:00+07:00",
        "audience": {"countries": ["VN"]},
        "commercial": {"relationship": "paid", "connections": []},
        "disclosures": [],
    }
    before = {f.rule_id for f in engine.check(rec).findings}
    after = {f.rule_id for f in engine.check(rec, as_of=dt.date(2026, 6, 1)).findings}
    assert "VN-ADLAW-15A-3B-BEFORE-AND-DURING" not in before
    assert "VN-ADLAW-15A-3B-BEFORE-AND-DURING" in after
    assert engine.check(rec, as_of=dt.date(2026, 6, 1)).as_of == dt.date(2026, 6, 1)


def test_vietnam_dating_across_midnight_and_the_2026_law() -> None:
    engine = Engine.bundled(jurisdictions=["VN"])
    base = {
        "audience": {"countries": ["VN"]},
        "format": "image",
        "commercial": {"relationship": "paid", "connections": []},
        "disclosures": [],
    }
    new = engine.check({"id": "a", "published_at": "2025-12-31T18:30:00Z", **base})
    old = engine.check({"id": "b", "published_at": "2025-12-31T10:00:00+07:00", **base})
    assert new.as_of == dt.date(2026, 1, 1) and old.as_of == dt.date(2025, 12, 31)
    rule = "VN-ADLAW-15A-3B-BEFORE-AND-DURING"
    assert rule in new.outcomes() and rule not in old.outcomes()


def test_one_post_seen_in_us_and_china_is_judged_under_both() -> None:
    engine = Engine.bundled()
    report = engine.check(
        {
            "id": "dual",
            "published_at": "2026-05-02T03:00:00Z",
            "format": "image",
            "audience": {"countries": ["US", "CN"]},
            "published_by": "kol",
            "commercial": {"relationship": "paid", "connections": []},
            "disclosures": [{"text": "#ad", "placement": "caption_start"}],
        }
    )
    assert report.jurisdictions == ("CN", "US")
    outcomes = report.outcomes()
    assert outcomes["CN-IAM-9-AD-LABEL-WORDING"] == "violation"  # "#ad" is not "广告"
    assert "US-FTC-255.5-DISCLOSE-CONNECTION" not in outcomes  # passes, so not listed
    # Local dates differ (CN 2026-05-02, US 2026-05-01) and both are shown.
    assert dict(report.dates) == {"CN": dt.date(2026, 5, 2), "US": dt.date(2026, 5, 1)}


def test_jurisdiction_selection_and_errors() -> None:
    assert [j.code for j in Engine.bundled(jurisdictions=["vn"]).jurisdictions] == ["VN"]
    with pytest.raises(UsageError, match="available: CN, US, VN"):
        Engine.bundled(jurisdictions=["ZZ"])
    with pytest.raises(UsageError):
        Engine.bundled(jurisdictions="VN")  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        Engine.from_paths("jurisdictions")  # type: ignore[arg-type]


def test_engine_is_immutable() -> None:
    engine = engine_for("requires true")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        engine.selected = ()  # type: ignore[misc]


def test_out_of_scope_records_have_no_findings_by_default() -> None:
    engine = engine_for("requires false")
    report = engine.check(record(audience={"countries": ["FR"]}))
    assert report.findings == () and report.jurisdictions == ()
    audit = engine.check(record(audience={"countries": ["FR"]}), include_pass=True)
    assert [f.outcome for f in audit.findings] == ["not_applicable"]


def test_finding_json_has_the_contract_keys() -> None:
    engine = engine_for('requires kol.handle == "@b"\nremedy "use @b"')
    finding = engine.check(record(kol={"handle": "@a"})).findings[0].to_dict()
    assert list(finding)[:11] == [
        "rule_id",
        "jurisdiction",
        "outcome",
        "severity",
        "title",
        "message",
        "remedy",
        "citations",
        "evidence",
        "missing",
        "rule_source",
    ]
    assert finding["evidence"] == {"kol.handle": "@a"}
    assert finding["citations"] == [{"text": "Test Act, 1", "url": "https://example.org"}]


def test_as_of_must_be_a_date() -> None:
    with pytest.raises(UsageError):
        engine_for("requires true").check(record(), as_of="2026-01-01")  # type: ignore[arg-type]


def test_evidence_of_a_list_read_whole_ignores_the_order_of_its_objects_keys() -> None:
    # Found by the metamorphic property (key order and batch order change nothing): a list of
    # objects shown as evidence kept the producer's key order.
    engine = engine_for("requires not known(content.links)")
    links = [{"url": "https://example.com/p", "affiliate": True}]
    reordered = [{"affiliate": True, "url": "https://example.com/p"}]
    first = engine.check(record(content={"links": links})).findings[0]
    second = engine.check(record(content={"links": reordered})).findings[0]
    assert first.outcome == "violation"
    assert first.evidence == second.evidence
    assert list(dict(first.evidence)["content.links"][0]) == ["affiliate", "url"]
