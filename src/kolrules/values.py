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
    """One record seen from one jurisdiction: its data, time zone, lets and derived facts."""

    __slots__ = ("data", "derived", "facts", "lets", "plain", "plain_of", "shared", "tzinfo")

    def __init__(self, data: Mapping[str, Any], tzinfo: dt.tzinfo) -> None:
        self.data = data
        self.tzinfo = tzinfo
        self.lets: dict[str, object] = {}
        self.derived: dict[str, object] = {}
        # Evidence found per fact path; rules of one record share most of their facts.
        self.facts: dict[str, list[tuple[str, object]]] = {}
        # Three-valued values of the subexpressions rules share, by id of the IR node (which
        # the plan keeps alive), each computed once per record.
        self.shared: dict[int, object] = {}
        # The two-valued plan's values of the same subexpressions, by their place in the
        # jurisdiction's list of them (``plain_of``): a truth it found is the three-valued one.
        self.plain: list[object] = []
        self.plain_of: object = None

    @staticmethod
    def normalized(text: str) -> str:
        """The normalized form of a text (cached across records by ``text.normalize``)."""
        return normalize(text)

    def local_date(self, moment: dt.datetime) -> dt.date:
        """The calendar date of a moment in this jurisdiction's time zone."""
        return local_date(moment, self.tzinfo)


Env = Mapping[str, Any]


def missing_of(*values: object) -> frozenset[str]:
    """The union of the missing paths of the unknown values among ``values``."""
    out: frozenset[str] = frozenset()
    for value in values:
        if isinstance(value, Unknown):
            out |= value.missing
    return out
