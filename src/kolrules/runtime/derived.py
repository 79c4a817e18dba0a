"""Derived facts: values the rules read like fields (``is_sponsored``,
``kol.age_at_publication``) that are computed from several facts of the record, three-valued."""

from __future__ import annotations

from collections.abc import Callable

import attrs

from kolrules.timeutil import whole_years_between
from kolrules.values import Context, Unknown, missing_of


def is_sponsored(ctx: Context) -> object:
    """Any connection other than ``none``, or an affiliate link (Kleene over the facts).

    Format 1.1: a stated ``relationship: "none"`` settles it when nothing given contradicts it;
    absent ``connections`` or ``links`` (or a link whose ``affiliate`` is not given) do not make
    it unknown, because the producer has stated the relationship.
    """
    commercial = ctx.data.get("commercial", {})
    relationship = commercial.get("relationship")
    stated_none = relationship == "none"
    parts: list[object] = []
    parts.append(
        Unknown(frozenset({"commercial.relationship"}))
        if relationship is None
        else relationship != "none"
    )
    connections = commercial.get("connections")
    if connections is None:
        if not stated_none:
            parts.append(Unknown(frozenset({"commercial.connections"})))
    else:
        for i, connection in enumerate(connections):
            kind = connection.get("kind")
            parts.append(
                Unknown(frozenset({f"commercial.connections[{i}].kind"}))
                if kind is None
                else kind != "none"
            )
    links = ctx.data.get("content", {}).get("links")
    if links is None:
        if not stated_none:
            parts.append(Unknown(frozenset({"content.links"})))
    else:
        for i, link in enumerate(links):
            affiliate = link.get("affiliate")
            if affiliate is None:
                if not stated_none:
                    parts.append(Unknown(frozenset({f"content.links[{i}].affiliate"})))
            else:
                parts.append(affiliate)
    if any(p is True for p in parts):
        return True
    missing = missing_of(*parts)
    return Unknown(missing) if missing else False


def age_at_publication(ctx: Context) -> object:
    """Whole years of age on the local publication date, from the birth date or ``age``."""
    kol = ctx.data.get("kol", {})
    birth = kol.get("birth_date")
    if birth is not None:
        return whole_years_between(birth, ctx.local_date(ctx.data["published_at"]))
    age = kol.get("age")
    if age is not None:
        return age
    return Unknown(frozenset({"kol.birth_date", "kol.age"}))


@attrs.frozen
class FieldValues:
    """A derived truth's steering: record fields set to make it true (one of ``true``, drawn)
    or false, as (dotted path, value) pairs; removing ``unknown`` leaves it unknown. A step
    ``[]`` in a path sets the field in every element of a list the record already has."""

    true: tuple[tuple[tuple[str, object], ...], ...]
    false: tuple[tuple[str, object], ...]
    unknown: tuple[str, ...]


@attrs.frozen
class NumberField:
    """A derived number's steering: ``field`` set to the wanted number decides it once
    ``clears`` are removed; removing ``field`` too leaves it unknown."""

    field: str
    clears: tuple[str, ...]


#: How strategies make a derived fact true, false or unknown (or give it a number).
Steering = FieldValues | NumberField


@attrs.frozen
class Fact:
    """A derived fact: how it is computed, the record fields it reads (its value can change
    only when one of them does) and its steering."""

    compute: Callable[[Context], object]
    reads: tuple[str, ...]
    steering: Steering


def _sponsored_by(kind: str) -> tuple[tuple[str, object], ...]:
    return (("commercial.relationship", kind), ("commercial.connections", [{"kind": kind}]))


#: Every derived fact by the name rules read it under, declared once.
FACTS: dict[str, Fact] = {
    "is_sponsored": Fact(
        is_sponsored,
        ("commercial.relationship", "commercial.connections", "content.links"),
        FieldValues(
            true=tuple(_sponsored_by(kind) for kind in ("paid", "gifted", "affiliate")),
            false=(
                ("commercial.relationship", "none"),
                ("commercial.connections", []),
                ("content.links[].affiliate", False),
            ),
            unknown=("commercial.relationship", "commercial.connections"),
        ),
    ),
    "kol.age_at_publication": Fact(
        age_at_publication,
        ("kol.birth_date", "kol.age", "published_at"),
        NumberField("kol.age", clears=("kol.birth_date",)),
    ),
}

DERIVED: dict[str, Callable[[Context], object]] = {n: f.compute for n, f in FACTS.items()}
#: The record fields each derived fact reads.
READS: dict[str, tuple[str, ...]] = {n: f.reads for n, f in FACTS.items()}
