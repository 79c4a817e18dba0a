"""The generated fast record check never decides what the describing validator would report.

Records are drawn from the schema itself, mostly well formed, with the values that trouble
validators mixed in (wrong types, nulls, tuples, date objects, infinities, whole floats, other
spellings of datetimes, unlisted values, unknown and derived keys). For every record: the fast
path accepts it only when the describing validator finds nothing at all to say, and then
returns the same data in the same key order; and ``validate`` reports exactly what the
describing validator reports (codes, field paths, messages, errors and warnings).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kolrules import schema
from kolrules.codegen.record_check import fast_check, source
from kolrules.errors import RecordError
from kolrules.records import RecordIssue, validate, validate_fully
from kolrules.types import EnumType, FieldType, Kind, ListOf, MapOf, ObjectType, Scalar

TROUBLE: list[object] = [
    None,
    "",
    " ",
    "x",
    0,
    -1,
    2.5,
    3.0,
    True,
    float("inf"),
    float("nan"),
    10**30,
    [],
    ("US",),
    {},
    dt.date(2026, 1, 1),
    "2026-03-01",
    "2026-02-30",
    "2026-03-01T00:00:00Z",
    "2026-03-01t00:00:00z",
    "2026-03-01 00:00:00Z",
    "2026-03-01T00:00:00",
    "2026-03-01T00:00:00.123456789Z",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "US",
    "UK",
    "XA",
    "vi",
    "zh-Hans",
    "other",
]

DATETIMES = [
    "2026-03-04T10:00:00+07:00",
    "2026-03-01T00:00:00Z",
    "2025-12-31T23:59:59.5-05:00",
    "2026-03-04T10:00+07:00",
]

#: Per kind: well-formed values, then values the describing validator warns about or rejects.
SCALARS: dict[Kind, tuple[list[object], list[object]]] = {
    Kind.BOOLEAN: ([True, False], [0, "true"]),
    Kind.STRING: (["", "a", "Quảng cáo", "广告"], [1, ["a"]]),
    Kind.COUNTRY: (["US", "VN", "CN", "XK", "QZ", "ZZ"], ["UK", "us", "USA"]),
    Kind.LANGUAGE: (["vi", "en", "zh-Hans", "en-US"], ["e", "english", "vi_VN"]),
    Kind.DATE: (["2026-01-31", "2001-05-02", "0001-01-01"], ["2026-2-1", "02/05/2001"]),
    Kind.DATETIME: (DATETIMES, ["2026-03-04T10:00:00", "2026-03-04"]),
}


@st.composite
def _value(draw: st.DrawFn, t: FieldType, rate: int) -> Any:
    if draw(st.integers(0, 99)) < rate:
        return draw(st.sampled_from(TROUBLE))
    if isinstance(t, Scalar):
        kind = t.kind
        if kind in (Kind.INTEGER, Kind.NUMBER, Kind.SECONDS):
            lo = int(t.minimum) if t.minimum is not None else -1000
            hi = int(t.maximum) if t.maximum is not None else 10**6
            number = draw(st.integers(lo, hi))
            if draw(st.booleans()):
                return number
            if kind is Kind.INTEGER:
                return float(number)
            return draw(st.floats(lo, hi, allow_nan=False, allow_infinity=False))
        good, bad = SCALARS[kind]
        return draw(st.sampled_from(bad if draw(st.integers(0, 99)) < rate else good))
    if isinstance(t, EnumType):
        return draw(st.sampled_from(t.values)) if draw(st.integers(0, 99)) >= rate else "unlisted"
    if isinstance(t, ListOf):
        return [draw(_value(t.item, rate)) for _ in range(draw(st.integers(0, 2)))]
    if isinstance(t, MapOf):
        keys = draw(st.lists(st.sampled_from(["US", "VN", "UK", "Vietnam"]), max_size=2))
        return {key: draw(_value(t.value, rate)) for key in keys}
    return draw(_object(t, rate))


@st.composite
def _object(draw: st.DrawFn, t: ObjectType, rate: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in draw(st.permutations(t.fields)):
        wanted = field.required or draw(st.integers(0, 2)) == 0
        if wanted and (not field.derived or draw(st.integers(0, 99)) < rate):
            out[field.name] = draw(_value(field.type, rate))
    if draw(st.integers(0, 99)) < rate:
        out[draw(st.sampled_from(["folowers", "x"]))] = draw(st.sampled_from(TROUBLE))
    return out


def _spots(value: object, t: FieldType, out: list[tuple[Any, Any, FieldType]]) -> None:
    """Every place of a drawn record where a value of a known type sits."""
    if isinstance(t, ObjectType) and isinstance(value, dict):
        out.append((value, None, t))  # a new key can go here
        for key, item in value.items():
            field = t.field(key)
            if field is not None:
                out.append((value, key, field.type))
                _spots(item, field.type, out)
    elif isinstance(t, ListOf) and isinstance(value, list):
        for index, item in enumerate(value):
            out.append((value, index, t.item))
            _spots(item, t.item, out)
    elif isinstance(t, MapOf) and isinstance(value, dict):
        for key, item in value.items():
            out.append((value, key, t.value))
            _spots(item, t.value, out)


def _bad(t: FieldType) -> list[object]:
    """Values of ``t``'s neighbourhood that the describing validator warns about or rejects."""
    if isinstance(t, Scalar) and t.kind in SCALARS:
        return SCALARS[t.kind][1]
    if isinstance(t, Scalar):  # numbers: just outside the bounds, fractions, non-finite
        lo = t.minimum if t.minimum is not None else -(10**6)
        hi = t.maximum if t.maximum is not None else 10**6
        return [lo - 1, lo - 0.5, hi + 1, hi + 0.5, 2.5, True, "1", float("inf"), float("nan")]
    if isinstance(t, EnumType):
        return ["unlisted", t.values[0].upper(), 1]
    return [1, "x", None, ("a",)]


@st.composite
def _records(draw: st.DrawFn) -> dict[str, Any]:
    """A well-formed record (sometimes) given a few troubled values (mostly one)."""
    record = draw(_object(schema.RECORD, 0))
    record["id"] = draw(st.sampled_from(["p1", "é", "0"]))
    if draw(st.booleans()):
        record["schema"] = draw(
            st.sampled_from(
                ["kolrules/activity@1", "kolrules/activity@1.0", "kolrules/activity@1.2"]
            )
        )
    for _ in range(draw(st.sampled_from([0, 1, 1, 1, 2]))):
        spots: list[tuple[Any, Any, FieldType]] = [(record, "id", schema.STRING)]
        _spots(record, schema.RECORD, spots)
        container, key, t = spots[draw(st.integers(0, len(spots) - 1))]
        if key is None:  # an unknown or derived key
            names = ["folowers", "x", *(f.name for f in t.fields if f.derived)]  # type: ignore[union-attr]
            container[draw(st.sampled_from(names))] = draw(st.sampled_from(TROUBLE))
        else:
            bad = st.sampled_from([" ", *_bad(t)] if key == "id" else _bad(t))
            container[key] = draw(st.one_of(bad, bad, bad, st.sampled_from(TROUBLE)))
    return record


RECORDS = _records()


def _order(value: object) -> object:
    """The value with every dict's key order made visible."""
    if isinstance(value, dict):
        return [(key, _order(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [_order(item) for item in value]
    return value


def _described(raw: object) -> tuple[str, object]:
    try:
        record = validate_fully(raw)  # type: ignore[arg-type]
    except RecordError as error:
        return "invalid", [_issue(i) for i in error.issues]
    return "valid", ([_issue(w) for w in record.warnings], _order(dict(record.data)))


def _issue(issue: object) -> tuple[str, str, str, bool]:
    assert isinstance(issue, RecordIssue)
    return issue.code, issue.path, issue.message, issue.is_error


@settings(max_examples=300)
@given(RECORDS)
def test_fast_path_accepts_only_what_has_nothing_to_report(raw: dict[str, Any]) -> None:
    quick = fast_check(raw)
    described = _described(raw)
    if quick is not None:
        assert described == ("valid", ([], _order(quick)))


@settings(max_examples=300)
@given(RECORDS)
def test_validate_reports_what_the_describing_validator_reports(raw: dict[str, Any]) -> None:
    try:
        record = validate(raw)
    except RecordError as error:
        got: tuple[str, object] = ("invalid", [_issue(i) for i in error.issues])
    else:
        got = ("valid", ([_issue(w) for w in record.warnings], _order(dict(record.data))))
    assert got == _described(raw)


def test_strategy_reaches_both_paths() -> None:
    """The property above is not vacuous: the drawn records take both paths."""
    from hypothesis import Phase, find

    # The first example found will do: shrinking a whole record would take minutes.
    quick = settings(phases=[Phase.generate], max_examples=1000, database=None)
    find(RECORDS, lambda r: fast_check(r) is not None and len(r) > 8, settings=quick)
    find(RECORDS, lambda r: fast_check(r) is None and _described(r)[0] == "valid", settings=quick)
    find(RECORDS, lambda r: _described(r)[0] == "invalid", settings=quick)


def test_generated_code_reads_as_python() -> None:
    text = source()
    assert "def _object_0_activity(value):" in text
    assert "raise _Reject" in text


def _placed(path: str, value: object) -> dict[str, Any]:
    """A minimal record with ``value`` at ``path`` (as ``schema.walk`` spells it)."""
    inner: object = value
    for step in reversed(path.split(".")):
        name = step.removesuffix("[]")
        for _ in range((len(step) - len(name)) // 2):
            inner = [inner]
        inner = {name: inner}
    assert isinstance(inner, dict)
    return {"id": "p1", "published_at": "2026-03-01T00:00:00Z", **inner}


def test_every_field_with_every_troubled_value() -> None:
    """Exhaustive over single values: each field of the schema, given each value its type's
    neighbourhood and the general trouble list hold, and each well-formed value."""
    checked = accepted = 0
    for path, field in schema.walk():
        t = field.type
        while isinstance(t, ListOf):
            t = t.item
        values = [*_bad(t), *TROUBLE]
        if isinstance(t, Scalar) and t.kind in SCALARS:
            values += SCALARS[t.kind][0]
        elif isinstance(t, EnumType):
            values += list(t.values)
        for value in values:
            raw = _placed(path, value)
            quick = fast_check(raw)
            checked += 1
            if quick is not None:
                accepted += 1
                assert _described(raw) == ("valid", ([], _order(quick))), (path, value)
    assert checked > 3000 and accepted > 500
