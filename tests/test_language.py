"""Each construct of the rule language, evaluated on small records."""

from __future__ import annotations

from pathlib import Path

import pytest

from kolrules import Engine
from kolrules.testing import run_examples
from tests.conftest import HEADER, RULE_META, engine_for, outcome, record, rule


def decide(requires: str, rec: dict[str, object], extra: str = "") -> str:
    return outcome(engine_for(f"requires {requires}", extra=extra), rec)[0]


KOL = {
    "handle": "@a",
    "followers": 1200,
    "birth_date": "2010-03-05",
    "credentials": [{"field": "medicine", "valid_until": "2027-01-01"}],
}


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("kol.followers == 1200", "pass"),
        ("kol.followers != 1200", "violation"),
        ("kol.followers < 1201", "pass"),
        ("kol.followers <= 1199", "violation"),
        ("kol.followers > 1000", "pass"),
        ("kol.followers >= 1201", "violation"),
        ('kol.handle == "@a"', "pass"),
        ("kol.credentials[0].valid_until >= 2026-12-31", "pass"),
        ("kol.credentials[1].valid_until >= 2026-12-31", "violation"),  # no such element
        ('kol.credentials[0].field in {"medicine", "pharmacy"}', "pass"),
        ('kol.credentials[0].field not in {"medicine", "pharmacy"}', "violation"),
        ('audience.countries contains "XX"', "pass"),
        ('audience.countries contains "VN"', "violation"),
        ("kol.followers + 800 >= 2000", "pass"),
        ("kol.followers - 200 == 1000", "pass"),
        ("kol.age_at_publication == 15", "pass"),  # born 2010-03-05, published 2026-03-04
    ],
)
def test_paths_comparisons_membership_arithmetic(expr: str, expected: str) -> None:
    assert decide(expr, record(kol=KOL)) == expected


def test_map_key_access() -> None:
    rec = record(
        commercial={"product": {"category": "supplement", "category_by_country": {"CN": "food"}}}
    )
    assert decide('commercial.product.category_by_country["CN"] == "food"', rec) == "pass"
    assert outcome(
        engine_for('requires commercial.product.category_by_country["VN"] == "food"'), rec
    ) == ("undetermined", ("commercial.product.category_by_country.VN",))


def test_const_and_sets() -> None:
    extra = 'const risky = {"tobacco", "alcohol"}\nconst limit = 1000'
    rec = record(kol=KOL, commercial={"product": {"category": "alcohol"}})
    assert decide("commercial.product.category in risky", rec, extra) == "pass"
    assert decide("kol.followers > limit", rec, extra) == "pass"


def test_define_with_and_without_parameters() -> None:
    extra = (
        "define big = kol.followers >= 1000\n"
        'define prominent(d) = d.placement in {"caption_start", "overlay"}'
    )
    rec = record(kol=KOL, disclosures=[{"text": "#ad", "placement": "overlay"}])
    assert decide("big and (any d in disclosures: prominent(d))", rec, extra) == "pass"


def test_labels_and_matches_forms() -> None:
    extra = 'labels words { accepted: "#ad", "sponsored" weak: "#sp" }'
    rec = record(content={"hashtags": ["#fun", "#AD"], "caption": "so Sponsored"})
    assert decide("content.hashtags matches words.accepted", rec, extra) == "pass"
    assert decide("content.caption matches words.accepted", rec, extra) == "pass"
    assert decide("content.caption matches words.weak", rec, extra) == "violation"
    assert decide('content.caption matches "sponsored"', rec, extra) == "pass"
    assert decide('content.caption matches {"#sp", "so"}', rec, extra) == "pass"


def test_within_before_and_after() -> None:
    rec = record(kol={"sanctions": [{"date": "2023-03-05", "kind": "false_advertising"}]})
    # 2023-03-05 is within 3 years before 2026-03-04 (local), and not within 2.
    assert (
        decide("any s in kol.sanctions: s.date within 3 years before published_at", rec) == "pass"
    )
    assert decide("any s in kol.sanctions: s.date within 2 years before published_at", rec) == (
        "violation"
    )
    events = [
        {"at": "2026-03-05T09:00:00+07:00", "kind": "takedown_requested"},
        {"at": "2026-03-06T08:59:00+07:00", "kind": "removed"},
    ]
    expr = (
        'any e in events where e.kind == "removed": e.at within 24 hours after '
        'first(r in events where r.kind == "takedown_requested").at'
    )
    assert decide(expr, record(events=events)) == "pass"
    events[1]["at"] = "2026-03-06T09:01:00+07:00"
    assert decide(expr, record(events=events)) == "violation"


def test_within_months_clamps_to_the_end_of_the_month() -> None:
    # 2026-03-31 - 1 month = 2026-02-28 (relativedelta): 2026-02-28 is within, 02-27 is not.
    rec = record(
        published_at="2026-03-31T12:00:00+07:00",
        kol={"sanctions": [{"date": "2026-02-28"}, {"date": "2026-02-27"}]},
    )
    assert decide("kol.sanctions[0].date within 1 month before published_at", rec) == "pass"
    assert decide("kol.sanctions[1].date within 1 month before published_at", rec) == "violation"


def test_first_exists_count_and_where() -> None:
    rec = record(
        disclosures=[
            {"text": "a", "placement": "spoken"},
            {"text": "#ad", "placement": "overlay"},
            {"text": "b", "placement": "spoken"},
        ]
    )
    assert decide('count(d in disclosures where d.placement == "spoken") == 2', rec) == "pass"
    assert decide("count(d in disclosures) == 3", rec) == "pass"
    assert decide('exists first(d in disclosures where d.placement == "overlay")', rec) == "pass"
    assert decide('exists first(d in disclosures where d.placement == "bio")', rec) == "violation"
    assert (
        decide('first(d in disclosures where d.placement == "overlay").text == "#ad"', rec)
        == "pass"
    )
    assert (
        decide('all d in disclosures where d.placement == "spoken": d.text != "#ad"', rec) == "pass"
    )
    assert (
        decide('none d in disclosures where d.placement == "overlay": d.text == "#ad"', rec)
        == "violation"
    )


def test_let_unless_and_message_interpolation() -> None:
    engine = engine_for(
        'let biggest = first(d in disclosures where d.placement == "overlay")\n'
        "applies when exists biggest unless kol.virtual == true\n"
        'requires biggest.text == "#ad"\n'
        'remedy "fix {biggest.text} for {kol.handle} ({commercial.relationship}) {{literal}}"'
    )
    rec = record(
        kol={"handle": "@x", "virtual": False},
        disclosures=[{"text": "Ad?", "placement": "overlay"}],
    )
    report = engine.check(rec)
    assert report.findings[0].outcome == "violation"
    assert report.findings[0].remedy == "fix Ad? for @x (not given) {literal}"
    rec["kol"] = {"handle": "@x", "virtual": True}
    assert engine.check(rec, include_pass=True).findings[0].outcome == "not_applicable"


def test_dates_compare_in_the_jurisdictions_time_zone() -> None:
    # 2025-12-31T18:30Z is 2026-01-01 in Hanoi (UTC+7), the test jurisdiction's zone.
    assert (
        decide("published_at >= 2026-01-01", record(published_at="2025-12-31T18:30:00Z")) == "pass"
    )
    assert (
        decide("published_at >= 2026-01-01", record(published_at="2025-12-31T16:30:00Z"))
        == "violation"
    )
    assert (
        decide("published_at >= 2025-12-31T18:00:00Z", record(published_at="2025-12-31T18:30:00Z"))
        == "pass"
    )


DISCLOSURE_CASES = [
    # builtin, disclosure, record extras, expected
    ("is_commercial(d)", {"text": "x"}, {}, "pass"),
    ("is_commercial(d)", {"text": "x", "kind": "ai_generated"}, {}, "violation"),
    ("in_video(d)", {"placement": "overlay"}, {}, "pass"),
    ("in_video(d)", {"placement": "description"}, {}, "violation"),
    ("in_video(d)", {"text": "x"}, {}, "undetermined"),
    ("starts_within(d, 3 seconds)", {"placement": "spoken", "start_s": 2}, {}, "pass"),
    ("starts_within(d, 3 seconds)", {"placement": "spoken", "start_s": 4}, {}, "violation"),
    (
        "before_fold(d)",
        {"text": "#ad", "placement": "caption"},
        {"content": {"caption": "#ad hello", "caption_fold_at": 20}},
        "pass",
    ),
    (
        "before_fold(d)",
        {"text": "#ad", "placement": "caption_start"},
        {"content": {"caption": "x" * 40 + " #ad", "caption_fold_at": 20}},
        "violation",
    ),
    ("before_fold(d)", {"text": "#ad", "placement": "caption_start"}, {}, "pass"),
    # At the very start of the caption a notice is before any fold.
    (
        "before_fold(d)",
        {"text": "#ad", "placement": "caption"},
        {"content": {"caption": "#ad hello"}},
        "pass",
    ),
    (
        "before_fold(d)",
        {"text": "#ad", "placement": "caption"},
        {"content": {"caption": "hello #ad"}},
        "undetermined",
    ),
    (
        "buried_in_hashtags(d)",
        {"text": "#ad", "placement": "caption_end"},
        {"content": {"caption": "hi #a #b #ad"}},
        "pass",
    ),
    (
        "buried_in_hashtags(d)",
        {"text": "#ad", "placement": "caption_end"},
        {"content": {"caption": "hi #b #ad"}},
        "violation",
    ),
    ("buried_in_hashtags(d)", {"text": "#ad", "placement": "hashtags"}, {}, "pass"),
    (
        "before_and_during(d)",
        {"placement": "overlay", "start_s": 0, "end_s": 60},
        {"content": {"promotion_segments": [{"start_s": 5, "end_s": 50}]}},
        "pass",
    ),
    (
        "before_and_during(d)",
        {"placement": "overlay", "start_s": 10, "end_s": 60},
        {"content": {"promotion_segments": [{"start_s": 5, "end_s": 50}]}},
        "violation",
    ),
    (
        "before_and_during(d)",
        {"placement": "overlay", "start_s": 0, "end_s": 20},
        {"duration_s": 60},
        "violation",
    ),
    (
        "before_and_during(d)",
        {"placement": "overlay", "start_s": 0, "end_s": 5, "repeat_every_s": 30},
        {"duration_s": 60},
        "pass",
    ),
    ("before_and_during(d)", {"placement": "caption_start"}, {}, "pass"),
    (
        "before_promotion(d)",
        {"placement": "spoken", "start_s": 4},
        {"content": {"promotion_segments": [{"start_s": 5, "end_s": 50}]}},
        "pass",
    ),
    (
        "before_promotion(d)",
        {"placement": "spoken", "start_s": 6},
        {"content": {"promotion_segments": [{"start_s": 5, "end_s": 50}]}},
        "violation",
    ),
    (
        "repeated(d)",
        {"placement": "overlay", "start_s": 0, "end_s": 10, "repeat_every_s": 600},
        {},
        "pass",
    ),
    (
        "repeated(d)",
        {"placement": "overlay", "start_s": 0, "end_s": 10},
        {"duration_s": 600},
        "violation",
    ),
    (
        "repeated(d)",
        {"placement": "overlay", "start_s": 0, "end_s": 600},
        {"duration_s": 600},
        "pass",
    ),
    (
        "repeated_every(d, 10 minutes)",
        {"placement": "overlay", "repeat_every_s": 900},
        {},
        "violation",
    ),
    ("repeated_every(d, 15 minutes)", {"placement": "overlay", "repeat_every_s": 900}, {}, "pass"),
]


@pytest.mark.parametrize(("call", "disclosure", "extras", "expected"), DISCLOSURE_CASES)
def test_placement_predicates(
    call: str, disclosure: dict[str, object], extras: dict[str, object], expected: str
) -> None:
    assert (
        decide(f"any d in disclosures: {call}", record(disclosures=[disclosure], **extras))
        == expected
    )


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def test_imports_overrides_and_examples(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "header.kol",
        HEADER + '\nlabels l { ok: "#ad" }\n'
        'base paid { "id": "b", "published_at": "2026-03-04T10:00:00+07:00", '
        '"audience": {"countries": ["XX"]}, "commercial": {"relationship": "paid", '
        '"product": {"category": "cosmetics"}}, "disclosures": [] }\n',
    )
    _write(
        tmp_path,
        "rules.kol",
        'import "header.kol"\n'
        + f'rule XX-A {{\n{RULE_META}\napplies when commercial.relationship == "paid"\n'
        "requires any d in disclosures: d.text matches l.ok\n}\n"
        + f'rule XX-B {{\n{RULE_META}\napplies when commercial.product.category == "drug"\n'
        "requires false\noverrides XX-A\n}\n"
        'example "plain" { from paid expect XX-A violation }\n'
        'example "drug" { from paid patch {"commercial": {"product": {"category": "drug"}}}\n'
        "  expect XX-A not_applicable expect XX-B violation }\n"
        'example "unknown category" { from paid patch {"commercial": {"product": null}}\n'
        '  expect XX-A undetermined missing "commercial.product.category" }\n',
    )
    engine = Engine.from_paths([tmp_path])
    results = run_examples(engine)
    assert [r.failures for r in results] == [(), (), ()]
    drug = engine.check(engine.examples[1].record, include_pass=True)
    assert {f.rule_id: f.overridden_by for f in drug.findings}["XX-A"] == ("XX-B",)


def test_rule_versions_follow_the_date() -> None:
    text = HEADER + "".join(
        f'rule XX-V {{\n title "v" cite "c" severity error message "{name}"\n'
        f" effective from {start}{until}\n requires false\n}}\n"
        for name, start, until in (
            ("old", "2020-01-01", " until 2026-01-01"),
            ("new", "2026-01-01", ""),
        )
    )
    engine = Engine.from_text(text)
    old = engine.check(record(published_at="2025-12-31T16:59:00Z"))  # 23:59 in Hanoi
    new = engine.check(record(published_at="2025-12-31T17:00:00Z"))  # 00:00 in Hanoi
    assert old.findings[0].message == "old" and new.findings[0].message == "new"
    assert engine.check(record(published_at="2019-06-01T00:00:00Z")).findings == ()


def test_whole_file_compiles_from_rule_helper() -> None:
    assert Engine.from_text(rule("requires true")).rules[0].rule_id == "XX-T-1"


def test_a_revision_states_only_what_changed() -> None:
    from kolrules import Engine

    text = (Path(__file__).parent / "fmt" / "revisions.kol").read_text(encoding="utf-8")
    first, second = Engine.from_text(text, path="r.kol").versions("XX-T-1")
    assert (first.start.isoformat(), first.end.isoformat()) == ("2009-01-01", "2023-07-26")
    assert (second.start.isoformat(), second.end) == ("2023-07-26", None)
    assert [c.text for c in first.citations] == ["Act 2009, 1"] and first.notes == ()
    assert [c.text for c in second.citations] == ["Act 2023, 2"] and second.notes == ("fines",)
    assert second.message == first.message == "m"
    assert second.source.endswith(":9")  # the revision's own line


@pytest.mark.parametrize(
    ("transcript", "expected"),
    [
        ("this stream is sponsored, and later: still sponsored", "pass"),
        ("sponsored by Ridgeline, a #ad reminder", "pass"),  # two labels of the class
        ("this stream is sponsored", "violation"),
        ("sponsorship talk, unsponsored", "violation"),  # never inside a word
    ],
)
def test_said_again_counts_the_words_in_a_text(transcript: str, expected: str) -> None:
    labels = 'labels l { ad: "sponsored", "#ad" }'
    rec = record(content={"transcript": transcript})
    assert decide("said_again(content.transcript, l.ad)", rec, extra=labels) == expected


def test_said_again_on_an_absent_text_is_undetermined() -> None:
    labels = 'labels l { ad: "sponsored" }'
    assert decide("said_again(content.transcript, l.ad)", record(), extra=labels) == "undetermined"
