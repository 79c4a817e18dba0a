"""The built-ins that read labels in a text the way producers write them: a label outside other
uses of its word (``label_outside``), a short word standing apart as a label (``tagged``,
``tag_prominent``, also in capitals and not in quotations), a clause opening with words
(``clause_opens``, ``clause_prominent``), a transcript's first words (``opens_with``), a sum of money
(``names_amount``), an account tagged (``tags_account``) and a brand's short form (``brand_named``, ``brand_named_outside``,
``brand_prominent``)."""

from __future__ import annotations

import pytest

from kolrules import Engine
from tests.conftest import engine_for, record


def _outcome(engine: Engine, rec: dict[str, object]) -> str:
    (finding,) = engine.check(rec, include_pass=True).findings
    # The compiled engine and the reference evaluator agree.
    assert engine.outcomes(rec, include_pass=True)["XX-T-1"] == finding.outcome
    return finding.outcome


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        ("广告｜面霜分享 广告合作请私信", "pass"),
        ("面霜分享 广告合作请私信", "violation"),
        ("面霜分享", "violation"),
        (["#面霜", "#广告"], "pass"),
        (["#广告合作请私信"], "violation"),
        (None, "undetermined"),
    ],
)
def test_label_outside_reads_around_other_uses(caption: object, expected: str) -> None:
    extra = 'labels l { ad: "广告"\n other: "广告合作请", "合作请" }'
    field = "hashtags" if isinstance(caption, list) else "caption"
    engine = engine_for(f"requires label_outside(content.{field}, l.ad, l.other)", extra=extra)
    content = {} if caption is None else {field: caption}
    assert _outcome(engine, record(content=content)) == expected


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        ("#ad love this", "pass"),
        ("Ad: love this", "pass"),
        ("love this [Ad]", "pass"),
        ("the new ad drops Friday", "violation"),
        (["#hiking", "ad"], "pass"),
        (["#hiking", "#adventure"], "violation"),
    ],
)
def test_tagged_finds_a_word_standing_apart(caption: object, expected: str) -> None:
    field = "hashtags" if isinstance(caption, list) else "caption"
    engine = engine_for(f"requires tagged(content.{field}, l.ad)", extra='labels l { ad: "ad" }')
    assert _outcome(engine, record(content={field: caption})) == expected


@pytest.mark.parametrize(
    ("caption", "fold", "expected"),
    [
        ("#ad love this", None, "pass"),
        ("Ad: love this", None, "pass"),
        ("love this serum so much | ad", None, "undetermined"),
        ("love this serum so much | ad", 10, "violation"),
        ("love this | ad", 40, "pass"),
        ("love this #skin #glow #ad", 100, "violation"),
        ("#ad love this #skin #glow #ad", 100, "pass"),
        ("the new ad drops Friday", 100, "violation"),
    ],
)
def test_tag_prominent_is_before_the_fold_and_not_buried(
    caption: str, fold: int | None, expected: str
) -> None:
    engine = engine_for(
        "requires tag_prominent(content.caption, l.ad)", extra='labels l { ad: "ad" }'
    )
    content: dict[str, object] = {"caption": caption}
    if fold is not None:
        content["caption_fold_at"] = fold
    assert _outcome(engine, record(content=content)) == expected


@pytest.mark.parametrize(
    ("transcript", "expected"),
    [
        ("Quảng cáo nhé cả nhà, hôm nay…", "pass"),
        ("... quảng cáo! hôm nay", "pass"),
        ("Chào cả nhà, quảng cáo nhé", "violation"),
        ("QUANG CAO nhe ca nha", "pass"),  # typed without marks: either word
        ("Quáng cào nhé cả nhà", "violation"),  # typed with other marks: another word
    ],
)
def test_opens_with_reads_the_first_words(transcript: str, expected: str) -> None:
    engine = engine_for(
        "requires opens_with(content.transcript, l.qc)", extra='labels l { qc: "quảng cáo" }'
    )
    assert _outcome(engine, record(content={"transcript": transcript})) == expected


@pytest.mark.parametrize(
    ("transcript", "expected"),
    [
        ("Quảng cáo nhé cả nhà, hôm nay…", "pass"),
        ("Xin chào cả nhà, quảng cáo nhé. Hôm nay…", "pass"),
        ("... Chào cả nhà, quảng cáo nhé", "pass"),
        ("Chào cả nhà! Hôm nay mình thử son, quảng cáo nhé", "violation"),
        ("Chào cả nhà\nquảng cáo nhé", "violation"),
    ],
)
def test_opening_sentence_says_reads_the_first_sentence(transcript: str, expected: str) -> None:
    engine = engine_for(
        "requires opening_sentence_says(content.transcript, l.qc)",
        extra='labels l { qc: "quảng cáo" }',
    )
    assert _outcome(engine, record(content={"transcript": transcript})) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#ad XYZ paid me $500", "pass"),
        ("#ad XYZ paid me 500 USD", "pass"),
        ("#ad thanks to 10,000 followers", "violation"),
        (None, "undetermined"),
    ],
)
def test_names_amount_on_a_notice(text: str | None, expected: str) -> None:
    engine = engine_for("requires any d in disclosures: names_amount(d.text)")
    notice = {} if text is None else {"text": text}
    assert _outcome(engine, record(disclosures=[notice])) == expected


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        ("use my code TESS15 at @ridgeline", "pass"),
        ("＠ｇｌｏｗｃｏ so good", "pass"),
        (["#boots", "@ridgeline"], "pass"),
        ("write to me@mail.com for the code", "violation"),  # an e-mail address tags no one
        ("use my code at your own risk #programming", "violation"),
        (None, "undetermined"),
    ],
)
def test_tags_account_finds_an_at_handle(caption: object, expected: str) -> None:
    field = "hashtags" if isinstance(caption, list) else "caption"
    engine = engine_for(f"requires tags_account(content.{field})")
    content = {} if caption is None else {field: caption}
    assert _outcome(engine, record(content=content)) == expected


@pytest.mark.parametrize(
    ("caption", "advertiser", "expected"),
    [
        ("#RidgelinePartner", "Ridgeline Outdoor Co.", "pass"),
        ("Ridgeline partner here", "Ridgeline Outdoor Co.", "pass"),
        ("#RidgelineOutdoorPartner", "Ridgeline Outdoor Co.", "pass"),
        ("#OutdoorPartner", "Ridgeline Outdoor Co.", "violation"),
        ("#HonestPartner", "The Honest Company", "pass"),
        ("#AmericanPartner", "American Beverage Association", "violation"),
        ("#GoPartner", "Go Pro Inc", "violation"),
    ],
)
def test_a_brand_named_by_its_distinctive_first_words(
    caption: str, advertiser: str, expected: str
) -> None:
    extra = 'labels words { brand: "partner" }'
    engine = engine_for("requires brand_named(content.caption, words.brand)", extra=extra)
    rec = record(content={"caption": caption}, commercial={"advertiser": {"name": advertiser}})
    assert _outcome(engine, rec) == expected


@pytest.mark.parametrize(
    ("caption", "advertiser", "expected"),
    [
        # "partner" only inside a phrase of another use: no brand label, whoever the brand is
        ("Paid partnership with glowco. Week three", None, "violation"),
        ("Paid partnership with Glow Co. Week three", "Glow Co", "violation"),
        # a brand label beside the phrase still counts, and still needs the brand's name
        ("Paid partnership with glowco #GlowCoPartner", "Glow Co", "pass"),
        ("Paid partnership with glowco #GlowCoPartner", None, "undetermined"),
        ("#GlowCoPartner so good", None, "undetermined"),
        ("so good", None, "violation"),
        (["#paidpartnership", "#GlowCoPartner"], "Glow Co", "pass"),
        (["Paid partnership", "#skincare"], None, "violation"),
    ],
)
def test_brand_named_outside_reads_around_other_uses(
    caption: object, advertiser: str | None, expected: str
) -> None:
    extra = 'labels words { brand: "partner"\n other: "paid partnership", "partnership with" }'
    field = "hashtags" if isinstance(caption, list) else "caption"
    engine = engine_for(
        f"requires brand_named_outside(content.{field}, words.brand, words.other)", extra=extra
    )
    commercial = {"advertiser": {"name": advertiser}} if advertiser else {}
    rec = record(content={field: caption}, commercial=commercial)
    assert _outcome(engine, rec) == expected


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        ("AD This serum changed my skin", "pass"),
        ("AD AGENCY LIFE: twelve hour days", "violation"),
        ('Creators: the FTC wants "#ad" at the start', "violation"),
        ("Creators: the FTC wants “#ad” at the start", "violation"),
        ('"#ad" #ad love this', "pass"),
    ],
)
def test_tagged_reads_capitals_and_quotations(caption: str, expected: str) -> None:
    engine = engine_for("requires tagged(content.caption, l.ad)", extra='labels l { ad: "ad" }')
    assert _outcome(engine, record(content={"caption": caption})) == expected


@pytest.mark.parametrize(
    ("caption", "fold", "expected"),
    [
        ("Sponsored by Glow Co — thanks!", None, "pass"),
        ("Loving it every day. Sponsored by Glow Co, every word mine", 200, "pass"),
        ("Loving it every day. Sponsored by Glow Co, every word mine", 10, "violation"),
        ("Loving it every day. Sponsored by Glow Co, every word mine", None, "undetermined"),
        ("This festival is sponsored by Nike", None, "violation"),
    ],
)
def test_clause_prominent_reads_a_clause_opening_with_the_words(
    caption: str, fold: int | None, expected: str
) -> None:
    extra = 'labels l { by: "sponsored by" }'
    engine = engine_for("requires clause_prominent(content.caption, l.by)", extra=extra)
    content: dict[str, object] = {"caption": caption}
    if fold is not None:
        content["caption_fold_at"] = fold
    assert _outcome(engine, record(content=content)) == expected


@pytest.mark.parametrize(
    ("caption", "fold", "expected"),
    [
        ("Glow Co gave me this to try", None, "pass"),
        ("Three weeks in, and #GlowCoPartner", 100, "pass"),
        ("Three weeks in, and #GlowCoPartner", 5, "violation"),
        ("Three weeks in, and #GlowCoPartner", None, "undetermined"),
        ("Three weeks in #skin #glow #GlowCoPartner", 100, "violation"),
        ("Three weeks in", None, "violation"),
    ],
)
def test_brand_prominent_is_before_the_fold_and_not_buried(
    caption: str, fold: int | None, expected: str
) -> None:
    extra = 'labels words { brand: "partner", "gave me" }'
    engine = engine_for("requires brand_prominent(content.caption, words.brand)", extra=extra)
    content: dict[str, object] = {"caption": caption}
    if fold is not None:
        content["caption_fold_at"] = fold
    rec = record(content=content, commercial={"advertiser": {"name": "Glow Co"}})
    assert _outcome(engine, rec) == expected


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        ("【广告】面霜分享", "pass"),
        ("【广 告】面霜分享", "pass"),
        ("广　告｜面霜分享", "pass"),
        ("面霜分享（广告）", "pass"),
        ("刷到一个洗发水广告笑死我了", "violation"),
        ("广 告牌真大", "violation"),
        ("推 广｜面霜分享", "violation"),
        (["#面霜", "#广告"], "pass"),
        (["#面霜", "#广告位"], "violation"),
    ],
)
def test_set_apart_also_reads_a_label_spaced_out(caption: object, expected: str) -> None:
    field = "hashtags" if isinstance(caption, list) else "caption"
    engine = engine_for(
        f"requires set_apart(content.{field}, l.ad)", extra='labels l { ad: "广告" }'
    )
    assert _outcome(engine, record(content={field: caption})) == expected


@pytest.mark.parametrize(
    ("caption", "fold", "expected"),
    [
        ("广告｜面霜分享", None, "pass"),
        ("面霜用了一个月，很滋润（广告）", None, "pass"),
        ("面霜分享，链接在评论区 #护肤 #面霜 #广告", None, "undetermined"),
        ("面霜分享，链接在评论区 #护肤 #面霜 #广告", 100, "pass"),
        ("面霜分享，链接在评论区 #护肤 #面霜 #广告", 10, "violation"),
        ("【广 告】面霜 #护肤 #面霜 #广告", 5, "pass"),
        ("刷到个洗发水广告 #护肤 #面霜 #广告", 10, "violation"),
        ("刷到个洗发水广告", 100, "violation"),
    ],
)
def test_tag_shown_counts_a_buried_label_only_before_the_fold(
    caption: str, fold: int | None, expected: str
) -> None:
    engine = engine_for(
        "requires tag_shown(content.caption, l.ad)", extra='labels l { ad: "广告" }'
    )
    content: dict[str, object] = {"caption": caption}
    if fold is not None:
        content["caption_fold_at"] = fold
    assert _outcome(engine, record(content=content)) == expected
