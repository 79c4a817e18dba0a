"""The small type algebra shared by the record schema, the record validator and the checker,
and the one walk of a field path over it (``step_type``, ``path_type``)."""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs


class Kind(enum.Enum):
    """Scalar kinds of record fields and rule expressions."""

    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"
    SECONDS = "seconds"  # a length of time in seconds (fields ending in _s, duration literals)
    COUNTRY = "country"  # ISO 3166-1 alpha-2
    LANGUAGE = "language"  # BCP 47


@attrs.frozen
class Scalar:
    """A scalar type, with optional numeric bounds."""

    kind: Kind
    minimum: float | None = None
    maximum: float | None = None

    def describe(self) -> str:
        """Human description, used in type errors."""
        return self.kind.value


@attrs.frozen
class EnumType:
    """A string from a list of values; closed lists reject others, open lists warn."""

    values: tuple[str, ...]
    closed: bool

    def describe(self) -> str:
        """Human description, used in type errors."""
        return "closed list" if self.closed else "string"


@attrs.frozen
class ListOf:
    """A list whose elements all have one type."""

    item: FieldType

    def describe(self) -> str:
        """Human description, used in type errors."""
        return f"list of {self.item.describe()}"


@attrs.frozen
class Field:
    """One named field of an object, with its documentation."""

    name: str
    type: FieldType
    doc: str
    required: bool = False
    derived: bool = False  # computed by the engine, never read from the record


@attrs.frozen
class ObjectType:
    """An object with named fields."""

    name: str
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field | None:
        """The field called ``name``, or None."""
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        return None

    def describe(self) -> str:
        """Human description, used in type errors."""
        return f"object `{self.name}`"


@attrs.frozen
class MapOf:
    """An object whose keys are codes of one kind (e.g. countries) and values one type."""

    key: Kind
    value: FieldType

    def describe(self) -> str:
        """Human description, used in type errors."""
        return f"map from {self.key.value} to {self.value.describe()}"


FieldType = Scalar | EnumType | ListOf | ObjectType | MapOf


def step_type(t: FieldType | None, key: str | int) -> FieldType | None:
    """The type one step below ``t``: a list's item for an index, an object's field or a map's
    value for a name; None where ``t`` has no such step.

    The one definition of field-path typing after checking: code generation, strategies and
    the checker's path tests all walk paths with it (the type checker's own walk, which also
    explains each failure, is tested to agree with it).
    """
    if isinstance(key, int):
        return t.item if isinstance(t, ListOf) else None
    if isinstance(t, ObjectType):
        field = t.field(key)
        return field.type if field is not None else None
    if isinstance(t, MapOf):
        return t.value
    return None


def path_type(t: FieldType | None, steps: Iterable[str | int]) -> FieldType | None:
    """The type at the end of ``steps`` from ``t``, or None where a step does not exist."""
    for key in steps:
        if t is None:
            return None
        t = step_type(t, key)
    return t


def is_numeric(kind: Kind) -> bool:
    """Whether values of the kind compare as numbers."""
    return kind in (Kind.INTEGER, Kind.NUMBER)


def is_textual(kind: Kind) -> bool:
    """Whether values of the kind are strings."""
    return kind in (Kind.STRING, Kind.COUNTRY, Kind.LANGUAGE)


def is_temporal(kind: Kind) -> bool:
    """Whether values of the kind are points in time (dates compare with datetimes)."""
    return kind in (Kind.DATE, Kind.DATETIME)
