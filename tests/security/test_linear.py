"""M2, M5, L7: work per record is linear in its text, and caches are bounded by size."""

from __future__ import annotations

import re
import time

from hypothesis import given
from hypothesis import strategies as st

from kolrules import Engine, text
from kolrules.text import LabelMatcher, _spans_tokens, find_in, normalize, trailing_hashtag_block


def _record(disclosures: int, caption: str) -> dict[str, object]:
    return {
        "id": "buried", "published_at": "2026-02-10T18:05:00-05:00", "published_by": "kol",
        "platform": "instagram", "format": "image", "audience": {"countries": ["US"]},
        "kol": {"handle": "@h", "country": "US", "followers": 1000},
        "content": {"caption": caption, "caption_fold_at": 10**7, "links": []},
        "disclosures": [{"kind": "commercial", "text": "#ad", "placement": "caption"}] * disclosures,
        "commercial": {"relationship": "paid", "connections": [{"kind": "paid"}],
                       "product": {"name": "p", "category": "food"}},
    }


def test_a_long_caption_is_folded_once_however_many_disclosures(monkeypatch: object) -> None:
    calls: list[int] = []
    real = text.unicodedata.normalize

    def counting(form: str, value: str) -> str:
        if len(value) > 100_000:
            calls.append(len(value))
        return real(form, value)  # type: ignore[arg-type]

    caption = "word " * 40_000 + "#ad #x #y"
    monkeypatch.setattr(text.unicodedata, "normalize", counting)  # type: ignore[attr-defined]
    Engine.bundled(jurisdictions=["US"]).check(_record(300, caption))
    assert len(calls) <= 4  # NFKC for folding, and for tokens (NFKC, NFD, NFC): not ×300


def test_the_trailing_hashtag_block_is_read_from_the_end() -> None:
    caption = "word " * 200_000 + "#a #b"
    started = time.perf_counter()
    for _ in range(1000):
        assert trailing_hashtag_block(caption + "") == (len(caption) - 5, 2)
    assert time.perf_counter() - started < 2.0
    assert trailing_hashtag_block("#ad great day") == (len("#ad great day"), 0)
    assert trailing_hashtag_block("  #a  ") == (2, 1)


def test_a_long_periodic_label_is_matched_in_linear_time() -> None:
    matcher = LabelMatcher.build(["a" * 2000 + "b"])
    haystack = normalize("a " * 200_000)
    started = time.perf_counter()
    assert matcher.search(haystack) is None
    assert time.perf_counter() - started < 5.0  # the regex took ~28 s on 1 MB
    assert matcher.search(normalize("x " + "a " * 2000 + "b " * 2000)) is not None


def _regex_match(normalized: str, key: str) -> bool:
    pattern = re.compile("(?<= )(?:" + " ?".join(re.escape(c) for c in key) + ")(?= )")
    return pattern.search(normalized) is not None


@given(st.lists(st.text("ab", min_size=1, max_size=3), max_size=10), st.text("ab", min_size=1, max_size=7))
def test_the_linear_scan_agrees_with_the_regex(words: list[str], key: str) -> None:
    normalized = " " + " ".join(words) + " "
    assert _spans_tokens(normalized, key) == _regex_match(normalized, key)


def test_find_in_still_finds_positions() -> None:
    caption = "x" * 5000 + " Quảng cáo"
    assert find_in(caption, "QUẢNG CÁO") == 5001
    assert find_in(caption, "missing") == -1
    assert find_in(caption, "  ") == -1
