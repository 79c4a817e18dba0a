"""Signatures of the built-in predicates: what the checker knows about them.

Their meaning is implemented in ``kolrules.evaluate.placement`` and documented in
``docs/language.md``. ``disclosure`` parameters take an element of ``disclosures``;
``duration`` parameters a fixed-length duration such as ``3 seconds``.
"""

from __future__ import annotations

import attrs


@attrs.frozen
class Signature:
    """Parameter kinds of a built-in and what it does, in one line."""

    params: tuple[str, ...]
    doc: str
    reads: tuple[str, ...] = ("kind", "text", "placement")  # disclosure fields it reads
    record_reads: tuple[str, ...] = ()  # record fields it reads, for evidence


BUILTINS: dict[str, Signature] = {
    "known": Signature(
        ("field",),
        "the field is given in the record: true when it is, false when it is absent (never "
        "unknown); for exceptions that must be shown, e.g. `unless known(x) and x == …`",
        reads=(),
        record_reads=(),
    ),
    "brand_label": Signature(
        ("disclosure", "labels"),
        "the notice joins the advertiser's (or product's) name with one of the words, however "
        'spaced or tagged: "#GlowCoPartner", "Glow Co Ambassador", "#glowco_employee"',
        reads=("text",),
        record_reads=("commercial.advertiser.name", "commercial.product.name"),
    ),
    "label_before_fold": Signature(
        ("text", "labels"),
        "one of the words is in the visible part of the caption: at its very start, or before "
        "`content.caption_fold_at`: `label_before_fold(content.caption, us_labels.accepted)`",
        reads=(),
        record_reads=("content.caption_fold_at",),
    ),
    "label_buried": Signature(
        ("text", "labels"),
        "one of the words is in the text only inside a trailing block of three or more hashtags",
        reads=(),
        record_reads=(),
    ),
    "brand_named": Signature(
        ("text", "labels"),
        "like `brand_label`, for a text field of the post: "
        "`brand_named(content.caption, us_labels.brand_words)`",
        reads=(),
        record_reads=("commercial.advertiser.name", "commercial.product.name"),
    ),
    "is_commercial": Signature(
        ("disclosure",),
        "the notice is about the commercial connection (`kind` absent or `commercial`)",
        reads=("kind",),
        record_reads=(),
    ),
    "before_fold": Signature(
        ("disclosure",),
        "visible without expanding the caption: found in the caption before "
        "`content.caption_fold_at`, or placed at `caption_start`/`title`",
        reads=("text", "placement"),
        record_reads=("content.caption", "content.caption_fold_at"),
    ),
    "in_video": Signature(
        ("disclosure",),
        "inside the video or stream itself: an `overlay` or `spoken` notice",
        reads=("placement",),
        record_reads=(),
    ),
    "starts_within": Signature(
        ("disclosure", "duration"),
        "an in-video notice that starts no later than the given time",
        reads=("placement", "start_s"),
        record_reads=(),
    ),
    "before_and_during": Signature(
        ("disclosure",),
        "present before the promotion starts and until it ends (persistent "
        "caption notices count; in-video notices by their times and repetition)",
        reads=("placement", "start_s", "end_s", "repeat_every_s"),
        record_reads=(
            "content.promotion_segments[].start_s",
            "content.promotion_segments[].end_s",
            "duration_s",
        ),
    ),
    "before_promotion": Signature(
        ("disclosure",),
        "present no later than the promotion starts (persistent caption notices "
        "count; in-video notices by their start time)",
        reads=("placement", "start_s"),
        record_reads=("content.promotion_segments[].start_s",),
    ),
    "repeated": Signature(
        ("disclosure",),
        "an in-video notice that repeats (`repeat_every_s`) or stays on for the whole duration",
        reads=("placement", "start_s", "end_s", "repeat_every_s"),
        record_reads=("duration_s",),
    ),
    "repeated_every": Signature(
        ("disclosure", "duration"),
        "an in-video notice repeating at least this often, or staying on for the whole duration",
        reads=("placement", "start_s", "end_s", "repeat_every_s"),
        record_reads=("duration_s",),
    ),
    "buried_in_hashtags": Signature(
        ("disclosure",),
        "placed in `hashtags`, or found in a trailing block of three or more "
        "hashtags at the end of the caption",
        reads=("text", "placement"),
        record_reads=("content.caption",),
    ),
}
