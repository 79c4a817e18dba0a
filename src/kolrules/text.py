"""Text normalization and label matching.

``normalize`` turns any text into a canonical token string so that labels match however they are
typed: NFKC (full-width forms, compatibility characters), zero-width characters removed, case
folded, Latin diacritics removed (``quảng cáo`` → ``quang cao``, ``đ`` → ``d``) while CJK, kana
and Hangul are kept intact, ``-``/``_``/``'``/``.`` inside a word dropped, and the text split into
tokens: runs of letters and digits, and each CJK ideograph or kana on its own.

A label matches when the concatenation of one or more *consecutive* tokens of the text equals the
label's key (its tokens concatenated). So ``#QuảngCáo``, ``quảng cáo``, ``QUANG CAO`` and
``#quangcao`` are all the same label, while ``#ad`` does not match ``#adventure`` and ``ad`` does
not match ``made``: a match never starts or ends inside a token.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

import attrs

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"), None)
_SPECIAL_LATIN = str.maketrans({"đ": "d", "ø": "o", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe"})
_JOINERS = "-_'’.·"


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x3040 <= code <= 0x30FF  # hiragana, katakana
        or 0x3400 <= code <= 0x4DBF  # CJK extension A
        or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0x20000 <= code <= 0x2FA1F  # supplementary ideographs
    )


def _strip_latin_marks(text: str) -> str:
    # Only marks on Latin letters go: dakuten on kana and Hangul jamo must survive.
    out: list[str] = []
    base_is_latin = False
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch):
            if not base_is_latin:
                out.append(ch)
            continue
        base_is_latin = ch < "\u0250" or "\u1e00" <= ch <= "\u1eff"
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def tokens(text: str) -> list[str]:
    """The normalized tokens of a text (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH).casefold()
    text = _strip_latin_marks(text).translate(_SPECIAL_LATIN)
    out: list[str] = []
    word: list[str] = []
    pending_joiner = False
    for ch in text:
        if _is_cjk(ch):
            if word:
                out.append("".join(word))
                word = []
            out.append(ch)
            pending_joiner = False
        elif ch.isalnum():
            word.append(ch)
            pending_joiner = False
        elif ch in _JOINERS and word and not pending_joiner:
            pending_joiner = True  # kept only if a letter follows: "ad-free" is one token
        else:
            if word:
                out.append("".join(word))
                word = []
            pending_joiner = False
    if word:
        out.append("".join(word))
    return out


@functools.lru_cache(maxsize=1 << 16)
def normalize(text: str) -> str:
    """Canonical form for matching: tokens joined and surrounded by single spaces.

    Cached: the same labels, hashtags and captions recur across millions of records, so each
    distinct text is normalized once (up to 65,536 distinct texts are kept).
    """
    return " " + " ".join(tokens(text)) + " "


def label_key(label: str) -> str:
    """The key a label matches on: its tokens concatenated (``#Quảng Cáo`` → ``quangcao``)."""
    return "".join(tokens(label))


@attrs.frozen
class LabelMatcher:
    """One precompiled matcher for a set of labels (one label class of a vocabulary)."""

    labels: tuple[str, ...]
    pattern: re.Pattern[str] | None  # over normalized text; None when no label has a key
    _by_group: tuple[str, ...] = attrs.field(alias="_by_group")

    @classmethod
    def build(cls, labels: Iterable[str]) -> LabelMatcher:
        """Compile a matcher; labels whose key is empty (only punctuation) are ignored."""
        labels = tuple(labels)
        keyed = [(label, label_key(label)) for label in labels]
        keyed = [(label, key) for label, key in keyed if key]
        if not keyed:
            return cls(labels, pattern=None, _by_group=())
        parts = [
            f"(?P<g{i}>{' ?'.join(re.escape(ch) for ch in key)})"
            for i, (_, key) in enumerate(keyed)
        ]
        pattern = re.compile("(?<= )(?:" + "|".join(parts) + ")(?= )")
        return cls(labels, pattern=pattern, _by_group=tuple(label for label, _ in keyed))

    def search(self, normalized: str) -> str | None:
        """The label found in an already ``normalize``-d text, or None."""
        if self.pattern is None:
            return None
        found = self.pattern.search(normalized)
        if found is None or found.lastgroup is None:
            return None
        return self._by_group[int(found.lastgroup[1:])]

    def matches(self, text: str) -> bool:
        """Whether any label occurs in the raw text."""
        return self.search(normalize(text)) is not None


def trailing_hashtag_block(caption: str) -> tuple[int, int]:
    """Start offset and number of hashtags of the run of hashtags that ends the caption."""
    words = list(re.finditer(r"\S+", caption))
    count = 0
    start = len(caption)
    for word in reversed(words):
        if not word.group().startswith(("#", "＃")):
            break
        count += 1
        start = word.start()
    return start, count


def find_in(haystack: str, needle: str) -> int:
    """Position of ``needle`` in ``haystack`` ignoring case and width, or -1.

    Positions count characters of the NFKC form, so decomposed and composed spellings of the
    same caption put a notice at the same place relative to the fold.
    """

    def fold(text: str) -> str:
        return unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH).lower()

    return fold(haystack).find(fold(needle)) if needle.strip() else -1
