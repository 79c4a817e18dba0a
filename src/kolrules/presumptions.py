"""Presumptions and assumptions: values that stand in for facts a record does not give.

Three sources, applied in this order to each jurisdiction's view of a record, the first one
for a path winning:

1. **assumptions** a user states for a data source (``--assume published_by=kol``);
2. **presumptions** a rule pack declares (``presume published_by = "kol" { … }``);
3. the engine's **platform defaults** (the spec's dated per-platform caption fold).

A value the record gives always wins: a presumption only fills an absent field. The record's own
data is never changed; each view gets a copy that shares every untouched branch.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from kolrules import ir
from kolrules.errors import RecordError, UsageError
from kolrules.findings import Presumed
from kolrules.program import CompiledPresumption
from kolrules.records import validate
from kolrules.schema import walk
from kolrules.values import Context

#: Characters of a caption shown before "more", by platform: conservative readings of what the
#: apps showed on a phone in 2026 (industry observation, not law; a record's own
#: ``content.caption_fold_at`` always wins, and strict-evidence mode turns these off).
FOLD_DEFAULTS_2026: Mapping[str, int] = {
    "instagram": 125,
    "facebook": 125,
    "threads": 125,
    "tiktok": 100,
    "douyin": 100,
    "youtube": 100,
    "linkedin": 140,
    "xiaohongshu": 100,
}
#: The ``by`` of a finding's presumed value that came from the platform table below.
PLATFORM_DEFAULT = "kolrules platform default (2026)"
_FOLD_REASON = (
    "{platform}'s usual caption fold of {chars} characters as seen in 2026 (a platform "
    "default, not law)"
)


_AUDIENCE_REASON = (
    "the record does not say where the post is seen; a KOL's audience is presumed to be in the "
    "KOL's own country (`kol.country`)"
)


def platform_defaults() -> tuple[CompiledPresumption, ...]:
    """The built-in presumptions: the KOL's own country as the audience, and one caption-fold
    default per platform in the table."""
    audience = CompiledPresumption(
        ("audience", "countries"),
        [],
        None,
        _AUDIENCE_REASON,
        (),
        "kolrules default: audience in the KOL's country",
        value_from=("kol", "country"),
    )
    folds = tuple(
        CompiledPresumption(
            ("content", "caption_fold_at"),
            chars,
            ir.Compare("==", ir.Path(None, ("platform",)), ir.Const(platform)),
            _FOLD_REASON.format(platform=platform, chars=chars),
            (),
            PLATFORM_DEFAULT,
        )
        for platform, chars in FOLD_DEFAULTS_2026.items()
    )
    return (audience, *folds)


def _get(data: Mapping[str, Any], path: tuple[str, ...]) -> object:
    value: Any = data
    for step in path:
        # type() first: records are plain dicts, and the ABC check costs ten times more.
        if type(value) is not dict and not isinstance(value, Mapping):
            return None
        value = value.get(step)
    return value


def _set(data: Mapping[str, Any], path: tuple[str, ...], value: object) -> dict[str, Any]:
    """A copy of ``data`` with ``path`` set, copying only the dicts along the path."""
    out = dict(data)
    head, *rest = path
    if rest:
        inner = out.get(head)
        out[head] = _set(inner if isinstance(inner, Mapping) else {}, tuple(rest), value)
    else:
        out[head] = value
    return out


def normalized_value(presumption: CompiledPresumption) -> object:
    """The presumed value as validation would store it (dates parsed, for example)."""
    raw: dict[str, Any] = _set(
        {"id": "presumption", "published_at": "2000-01-01T00:00:00Z"},
        presumption.path,
        presumption.value,
    )
    shown = json.dumps(presumption.value, ensure_ascii=False)
    try:
        record = validate(raw, strict=True)
    except RecordError as error:
        raise UsageError(
            f"{presumption.source}: the value {shown} does not fit "
            f"`{presumption.dotted}`: {error.issues[0]}"
        ) from None
    if record.warnings:  # an unlisted value on an open list: a typo must not pass silently
        raise UsageError(
            f"{presumption.source}: the value {shown} for `{presumption.dotted}`: "
            f"{record.warnings[0].message}"
        )
    return _get(record.data, presumption.path)


def apply(
    data: Mapping[str, Any],
    presumptions: Iterable[tuple[CompiledPresumption, object]],
    context: Context,
    condition: Callable[[ir.Node, Context], object],
) -> tuple[Mapping[str, Any], tuple[Presumed, ...]]:
    """Fill the absent fields that ``presumptions`` (each with its normalized value) cover.

    Returns the data the rules see and what was presumed, in order. A ``when`` condition is
    evaluated on the data as filled so far and must be known to hold; ``condition`` gives its
    three-valued truth (the engine passes generated code, ``kolrules.testing`` the reference
    evaluator).
    """
    current = data
    applied: list[Presumed] = []
    done: set[tuple[str, ...]] = set()
    for presumption, value in presumptions:
        if presumption.path in done or _get(current, presumption.path) is not None:
            continue
        if presumption.value_from:
            source = _get(current, presumption.value_from)
            if source is None:
                continue
            value = [source] if isinstance(presumption.value, list) else source
        if presumption.when is not None:
            context.data = current
            context.derived = {}
            if condition(presumption.when, context) is not True:
                continue
        current = _set(current, presumption.path, value)
        done.add(presumption.path)
        applied.append(
            Presumed(presumption.dotted, value, presumption.source, presumption.reason or None)
        )
    return current, tuple(applied)


def parse_assumption(text: str) -> CompiledPresumption:
    """``PATH=VALUE`` from the command line: VALUE is JSON, or a bare word taken as a string.

    Raises ``UsageError`` naming the problem (unknown field, value that does not fit).
    """
    path_text, sep, value_text = text.partition("=")
    path_text = path_text.strip()
    if not sep or not path_text:
        raise UsageError(f"--assume {text!r}: expected PATH=VALUE, e.g. published_by=kol")
    known = {p for p, _ in walk()}
    if path_text not in known or "[" in path_text:
        from kolrules.diagnostics import closest

        hint = closest(path_text, known)
        raise UsageError(
            f"--assume {text!r}: `{path_text}` is not a field of the record format"
            + (f"; did you mean `{hint}`?" if hint else "")
        )
    try:
        value: object = json.loads(value_text)
    except json.JSONDecodeError:
        value = value_text.strip()
    return CompiledPresumption(
        tuple(path_text.split(".")),
        value,
        None,
        "assumed by the user for this data source",
        (),
        "--assume",
    )


def assumptions(given: Mapping[str, object] | Iterable[str]) -> tuple[CompiledPresumption, ...]:
    """Assumptions from a mapping ``{"published_by": "kol"}`` or ``PATH=VALUE`` strings."""
    if isinstance(given, Mapping):
        return tuple(
            CompiledPresumption(
                tuple(str(path).split(".")),
                value,
                None,
                "assumed by the user for this data source",
                (),
                "assume",
            )
            for path, value in given.items()
        )
    if isinstance(given, str):
        raise UsageError('assume must be a mapping or a list of "PATH=VALUE" strings')
    return tuple(parse_assumption(text) for text in given)
