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

A word typed *with* diacritics says which word it is: where the text marks a word, its marks must
agree with the label's (``nhận hàng``, "receive the goods", is not ``nhãn hàng``, "brand";
``vàng trắng``, white gold, is not ``vang trắng``, white wine), while a word typed without them
matches either way (``nhan hang`` may be both). See ``_agrees``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

import attrs

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"), None)
_SPECIAL_LATIN = str.maketrans({"đ": "d", "ø": "o", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe"})
_JOINERS = "-_'’.·"
#: Label keys longer than this are matched by a linear-time scan instead of a regex, whose cost
#: is text length × key length for periodic keys ("aaaa…b").
LONG_LABEL = 48
T = TypeVar("T")


def _strip_latin_marks(text: str) -> str:
    # Only marks on Latin letters go: dakuten on kana and Hangul jamo must survive. A run of
    # marks goes when the character before it is Latin (no combining mark is in those ranges).
    decomposed = unicodedata.normalize("NFD", text)
    marks = "".join(sorted(ch for ch in set(decomposed) if unicodedata.combining(ch)))
    if marks:
        decomposed = _marks_after_latin(marks).sub("", decomposed)
    return unicodedata.normalize("NFC", decomposed)


@functools.lru_cache(maxsize=256)  # texts of one language use a handful of marks
def _marks_after_latin(marks: str) -> re.Pattern[str]:
    return re.compile(f"(?<=[\\x00-\\u024f\\u1e00-\\u1eff])[{re.escape(marks)}]+")


# ASCII text is already NFKC, has no marks, zero-width or special Latin letters, and folds
# by lowercasing; its tokens are runs of [0-9a-z] joined by single joiners ("ad-free").
_ASCII_WORD = re.compile(r"[0-9a-z]+(?:[-_'.][0-9a-z]+)*")


def tokens(text: str) -> list[str]:
    """The normalized tokens of a text (see the module docstring)."""
    joined = _joined(text)
    return joined.split(" ") if joined else []


def _joined(text: str) -> str:
    # Tokens joined by single spaces; their inner joiners dropped in one pass over the whole.
    if text.isascii():  # the common case, in one regex pass; same tokens as the general path
        return " ".join(_ASCII_WORD.findall(text.lower())).translate(_DROP_JOINERS)
    return " ".join(_TOKEN.findall(_folded(text))).translate(_DROP_JOINERS)


_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_LETTER = rf"(?:(?![{_CJK}])[^\W_])"  # [^\W_] is exactly str.isalnum()
# A CJK character is a token of its own; other letters and digits run into words, and one
# joiner between two of them is dropped ("ad-free" is one token, "ad--free" two).
_TOKEN = re.compile(rf"[{_CJK}]|{_LETTER}+(?:[\-_'’.·]{_LETTER}+)*")
_DROP_JOINERS = str.maketrans("", "", _JOINERS)


def _folded(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH).casefold()
    return _strip_latin_marks(text).translate(_SPECIAL_LATIN)


#: Texts up to this many characters share a large cache; longer ones a cache of a few entries,
#: so each long caption is worked on once per record and memory stays bounded by bytes.
SHORT_TEXT = 2048


def _cached(function: Callable[[str], T]) -> Callable[[str], T]:
    short = functools.lru_cache(maxsize=1 << 16)(function)
    long = functools.lru_cache(maxsize=4)(function)

    @functools.wraps(function)
    def lookup(text: str) -> T:
        return short(text) if len(text) <= SHORT_TEXT else long(text)

    return lookup


@_cached
def nfkc(text: str) -> str:
    """The NFKC form of ``text``; cached, as several built-ins read one caption's form (and a
    long caption must be converted once per record, not once per built-in and vocabulary)."""
    return unicodedata.normalize("NFKC", text)


@_cached
def normalize(text: str) -> str:
    """Canonical form for matching: tokens joined and surrounded by single spaces.

    Cached: the same labels, hashtags and captions recur across millions of records, so each
    distinct short text is normalized once (up to 65,536 of them are kept); long texts are
    kept only while the record that holds them is being checked.
    """
    plain = f" {_joined(text)} "
    if text.isascii() or not _LATIN_MARK.search(unicodedata.normalize("NFD", text)):
        return plain  # no word of it is marked: nothing to agree with
    return _Marked.of(plain, text)


def label_key(label: str) -> str:
    """The key a label matches on: its tokens concatenated (``#Quảng Cáo`` → ``quangcao``)."""
    return "".join(tokens(label))


# --- Diacritics that say which word it is -----------------------------------------------------
# Stripping diacritics lets "#quangcao" match "quảng cáo", but it also makes different Vietnamese
# words one: "nhận hàng" (receive the goods) and "nhãn hàng" (brand), "dành để" (meant for) and
# "đánh đề" (betting on the lottery), "vàng trắng" (white gold) and "vang trắng" (white wine),
# "40 đô" (dollars) and "40 độ" (degrees). A text that writes a word with its marks says which
# word it is, so a label matches a marked word only when the marks agree; a word typed without
# any mark is ambiguous and matches as before.

#: The Vietnamese tone marks (grave, acute, tilde, hook above, dot below). Where a tone sits in a
#: syllable varies ("khoẻ" / "khỏe", "hoà" / "hòa"), so tones are compared in order per word,
#: not letter by letter; the other marks (circumflex, breve, horn, a bar as in "đ") belong to
#: their letter.
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")


#: A diacritic (combining mark) or one of the Latin letters ``_SPECIAL_LATIN`` folds, in NFD text.
_LATIN_MARK = re.compile("[\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ffđĐøØłŁßẞæÆœŒ]")

#: ``label_key``, cached for the labels whose marks are checked.
_key = functools.lru_cache(maxsize=8192)(label_key)


class _Marked(str):
    """A normalized text (``normalize``) that can also give its tokens with their diacritics, in
    the same layout (``marked``), for the texts that have any. Worked out on first use: most
    texts never hold a label, and only a found label needs its marks checked."""

    _source: str  # the text as given
    _whole: str  # its normal form before any blanking out
    _blanks: bytes | None = None
    _marked: str | None = None

    @classmethod
    def of(cls, plain: str, source: str) -> str:
        made = cls(plain)
        made._source, made._whole = source, plain
        return made

    def blanked(self, plain: str, covered: bytes) -> _Marked:
        """This text with the positions in ``covered`` blanked out (``blank_out``)."""
        made = _Marked(plain)
        made._source, made._whole = self._source, self._whole
        made._blanks = (
            covered
            if self._blanks is None
            else bytes(a or b for a, b in zip(self._blanks, covered, strict=True))
        )
        return made

    @property
    def marked(self) -> str:
        """The tokens with their diacritics (folded to lower case), in the layout of the text."""
        if self._marked is None:
            marked = _marked_layout(self._whole, self._source)
            if self._blanks is not None:
                marked = "".join(
                    _BLANK if hit and ch != " " else ch
                    for ch, hit in zip(marked, self._blanks, strict=True)
                )
            self._marked = marked
        return self._marked


#: A combining mark left over after NFC (a letter with no precomposed form) stays in its word.
_MARKED_TOKEN = re.compile(
    rf"[{_CJK}]|(?:{_LETTER}|[\u0300-\u036f])+(?:[\-_'’.·](?:{_LETTER}|[\u0300-\u036f])+)*"
)


def _plain(token: str) -> str:
    return _strip_latin_marks(token).translate(_SPECIAL_LATIN)


def _marked_tokens(text: str) -> list[str]:
    """The tokens of a text as ``tokens`` gives them, but with their diacritics."""
    folded = unicodedata.normalize(
        "NFC", unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH).casefold()
    )
    return [token.translate(_DROP_JOINERS) for token in _MARKED_TOKEN.findall(folded)]


def _marked_layout(plain: str, source: str) -> str:
    """``plain`` (the normal form of ``source``) with each token as ``source`` marks it. A token
    whose plain form has another length (``ß`` → ``ss``), or a text whose tokens do not line
    up, keeps its plain form, which agrees with any label."""
    marked = _marked_tokens(source)
    plain_tokens = plain.strip(" ").split(" ") if plain.strip(" ") else []
    if [_plain(token) for token in marked] != plain_tokens:
        return plain
    layout = (m if len(m) == len(p) else p for m, p in zip(marked, plain_tokens, strict=True))
    return f" {' '.join(layout)} "


@functools.lru_cache(maxsize=1024)
def _letter_marks(ch: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A letter's own marks (circumflex, breve, horn; ``đ`` counts as marked) and its tones."""
    marks = unicodedata.normalize("NFD", ch)[1:]
    own = tuple(m for m in marks if m not in _TONES)
    if ch in "đøł":
        own += (ch,)
    return own, tuple(m for m in marks if m in _TONES)


@functools.lru_cache(maxsize=1024)
def _label_marked_key(label: str) -> str:
    """A label's key with its diacritics (``label_key``, marks kept), letter for letter."""
    plain = label_key(label)
    marked = "".join(_marked_tokens(label))
    return marked if len(marked) == len(plain) and _plain(marked) == plain else plain


def _same_word(typed: str, label: str) -> bool:
    """A marked word agrees with the label's letters: each letter typed with marks has the
    label's marks (a letter typed plain may stand for any), and its tones are the label's."""
    typed_tones: list[str] = []
    label_tones: list[str] = []
    for a, b in zip(typed, label, strict=True):
        own_a, tones_a = _letter_marks(a)
        own_b, tones_b = _letter_marks(b)
        if own_a and own_a != own_b:
            return False
        typed_tones += tones_a
        label_tones += tones_b
    return typed_tones == label_tones


def _agrees(span: str, label: str) -> bool:
    """Whether the text's tokens in ``span`` (with their marks, space-separated) spell the
    label's marked key ``label``: every token typed with marks agrees with the letters of the
    label it covers; a token typed without marks agrees with anything."""
    at = 0
    for token in span.split(" "):
        part = label[at : at + len(token)]
        at += len(token)
        if token and _plain(token) != token and not _same_word(token, part):
            return False
    return True


@functools.lru_cache(maxsize=1024)
def _every_occurrence(key: str) -> re.Pattern[str]:
    return re.compile(f"(?<= )(?=({' ?'.join(re.escape(ch) for ch in key)})(?= ))")


def _agreeing(normalized: _Marked, labels: tuple[str, ...], *, long_text: bool) -> str | None:
    """Of ``labels`` found in ``normalized`` with marks that agree with the text's, the one at
    the first position, and of those there the first in ``labels``' order (as ``search``)."""
    marked = normalized.marked
    best: tuple[int, int] | None = None  # (position, index in labels)
    letters = normalized.replace(" ", "")
    for index, label in enumerate(labels):
        key = _key(label)
        if key not in letters:
            continue  # a quick test first: the key's letters do not even follow each other
        if long_text and len(key) > LONG_LABEL:
            if _spans_tokens(normalized, key):
                return label  # not checked: a linear-time scan gives no positions
            continue
        for found in _every_occurrence(key).finditer(normalized):
            if best is not None and found.start(1) > best[0]:
                break
            if _agrees(marked[found.start(1) : found.end(1)], _label_marked_key(label)):
                best = min(best or (found.start(1), index), (found.start(1), index))
                break
    return None if best is None else labels[best[1]]


@attrs.frozen
class LabelMatcher:
    """One matcher for a set of labels (one label class of a vocabulary).

    One regex over normalized text finds any label. Its cost is text length × key length in
    the worst case (periodic keys such as ``aaaa…b``), so on texts over ``SHORT_TEXT``
    characters keys over ``LONG_LABEL`` characters are matched by a linear-time scan instead.
    The regexes are compiled on first use: loading the bundled packs builds every vocabulary
    (89 of them), and compiling them all was half a second of every cold start, while one
    record meets a few.
    """

    labels: tuple[str, ...]
    # The labels that have a key, in the order of the regex's groups.
    _by_group: tuple[str, ...] = attrs.field(alias="_by_group", eq=False)
    # (label, key) of the keys over LONG_LABEL characters, scanned on long texts.
    _long: tuple[tuple[str, str], ...] = attrs.field(default=(), alias="_long", eq=False)
    # Built on first use (a cache: the same answer every time): the regex over normalized text
    # and the one of the short keys only (for long texts).
    _regexes: tuple[re.Pattern[str] | None, re.Pattern[str] | None] | None = attrs.field(
        default=None, alias="_regexes", eq=False
    )

    @classmethod
    def build(cls, labels: Iterable[str]) -> LabelMatcher:
        """A matcher; labels whose key is empty (only punctuation) are ignored."""
        labels = tuple(labels)
        keyed = [(label, label_key(label)) for label in labels]
        keyed = [(label, key) for label, key in keyed if key]
        return cls(
            labels,
            _by_group=tuple(label for label, _ in keyed),
            _long=tuple((label, key) for label, key in keyed if len(key) > LONG_LABEL),
        )

    @property
    def pattern(self) -> re.Pattern[str] | None:
        """The regex over normalized text that finds any label (None when no label has a key);
        the empty group ``g<i>`` that closes a match names the i-th label that has a key."""
        return self._compiled()[0]

    def _compiled(self) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
        found = self._regexes
        if found is None:
            # Each alternative opens with its key's first letter and ends with an empty group
            # naming it: the regex engine skips an alternative whose first letter is not the
            # text's without entering it, which a group opening the alternative prevents (six
            # times slower on Chinese and Vietnamese text, docs/performance.md §0.5).
            parts = [
                (len(key) > LONG_LABEL, f"{' ?'.join(re.escape(ch) for ch in key)}(?P<g{i}>)")
                for i, key in enumerate(map(label_key, self._by_group))
            ]
            short = [part for is_long, part in parts if not is_long]
            found = (
                _alternatives(part for _, part in parts) if parts else None,
                _alternatives(short) if short else None,
            )
            object.__setattr__(self, "_regexes", found)
        return found

    def __reduce__(self) -> tuple[object, tuple[tuple[str, ...]]]:
        """Pickled as its labels, rebuilt on load: the patterns follow from them, and the lazily
        built ones (a cache) must not make a used matcher pickle larger."""
        return (LabelMatcher.build, (self.labels,))

    def search(self, normalized: str) -> str | None:
        """The label found in an already ``normalize``-d text, or None."""
        long_text = self._long and len(normalized) > SHORT_TEXT
        pattern = self._compiled()[1 if long_text else 0]
        if pattern is not None:
            found = pattern.search(normalized)
            if found is not None and found.lastgroup is not None:
                label = self._by_group[int(found.lastgroup[1:])]
                if isinstance(normalized, _Marked) and not _agrees(
                    normalized.marked[found.start() : found.end()], _label_marked_key(label)
                ):
                    return _agreeing(normalized, self._by_group, long_text=bool(long_text))
                return label
        if long_text:
            for label, key in self._long:
                if _spans_tokens(normalized, key):
                    return label
        return None

    def opens(self, normalized: str) -> bool:
        """Whether the first tokens of an already ``normalize``-d text spell one of the labels,
        a word typed with diacritics agreeing with the label's (as ``search``)."""
        pattern = self.pattern
        if pattern is None or pattern.match(normalized, 1) is None:
            return False
        if not isinstance(normalized, _Marked):
            return True
        marked = normalized.marked
        for label in self._by_group:
            at = _every_occurrence(_key(label)).match(normalized, 1)
            spelled = marked[at.start(1) : at.end(1)] if at is not None else None
            if spelled is not None and _agrees(spelled, _label_marked_key(label)):
                return True
        return False

    def matches(self, text: str) -> bool:
        """Whether any label occurs in the raw text.

        ASCII text took a pattern of its own over its lower-cased form until the regex over
        normal forms skipped alternatives by their first letter; since then the normal form,
        computed once per text, is as fast and the second pattern only cost compile time."""
        return self.search(normalize(text)) is not None


def _alternatives(parts: Iterable[str]) -> re.Pattern[str]:
    return re.compile("(?<= )(?:" + "|".join(parts) + ")(?= )")


def _spans_tokens(normalized: str, key: str) -> bool:
    """Whether consecutive tokens of a normalized text concatenate to ``key``: Knuth-Morris-
    Pratt over the text's letters (spaces skipped), in time linear in text and key length."""
    failure = [0] * len(key)
    k = 0
    for i in range(1, len(key)):
        while k and key[i] != key[k]:
            k = failure[k - 1]
        if key[i] == key[k]:
            k += 1
        failure[i] = k
    starts = {0}  # offsets, in the text without spaces, where a token starts
    k = offset = 0
    last = len(normalized) - 1
    for index, ch in enumerate(normalized):
        if ch == " ":
            starts.add(offset)
            continue
        while k and ch != key[k]:
            k = failure[k - 1]
        if ch == key[k]:
            k += 1
        offset += 1
        if k == len(key):
            ends_token = index == last or normalized[index + 1] == " "
            if ends_token and offset - k in starts:
                return True
            k = failure[k - 1]
    return False


@_cached
def trailing_hashtag_block(caption: str) -> tuple[int, int]:
    """Start offset and number of hashtags of the run of hashtags that ends the caption.

    Read from the end, so the cost is the block's length, not the caption's (and cached per
    caption: every disclosure of a record asks about the same one).
    """
    count = 0
    start = end = len(caption)
    while True:
        while end and caption[end - 1].isspace():
            end -= 1
        begin = end
        while begin and not caption[begin - 1].isspace():
            begin -= 1
        if begin == end or not caption.startswith(("#", "＃"), begin):
            return start, count
        count += 1
        start = end = begin


@_cached
def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH).lower()


@functools.lru_cache(maxsize=4)
def _positions(haystack: str) -> dict[str, int]:
    return {}  # folded needle → position in a long haystack, filled by ``find_in``


def find_in(haystack: str, needle: str) -> int:
    """Position of ``needle`` in ``haystack`` ignoring case and width, or -1.

    Positions count characters of the NFKC form, so decomposed and composed spellings of the
    same caption put a notice at the same place relative to the fold. The folded caption is
    cached, and so are the positions found in a long one, so a record that lists the same
    disclosure many times searches its caption once.
    """
    if not needle.strip():
        return -1
    folded = _fold(needle)
    if len(haystack) <= SHORT_TEXT:
        return _fold(haystack).find(folded)
    known = _positions(haystack)
    if folded not in known:
        known[folded] = _fold(haystack).find(folded)
    return known[folded]


@functools.lru_cache(maxsize=256)
def _every_start(matcher: LabelMatcher) -> re.Pattern[str] | None:
    """A pattern finding, at every token start, the longest label that begins there (a
    lookahead, so occurrences may overlap: ``广告合作请`` and ``合作请`` are both found)."""
    keys = sorted({label_key(label) for label in matcher.labels} - {""}, key=len, reverse=True)
    if not keys:
        return None
    parts = "|".join(" ?".join(re.escape(ch) for ch in key) for key in keys)
    return re.compile(f"(?<= )(?=((?:{parts})(?= )))")


#: What a blanked-out phrase is replaced by: never a letter of any label's key.
_BLANK = "\x00"


def _cover_agreeing(normalized: _Marked, phrases: LabelMatcher, covered: bytearray) -> None:
    """Marks in ``covered`` every occurrence of ``phrases`` whose diacritics agree with the
    text's (``_agrees``): "40 đô" (dollars) covers "40 đô" and "40 do", not "40 độ"."""
    letters = normalized.replace(" ", "")  # a quick test first: the key's letters in a row
    present = [label for label in phrases.labels if _key(label) and _key(label) in letters]
    if not present:
        return
    marked = normalized.marked
    for label in present:
        for found in _every_occurrence(_key(label)).finditer(normalized):
            start, end = found.start(1), found.end(1)
            if _agrees(marked[start:end], _label_marked_key(label)):
                covered[start:end] = b"\x01" * (end - start)


def blank_out(normalized: str, phrases: LabelMatcher) -> str:
    """A normalized text with every occurrence of ``phrases`` blanked out, so that a label found
    in what is left is one outside them ("广告｜… 广告合作请私信" keeps its first "广告").

    Tokens and spaces keep their places (each letter of a phrase becomes a character that no
    label contains), so positions in the result are positions in the text. A phrase covers a
    word typed with diacritics only where they agree (``_agrees``).
    """
    pattern = _every_start(phrases)
    if pattern is None:
        return normalized
    covered = bytearray(len(normalized))
    if isinstance(normalized, _Marked):
        _cover_agreeing(normalized, phrases, covered)
    else:
        for found in pattern.finditer(normalized):
            covered[found.start(1) : found.end(1)] = b"\x01" * (found.end(1) - found.start(1))
    if not any(covered):
        return normalized
    blanked = "".join(
        _BLANK if hit and ch != " " else ch for ch, hit in zip(normalized, covered, strict=True)
    )
    if isinstance(normalized, _Marked):
        return normalized.blanked(blanked, bytes(covered))
    return blanked


# A hashtag's body runs to the next space or "#"; separators are every other character that is
# neither a letter, a digit nor a space, except joiners between two letters ("ad-free").
_HASHTAG = re.compile(r"[#＃]([^\s#＃]+)")
# In Chinese or Japanese text a space sets words apart too ("AD 好物分享").
_SEPARATOR = re.compile(
    rf"(?![{re.escape(_JOINERS)}])[^\w\s]|_|(?<!\w)[{re.escape(_JOINERS)}]"
    rf"|[{re.escape(_JOINERS)}](?!\w)|\n|\s(?=[{_CJK}])|(?<=[{_CJK}])\s"
)


# A short quotation on one line, in straight or typographic double quotes.
_QUOTED = re.compile(r"[\"“”„«»][^\"“”„«»\n]{1,40}[\"“”„«»]")
_WORD_RUN = re.compile(r"\S+")


def _capitals_opening(text: str) -> tuple[int, int] | None:
    """Where the words in capitals opening ``text`` are, when the mixed-case word after them sets
    them apart ("AD This serum changed my skin": the first word of a message shouted as its
    label). A text in capitals throughout ("AD AGENCY LIFE") sets nothing apart."""
    run: list[re.Match[str]] = []
    for word in _WORD_RUN.finditer(text):
        if word.group().isalpha() and word.group().isupper():
            run.append(word)
            continue
        if run and any(ch.islower() for ch in word.group()):
            return run[0].start(), run[-1].end()
        return None
    return None


@_cached
def tag_pieces(text: str) -> tuple[tuple[int, int, str], ...]:
    """Where a text sets words apart as a label, as (start, end, key) in text order: each
    hashtag (``#ad``), and each piece of the text between separators: its start and end, a line
    break, brackets, a colon, bar, dash or other punctuation (``Ad: …``, ``[Ad]``, ``… | ad``,
    the whole text ``Ad``), and the words in capitals opening a mixed-case text (``AD This
    serum …``), and a Chinese word typed letter by letter (``广 告``, ``广｜告``, see
    ``_spelled_out``). A word inside a sentence ("the new ad drops Friday") is in no piece of
    its own, nor is one inside a short quotation ('the FTC wants "#ad" up front'). Positions
    count characters of the text's NFKC form.
    """
    text = nfkc(text)
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    pieces: list[tuple[int, int, str]] = []
    for found in _HASHTAG.finditer(text):
        key = label_key(found.group(1))
        if key:
            pieces.append((found.start(), found.end(), key))
    start = 0
    for cut in [*(m.start() for m in _SEPARATOR.finditer(text)), len(text)]:
        piece = text[start:cut]
        key = label_key(piece)
        if key:
            begin = start + len(piece) - len(piece.lstrip())
            pieces.append((begin, start + len(piece.rstrip()), key))
        start = cut + 1
    opening = _capitals_opening(text)
    if opening is not None:
        pieces.append((*opening, label_key(text[opening[0] : opening[1]])))
    pieces.extend(_spelled_out(text, pieces))
    # A label in quotation marks is mentioned, not used: 'the FTC wants "#ad" up front'.
    return tuple(sorted(p for p in pieces if not any(q0 < p[0] < q1 for q0, q1 in quoted)))


# One Chinese or Japanese letter, alone in its piece.
_ONE_CJK = re.compile(rf"[{_CJK}]")
# What may stand between two letters of a word typed apart: spaces and at most one mark.
_LETTER_GAP = re.compile(r"\s*(?:[^\w\s]|_)?\s*")
#: The longest run of letters typed apart that is read as one word.
SPELLED_MAX = 6


def _spelled_out(text: str, pieces: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The words typed letter by letter: each whole run of 2 to ``SPELLED_MAX`` consecutive
    pieces of one Chinese letter each, apart only by spaces and at most one mark between two of
    them, the same between every two ("广 告", "广｜告", "【广/告】"), as a piece of its own whose
    key is the letters joined. Only the whole run is a word: "广 告 学" (advertising studies,
    typed spaced) is "广告学", not "广告"; a different gap ends a run ("广 告｜面 霜"). A longer
    piece ("宽广｜告别") joins nothing."""
    single = sorted(p for p in pieces if len(p[2]) == 1 and _ONE_CJK.fullmatch(p[2]))
    found: list[tuple[int, int, str]] = []
    i = 0
    while i < len(single):
        start, end, joined = single[i]
        gap: str | None = None
        j = i + 1
        while j < len(single) and j - i < SPELLED_MAX:
            later_start, later_end, later_key = single[j]
            between = text[end:later_start]
            if later_start < end or not _LETTER_GAP.fullmatch(between):
                break
            if gap is not None and between != gap:
                break
            gap, joined, end = between, joined + later_key, later_end
            j += 1
        if j - i >= 2:
            found.append((start, end, joined))
        i = j
    return found


def clauses_at(text: str, labels: LabelMatcher) -> list[tuple[int, int]]:
    """Spans (in the NFKC form of ``text``) of the pieces that open with one of ``labels``: a
    clause or sentence set off by punctuation or a line break that begins with the words ("…
    every day. Sponsored by Glow Co, but every word is mine"), not the words inside a sentence
    ("this festival is sponsored by Nike"), nor a piece after a comma, which goes on with the
    sentence before it ("The city marathon, sponsored by Nike, closes Main St")."""
    keys = _keys(labels)
    normal = nfkc(text)
    return [
        (start, end)
        for start, end, key in tag_pieces(text)
        if any(key.startswith(k) for k in keys) and not normal[:start].rstrip().endswith(",")
    ]


def tagged_at(text: str, labels: LabelMatcher) -> list[tuple[int, int]]:
    """Spans (in the NFKC form of ``text``) where one of ``labels`` stands apart as a label:
    a hashtag or a whole piece between separators equals it (see ``tag_pieces``)."""
    keys = _keys(labels)
    found = [(start, end, key) for start, end, key in tag_pieces(text) if key in keys]
    if not found or text.isascii():
        return [(start, end) for start, end, _ in found]
    normal = nfkc(text)
    return [
        (start, end) for start, end, key in found if _piece_agrees(normal[start:end], key, labels)
    ]


def _piece_agrees(piece: str, key: str, labels: LabelMatcher) -> bool:
    """Whether a piece standing apart, whose plain key is ``key``, spells one of ``labels`` with
    agreeing diacritics (``_agrees``): "Nhận hàng |" is not the label "nhãn hàng"."""
    marked = _marked_tokens(piece)
    if "".join(_plain(token) for token in marked) != key or any(
        len(token) != len(_plain(token)) for token in marked
    ):
        return True  # the piece does not line up letter for letter: its plain form decides
    return any(
        _agrees(" ".join(marked), _label_marked_key(label))
        for label in labels.labels
        if _key(label) == key
    )


@functools.lru_cache(maxsize=256)
def _keys(labels: LabelMatcher) -> frozenset[str]:
    return frozenset(label_key(label) for label in labels.labels) - {""}


_NUMBER = r"\d{1,3}(?:[ ,.\u00a0']\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_MAGNITUDE = (
    r"(?:\s?(?:k|m|mm|mn|bn|b|thousand|million|billion|nghìn|ngàn|triệu|tr|tỷ|tỉ|千|万|百万|亿))?"
)
_SIGN = r"[$€£¥₫₩₹₽₺฿]|us\$|hk\$|nt\$|s\$|a\$|c\$|r\$|cn¥|rmb|cny|usd|vnd|eur|gbp|hkd|jpy"
_UNIT = (
    r"[$€£¥₫đ元块]|usd|us dollars?|dollars?|bucks|rmb|cny|yuan|renminbi|vnd|đồng|dong|eur|euros?"
    r"|gbp|pounds?|hkd|jpy|yen|usdt|usdc|btc|bitcoins?|eth|ether|sol|bnb|trx"
)
_AMOUNT = re.compile(
    rf"(?<![\w$€£¥₫])(?:(?:{_SIGN})\s?(?:{_NUMBER}){_MAGNITUDE}"
    rf"|(?:{_NUMBER}){_MAGNITUDE}\s?(?:{_UNIT}))(?![^\W\d_])"
)


def names_amount(text: str) -> bool:
    """Whether a text states a sum of money: a number with a currency sign or code before it
    (``$500``, ``US$500``, ``¥3,000``, ``RMB 500``) or a currency after it (``500 USD``,
    ``3.000.000₫``, ``500.000đ``, ``500元``, ``2 ETH``), with an optional magnitude
    (``$10k``, ``2 triệu đồng``, ``5万元``). A bare number ("10,000 followers") is none."""
    return _AMOUNT.search(_fold(text)) is not None
