"""The built-in predicates of the language, each declared once beside its implementation.

``@builtin`` records a predicate's signature (parameter kinds), its doc line and example call
(``docs/language.md``'s table is generated from them), and the facts it reads (disclosure fields
and record fields, for evidence and for which presumptions matter). The checker, the compiler,
the generated code, the reference evaluator, evidence and the docs all read ``REGISTRY``.

Each predicate takes the evaluation context and its arguments (a disclosure as an ``Elem``
holding the disclosure dict and its path) and returns True, False or an ``Unknown`` naming the
facts that would decide it. ``known`` is the one built-in without a function here: it looks at
unknowns instead of deciding, so ``kolrules.runtime.kleene.known`` implements it.

Each declaration also says, as data, how to steer the built-in (``Steering``): which facts make
it true, false or unknown. ``kolrules.strategies.for_rule`` reads it to build records with a
chosen outcome, so adding a built-in with its steering touches this module alone.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, Literal, TypeVar

import attrs

from kolrules.text import (
    LabelMatcher,
    blank_out,
    clauses_at,
    find_in,
    label_key,
    nfkc,
    normalize,
    tag_pieces,
    tagged_at,
    tokens,
    trailing_hashtag_block,
)
from kolrules.text import (
    names_amount as _names_amount,
)
from kolrules.timeutil import Duration
from kolrules.values import Context, Elem, Unknown

IN_VIDEO = frozenset({"overlay", "spoken"})
#: Placements that stay visible with the content for as long as it is shown.
PERSISTENT = frozenset({"caption_start", "title"})
VISIBLE_BEFORE_FOLD = frozenset({"caption_start", "title"})
#: A trailing hashtag block "buries" a notice when it holds at least this many hashtags.
BURIED_MIN_HASHTAGS = 3


@attrs.frozen
class Shape:
    """A text for a built-in that reads labels in a text: ``text`` with ``{label}`` standing for
    the first word of the class passed (``{tag}`` for it as a hashtag), and the
    ``content.caption_fold_at`` the record gets with it: a number, None to remove it, or
    ``"keep"`` to leave it as it is."""

    text: str
    fold: int | Literal["keep"] | None = "keep"


@attrs.frozen
class Known:
    """``known``'s steering: its field given some value makes it true, removed false; it is
    never unknown."""


@attrs.frozen
class SetsField:
    """Steered by one field of the disclosure passed: ``true`` and ``false`` are values that
    make the built-in so, and removing the field leaves it unknown (unless ``never_unknown``).

    ``holds_for`` lists the values (None for absent) for which it already holds, when that
    field alone decides it, so steering can keep what is already as wanted; ``clears`` names
    record fields removed so that the field alone decides (a caption that holds the notice's
    text would decide by position instead)."""

    field: str
    true: str
    false: str
    holds_for: frozenset[str | None] = frozenset()
    never_unknown: bool = False
    clears: tuple[str, ...] = ()


@attrs.frozen
class Timed:
    """Steered by the times of an in-video notice against a promotion inside an hour-long video:
    on from the start to the end makes it true, starting after the duration argument (if any)
    false, and an absent placement unknown. ``sets_every``: the notice's ``repeat_every_s`` is
    also set to the duration argument (true) or just over it (false)."""

    sets_every: bool = False


@attrs.frozen
class Text:
    """Steered by the text passed first: a text of shape ``true`` or ``false`` makes it so;
    ``unknown`` is a shape that leaves it unknown, ``"remove"`` (an absent text does), or None
    when nothing does. A list field (``content.hashtags``) gets the text as its one item."""

    true: Shape
    false: Shape
    unknown: Shape | Literal["remove"] | None = "remove"


@attrs.frozen
class Brand:
    """Steered by a text that joins the advertiser's name with the first word of the class
    (``#GlowCoPartner``) for true and by one that does not for false; left unknown by removing
    the brand's names (``"names"``) or the text (``"text"``)."""

    unknown: Literal["names", "text"]


#: How a built-in is made true, false or unknown, one family of facts per class.
Steering = Known | SetsField | Timed | Text | Brand


@attrs.frozen
class Signature:
    """Parameter kinds of a built-in, what it does in one line, what it reads, and how to steer
    it (``Steering``)."""

    params: tuple[str, ...]
    doc: str
    reads: tuple[str, ...] = ("kind", "text", "placement")  # disclosure fields it reads
    record_reads: tuple[str, ...] = ()  # record fields it reads, for evidence
    usage: str = ""  # an example call, for the docs
    steering: Steering | None = None  # how strategies make it true, false or unknown


@attrs.frozen
class Builtin:
    """One registered built-in: its name, signature and implementation (None for ``known``)."""

    name: str
    signature: Signature
    function: Callable[..., object] | None


#: Every built-in by name, in declaration order.
REGISTRY: dict[str, Builtin] = {}

F = TypeVar("F", bound=Callable[..., object])


def builtin(
    usage: str,
    doc: str,
    *,
    params: tuple[str, ...],
    reads: tuple[str, ...],
    record_reads: tuple[str, ...],
    steering: Steering,
) -> Callable[[F], F]:
    """Register the decorated function as the built-in of its name."""

    def register(function: F) -> F:
        name = function.__name__
        signature = Signature(params, doc, reads, record_reads, usage, steering)
        REGISTRY[name] = Builtin(name, signature, None if name == "known" else function)
        return function

    return register


@builtin(
    "known(field)",
    "the field is given in the record: true when it is, false when it is absent "
    "(never unknown); for exceptions that must be shown, e.g. `unless known(x) and x "
    "== …`",
    params=("field",),
    reads=(),
    record_reads=(),
    steering=Known(),
)
def known(ctx: Context, value: object) -> bool:  # pragma: no cover - see kleene.known
    """Declared for the registry; the generated code and the evaluator call ``kleene.known``."""
    raise AssertionError("known() is evaluated by kolrules.runtime.kleene.known")


#: A label standing apart at the start of the text makes it true; a text without one false.
_LABEL = Text(true=Shape("{label} | so good"), false=Shape("so good"))
#: A label that must stand out: unknown when it stands apart further on and no fold is given.
_PROMINENT_LABEL = Text(
    true=Shape("{label} | so good"),
    false=Shape("so good"),
    unknown=Shape("so good " * 6 + "| {label}", fold=None),
)


def _unknown(*paths: str) -> Unknown:
    return Unknown(frozenset(paths))


def _field(ctx: Context, d: Elem, name: str) -> Any:
    return d.value.get(name)


@builtin(
    "is_commercial(d)",
    "the notice concerns the commercial connection (`kind` absent or `commercial`)",
    params=("disclosure",),
    reads=("kind",),
    record_reads=(),
    steering=SetsField(
        "kind",
        true="commercial",
        false="ai_generated",
        holds_for=frozenset({None, "commercial"}),
        never_unknown=True,
    ),
)
def is_commercial(ctx: Context, d: Elem) -> object:
    """The notice is about the commercial connection; an absent ``kind`` means commercial."""
    kind = _field(ctx, d, "kind")
    return kind is None or kind == "commercial"


@builtin(
    "before_fold(d)",
    'visible without tapping "more": found in the caption before '
    "`content.caption_fold_at`, or placed at `caption_start`/`title`",
    params=("disclosure",),
    reads=("text", "placement"),
    record_reads=("content.caption", "content.caption_fold_at"),
    steering=SetsField(
        "placement", true="caption_start", false="hashtags", clears=("content.caption",)
    ),
)
def before_fold(ctx: Context, d: Elem) -> object:
    """Visible without expanding the caption.

    Where the notice's text is found in the caption, its position decides against
    ``content.caption_fold_at`` (text at the very start is before any fold); otherwise the
    declared placement decides.
    """
    text = _field(ctx, d, "text")
    content = ctx.data.get("content", {})
    caption = content.get("caption")
    if text is not None and caption is not None:
        position = find_in(caption, text)
        if position >= 0:
            fold = content.get("caption_fold_at")
            if fold is None:
                # The first characters of a caption are what every app shows.
                return True if position == 0 else _unknown("content.caption_fold_at")
            return position + len(text) <= fold
    placement = _field(ctx, d, "placement")
    if placement is None:
        return _unknown(f"{d.path}.placement")
    return placement in VISIBLE_BEFORE_FOLD


#: Trailing words of a company name that a brand's own hashtags usually drop.
_COMPANY_SUFFIXES = frozenset(
    {
        "inc", "llc", "ltd", "co", "corp", "corporation", "company", "jsc", "gmbh", "plc", "sa",
        "limited", "lp", "llp", "ag", "bv", "nv", "pty", "pte", "group", "holdings", "usa", "us",
    }
)  # fmt: skip
#: Leading words a brand's short form drops ("The Honest Company" → "#HonestPartner").
_ARTICLES = frozenset({"the", "a", "an"})
#: Everyday words that do not name a brand on their own: a short form made only of them
#: ("American" of "American Beverage Association", "Beauty" of "Beauty Bay") is not accepted.
_GENERIC_WORDS = frozenset(
    {
        "my", "our", "your", "this", "new", "best", "good", "great", "big", "little", "first",
        "american", "america", "national", "global", "international", "united", "general",
        "royal", "premier", "golden", "gold", "silver", "natural", "pure", "true", "real",
        "super", "smart", "modern", "classic", "original", "free", "happy", "simple", "daily",
        "healthy", "fresh", "wild", "blue", "green", "red", "black", "white", "north", "south",
        "east", "west", "beauty", "health", "home", "outdoor", "outdoors", "sport", "sports",
        "fitness", "food", "foods", "brand", "brands", "team", "club", "shop", "store", "studio",
        "world", "life", "city", "body", "skin", "hair", "coffee", "tea", "organic",
        "digital", "tech", "media", "labs", "lab", "beverage", "drinks", "apparel", "gear",
    }
)  # fmt: skip
#: The shortest short form accepted (letters), so a first word such as "Go" is not one.
_MIN_SHORT_FORM = 4
#: The fewest letters of a brand's name in a label ("#HPpartner").
_SHORTEST_BRAND_KEY = 2
#: How many tokens a brand name plus its word may span ("Glow Co Brand Ambassador").
_MAX_SPAN = 8


@functools.lru_cache(maxsize=1024)
def _word_keys(words: LabelMatcher) -> tuple[str, ...]:
    return tuple(key for key in (label_key(word) for word in words.labels) if key)


@functools.lru_cache(maxsize=4096)
def _brand_keys(name: str) -> frozenset[str]:
    """The forms a brand's own label may give its name: the whole name, without its company
    suffix ("Glow Co" → "glow") or a leading article, and its leading words when they are
    distinctive ("Ridgeline Outdoor Co." → "ridgeline", "ridgelineoutdoor"; not "american" of
    "American Beverage Association"). Names in Chinese characters keep their whole form only."""
    words = tokens(name)
    keys = {"".join(words)}
    while len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
        keys.add("".join(words))
    while len(words) > 1 and words[-1] in _COMPANY_SUFFIXES:
        words = words[:-1]
        keys.add("".join(words))
    if all(word.isascii() for word in words):
        for end in range(1, len(words)):
            short = words[:end]
            joined = "".join(short)
            if len(joined) >= _MIN_SHORT_FORM and not all(w in _GENERIC_WORDS for w in short):
                keys.add(joined)
    return frozenset(k for k in keys if len(k) >= _SHORTEST_BRAND_KEY)


@builtin(
    "brand_named(content.caption, us_labels.brand_words)",
    "like `brand_label`, for a text field of the post: the text joins the advertiser's (or "
    "product's) name with one of the words; with neither name given, an account the post tags "
    "(`content.mentions`, an `@handle` in the text) counts as the brand: `#GlowCoPartner … "
    "@glowco`; a word opening a hashtag of its own joins no brand (`@glowco #partner`)",
    params=("text", "labels"),
    reads=(),
    record_reads=("commercial.advertiser.name", "commercial.product.name", "content.mentions"),
    steering=Brand(unknown="text"),
)
def brand_named(ctx: Context, text: str | list[str] | Elem, words: LabelMatcher) -> object:
    """The text joins a brand's name with one of ``words`` ("#GlowCoPartner").

    The brand is ``commercial.advertiser.name`` (or ``commercial.product.name``); the match
    ignores case, spaces, ``#``/``@``, ``_`` and ``-``, starts at a word and may continue into a
    longer hashtag ("#XYZcontestentry"). A text holding none of the words is false whatever the
    brand; otherwise an unknown brand leaves it unknown, unless the label joins the word with
    an account the post tags (``content.mentions``, an ``@handle`` in the text): "#GlowCoPartner
    … @glowco" names its brand. A list (``content.hashtags``) is read item by item, and in a text
    a label never runs on into the next hashtag, so two neighbouring hashtags never join into one
    label ("@glowco #partner", "#GlowCo #Partner").
    """
    return _brand_named(ctx, text, words, None, tags=True)


def _brand_named(
    ctx: Context,
    text: str | list[str] | Elem,
    words: LabelMatcher,
    outside: LabelMatcher | None,
    *,
    tags: bool,
) -> object:
    def one(item: str) -> object:
        starts = _brand_starts(ctx, item, words, outside, tags=tags)
        return starts if isinstance(starts, Unknown) else bool(starts)

    return _each_text(ctx, text, one)


def _brand_starts(
    ctx: Context,
    text: str,
    words: LabelMatcher,
    outside: LabelMatcher | None = None,
    *,
    tags: bool = False,
) -> list[int] | Unknown:
    """The token positions where ``text`` joins a brand's name with one of ``words`` (see
    ``brand_named``); unknown when the text holds one of the words after its first letters and
    no brand is named. With ``outside``, every occurrence of those phrases is blanked out first
    (``brand_named_outside``)."""
    normal = normalize(text)  # the cached normal form: a long caption is read once
    parts = (normal if outside is None else blank_out(normal, outside)).split()
    joined = "".join(parts)
    keys = _word_keys(words)
    # A brand's name comes before its word in one label, so a word only at the text's very start
    # ("#ambassador for @ridgeline") or opening a hashtag of its own ("@ridgeline #partner", the
    # 2017 letters' unclear "#partner") joins no brand, whatever the brand is.
    breaks = _hashtag_starts(text)
    offsets = _offsets(parts)
    closed = {offsets[i] for i in breaks if i < len(parts)}
    if not any(_joinable(joined, key, closed) for key in keys):
        return []
    commercial = ctx.data.get("commercial", {})
    given = (commercial.get("advertiser", {}), commercial.get("product", {}))
    names = [part.get("name") for part in given if part.get("name")]
    if names:
        return _composite_starts(parts, names, keys, breaks)
    # No brand is named: a label joining the word with an account the post tags names its brand
    # ("#GlowCoPartner … @glowco"); any other stays open (the brand may be one it does not tag).
    tagged = _tagged_accounts(ctx, text) if tags else []
    found = _composite_starts(parts, tagged, keys, breaks) if tagged else []
    return found or _unknown("commercial.advertiser.name")


_HASHTAG_START = re.compile(r"#(?=[^\W_])")


def _hashtag_starts(text: str) -> frozenset[int]:
    """The token positions of ``text`` where a hashtag begins ("@ridgeline #partner" → {1})."""
    form = nfkc(text)
    if "#" not in form:
        return frozenset()
    return frozenset(len(tokens(form[: m.start()])) for m in _HASHTAG_START.finditer(form))


def _offsets(parts: list[str]) -> list[int]:
    """Where each token starts in the tokens joined without spaces."""
    found, at = [], 0
    for part in parts:
        found.append(at)
        at += len(part)
    return found


def _joinable(joined: str, key: str, closed: set[int]) -> bool:
    """``key`` occurs after the text's first letters other than at a hashtag's start."""
    at = joined.find(key, _SHORTEST_BRAND_KEY)
    while at != -1:
        if at not in closed:
            return True
        at = joined.find(key, at + 1)
    return False


def _composite_starts(
    parts: list[str], names: list[str], keys: tuple[str, ...], breaks: frozenset[int] = frozenset()
) -> list[int]:
    """The token positions where a brand's name and one of the words make one label; a label
    never runs on into the next hashtag ("#GlowCo #Partner" is two tags)."""
    composites = {brand + key for name in names for brand in _brand_keys(name) for key in keys}
    found = []
    for start in range(len(parts)):
        end = min(
            [start + _MAX_SPAN, *(b for b in breaks if start < b < start + _MAX_SPAN)]
        )
        if any("".join(parts[start:end]).startswith(c) for c in composites):
            found.append(start)
    return found


_HANDLE = re.compile(r"@([\w.]+)")


def _tagged_accounts(ctx: Context, text: str) -> list[str]:
    """The accounts a post tags, as brand names: ``content.mentions`` and the ``@handles`` in
    ``text`` ("@glow.co" → "glow co")."""
    mentions = ctx.data.get("content", {}).get("mentions") or []
    handles = [str(m) for m in mentions] + _HANDLE.findall(nfkc(text))
    return [h.lstrip("@").replace(".", " ").replace("_", " ").strip() for h in handles if h]


@builtin(
    "brand_named_outside(content.caption, us_labels.brand_words, us_labels.not_brand_labels)",
    "like `brand_named`, outside every occurrence of the phrases: `Paid partnership with "
    "glowco` holds `partner` only inside `paid partnership`, so it is no `[Brand]Partner` "
    "label whatever the brand (false with no brand named); `#GlowCoPartner` beside it still is",
    params=("text", "labels", "labels"),
    reads=(),
    record_reads=("commercial.advertiser.name", "commercial.product.name", "content.mentions"),
    steering=Brand(unknown="text"),
)
def brand_named_outside(
    ctx: Context, text: str | list[str] | Elem, words: LabelMatcher, phrases: LabelMatcher
) -> object:
    """``brand_named`` once every occurrence of ``phrases`` is blanked out: a phrase that holds
    one of the words for another use ("paid partnership") neither makes a brand label nor, when
    no brand is named, leaves the text open."""
    return _brand_named(ctx, text, words, phrases, tags=True)


@builtin(
    "brand_prominent(content.caption, us_labels.brand_words)",
    "like `brand_named`, where viewers cannot miss it: the brand-named label opens the caption "
    "or comes before `content.caption_fold_at`, and not only inside a trailing block of three "
    "or more hashtags",
    params=("text", "labels"),
    reads=(),
    record_reads=(
        "commercial.advertiser.name",
        "commercial.product.name",
        "content.mentions",
        "content.caption_fold_at",
    ),
    steering=Brand(unknown="text"),
)
def brand_prominent(ctx: Context, text: str, words: LabelMatcher) -> object:
    """A brand-named label ("Ridgeline gave me these boots to try", "#GlowCoPartner") in the
    caption ``text`` where viewers cannot miss it: at its start (what every app shows) or before
    ``content.caption_fold_at``, not only in a trailing block of hashtags. False when the caption
    holds none; unknown when the brand is not named, or the label is further on and the fold is
    not given."""
    start, count = trailing_hashtag_block(text)
    head = text[:start] if count >= BURIED_MIN_HASHTAGS else text
    starts = _brand_starts(ctx, head, words, tags=True)
    if isinstance(starts, Unknown) or not starts:
        return starts if isinstance(starts, Unknown) else False
    if starts[0] == 0:
        return True
    fold = ctx.data.get("content", {}).get("caption_fold_at")
    if fold is None:
        return _unknown("content.caption_fold_at")
    return brand_named(ctx, text[:fold], words)


@builtin(
    "brand_label(d, us_labels.brand_words)",
    "the notice joins the advertiser's (or product's) name with one of the class's "
    "words, however spaced or tagged: `#GlowCoPartner`, `Glow Co Ambassador`, "
    "`#glowco_employee`, `#XYZcontestentry`; undetermined when neither name is given "
    "(a text with none of the words is false whatever the brand)",
    params=("disclosure", "labels"),
    reads=("text",),
    record_reads=("commercial.advertiser.name", "commercial.product.name"),
    steering=Brand(unknown="names"),
)
def brand_label(ctx: Context, d: Elem, words: LabelMatcher) -> object:
    """``brand_named`` on a disclosure's text, against the named brand only."""
    text = _field(ctx, d, "text")
    if text is None:
        return _unknown(f"{d.path}.text")
    return _brand_named(ctx, text, words, None, tags=False)


@builtin(
    "label_before_fold(content.caption, us_labels.accepted)",
    "one of the words is in the visible part of the caption: at its very start, or before "
    "`content.caption_fold_at`",
    params=("text", "labels"),
    reads=(),
    record_reads=("content.caption_fold_at",),
    steering=Text(
        true=Shape("{label} so good"),
        false=Shape("so good " * 12 + "{label}", fold=20),
        unknown=Shape("so good " * 6 + "{label}", fold=None),
    ),
)
def label_before_fold(ctx: Context, text: str, words: LabelMatcher) -> object:
    """One of ``words`` is in the visible part of the caption ``text``: at its very start (what
    every app shows) or before ``content.caption_fold_at``. False when the text holds none of
    them; unknown when one is only further on and the fold is not given.
    """
    normal = normalize(text)
    if words.search(normal) is None:
        return False
    if words.opens(normal):  # the first words of the caption
        return True
    fold = ctx.data.get("content", {}).get("caption_fold_at")
    if fold is None:
        return _unknown("content.caption_fold_at")
    return words.search(normalize(text[:fold])) is not None


@builtin(
    "label_buried(content.caption, us_labels.accepted)",
    "one of the words is in the text only inside a trailing block of three or more hashtags",
    params=("text", "labels"),
    reads=(),
    record_reads=(),
    steering=Text(
        true=Shape("so good #one #two {tag}"), false=Shape("{label} so good"), unknown=None
    ),
)
def label_buried(ctx: Context, text: str, words: LabelMatcher) -> object:
    """One of ``words`` is in ``text`` only inside a trailing block of three or more hashtags
    (where viewers skip it), not before it."""
    start, count = trailing_hashtag_block(text)
    block = normalize(text[start:])
    if count < BURIED_MIN_HASHTAGS or words.search(block) is None:
        return False
    # The block's tokens end the text's normal form, so what precedes them is its prefix (read
    # from the cached normal form of the whole text: a long caption is normalized once).
    whole = normalize(text)
    return words.search(whole[: len(whole) - len(block) + 1]) is None


def _each_text(
    ctx: Context, text: str | list[str] | Elem, test: Callable[[str], object]
) -> object:
    """``test`` on one text, or on each item of a list (``content.hashtags``): true when one
    item is, else the first unknown, else false. Items are read apart, so two neighbouring
    hashtags never join into one label."""
    if isinstance(text, Elem):  # the reference evaluator hands a list over with its path
        text = text.value
    if not isinstance(text, list):
        return test(str(text))
    found = [test(str(item)) for item in text]
    if any(f is True for f in found):
        return True
    unknown = [f for f in found if isinstance(f, Unknown)]
    return unknown[0] if unknown else False


@builtin(
    "label_outside(content.caption, cn_labels.accepted, cn_labels.other_uses)",
    "one of the words is in the text outside every occurrence of the phrases: "
    "`广告｜… 广告合作请私信` holds `广告` outside the contact line; "
    "`广告合作请私信` alone does not",
    params=("text", "labels", "labels"),
    reads=(),
    record_reads=(),
    steering=_LABEL,
)
def label_outside(
    ctx: Context, text: str | list[str] | Elem, words: LabelMatcher, phrases: LabelMatcher
) -> object:
    """One of ``words`` is in the text once every occurrence of ``phrases`` is blanked out, so a
    phrase that holds a label's word for another use (a contact line, an ad blocker) neither
    counts as the label nor hides a real label beside it."""
    return _each_text(
        ctx, text, lambda one: words.search(blank_out(normalize(one), phrases)) is not None
    )


@builtin(
    "tagged(d.text, us_labels.tags)",
    "one of the words stands apart as a label: a hashtag (`#ad`), the whole text or line, in "
    "brackets (`[Ad]`) or set off by punctuation (`Ad: …`, `… | ad`); not a word inside a "
    'sentence ("the new ad drops Friday")',
    params=("text", "labels"),
    reads=(),
    record_reads=(),
    steering=_LABEL,
)
def tagged(ctx: Context, text: str | list[str] | Elem, words: LabelMatcher) -> object:
    """One of ``words`` stands apart as a label in the text (``text.tag_pieces``)."""
    return _each_text(ctx, text, lambda one: bool(tagged_at(one, words)))


@builtin(
    "tag_prominent(content.caption, us_labels.tags)",
    "like `label_before_fold` and not `label_buried` together, for words that count only "
    "when they stand apart (`tagged`): the first one is at the caption's start or before "
    "`content.caption_fold_at`, and not only inside a trailing block of three or more hashtags",
    params=("text", "labels"),
    reads=(),
    record_reads=("content.caption_fold_at",),
    steering=_PROMINENT_LABEL,
)
def tag_prominent(ctx: Context, text: str, words: LabelMatcher) -> object:
    """The caption ``text`` sets one of ``words`` apart where viewers cannot miss it. False when
    it does so nowhere, or only in a trailing block of hashtags; unknown when the first one is
    further on than the start and the fold is not given."""
    return _prominent(ctx, text, tagged_at(text, words))


#: Whitespace between two pieces of a text that a spaced-out label ("广 告") runs across.
_ONLY_SPACE = re.compile(r"\s*")


def _apart_spans(text: str, words: LabelMatcher) -> list[tuple[int, int]]:
    """Spans (in the NFKC form of ``text``) where one of ``words`` stands apart (``tagged_at``),
    also typed with spaces between its letters: "【广 告】" is split at the space beside a Chinese
    letter into the pieces "广" and "告", whose run makes the label."""
    spans = tagged_at(text, words)
    keys = frozenset(label_key(label) for label in words.labels) - {""}
    longest = max(map(len, keys), default=0)
    folded = nfkc(text)
    pieces = [p for p in tag_pieces(text) if not folded[p[0] :].startswith(("#", "＃"))]
    for i, (start, end, key) in enumerate(pieces):
        joined = key
        for later_start, later_end, later_key in pieces[i + 1 :]:
            if not _ONLY_SPACE.fullmatch(folded[end:later_start]) or len(joined) >= longest:
                break
            joined += later_key
            end = later_end
            if joined in keys:
                spans.append((start, end))
                break
    return sorted(set(spans))


@builtin(
    "set_apart(content.caption, cn_labels.accepted)",
    "like `tagged`, also for a label typed with spaces between its letters: `【广 告】`, "
    "`广　告｜…` (a space beside a Chinese letter otherwise sets words apart)",
    params=("text", "labels"),
    reads=(),
    record_reads=(),
    steering=_LABEL,
)
def set_apart(ctx: Context, text: str | list[str] | Elem, words: LabelMatcher) -> object:
    """One of ``words`` stands apart as a label in the text, its letters spaced out or not."""
    return _each_text(ctx, text, lambda one: bool(_apart_spans(one, words)))


#: A label seen unless it only ends a trailing block of hashtags behind the fold.
_SHOWN_LABEL = Text(
    true=Shape("so good | {label} | so good"),
    false=Shape("so good"),
    unknown=Shape("so good #one #two {tag}", fold=None),
)


@builtin(
    "tag_shown(content.caption, cn_labels.accepted)",
    "like `set_apart`, where viewers meet it: one of the words stands apart outside a trailing "
    "block of three or more hashtags, or inside one and before `content.caption_fold_at`; "
    "unknown when it stands apart only in such a block and the fold is not given",
    params=("text", "labels"),
    reads=(),
    record_reads=("content.caption_fold_at",),
    steering=_SHOWN_LABEL,
)
def tag_shown(ctx: Context, text: str, words: LabelMatcher) -> object:
    """The caption ``text`` sets one of ``words`` apart where viewers meet it: anywhere outside
    a trailing block of hashtags, or, when it does so only inside one, before the fold (the
    block of a short caption is seen without tapping "more"). Unlike ``tag_prominent``, a label
    further on in the caption's own text counts whatever the fold."""
    spans = _apart_spans(text, words)
    if not spans:
        return False
    folded = nfkc(text)
    block, count = trailing_hashtag_block(folded)
    if count < BURIED_MIN_HASHTAGS or any(start < block for start, _ in spans):
        return True
    first, end = spans[0]
    if not folded[:first].strip():
        return True
    fold = ctx.data.get("content", {}).get("caption_fold_at")
    if fold is None:
        return _unknown("content.caption_fold_at")
    return end <= fold


@builtin(
    "clause_opens(content.caption, us_labels.openers)",
    "one of the words opens a clause or sentence of the text (its start, or right after "
    "punctuation or a line break): `… every day. Sponsored by Glow Co, but …`; not the words "
    "inside a sentence (`this festival is sponsored by Nike`)",
    params=("text", "labels"),
    reads=(),
    record_reads=(),
    steering=_LABEL,
)
def clause_opens(ctx: Context, text: str | list[str] | Elem, words: LabelMatcher) -> object:
    """One of ``words`` opens a piece of the text (``text.clauses_at``)."""
    return _each_text(ctx, text, lambda one: bool(clauses_at(one, words)))


@builtin(
    "clause_prominent(content.caption, us_labels.openers)",
    "like `tag_prominent`, for words that open a clause (`clause_opens`): the first such clause "
    "is at the caption's start or before `content.caption_fold_at`, and not only inside a "
    "trailing block of three or more hashtags",
    params=("text", "labels"),
    reads=(),
    record_reads=("content.caption_fold_at",),
    steering=_PROMINENT_LABEL,
)
def clause_prominent(ctx: Context, text: str, words: LabelMatcher) -> object:
    """The caption ``text`` has a clause opening with one of ``words`` where viewers cannot miss
    it (see ``tag_prominent``)."""
    return _prominent(ctx, text, clauses_at(text, words))


def _prominent(ctx: Context, text: str, spans: list[tuple[int, int]]) -> object:
    """Whether the first of ``spans`` (label spans in the NFKC form of the caption ``text``) is
    where viewers cannot miss it: at the start or before the fold, not only in a trailing block of
    hashtags."""
    if not spans:
        return False
    folded = nfkc(text)
    block, count = trailing_hashtag_block(folded)
    if count >= BURIED_MIN_HASHTAGS and all(start >= block for start, _ in spans):
        return False
    first, end = spans[0]
    if not folded[:first].strip():  # the first words of the caption, which every app shows
        return True
    fold = ctx.data.get("content", {}).get("caption_fold_at")
    if fold is None:
        return _unknown("content.caption_fold_at")
    return end <= fold


@builtin(
    "opens_with(content.transcript, vn_labels.accepted)",
    "the text begins with one of the words (its first words, whatever precedes them is "
    "punctuation): a transcript that opens with the notice was heard before anything else",
    params=("text", "labels"),
    reads=(),
    record_reads=(),
    steering=_LABEL,
)
def opens_with(ctx: Context, text: str, words: LabelMatcher) -> object:
    """The first tokens of ``text`` are one of ``words``."""
    return words.opens(normalize(text))


# A sentence ends at a full stop, "!", "?", an ellipsis or a line break (also in CJK forms).
_SENTENCE_END = re.compile(r"[.!?…\n。！？]")


@builtin(
    "opening_sentence_says(content.transcript, vn_labels.accepted)",
    "one of the words is in the text's first sentence (up to the first `.`, `!`, `?`, `…` or "
    'line break): a spoken notice after a greeting ("Xin chào các bạn, video này được tài '
    'trợ bởi …"), said before the product is presented',
    params=("text", "labels"),
    reads=(),
    record_reads=(),
    steering=_LABEL,
)
def opening_sentence_says(ctx: Context, text: str, words: LabelMatcher) -> object:
    """One of ``words`` is in the first sentence of ``text`` that holds a word (leading
    punctuation such as "..." starts no sentence)."""
    pieces = (piece for piece in _SENTENCE_END.split(text) if any(c.isalnum() for c in piece))
    first = next(pieces, "")
    return words.search(normalize(first)) is not None


@builtin(
    "names_amount(d.text)",
    "the text states a sum of money: a number with a currency sign, code or word "
    "(`$500`, `US$500`, `500 USD`, `¥3,000`, `500.000đ`, `5万元`, `2 ETH`); a bare number is none",
    params=("text",),
    reads=(),
    record_reads=(),
    steering=Text(true=Shape("paid $500"), false=Shape("so good")),
)
def names_amount(ctx: Context, text: str | list[str] | Elem) -> object:
    """A sum of money in the text (``text.names_amount``)."""
    return _each_text(ctx, text, _names_amount)


# An account tag: "@" opening a handle, not inside a word or an e-mail address ("me@mail.com").
_ACCOUNT_TAG = re.compile(r"(?<![\w.@])@[^\W_]")


def _tags_account(text: str) -> bool:
    return _ACCOUNT_TAG.search(nfkc(text)) is not None


@builtin(
    "tags_account(content.caption)",
    "the text tags an account with an `@handle` (`use my code at @ridgeline`); an e-mail "
    "address (`me@mail.com`) is none",
    params=("text",),
    reads=(),
    record_reads=(),
    steering=Text(true=Shape("so good @brand"), false=Shape("so good")),
)
def tags_account(ctx: Context, text: str | list[str] | Elem) -> object:
    """An ``@handle`` in the text (``content.mentions`` is the record's own list of them)."""
    return _each_text(ctx, text, _tags_account)


@builtin(
    "in_video(d)",
    "on screen (`overlay`) or `spoken` in the video or stream itself",
    params=("disclosure",),
    reads=("placement",),
    record_reads=(),
    steering=SetsField("placement", true="overlay", false="description", holds_for=IN_VIDEO),
)
def in_video(ctx: Context, d: Elem) -> object:
    """Inside the video or stream itself: on screen or spoken."""
    placement = _field(ctx, d, "placement")
    if placement is None:
        return _unknown(f"{d.path}.placement")
    return placement in IN_VIDEO


@builtin(
    "starts_within(d, 3 seconds)",
    "an in-video notice starting within that time (for policy rules: no law sets such a number)",
    params=("disclosure", "duration"),
    reads=("placement", "start_s"),
    record_reads=(),
    steering=Timed(),
)
def starts_within(ctx: Context, d: Elem, limit: Duration) -> object:
    """An in-video notice starting no later than ``limit`` after the start."""
    inside = in_video(ctx, d)
    if inside is not True:
        return inside
    start = _field(ctx, d, "start_s")
    if start is None:
        return _unknown(f"{d.path}.start_s")
    return start <= limit.seconds()


def _promotion(ctx: Context) -> tuple[float, float] | Unknown | None:
    """The span promoted: the segments' hull, else the whole duration; None if not promoted."""
    content = ctx.data.get("content", {})
    segments = content.get("promotion_segments")
    if segments is not None:
        if not segments:
            return None
        starts = [s.get("start_s") for s in segments]
        ends = [s.get("end_s") for s in segments]
        missing = [
            f"content.promotion_segments[{i}].start_s" for i, v in enumerate(starts) if v is None
        ]
        missing += [
            f"content.promotion_segments[{i}].end_s" for i, v in enumerate(ends) if v is None
        ]
        if missing:
            return _unknown(*missing)
        return min(starts), max(ends)
    duration = ctx.data.get("duration_s")
    if duration is None:
        return _unknown("content.promotion_segments", "duration_s")
    return 0.0, float(duration)


def _covers(ctx: Context, d: Elem, start: float, end: float) -> object:
    """An in-video notice present at ``start`` and until ``end`` (by span or repetition)."""
    first = _field(ctx, d, "start_s")
    if first is None:
        return _unknown(f"{d.path}.start_s")
    if first > start:
        return False
    if _field(ctx, d, "repeat_every_s") is not None:
        return True
    last = _field(ctx, d, "end_s")
    if last is None:
        return _unknown(f"{d.path}.end_s", f"{d.path}.repeat_every_s")
    return last >= end


def _timed(ctx: Context, d: Elem) -> object:
    """True for persistent notices, False for ones outside the video, None when its timing
    decides (an overlay or spoken notice), or Unknown without a placement."""
    placement = _field(ctx, d, "placement")
    if placement is None:
        return _unknown(f"{d.path}.placement")
    if placement in PERSISTENT:
        return True
    return None if placement in IN_VIDEO else False


@builtin(
    "before_and_during(d)",
    "present when the promotion starts and until it ends, by its times or repetition; "
    "caption-start and title notices count as persistent",
    params=("disclosure",),
    reads=("placement", "start_s", "end_s", "repeat_every_s"),
    record_reads=(
        "content.promotion_segments[].start_s",
        "content.promotion_segments[].end_s",
        "duration_s",
    ),
    steering=Timed(),
)
def before_and_during(ctx: Context, d: Elem) -> object:
    """Present when the promotion starts and until it ends."""
    decided = _timed(ctx, d)
    if decided is not None:
        return decided
    span = _promotion(ctx)
    if span is None or isinstance(span, Unknown):
        return True if span is None else span
    return _covers(ctx, d, *span)


@builtin(
    "before_promotion(d)",
    "present no later than the product promotion starts "
    "(`content.promotion_segments`, else the start)",
    params=("disclosure",),
    reads=("placement", "start_s"),
    record_reads=("content.promotion_segments[].start_s",),
    steering=Timed(),
)
def before_promotion(ctx: Context, d: Elem) -> object:
    """Present no later than the promotion starts (persistent notices always are)."""
    decided = _timed(ctx, d)
    if decided is not None:
        return decided
    segments = ctx.data.get("content", {}).get("promotion_segments")
    if segments is not None and not segments:
        return True  # nothing is promoted inside the content
    span = _promotion(ctx) if segments is not None else (0.0, 0.0)
    if isinstance(span, Unknown) or span is None:
        return span if span is not None else True
    first = _field(ctx, d, "start_s")
    if first is None:
        return _unknown(f"{d.path}.start_s")
    return first <= span[0]


@builtin(
    "repeated(d)",
    "an in-video notice that repeats (`repeat_every_s`) or stays on for the whole `duration_s`",
    params=("disclosure",),
    reads=("placement", "start_s", "end_s", "repeat_every_s"),
    record_reads=("duration_s",),
    steering=Timed(),
)
def repeated(ctx: Context, d: Elem) -> object:
    """An in-video notice that repeats, or stays on for the whole duration."""
    inside = in_video(ctx, d)
    if inside is not True:
        return inside
    if _field(ctx, d, "repeat_every_s") is not None:
        return True
    duration = ctx.data.get("duration_s")
    if duration is None:
        return _unknown("duration_s", f"{d.path}.repeat_every_s")
    return _covers(ctx, d, 0.0, float(duration))


@builtin(
    "repeated_every(d, 15 minutes)",
    "repeating at least that often, or on for the whole duration",
    params=("disclosure", "duration"),
    reads=("placement", "start_s", "end_s", "repeat_every_s"),
    record_reads=("duration_s",),
    steering=Timed(sets_every=True),
)
def repeated_every(ctx: Context, d: Elem, interval: Duration) -> object:
    """An in-video notice repeating at least every ``interval``, or on for the whole duration."""
    inside = in_video(ctx, d)
    if inside is not True:
        return inside
    every = _field(ctx, d, "repeat_every_s")
    if every is not None:
        return every <= interval.seconds()
    duration = ctx.data.get("duration_s")
    if duration is None:
        return _unknown("duration_s", f"{d.path}.repeat_every_s")
    start, end = _field(ctx, d, "start_s"), _field(ctx, d, "end_s")
    if start is None or end is None:
        return _unknown(f"{d.path}.repeat_every_s")
    return start <= 0 and end >= duration


@builtin(
    "buried_in_hashtags(d)",
    "placed in `hashtags`, or found in a trailing block of three or more hashtags "
    "ending the caption",
    params=("disclosure",),
    reads=("text", "placement"),
    record_reads=("content.caption",),
    steering=SetsField(
        "placement", true="hashtags", false="caption_start", clears=("content.caption",)
    ),
)
def buried_in_hashtags(ctx: Context, d: Elem) -> object:
    """Placed in a trailing hashtag block (declared, or found there in the caption)."""
    placement = _field(ctx, d, "placement")
    if placement == "hashtags":
        return True
    text = _field(ctx, d, "text")
    caption = ctx.data.get("content", {}).get("caption")
    if text is not None and caption is not None:
        position = find_in(caption, text)
        if position >= 0:
            start, count = trailing_hashtag_block(caption)
            return position >= start and count >= BURIED_MIN_HASHTAGS
    if placement is None:
        return _unknown(f"{d.path}.placement")
    return False


@builtin(
    "said_again(content.transcript, us_labels.accepted)",
    "the words occur at least twice in the text (a sponsor named again later in a "
    "stream's transcript)",
    params=("text", "labels"),
    reads=(),
    record_reads=(),
    steering=Text(true=Shape("{label} so good {label}"), false=Shape("so good")),
)
def said_again(ctx: Context, text: str | list[str], words: LabelMatcher) -> object:
    """``words`` occur at least twice in ``text`` (the same label or two of the class): a
    notice repeated in a transcript that a record gives without a list of timed notices."""
    if words.pattern is None:
        return False
    whole = " ".join(text) if isinstance(text, list) else text
    found = words.pattern.finditer(normalize(whole))
    return next(found, None) is not None and next(found, None) is not None


#: The implementations by name (every built-in but ``known``).
PREDICATES: dict[str, Callable[..., object]] = {
    name: entry.function for name, entry in REGISTRY.items() if entry.function is not None
}
#: The signatures by name (every built-in).
BUILTINS: dict[str, Signature] = {name: entry.signature for name, entry in REGISTRY.items()}


def markdown_table() -> str:
    """The predicates table of ``docs/language.md`` (every built-in but ``known``, which has a
    section of its own)."""
    lines = ["| predicate | true when |", "|---|---|"]
    for name, entry in REGISTRY.items():
        if name != "known":
            lines.append(f"| `{entry.signature.usage}` | {entry.signature.doc} |")
    return "\n".join(lines) + "\n"
