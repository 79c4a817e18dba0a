"""Compiled programs to JSON-ready data and back, for the pack cache — without ``pickle``.

Decoding builds only values of a closed list of kinds: JSON scalars, tuples, lists, dicts, sets,
dates, time zones (by IANA name), label matchers (rebuilt from their labels) and the attrs
classes and enums defined in kolrules' data modules (``ir``, ``program``, ``findings``,
``diagnostics``, ``source``, ``timeutil``), each through its ``__init__``. No name in an entry
can reach any other class or function, so a cache entry cannot run code when it is loaded.

Every non-scalar is an object with a tag, ``{"$": tag, "v": value}``; a plain JSON array is a
tuple (the common case in frozen classes). An IR node is written once: the k-th node written
(numbered after its children, ``"n": k``) stands wherever it recurs as ``{"$": "ref", "v": k}``
— the bundled packs inline defines at hundreds of places, and writing each copy out made the
entry ten times larger and its decoding the largest part of a cold start.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import math
import zoneinfo
from collections.abc import Callable
from typing import Any

import attrs

from kolrules import diagnostics, findings, ir, program, source, timeutil
from kolrules.text import LabelMatcher

_MODULES = (ir, program, findings, diagnostics, source, timeutil)
#: The IR's node classes: each node is written once, then referred to by number.
_IR_CLASSES = tuple(
    v
    for v in vars(ir).values()
    if isinstance(v, type) and v.__module__ == ir.__name__ and attrs.has(v)
)


class Unencodable(ValueError):
    """A value of a kind the cache format does not store (the program is then not cached)."""


@functools.cache
def _classes() -> dict[str, type]:
    found: dict[str, type] = {}
    for module in _MODULES:
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and value.__module__ == module.__name__
                and (attrs.has(value) or issubclass(value, enum.Enum))
            ):
                found[f"{module.__name__}.{value.__qualname__}"] = value
    return found


def _name(cls: type) -> str:
    name = f"{cls.__module__}.{cls.__qualname__}"
    if _classes().get(name) is not cls:
        raise Unencodable(f"{name} is not a kolrules data class")
    return name


def encode(value: object) -> Any:
    """``value`` as JSON-ready data; ``Unencodable`` for a kind outside the closed list."""
    return _Encoder().encode(value)


class _Encoder:
    def __init__(self) -> None:
        self.nodes: dict[object, int] = {}  # IR node → its number

    def encode(self, value: object) -> Any:
        if isinstance(value, _IR_CLASSES):
            k = self.nodes.get(value)
            if k is not None:
                return {"$": "ref", "v": k}
            written = self.plain(value)
            written["n"] = self.nodes[value] = len(self.nodes)
            return written
        return self.plain(value)

    def plain(self, value: object) -> Any:
        encode = self.encode
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, int):
            return value if type(value) is int else _tagged_enum(value, encode)
        if isinstance(value, float):
            return value if math.isfinite(value) else {"$": "float", "v": repr(value)}
        if isinstance(value, tuple):
            return [encode(v) for v in value]
        if isinstance(value, list):
            return {"$": "list", "v": [encode(v) for v in value]}
        if isinstance(value, (set, frozenset)):
            tag = "frozenset" if isinstance(value, frozenset) else "set"
            return {"$": tag, "v": [encode(v) for v in value]}
        if isinstance(value, dict):
            return {"$": "dict", "v": [[encode(k), encode(v)] for k, v in value.items()]}
        if isinstance(value, dt.datetime):
            if value.tzinfo is not None and value.tzinfo is not dt.timezone.utc:
                raise Unencodable("datetime with a time zone other than UTC")
            return {"$": "datetime", "v": value.isoformat()}
        if isinstance(value, dt.date):
            return {"$": "date", "v": value.isoformat()}
        if isinstance(value, dt.tzinfo):
            return {"$": "zone", "v": _zone_name(value)}
        if isinstance(value, LabelMatcher):
            return {"$": "labels", "v": list(value.labels)}
        if isinstance(value, enum.Enum):
            return _tagged_enum(value, encode)
        cls = type(value)
        if attrs.has(cls):
            fields = {f.alias: encode(getattr(value, f.name)) for f in attrs.fields(cls) if f.init}
            return {"$": "attrs", "t": _name(cls), "v": fields}
        raise Unencodable(f"cannot store a {type(value).__name__}")


def _tagged_enum(value: object, encode: Callable[[object], Any]) -> Any:
    if not isinstance(value, enum.Enum):
        raise Unencodable(f"cannot store a {type(value).__name__}")
    return {"$": "enum", "t": _name(type(value)), "v": encode(value.value)}


def _zone_name(value: dt.tzinfo) -> str:
    if value is dt.timezone.utc:
        return "UTC"
    if isinstance(value, zoneinfo.ZoneInfo) and timeutil.zone(value.key) is not None:
        return value.key
    raise Unencodable(f"time zone {value!r} has no IANA name")


@functools.lru_cache(maxsize=4096)
def _matcher(labels: tuple[str, ...]) -> LabelMatcher:
    # One matcher per vocabulary: a pack's IR holds the same vocabulary at every place a rule
    # matches it (1,258 places, 35 vocabularies in the bundled packs), and building one
    # compiles its regular expressions. Matchers are immutable, so sharing them is safe.
    return LabelMatcher.build(labels)


def decode(data: Any) -> Any:
    """The value ``encode`` gave ``data`` for; ``ValueError`` for anything else."""
    return _Decoder().decode(data)


#: The most IR nodes an entry may stand for with every reference written out (the bundled
#: packs: 125,000). References let a few kilobytes stand for a tree of exponential size, and
#: code generation writes some subtrees out (a quantifier's body): past this, an entry is
#: refused as corrupt and the packs are compiled from their source instead.
MAX_WRITTEN_OUT = 2_000_000


class _Decoder:
    def __init__(self) -> None:
        self.nodes: list[object] = []  # IR nodes by number
        self.sizes: dict[int, int] = {}  # by id of a node: its tree's size written out
        self.written_out = 0

    def _count(self, size: int) -> None:
        self.written_out += size
        if self.written_out > MAX_WRITTEN_OUT:
            raise ValueError("entry stands for too large a program")

    def _size(self, node: Any) -> int:
        size = 1
        for field in attrs.fields(type(node)):
            value = getattr(node, field.name)
            for child in value if isinstance(value, tuple) else (value,):
                size += self.sizes.get(id(child), 0)
        return size

    def decode(self, data: Any) -> Any:
        if data is None or isinstance(data, (bool, int, float, str)):
            return data
        if isinstance(data, list):
            return tuple(self.decode(v) for v in data)
        if not isinstance(data, dict):
            raise ValueError("unexpected JSON value")
        tag, inner = data.get("$"), data.get("v")
        if tag == "ref":
            if type(inner) is not int or not 0 <= inner < len(self.nodes):
                raise ValueError("reference to no node")
            node = self.nodes[inner]
            self._count(self.sizes[id(node)])
            return node
        if tag == "list":
            return [self.decode(v) for v in _array(inner)]
        if tag == "frozenset":
            return frozenset(self.decode(v) for v in _array(inner))
        if tag == "set":
            return {self.decode(v) for v in _array(inner)}
        if tag == "dict":
            return {self.decode(k): self.decode(v) for k, v in _array(inner)}
        if tag == "float" and inner in ("inf", "-inf", "nan"):
            return float(inner)
        if tag == "datetime" and isinstance(inner, str):
            return dt.datetime.fromisoformat(inner)
        if tag == "date" and isinstance(inner, str):
            return dt.date.fromisoformat(inner)
        if tag == "zone" and isinstance(inner, str):
            found = timeutil.zone(inner)
            if found is None:
                raise ValueError(f"unknown time zone {inner!r}")
            return found
        if tag == "labels":
            labels = _array(inner)
            if not all(isinstance(label, str) for label in labels):
                raise ValueError("labels must be strings")
            return _matcher(tuple(labels))
        if tag in ("attrs", "enum"):
            cls = _classes().get(data.get("t"))  # type: ignore[arg-type]
            if cls is None:
                raise ValueError(f"unknown class {data.get('t')!r}")
            if tag == "enum" and issubclass(cls, enum.Enum):
                return cls(self.decode(inner))
            if tag == "attrs" and attrs.has(cls) and isinstance(inner, dict):
                made = cls(**{str(k): self.decode(v) for k, v in inner.items()})
                if isinstance(made, _IR_CLASSES) or "n" in data:
                    if not isinstance(made, _IR_CLASSES) or data.get("n") != len(self.nodes):
                        raise ValueError("misnumbered node")
                    self.nodes.append(made)
                    self.sizes[id(made)] = self._size(made)
                    self._count(1)
                return made
        raise ValueError(f"unknown tag {tag!r}")


def _array(value: object) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError("expected an array")
    return value
