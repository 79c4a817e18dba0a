"""Seeded synthetic activity records (format 1) for the 12-rule benchmark set.

The mix follows ``shared/bench/benchmark-rules.md``: about half sponsored, audiences mostly one
of US/CN/VN plus others, disclosure texts from accepted, ambiguous, near-miss, Chinese and
Vietnamese vocabularies (including decomposed Unicode).

By default every caption and disclosure text is unique, as real posts are: the vocabulary text
is followed by a few neutral words and a serial number, so no per-text cache can stand in for
the work. ``unique=False`` keeps the fixed vocabulary (the mode the first measurements used).
The added words never make or break a match: they hold no label, no ``#`` and no CJK or
Vietnamese letters.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Iterator
from typing import Any

PLATFORMS = ["tiktok", "youtube", "instagram", "facebook", "douyin", "weibo", "zalo"]
FORMATS = ["post", "video", "story", "livestream"]
RELATIONSHIPS = ["paid", "gifted", "affiliate", "employee"]
CATEGORIES = [
    "general",
    "cosmetics",
    "health_food",
    "drug",
    "medical_device",
    "finance",
    "education",
    "alcohol",
    "tobacco",
    "gambling",
]
PLACEMENTS = ["caption_start", "caption_end", "overlay", "spoken", "bio", "comment"]
CREDENTIALS = ["finance", "education", "pharmacy"]
TEXTS = [
    # accepted
    "#ad",
    "Sponsored",
    "Paid partnership with GlowCo",
    "advertisement",
    "#AD new drop",
    # ambiguous
    "#sp",
    "#spon",
    "#collab",
    "thanks #sp",
    # near misses that must not match
    "#adventure",
    "#ads",
    "sponsoring",
    "#collaboration",
    "made with love",
    # Chinese
    "广告",
    "合作推广",
    "【广告】新品",
    # Vietnamese in every form
    "quảng cáo",
    "#QuảngCáo",
    "QUẢNG CÁO",
    "quang cao",
    unicodedata.normalize("NFD", "quảng cáo"),
    "tài trợ",
]
CAPTIONS = [
    "Loving this new serum",
    "My morning routine",
    "广告 新品上市",
    "Kem chống nắng tuyệt vời",
    "quảng cáo: son mới",
    "Weekend vibes #travel",
    "Unboxing time",
    "đánh giá thật lòng",
]
PUBLISHED = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)
#: Neutral words appended to make texts unique (none is, holds or completes a label).
FILLER = [
    "today",
    "with",
    "my",
    "friends",
    "new",
    "look",
    "morning",
    "light",
    "city",
    "trip",
    "coffee",
    "review",
    "honest",
    "thoughts",
    "link",
    "below",
    "week",
    "three",
    "try",
    "this",
]


def _unique(rng: random.Random, text: str, serial: str) -> str:
    words = " ".join(rng.choice(FILLER) for _ in range(rng.randrange(2, 9)))
    return f"{text} {words} {serial}"


def record(rng: random.Random, index: int, *, unique: bool = True) -> dict[str, Any]:
    """One record; the same seed, index and mode always give the same record."""
    published = PUBLISHED + dt.timedelta(minutes=index)
    main = rng.choice(["US", "CN", "VN"])
    countries = [main, *rng.sample(["US", "CN", "VN", "GB", "SG", "JP"], rng.choice([0, 0, 1, 2]))]
    sponsored = rng.random() < 0.5
    sanctions = []
    if rng.random() < 0.1:
        years_ago = rng.choice([1, 2, 5])
        sanctions.append(
            {
                "date": (published - dt.timedelta(days=365 * years_ago)).date().isoformat(),
                "kind": "false_advertising",
            }
        )
    disclosures = [
        {
            "text": rng.choice(TEXTS),
            "placement": rng.choice(PLACEMENTS),
            "start_s": rng.choice([0, 0, 3, 30]),
        }
        for _ in range(rng.choice([0, 1, 1, 2, 3]))
    ]
    out: dict[str, Any] = {
        "schema": "kolrules/activity@1",
        "id": f"bench-{index:07d}",
        "published_at": published.isoformat().replace("+00:00", "Z"),
        "platform": rng.choice(PLATFORMS),
        "format": rng.choice(FORMATS),
        "audience": {"countries": sorted(set(countries), key=countries.index)},
        "kol": {
            "handle": f"@kol{rng.randrange(100000)}",
            "age": rng.choice([8, 9, 15, 22, 30, 41]),
            "followers": rng.choice([900, 50000, 999999, 1000000, 3500000]),
            "real_name_verified": rng.random() < 0.6,
            "credentials": [{"field": f} for f in rng.sample(CREDENTIALS, rng.choice([0, 0, 1]))],
            "sanctions": sanctions,
        },
        "content": {"caption": rng.choice(CAPTIONS)},
        "disclosures": disclosures,
        "commercial": {
            "relationship": rng.choice(RELATIONSHIPS) if sponsored else "none",
            "product": {"category": rng.choice(CATEGORIES)},
            "kol_used_product": rng.random() < 0.7,
        },
    }
    if unique:  # drawn after the record, so unique=False gives the first benchmark's records
        out["content"]["caption"] = _unique(rng, out["content"]["caption"], f"n{index}")
        for position, disclosure in enumerate(disclosures):
            disclosure["text"] = _unique(rng, disclosure["text"], f"n{index}x{position}")
    return out


def records(count: int, *, seed: int = 20261126, unique: bool = True) -> Iterator[dict[str, Any]]:
    """``count`` records from ``seed`` (unique texts unless ``unique=False``)."""
    rng = random.Random(seed)
    for index in range(count):
        yield record(rng, index, unique=unique)
