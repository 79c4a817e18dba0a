"""Activity records: validation against format 1 and the validated ``Record``.

Validation never stops at the first problem: every issue is collected with its field path.
``null`` values are dropped (absent = unknown); dates and datetimes become Python objects.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any

import attrs

from kolrules import countries, schema
from kolrules.codegen.record_check import fast_check
from kolrules.diagnostics import closest
from kolrules.errors import RecordError
from kolrules.findings import Issue
from kolrules.timeutil import DATETIME_RANGE, parse_date, parse_datetime
from kolrules.types import EnumType, FieldType, Kind, ListOf, MapOf, ObjectType, Scalar

_COUNTRY = re.compile(r"[A-Z]{2}\Z")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*\Z")
_SCHEMA = re.compile(r"kolrules/activity@(\d+)(?:\.(\d+))?\Z")


#: The former name of ``kolrules.findings.Issue`` (one class for record problems).
RecordIssue = Issue


@attrs.frozen
class Record:
    """A validated activity record.

    Attributes:
        id: the record's id.
        published_at: publication time, timezone-aware.
        data: the record as nested dicts and lists, nulls dropped, dates parsed.
        warnings: problems that did not make the record invalid.
        line: input line (or array index + 1) when read from a file.
    """

    id: str
    published_at: dt.datetime
    data: Mapping[str, Any] = attrs.field(repr=False, eq=False)
    warnings: tuple[Issue, ...] = ()
    line: int | None = None


def _describe(value: object) -> str:
    if isinstance(value, str):
        return f'"{value}"' if len(value) < 40 else f'"{value[:37]}..."'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int) and value.bit_length() > 256:
        return f"a number of about {int(value.bit_length() * 0.30103)} digits"
    return repr(value)


class _Validator:
    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.issues: list[Issue] = []

    def problem(self, code: str, path: str, message: str, error: bool = True) -> None:
        self.issues.append(Issue(path, message, code, error))

    def scalar(self, value: object, type_: Scalar, path: str) -> object:
        kind = type_.kind
        if kind in (Kind.INTEGER, Kind.NUMBER, Kind.SECONDS):
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            if ok and isinstance(value, float) and not math.isfinite(value):
                ok = False
            if ok and isinstance(value, float) and kind is Kind.INTEGER and not value.is_integer():
                ok = False  # an int is compared exactly: float() of a huge one overflows
            lo, hi = type_.minimum, type_.maximum
            if ok and ((lo is not None and value < lo) or (hi is not None and value > hi)):  # type: ignore[operator]
                ok = False
            if not ok:
                what = {
                    Kind.INTEGER: "a whole number",
                    Kind.NUMBER: "a number",
                    Kind.SECONDS: "a number of seconds",
                }[kind]
                bounds = ""
                if lo is not None and hi is not None:
                    bounds = f" from {lo:g} to {hi:g}"
                elif lo is not None:
                    bounds = f" ≥ {lo:g}"
                self.problem("KR502", path, f"expected {what}{bounds}, got {_describe(value)}")
                return None
            return int(value) if kind is Kind.INTEGER else value  # type: ignore[call-overload]
        if kind is Kind.BOOLEAN:
            if not isinstance(value, bool):
                self.problem("KR502", path, f"expected true or false, got {_describe(value)}")
                return None
            return value
        if not isinstance(value, str):
            self.problem("KR502", path, f"expected a string, got {_describe(value)}")
            return None
        if kind is Kind.DATE:
            try:
                return parse_date(value)
            except ValueError:
                self.problem(
                    "KR502", path, f"expected a date like 2026-01-01, got {_describe(value)}"
                )
                return None
        if kind is Kind.DATETIME:
            try:
                moment, assumed_utc = parse_datetime(value)
            except (ValueError, OverflowError):
                self.problem(
                    "KR502",
                    path,
                    f"expected a datetime like 2026-03-04T10:00:00+07:00, got {_describe(value)}",
                )
                return None
            if not DATETIME_RANGE[0] <= moment <= DATETIME_RANGE[1]:
                self.problem(
                    "KR502",
                    path,
                    f"datetime {_describe(value)} is outside the supported range "
                    "0001-01-02 to 9999-12-30 (UTC)",
                )
                return None
            if assumed_utc:
                self.problem("KR508", path, "datetime without an offset, read as UTC", error=False)
            return moment
        if kind is Kind.COUNTRY and not _COUNTRY.match(value):
            self.problem(
                "KR502",
                path,
                f'expected an ISO 3166-1 alpha-2 country code like "VN", got {_describe(value)}',
            )
            return None
        if kind is Kind.COUNTRY and (wrong := countries.problem(value)) is not None:
            self.problem("KR515", path, wrong, error=False)
        if kind is Kind.LANGUAGE and not _LANGUAGE.match(value):
            self.problem(
                "KR502",
                path,
                f'expected a BCP 47 language tag like "vi" or "zh-Hans", got {_describe(value)}',
            )
            return None
        return value

    def value(self, value: object, type_: FieldType, path: str) -> object:
        if isinstance(type_, Scalar):
            return self.scalar(value, type_, path)
        if isinstance(type_, EnumType):
            if not isinstance(value, str):
                self.problem("KR502", path, f"expected a string, got {_describe(value)}")
                return None
            if value not in type_.values:
                listed = ", ".join(type_.values)
                if type_.closed:
                    self.problem("KR502", path, f"expected one of {listed}; got {_describe(value)}")
                    return None
                self.problem(
                    "KR506",
                    path,
                    f"{_describe(value)} is not a listed value (accepted)",
                    error=False,
                )
            return value
        if isinstance(type_, ListOf):
            if not isinstance(value, list):
                self.problem("KR502", path, f"expected a list, got {_describe(value)}")
                return None
            items = [self.value(item, type_.item, f"{path}[{i}]") for i, item in enumerate(value)]
            return [item for item in items if item is not None]
        if isinstance(type_, MapOf):
            if not isinstance(value, dict):
                self.problem("KR502", path, f"expected an object, got {_describe(value)}")
                return None
            out = {}
            for key, item in value.items():
                if not _COUNTRY.match(str(key)):
                    self.problem("KR502", f"{path}.{key}", "expected a country code as key")
                    continue
                if (wrong := countries.problem(str(key))) is not None:
                    self.problem("KR515", f"{path}.{key}", wrong, error=False)
                if item is not None:
                    checked = self.value(item, type_.value, f"{path}.{key}")
                    if checked is not None:
                        out[key] = checked
            return out
        return self.object(value, type_, path)

    def object(self, value: object, type_: ObjectType, path: str) -> dict[str, object] | None:
        if not isinstance(value, dict):
            self.problem("KR502", path, f"expected an object, got {_describe(value)}")
            return None
        out: dict[str, object] = {}
        prefix = f"{path}." if path else ""
        for key, item in value.items():
            field = type_.field(key)
            if field is None or field.derived:
                names = [f.name for f in type_.fields if not f.derived]
                guess = closest(str(key), names)
                hint = f"; did you mean `{guess}`?" if guess else ""
                why = " (it is computed by the engine)" if field is not None else ""
                self.problem(
                    "KR504", f"{prefix}{key}", f"unknown key `{key}`{why}{hint}", error=self.strict
                )
                continue
            if item is None:
                continue
            checked = self.value(item, field.type, f"{prefix}{key}")
            if checked is not None:
                out[key] = checked
        for field in type_.fields:
            if field.required and value.get(field.name) is None:
                self.problem("KR503", f"{prefix}{field.name}", "required field missing")
        return out


def _check_schema(raw: Mapping[str, Any], validator: _Validator) -> None:
    declared = raw.get("schema")
    if declared is None:
        return
    found = _SCHEMA.match(declared) if isinstance(declared, str) else None
    if found is None:
        validator.problem(
            "KR505", "schema", f'expected "kolrules/activity@1", got {_describe(declared)}'
        )
        return
    major, minor = int(found.group(1)), int(found.group(2) or 0)
    if major != schema.SCHEMA_MAJOR:
        validator.problem(
            "KR505", "schema", f"format {major} is not supported; this reader knows format 1"
        )
    elif minor > schema.SCHEMA_MINOR:
        validator.problem(
            "KR505",
            "schema",
            f"format 1.{minor} is newer than this reader (1.{schema.SCHEMA_MINOR}); "
            "keys it added are reported as unknown",
            error=False,
        )


def _contradictions(data: Mapping[str, Any], validator: _Validator) -> None:
    commercial = data.get("commercial", {})
    links = data.get("content", {}).get("links", [])
    if commercial.get("relationship") == "none":
        if any(link.get("affiliate") for link in links):
            validator.problem(
                "KR507",
                "commercial.relationship",
                'relationship is "none" but a link is an affiliate link',
                error=False,
            )
        if any(c.get("kind") not in (None, "none") for c in commercial.get("connections", [])):
            validator.problem(
                "KR507",
                "commercial.relationship",
                'relationship is "none" but `connections` lists a connection',
                error=False,
            )
    content = data.get("content", {})
    shoppable, checkout = content.get("shoppable"), content.get("checkout")
    if shoppable is not None and checkout is not None and shoppable != (checkout != "none"):
        validator.problem(
            "KR507",
            "content.shoppable",
            f'shoppable is {_describe(shoppable)} but checkout is "{checkout}"',
            error=False,
        )


def validate(raw: object, *, strict: bool = False, line: int | None = None) -> Record:
    """Validate one record (a dict, or an attrs instance) and return it; RecordError if invalid.

    Args:
        raw: the record.
        strict: unknown keys are errors rather than warnings.
        line: input line, kept on the record for reports.
    """
    if attrs.has(type(raw)):
        raw = attrs.asdict(raw, recurse=True)  # type: ignore[arg-type]
    if not isinstance(raw, Mapping):
        raise RecordError(
            [Issue("", f"expected a JSON object, got {_describe(raw)}")]
        )
    quick = fast_check(raw)
    if quick is not None:  # nothing to report: skip the describing validator
        return Record(id=quick["id"], published_at=quick["published_at"], data=quick, line=line)
    return validate_fully(raw, strict=strict, line=line)


def validate_fully(
    raw: Mapping[str, Any], *, strict: bool = False, line: int | None = None
) -> Record:
    """The describing validator: every problem with its path (``validate`` tries a fast check
    first and comes here only when there is something to report)."""
    validator = _Validator(strict=strict)
    _check_schema(raw, validator)
    data = validator.object(dict(raw), schema.RECORD, "") or {}
    data.pop("schema", None)
    if "id" in data and not str(data["id"]).strip():
        validator.problem("KR502", "id", "expected a non-empty string")
    _contradictions(data, validator)
    errors = [issue for issue in validator.issues if issue.is_error]
    if errors:
        raise RecordError(errors)
    record_id, published_at = data["id"], data["published_at"]
    assert isinstance(record_id, str) and isinstance(published_at, dt.datetime)
    return Record(
        id=record_id,
        published_at=published_at,
        data=data,
        warnings=tuple(validator.issues),
        line=line,
    )


def ensure_record(record: object, *, strict: bool = False) -> Record:
    """A ``Record`` as is, or a dict / attrs instance validated into one."""
    if isinstance(record, Record):
        return record
    if record is None:  # the same error as any other value that is not a record
        raise RecordError([Issue("", "expected a record (a JSON object), got None")])
    return validate(record, strict=strict)
