"""Values of three-valued evaluation: unknowns with their missing paths, NOTHING, elements,
and the per-record evaluation context."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from kolrules.text import normalize
from kolrules.timeutil import local_date


class Unknown:
    """An unknown value, with the field paths whose absence made it so."""

    __slots__ = ("missing",)

    def __init__(self, missing: frozenset[str]) -> None:
        # missing is never empty: an unknown always says which facts would decide it
        self.missing = missing

    def __repr__(self) -> str:
        return f"Unknown({sorted(self.missing)})"


class _Nothing:
    """What ``first(...)`` gives when no element qualifies (distinct from unknown)."""

    def __repr__(self) -> str:
        return "NOTHING"


NOTHING = _Nothing()


class Elem:
    """An object or list taken from the record, with its field path."""

    __slots__ = ("path", "value")

    def __init__(self, value: Any, path: str) -> None:
        self.value = value
        self.path = path

    def __repr__(self) -> str:
        return f"Elem({self.path})"


def join_path(path: str, step: str | int) -> str:
    if isinstance(step, int):
        return f"{path}[{step}]"
    return f"{path}.{step}" if path else step


class Context:
    """One record seen from one jurisdiction: its data, time zone, lets and caches."""

    def __init__(
        self,
        data: Mapping[str, Any],
        tzinfo: dt.tzinfo,
        normalized: dict[str, str] | None = None,
    ) -> None:
        self.data = data
        self.tzinfo = tzinfo
        self.lets: dict[str, object] = {}
        self.trace: dict[str, object] | None = None
        self._normalized = normalized if normalized is not None else {}
        self.derived: dict[str, object] = {}

    def normalized(self, text: str) -> str:
        """The normalized form of a text, computed once per record."""
        found = self._normalized.get(text)
        if found is None:
            found = self._normalized[text] = normalize(text)
        return found

    def local_date(self, moment: dt.datetime) -> dt.date:
        """The calendar date of a moment in this jurisdiction's time zone."""
        return local_date(moment, self.tzinfo)

    def note(self, path: str, value: object) -> None:
        """Record a fact read, as evidence (only while tracing)."""
        if self.trace is not None and len(self.trace) < 24:
            self.trace.setdefault(path, value)


Env = Mapping[str, Any]


def missing_of(*values: object) -> frozenset[str]:
    """The union of the missing paths of the unknown values among ``values``."""
    out: frozenset[str] = frozenset()
    for value in values:
        if isinstance(value, Unknown):
            out |= value.missing
    return out
