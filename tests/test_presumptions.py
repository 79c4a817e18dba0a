"""Presumptions, assumptions, strict evidence, platform defaults, ``known()`` and
``brand_label()``: what they decide, and that every finding says what it rested on."""

from __future__ import annotations

import io
import json

import pytest

from kolrules import Engine
from kolrules.cli import main
from kolrules.errors import UsageError
from kolrules.lang.formatter import format_module
from kolrules.lang.parser import parse
from kolrules.source import SourceFile
from kolrules.testing import reference_outcomes
from tests.conftest import engine_for, record, rule

OWN_ACCOUNT = """
presume published_by = "kol" {
  because "a record of a KOL's activity describes the KOL's own account"
  cite "Test Act" article "9"
}
"""
NOT_ADVERTISER = 'requires published_by != "advertiser"'


def _finding(engine: Engine, rec: dict[str, object], **kw: object) -> tuple[str, list[str]]:
    report = engine.check(rec, include_pass=True, **kw)  # type: ignore[arg-type]
    (finding,) = report.findings
    return finding.outcome, [f"{p.path}={json.dumps(p.value)} by {p.by}" for p in finding.presumed]


def test_a_presumption_decides_and_the_finding_says_so() -> None:
    engine = engine_for(NOT_ADVERTISER, extra=OWN_ACCOUNT)
    outcome, presumed = _finding(engine, record())
    assert outcome == "pass"
    assert presumed == ['published_by="kol" by t.kol:10']


def test_a_given_value_rebuts_the_presumption() -> None:
    engine = engine_for(NOT_ADVERTISER, extra=OWN_ACCOUNT)
    assert _finding(engine, record(published_by="advertiser")) == ("violation", [])


def test_strict_evidence_turns_presumptions_off() -> None:
    engine = engine_for(NOT_ADVERTISER, extra=OWN_ACCOUNT)
    strict = engine.with_options(presumptions=False)
    report = strict.check(record())
    assert [(f.outcome, f.missing, f.presumed) for f in report.findings] == [
        ("undetermined", ("published_by",), ())
    ]
    assert (
        Engine.from_text(rule(NOT_ADVERTISER, extra=OWN_ACCOUNT), presumptions=False)
        .check(record())
        .findings[0]
        .outcome
        == "undetermined"
    )


def test_only_findings_that_rested_on_a_presumption_list_it() -> None:
    # The rule is decided by kol_used_product alone whatever published_by is.
    engine = engine_for(
        'requires commercial.kol_used_product == true or published_by == "kol"', extra=OWN_ACCOUNT
    )
    assert _finding(engine, record(commercial={"kol_used_product": True})) == ("pass", [])
    assert _finding(engine, record(commercial={"kol_used_product": False}))[1] == [
        'published_by="kol" by t.kol:10'
    ]


def test_when_must_be_known_to_hold() -> None:
    extra = """
presume published_by = "kol" {
  when platform == "tiktok"
  because "test"
}
"""
    engine = engine_for(NOT_ADVERTISER, extra=extra)
    assert _finding(engine, record(platform="tiktok"))[0] == "pass"
    assert _finding(engine, record(platform="youtube"))[0] == "undetermined"
    assert _finding(engine, record())[0] == "undetermined"  # the condition itself is unknown


def test_assumptions_come_first_and_survive_strict_mode() -> None:
    engine = engine_for(NOT_ADVERTISER, extra=OWN_ACCOUNT).with_options(
        presumptions=False, assume={"published_by": "advertiser"}
    )
    assert _finding(engine, record()) == ("violation", ['published_by="advertiser" by assume'])


def test_assumptions_are_checked_like_record_values() -> None:
    engine = engine_for(NOT_ADVERTISER)
    with pytest.raises(UsageError, match="not a listed value"):
        engine.with_options(assume=["published_by=kolx"])
    with pytest.raises(UsageError, match="did you mean `published_by`"):
        engine.with_options(assume=["publishd_by=kol"])
    with pytest.raises(UsageError, match="expected a whole number"):
        engine.with_options(assume={"kol.followers": "many"})


def test_the_audience_defaults_to_the_kols_country() -> None:
    engine = engine_for("requires commercial.kol_used_product == true")
    unused = {"kol_used_product": False}
    assert _finding(engine, record(audience=None, kol={"country": "XX"}, commercial=unused)) == (
        "violation",
        ['audience.countries=["XX"] by kolrules default: audience in the KOL\'s country'],
    )
    # Another country: the jurisdiction does not apply, and that too rested on the default.
    abroad = record(audience=None, kol={"country": "US"}, commercial=unused)
    report = engine.check(abroad, include_pass=True)
    assert [f.outcome for f in report.findings] == ["not_applicable"]
    assert report.findings[0].presumed[0].path == "audience.countries"
    strict = engine.with_options(presumptions=False)
    home = record(audience=None, kol={"country": "XX"}, commercial=unused)
    assert strict.check(home).findings[0].outcome == "undetermined"


def test_a_platform_fold_default_is_presumed_and_warned_about() -> None:
    engine = engine_for("requires any d in disclosures: before_fold(d)")
    late = {"caption": "x" * 200 + " #ad"}
    rec = record(platform="instagram", content=late, disclosures=[{"text": "#ad"}])
    report = engine.check(rec)
    assert report.findings[0].outcome == "violation"
    assert report.findings[0].presumed[0].path == "content.caption_fold_at"
    assert [(w.code, w.path) for w in report.warnings] == [("KR514", "content.caption_fold_at")]
    assert not report.warnings[0].is_error
    assert engine.check(dict(rec, platform="x")).findings[0].outcome == "undetermined"


def test_cli_assume_and_no_presumptions(tmp_path: object) -> None:
    rec = {
        "id": "p1",
        "published_at": "2026-03-01T10:00:00Z",
        "platform": "instagram",
        "format": "image",
        "kol": {"handle": "@a", "country": "US"},
        "content": {"caption": "Love this serum"},
        "commercial": {"relationship": "paid", "advertiser": {"name": "Glow Co"}},
        "disclosures": [],
    }
    line = json.dumps(rec) + "\n"

    def run(*args: str) -> tuple[int, dict[str, str]]:
        out, err = io.StringIO(), io.StringIO()
        code = main(
            ["check", "-", "-j", "US", "--format", "jsonl", *args],
            stdout=out,
            stderr=err,
            stdin=io.StringIO(line),
        )
        report = json.loads(out.getvalue())
        return code, {f["rule_id"]: f for f in report["findings"]}

    code, findings = run()
    core = findings["US-FTC-255.5-DISCLOSE-CONNECTION"]
    assert code == 1 and core["outcome"] == "violation"
    assert [p["path"] for p in core["presumed"]] == ["published_by", "audience.countries"]
    _, strict = run("--no-presumptions")
    assert strict["US-FTC-255.5-DISCLOSE-CONNECTION"]["outcome"] == "undetermined"
    _, assumed = run(
        "--no-presumptions", "--assume", "published_by=kol", "--assume", 'audience.countries=["US"]'
    )
    core = assumed["US-FTC-255.5-DISCLOSE-CONNECTION"]
    assert core["outcome"] == "violation"
    assert {p["by"] for p in core["presumed"]} == {"--assume"}
    out, err = io.StringIO(), io.StringIO()
    argv = ["check", "-", "--assume", "published_by=kolx"]
    assert main(argv, stdout=out, stderr=err, stdin=io.StringIO(line)) == 2
    assert "published_by" in err.getvalue()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#GlowCoPartner", "pass"),
        ("Glow Co Ambassador", "pass"),
        ("#glowco_employee", "pass"),
        ("#GlowPartner", "pass"),  # company suffixes (Co, Inc.) are dropped from the name
        ("#ShineContestEntry", "violation"),  # not the brand's name
        ("#GlowCoContestEntry", "pass"),  # the name, then the word, then more of the hashtag
        ("#partner", "violation"),
        ("thanks @glowco", "violation"),
    ],
)
def test_brand_label(text: str, expected: str) -> None:
    extra = 'labels words { brand: "partner", "ambassador", "employee", "contest" }'
    engine = engine_for("requires any d in disclosures: brand_label(d, words.brand)", extra=extra)
    commercial = {"advertiser": {"name": "Glow Co Inc."}}
    rec = record(commercial=commercial, disclosures=[{"text": text}])
    assert _finding(engine, rec)[0] == expected
    # Without a brand name: a text with a connection word after a possible name is open; one
    # without any, or with it only first ("#partner": no name before it), is not.
    joined = "".join(ch for ch in text.lower() if ch.isalnum())
    has_word = any(
        joined.find(w, 2) != -1 for w in ("partner", "ambassador", "employee", "contest")
    )
    unnamed = _finding(engine, record(disclosures=[{"text": text}]))[0]
    assert unnamed == ("undetermined" if has_word else "violation")


@pytest.mark.parametrize(
    ("content", "expected"),
    [({"caption": "#ad hi"}, "pass"), ({"caption": "hi"}, "violation"), ({}, "violation")],
)
def test_known_makes_an_absent_text_add_nothing(content: dict[str, str], expected: str) -> None:
    extra = "define said(text, words) = known(text) and text matches words\n"
    extra += 'labels l { ad: "#ad" }'
    engine = engine_for(
        "requires (any d in disclosures: d.text matches l.ad) or said(content.caption, l.ad)",
        extra=extra,
    )
    rec = record(content=content, disclosures=[])
    assert _finding(engine, rec)[0] == expected
    # The generated code and the reference evaluator agree on known().
    fast = engine.outcomes(rec, include_pass=True)["XX-T-1"]
    assert fast == reference_outcomes(engine, rec)["XX-T-1"][0] == expected
    # Notices unknown: the absent caption cannot settle it.
    assert _finding(engine, record(content=content))[0] == (
        "pass" if expected == "pass" else "undetermined"
    )


def test_presume_round_trips_through_the_formatter() -> None:
    text = rule(
        "requires true",
        extra=OWN_ACCOUNT + 'presume audience.countries = ["XX"] {\n'
        '  when platform in {"zalo", "tiktok"}\n  because "b"\n}\n',
    )
    module = parse(SourceFile("t.kol", text))
    once = format_module(module)
    assert parse(SourceFile("t.kol", once)) == module
    assert format_module(parse(SourceFile("t.kol", once))) == once
    assert 'presume audience.countries = ["XX"] {' in once


@pytest.mark.parametrize(
    ("caption", "advertiser", "expected"),
    [
        ("#GlowCoPartner so good", "Glow Co", "pass"),
        ("so good #partner", "Glow Co", "violation"),
        ("so good", None, "violation"),  # no connection word: false whatever the brand
        ("#GlowCoPartner so good", None, "undetermined"),  # which brand is it?
        ("#partner for @glowco", None, "violation"),  # nothing before the word: no brand
        ("Partner here, so good", None, "violation"),
        ("#GlowCo #Partner so good", "Glow Co", "violation"),  # two tags, not one label
        ("＃ＧｌｏｗＣｏ ＃Ｐａｒｔｎｅｒ", None, "violation"),
        ("#GlowCo Partner here", "Glow Co", "pass"),
        ("so good #partner", None, "violation"),
    ],
)
def test_brand_named_on_a_text(caption: str, advertiser: str | None, expected: str) -> None:
    extra = 'labels words { brand: "partner" }'
    engine = engine_for("requires brand_named(content.caption, words.brand)", extra=extra)
    commercial = {"advertiser": {"name": advertiser}} if advertiser else {}
    rec = record(content={"caption": caption}, commercial=commercial)
    assert _finding(engine, rec)[0] == expected
    assert engine.outcomes(rec, include_pass=True)["XX-T-1"] == expected


@pytest.mark.parametrize(
    ("caption", "mentions", "expected"),
    [
        ("#GlowCoPartner so good @glowco", None, "pass"),  # the tagged account is the brand
        ("#GlowCoPartner so good", ["@glow.co"], "pass"),
        ("@glowco gave me this to try", None, "pass"),
        ("#GlowCoPartner so good @ridgeline", None, "undetermined"),  # another brand's tag
        ("#GlowCoPartner so good", ["@ridgeline"], "undetermined"),
        ("so good @glowco", None, "violation"),  # no connection word: false whatever the brand
        # The word opening a hashtag of its own joins no brand: "#partner" beside the tag is
        # the 2017 letters' unclear "#partner", not "[Brand]Partner".
        ("Trail day in the new boots @glowco #partner", None, "violation"),
        ("Trail day @glowco #GlowCoPartner", None, "pass"),
        ("@glowco Partner here, so good", None, "pass"),
    ],
)
def test_brand_named_reads_the_accounts_a_post_tags(
    caption: str, mentions: list[str] | None, expected: str
) -> None:
    # A listening export names no advertiser; a brand label joining its word with an account the
    # post tags names its brand all the same (Disclosures 101: "[Brand]Partner").
    extra = 'labels words { brand: "partner", "gave me" }'
    engine = engine_for("requires brand_named(content.caption, words.brand)", extra=extra)
    content: dict[str, object] = {"caption": caption}
    if mentions is not None:
        content["mentions"] = mentions
    rec = record(content=content)
    assert _finding(engine, rec)[0] == expected
    assert engine.outcomes(rec, include_pass=True)["XX-T-1"] == expected


@pytest.mark.parametrize(
    ("caption", "fold", "before", "buried"),
    [
        ("#ad love this", None, "pass", "violation"),
        ("love this serum so much " * 8 + "#ad", None, "undetermined", "violation"),
        ("love this serum so much " * 8 + "#ad", 40, "violation", "violation"),
        ("love this #ad", 40, "pass", "violation"),
        ("love this #skin #glow #ad", 100, "pass", "pass"),
        ("#ad love this #skin #glow #ad", 100, "pass", "violation"),
        ("love this", None, "violation", "violation"),
    ],
)
def test_labels_in_a_caption_by_position(
    caption: str, fold: int | None, before: str, buried: str
) -> None:
    extra = 'labels l { ad: "#ad" }'
    content: dict[str, object] = {"caption": caption}
    if fold is not None:
        content["caption_fold_at"] = fold
    rec = record(content=content)
    for body, expected in (
        ("requires label_before_fold(content.caption, l.ad)", before),
        ("requires label_buried(content.caption, l.ad)", buried),
    ):
        engine = engine_for(body, extra=extra)
        assert _finding(engine, rec)[0] == expected, body
        assert engine.outcomes(rec, include_pass=True)["XX-T-1"] == expected


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        ("Quảng cáo: serum mới", "pass"),
        ("Quang cao: serum moi", "pass"),
        # Marked otherwise it is another word, and no other label is in the text.
        ("Quáng cào: serum mới", "violation"),
    ],
)
def test_a_label_before_the_fold_agrees_with_the_text_s_diacritics(
    caption: str, expected: str
) -> None:
    engine = engine_for(
        "requires label_before_fold(content.caption, l.qc)", extra='labels l { qc: "quảng cáo" }'
    )
    assert _finding(engine, record(content={"caption": caption}))[0] == expected


@pytest.mark.parametrize(
    ("hashtags", "expected"),
    [
        (["#skin", "#GlowCoPartner"], "pass"),
        (["#GlowCo", "#partner"], "violation"),
        ([], "violation"),
    ],
)
def test_brand_named_reads_a_list_item_by_item(hashtags: list[str], expected: str) -> None:
    extra = 'labels words { brand: "partner" }'
    engine = engine_for("requires brand_named(content.hashtags, words.brand)", extra=extra)
    rec = record(content={"hashtags": hashtags}, commercial={"advertiser": {"name": "Glow Co"}})
    assert _finding(engine, rec)[0] == expected
    assert engine.outcomes(rec, include_pass=True)["XX-T-1"] == expected
