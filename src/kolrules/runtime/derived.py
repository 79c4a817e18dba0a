"""Derived facts: values the rules read like fields (``is_sponsored``,
``kol.age_at_publication``) that are computed from several facts of the record, three-valued."""

from __future__ import annotations

from collections.abc import Callable

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


DERIVED: dict[str, Callable[[Context], object]] = {
    "is_sponsored": is_sponsored,
    "kol.age_at_publication": age_at_publication,
}

#: The record fields each derived fact reads (its value can change only when one of them does).
READS: dict[str, tuple[str, ...]] = {
    "is_sponsored": ("commercial.relationship", "commercial.connections", "content.links"),
    "kol.age_at_publication": ("kol.birth_date", "kol.age", "published_at"),
}
