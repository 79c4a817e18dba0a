"""Random valid activity records: ``activity_records``, ``kols``, ``disclosures``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from kolrules.schema import PRODUCT_CATEGORIES, RECORD, RELATIONSHIPS

FORMATS = next(f.type for f in RECORD.fields if f.name == "format").values  # type: ignore[union-attr]
PLATFORMS = next(f.type for f in RECORD.fields if f.name == "platform").values  # type: ignore[union-attr]
COUNTRIES = ("US", "CN", "VN", "GB", "FR", "DE", "IN", "KR", "JP", "SG", "TH", "ID")
LANGUAGES = ("en", "zh", "vi", "fr", "ko", "ja")
PLACEMENTS = (
    "caption_start",
    "caption",
    "caption_end",
    "hashtags",
    "overlay",
    "spoken",
    "platform_label",
    "description",
    "bio",
    "comment",
)
TEXTS = (
    "#ad",
    "Sponsored",
    "Paid partnership with Glow",
    "advertisement",
    "#sp",
    "#collab",
    "#adventure",
    "thanks @brand",
    "广告",
    "合作推广",
    "quảng cáo",
    "#QuảngCáo",
    "QUANG CAO",
    "tài trợ",
    "Được tài trợ bởi Nắng Mai",
    "hợp tác",
    "new drop!",
)
CAPTIONS = (
    "Loving this serum",
    "My morning routine",
    "广告 新品上市",
    "Kem chống nắng tuyệt vời",
    "Weekend vibes",
    "Unboxing time",
    "đánh giá thật lòng",
    "3 tips for glass skin",
)
OUTCOMES = ("violation", "pass", "undetermined", "not_applicable")


def _check_choice(name: str, value: Sequence[str] | None, allowed: Sequence[str]) -> list[str]:
    if value is None:
        return list(allowed)
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise InvalidArgument(f"{name}={value!r} must be a list of strings, e.g. {[allowed[0]]}")
    unknown = [v for v in value if v not in allowed]
    if unknown or not value:
        raise InvalidArgument(
            f"{name}={value!r}: {unknown or 'empty list'} not among {', '.join(allowed)}"
        )
    return list(value)


def _check_sparsity(sparsity: float) -> float:
    if not isinstance(sparsity, (int, float)) or not 0 <= sparsity <= 1:
        raise InvalidArgument(f"sparsity={sparsity!r} must be a number from 0 to 1")
    return float(sparsity)


def _opt(draw: st.DrawFn, sparsity: float) -> bool:
    """Whether to include an optional fact."""
    if sparsity <= 0:
        return True
    if sparsity >= 1:
        return False
    return draw(st.integers(0, 999)) >= int(sparsity * 1000)


@st.composite
def disclosures(draw: st.DrawFn, *, sparsity: float = 0.0) -> dict[str, Any]:
    """One disclosure (a notice in or around the content)."""
    sparsity = _check_sparsity(sparsity)
    out: dict[str, Any] = {}
    if _opt(draw, sparsity):
        out["text"] = draw(st.sampled_from(TEXTS))
    if _opt(draw, sparsity):
        out["placement"] = draw(st.sampled_from(PLACEMENTS))
    if _opt(draw, sparsity):
        out["kind"] = draw(st.sampled_from(("commercial", "commercial", "ai_generated")))
    if out.get("placement") in ("overlay", "spoken") and _opt(draw, sparsity):
        out["start_s"] = draw(st.integers(0, 120))
        out["end_s"] = out["start_s"] + draw(st.integers(1, 3600))
        if draw(st.booleans()):
            out["repeat_every_s"] = draw(st.sampled_from((60, 300, 900, 1800)))
    return out


@st.composite
def kols(
    draw: st.DrawFn, *, sparsity: float = 0.0, countries: Sequence[str] | None = None
) -> dict[str, Any]:
    """Facts about the KOL and the publishing account."""
    sparsity = _check_sparsity(sparsity)
    countries_ = _check_choice("countries", countries, COUNTRIES)
    out: dict[str, Any] = {"handle": "@" + draw(st.text("abcdefghij.", min_size=3, max_size=10))}
    if _opt(draw, sparsity):
        out["country"] = draw(st.sampled_from(countries_))
    if _opt(draw, sparsity):
        out["birth_date"] = draw(st.dates(dt.date(1960, 1, 1), dt.date(2020, 1, 1))).isoformat()
    if _opt(draw, sparsity):
        out["followers"] = draw(st.integers(0, 5_000_000))
    for flag in ("guardian_consent", "real_name_verified", "monetised", "virtual"):
        if _opt(draw, sparsity):
            out[flag] = draw(st.booleans())
    if _opt(draw, sparsity):
        out["account_verification"] = draw(st.sampled_from(("none", "phone", "national_id")))
    if _opt(draw, sparsity):
        out["sanctions"] = draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "date": st.dates(dt.date(2018, 1, 1), dt.date(2026, 6, 1)).map(
                            dt.date.isoformat
                        ),
                        "kind": st.sampled_from(("false_advertising", "misleading_claims", "tax")),
                        "role": st.sampled_from(("endorser", "advertiser")),
                    }
                ),
                max_size=2,
            )
        )
    return out


@st.composite
def activity_records(
    draw: st.DrawFn,
    *,
    countries: Sequence[str] | None = None,
    formats: Sequence[str] | None = None,
    platforms: Sequence[str] | None = None,
    relationships: Sequence[str] | None = None,
    categories: Sequence[str] | None = None,
    languages: Sequence[str] | None = None,
    sparsity: float = 0.0,
    published_from: dt.date = dt.date(2023, 1, 1),
    published_until: dt.date = dt.date(2026, 12, 31),
) -> dict[str, Any]:
    """Activity records (format 1) as JSON-ready dicts, valid by construction.

    Args:
        countries: audience countries to choose from (the record gets one to three).
        formats, platforms, relationships, categories, languages: values to choose from.
        sparsity: 0 gives every fact; 1 only ``id`` and ``published_at``; in between, each
            optional fact is left out (unknown) with about that probability.
        published_from, published_until: the publication date range.
    """
    countries_ = _check_choice("countries", countries, COUNTRIES)
    formats_ = _check_choice("formats", formats, FORMATS)
    platforms_ = _check_choice("platforms", platforms, PLATFORMS)
    relationships_ = _check_choice("relationships", relationships, RELATIONSHIPS.values)
    categories_ = _check_choice("categories", categories, PRODUCT_CATEGORIES.values)
    languages_ = _check_choice("languages", languages, LANGUAGES)
    sparsity = _check_sparsity(sparsity)
    if not published_from <= published_until:
        raise InvalidArgument(
            f"published_from={published_from!r} is after published_until={published_until!r}"
        )
    day = draw(st.dates(published_from, published_until))
    moment = dt.datetime.combine(
        day,
        dt.time(draw(st.integers(0, 23)), draw(st.integers(0, 59))),
        tzinfo=dt.timezone(dt.timedelta(hours=draw(st.sampled_from((-5, 0, 7, 8))))),
    )
    record: dict[str, Any] = {
        "schema": "kolrules/activity@1",
        "id": f"gen-{draw(st.integers(0, 10**9))}",
        "published_at": moment.isoformat(),
    }
    if _opt(draw, sparsity):
        record["audience"] = {
            "countries": draw(
                st.lists(st.sampled_from(countries_), min_size=1, max_size=3, unique=True)
            )
        }
    if _opt(draw, sparsity):
        record["format"] = draw(st.sampled_from(formats_))
    if _opt(draw, sparsity):
        record["platform"] = draw(st.sampled_from(platforms_))
    if _opt(draw, sparsity):
        record["language"] = draw(st.sampled_from(languages_))
    if _opt(draw, sparsity):
        record["published_by"] = draw(st.sampled_from(("kol", "kol", "advertiser")))
    if record.get("format") in ("short_video", "video", "livestream", "audio") and _opt(
        draw, sparsity
    ):
        record["duration_s"] = draw(st.integers(10, 14400))
    record["kol"] = draw(kols(sparsity=sparsity, countries=countries_))
    content: dict[str, Any] = {}
    if _opt(draw, sparsity):
        content["caption"] = draw(st.sampled_from(CAPTIONS))
        content["caption_fold_at"] = draw(st.integers(40, 200))
    if _opt(draw, sparsity):
        content["links"] = draw(
            st.lists(
                st.fixed_dictionaries(
                    {"url": st.just("https://example.com/p"), "affiliate": st.booleans()}
                ),
                max_size=2,
            )
        )
    if _opt(draw, sparsity):
        content["genres"] = draw(
            st.lists(
                st.sampled_from(("review", "experience", "tutorial", "entertainment")),
                max_size=2,
                unique=True,
            )
        )
    if _opt(draw, sparsity):
        checkout = draw(st.sampled_from(("none", "external", "in_platform")))
        content["checkout"], content["shoppable"] = checkout, checkout != "none"
    record["content"] = content
    if _opt(draw, sparsity):
        record["disclosures"] = draw(st.lists(disclosures(sparsity=sparsity), max_size=3))
    relationship = draw(st.sampled_from(relationships_))
    commercial: dict[str, Any] = {}
    if _opt(draw, sparsity):
        commercial["relationship"] = relationship
        commercial["connections"] = [] if relationship == "none" else [{"kind": relationship}]
    if relationship == "none":  # keep the record free of contradictions
        for link in content.get("links", []):
            link["affiliate"] = False
    if _opt(draw, sparsity):
        commercial["product"] = {"name": "Product", "category": draw(st.sampled_from(categories_))}
    for flag in ("kol_used_product", "kol_understands_product", "documents_checked"):
        if _opt(draw, sparsity):
            commercial[flag] = draw(st.booleans())
    if _opt(draw, sparsity):
        commercial["advertiser"] = {
            "name": "Brand",
            "legal_status_verified": draw(st.booleans()),
            "publicly_named_violator": draw(st.booleans()),
        }
    record["commercial"] = commercial
    if _opt(draw, sparsity):
        record["events"] = []
        record["observed_at"] = (moment + dt.timedelta(days=3)).isoformat()
    return record
