"""A fast record check for the common case: records with nothing to report.

Built once from the schema as nested closures. It accepts only records the full validator
(``kolrules.records``) would accept *without a single warning*, and then returns the same
normalized data; anything else — a wrong type, an unknown key, a value outside an open list, a
datetime without an offset, a contradiction — returns None, and the full validator runs to
describe every problem with its field path. Tests check that both agree.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

from kolrules import countries, schema
from kolrules.timeutil import DATETIME_RANGE
from kolrules.types import EnumType, FieldType, Kind, ListOf, MapOf, ObjectType, Scalar


class _Reject(Exception):
    pass


Check = Callable[[Any], Any]

_COUNTRY = re.compile(r"[A-Z]{2}\Z")


def _iso_country(code: str) -> bool:
    return code in countries.ASSIGNED or (
        _COUNTRY.match(code) is not None and countries.user_assigned(code)
    )
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*\Z")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})\Z")
_SCHEMA = re.compile(r"kolrules/activity@1(\.0)?\Z")


def _reject() -> Any:
    raise _Reject


def _number(kind: Kind, lo: float | None, hi: float | None) -> Check:
    def check(value: Any) -> Any:
        kind_of = type(value)
        if kind_of is int:
            pass
        elif kind_of is float:
            if value != value or value in (float("inf"), float("-inf")):
                _reject()
            if kind is Kind.INTEGER:
                if not value.is_integer():
                    _reject()
                value = int(value)
        else:
            _reject()
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            _reject()
        return value

    return check


def _scalar(t: Scalar) -> Check:
    kind = t.kind
    if kind in (Kind.INTEGER, Kind.NUMBER, Kind.SECONDS):
        return _number(kind, t.minimum, t.maximum)
    if kind is Kind.BOOLEAN:
        return lambda v: v if type(v) is bool else _reject()
    if kind is Kind.STRING:
        return lambda v: v if type(v) is str else _reject()
    if kind is Kind.COUNTRY:
        # Not an ISO 3166-1 code: the full validator warns (KR515).
        return lambda v: v if type(v) is str and _iso_country(v) else _reject()
    if kind is Kind.LANGUAGE:
        return lambda v: v if type(v) is str and _LANGUAGE.match(v) else _reject()
    if kind is Kind.DATE:

        def date(v: Any) -> Any:
            if type(v) is not str or not _DATE.match(v):
                _reject()
            return dt.date.fromisoformat(v)

        return date

    def datetime(v: Any) -> Any:
        if type(v) is not str or not _DATETIME.match(v):
            _reject()  # no offset, or an unusual form: the full validator decides
        text = v[:-1] + "+00:00" if v.endswith("Z") else v
        moment = dt.datetime.fromisoformat(text)
        if not DATETIME_RANGE[0] <= moment <= DATETIME_RANGE[1]:
            _reject()  # out of range: the full validator says so
        return moment

    return datetime


def _enum(t: EnumType) -> Check:
    values = frozenset(t.values)
    return lambda v: v if type(v) is str and v in values else _reject()


def _list(t: ListOf) -> Check:
    item = build(t.item)

    def check(value: Any) -> Any:
        if type(value) is not list:
            _reject()
        return [item(x) if x is not None else _reject() for x in value]

    return check


def _map(t: MapOf) -> Check:
    item = build(t.value)

    def check(value: Any) -> Any:
        if type(value) is not dict:
            _reject()
        out = {}
        for key, x in value.items():
            if not _iso_country(str(key)):
                _reject()
            if x is not None:
                out[key] = item(x)
        return out

    return check


def _object(t: ObjectType) -> Check:
    fields: dict[str, Check] = {}
    required: list[str] = []

    def check(value: Any) -> Any:
        if type(value) is not dict:
            _reject()
        out = {}
        for key, x in value.items():
            if x is None:
                if key not in fields:
                    _reject()
                continue
            out[key] = fields[key](x) if key in fields else _reject()
        for name in required:
            if name not in out:
                _reject()
        return out

    # Filled after the closure exists, so recursive types would also work.
    for field in t.fields:
        if not field.derived:
            fields[field.name] = build(field.type)
        if field.required:
            required.append(field.name)
    return check


def build(t: FieldType) -> Check:
    """The fast check of one type."""
    if isinstance(t, Scalar):
        return _scalar(t)
    if isinstance(t, EnumType):
        return _enum(t)
    if isinstance(t, ListOf):
        return _list(t)
    if isinstance(t, MapOf):
        return _map(t)
    return _object(t)


_RECORD = build(schema.RECORD)


def _quiet(data: Mapping[str, Any]) -> bool:
    """No contradiction the full validator would warn about."""
    commercial = data.get("commercial", {})
    content = data.get("content", {})
    if commercial.get("relationship") == "none":
        if any(link.get("affiliate") for link in content.get("links", ())):
            return False
        if any(c.get("kind") not in (None, "none") for c in commercial.get("connections", ())):
            return False
    shoppable, checkout = content.get("shoppable"), content.get("checkout")
    return shoppable is None or checkout is None or shoppable == (checkout != "none")


def fast_check(raw: Mapping[str, Any]) -> dict[str, Any] | None:
    """The normalized record, or None when the full validator has something to say."""
    declared = raw.get("schema")
    if declared is not None and (type(declared) is not str or not _SCHEMA.match(declared)):
        return None
    try:
        data: dict[str, Any] = _RECORD(raw)
    except (_Reject, ValueError, OverflowError):
        return None
    data.pop("schema", None)
    if not str(data["id"]).strip() or not _quiet(data):
        return None
    return data
