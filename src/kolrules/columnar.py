"""Records from Parquet and Arrow in, findings as Arrow tables and Parquet out (extra `arrow`).

The findings table has one fixed schema, ``SCHEMA`` (documented in docs/scale-out.md): one row
per finding, plus one row per invalid record (``status = "invalid"``, its ``errors`` set, the
finding columns null). A checked record with nothing to report has no row. Values that vary in
type (``evidence``, a presumed ``value``) are JSON text, exactly as ``--format jsonl`` has them.

Records come in as Arrow columns matching the record format (nested structs and lists, as
``pyarrow.parquet`` or Spark writes them; a null is an absent fact), or as one string column of
JSON text per record (``json_column``; found by itself when a table has a single string column
and no ``id`` column). Every row gives exactly one report: a row whose JSON does not parse, or
that is not a valid record, is an ``invalid`` row, never dropped.
"""

from __future__ import annotations

import datetime as dt
import decimal
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from kolrules.engine import Engine
from kolrules.errors import KolrulesError
from kolrules.findings import Finding, Issue, Report
from kolrules.inputs import DEFAULT_LIMITS, Input, InputError, Limits, loads

#: The version of the findings table layout, stored in the schema's metadata.
FORMAT = "kolrules/findings-arrow@1"

_ISSUE = pa.struct([("path", pa.string()), ("message", pa.string()), ("code", pa.string())])
_CITATION = pa.struct([("text", pa.string()), ("url", pa.string())])
_PRESUMED = pa.struct(
    [("path", pa.string()), ("value", pa.string()), ("by", pa.string()), ("reason", pa.string())]
)

#: The findings table: one row per finding, plus one row per invalid record.
SCHEMA = pa.schema(
    [
        ("record_id", pa.string()),
        ("line", pa.int64()),
        ("status", pa.string()),
        ("as_of", pa.date32()),
        ("jurisdiction", pa.string()),
        ("rule_id", pa.string()),
        ("outcome", pa.string()),
        ("severity", pa.string()),
        ("title", pa.string()),
        ("message", pa.string()),
        ("remedy", pa.string()),
        ("citations", pa.list_(_CITATION)),
        ("evidence", pa.string()),
        ("missing", pa.list_(pa.string())),
        ("rule_source", pa.string()),
        ("confidence", pa.string()),
        ("notes", pa.list_(pa.string())),
        ("overridden_by", pa.list_(pa.string())),
        ("presumed", pa.list_(_PRESUMED)),
        ("errors", pa.list_(_ISSUE)),
        ("warnings", pa.list_(_ISSUE)),
    ],
    metadata={"kolrules.format": FORMAT},
)

#: Rows per record batch when reading Parquet and per row group when writing it.
BATCH_ROWS = 4096


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _issues(issues: Iterable[Issue]) -> list[dict[str, str]]:
    return [{"path": i.path, "message": i.message, "code": i.code} for i in issues]


def _finding_row(report: Report, finding: Finding, warnings: list[dict[str, str]]) -> list[Any]:
    data = finding.to_dict()  # the same values, escaping and order as --format jsonl
    day = dict(report.dates).get(finding.jurisdiction, report.as_of)
    presumed = [
        {"path": p["path"], "value": _json(p["value"]), "by": p["by"], "reason": p.get("reason")}
        for p in data.get("presumed", ())
    ]
    return [
        report.record_id,
        report.line,
        report.status,
        day,
        finding.jurisdiction,
        finding.rule_id,
        finding.outcome,
        finding.severity,
        finding.title,
        finding.message,
        finding.remedy,
        data["citations"],
        _json(data["evidence"]),
        list(finding.missing),
        finding.rule_source,
        finding.confidence,
        list(finding.notes),
        list(finding.overridden_by),
        presumed,
        [],
        warnings,
    ]


def _rows(report: Report) -> Iterator[list[Any]]:
    warnings = _issues(report.warnings)
    if report.status == "invalid":
        nulls: list[Any] = [None] * 16
        errors = _issues(report.errors)
        yield [report.record_id, report.line, report.status, *nulls, errors, warnings]
        return
    for finding in report.findings:
        yield _finding_row(report, finding, warnings)


def findings_table(reports: Iterable[Report]) -> pa.Table:
    """The findings of ``reports`` as one table of ``SCHEMA``."""
    columns: list[list[Any]] = [[] for _ in SCHEMA.names]
    for report in reports:
        for row in _rows(report):
            for column, value in zip(columns, row, strict=True):
                column.append(value)
    arrays = [pa.array(c, type=f.type) for c, f in zip(columns, SCHEMA, strict=True)]
    return pa.Table.from_arrays(arrays, schema=SCHEMA)


def write_findings(reports: Iterable[Report], path: str | Path) -> int:
    """Write the findings of ``reports`` to a Parquet file of ``SCHEMA``, streaming (memory
    stays flat). Returns the number of rows written."""
    rows = 0
    with pq.ParquetWriter(str(path), SCHEMA) as writer:
        for chunk in _chunks(reports, BATCH_ROWS):
            table = findings_table(chunk)
            if table.num_rows:
                writer.write_table(table)
                rows += table.num_rows
    return rows


def _chunks(items: Iterable[Report], size: int) -> Iterator[list[Report]]:
    rest = iter(items)
    while chunk := list(itertools.islice(rest, size)):
        yield chunk


# ---- records in ----

Convert = Callable[[Any], Any]


def _decimal(value: decimal.Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _converter(kind: pa.DataType) -> Convert | None:
    """How to turn one Python value of Arrow type ``kind`` into a JSON-like value (None: as is)."""
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind) or pa.types.is_time(kind):
        return lambda v: v if v is None else v.isoformat()
    if pa.types.is_decimal(kind):
        return lambda v: v if v is None else _decimal(v)
    if pa.types.is_map(kind):
        key, item = _converter(kind.key_type), _converter(kind.item_type)
        return lambda v: (
            v if v is None else {(key(k) if key else k): (item(x) if item else x) for k, x in v}
        )
    if pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind):
        element = _converter(kind.value_type)
        if element is None:
            return None
        return lambda v: v if v is None else [element(x) for x in v]
    if pa.types.is_struct(kind):
        fields = {f.name: c for f in kind if (c := _converter(f.type)) is not None}
        if not fields:
            return None
        return lambda v: (
            v if v is None else {k: (fields[k](x) if k in fields else x) for k, x in v.items()}
        )
    return None


def json_column_of(schema: pa.Schema) -> str | None:
    """The column holding JSON text per record: the only string column of a table without an
    ``id`` column, or None when records are given as nested columns."""
    strings = [
        f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
    ]
    if "id" not in schema.names and len(schema) == 1 and len(strings) == 1:
        return str(strings[0])
    return None


def batch_inputs(
    batch: pa.RecordBatch | pa.Table,
    *,
    json_column: str | None = None,
    first_line: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> list[Input]:
    """One ``Input`` per row of ``batch``: the record, or why it cannot be read.

    Rows are numbered from ``first_line`` (None: not numbered, as in a distributed frame whose
    row order is not defined).
    """
    count = batch.num_rows
    lines: Iterable[int | None] = (
        range(first_line, first_line + count) if first_line is not None else [None] * count
    )
    column = json_column or json_column_of(batch.schema)
    if column is not None:
        return [
            _from_text(line, text, limits)
            for line, text in zip(lines, batch.column(column).to_pylist(), strict=True)
        ]
    rows = batch.to_pylist()
    for field in batch.schema:
        convert = _converter(field.type)
        if convert is not None:
            for row in rows:
                row[field.name] = convert(row[field.name])
    return [Input(line, row) for line, row in zip(lines, rows, strict=True)]


def _from_text(line: int | None, text: object, limits: Limits) -> Input:
    if not isinstance(text, str):
        return Input(line, error="no record: the JSON column is null in this row")
    try:
        return Input(line, loads(text, limits))
    except InputError as error:
        return Input(line, error=error.message, code=error.code)


def read_inputs(
    path: str | Path, *, json_column: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> Iterator[Input]:
    """The rows of a Parquet file as ``Input`` items numbered from 1, read batch by batch."""
    line = 1
    try:
        with pq.ParquetFile(str(path)) as source:
            for batch in source.iter_batches(batch_size=BATCH_ROWS):
                yield from batch_inputs(
                    batch, json_column=json_column, first_line=line, limits=limits
                )
                line += batch.num_rows
    except (pa.ArrowException, OSError) as error:
        raise ColumnarError(f"cannot read {path} as Parquet: {error}") from None


class ColumnarError(KolrulesError):
    """A file that cannot be read as Parquet (the CLI exits 2 with this message)."""


def check_batches(
    engine: Engine,
    batches: Iterable[pa.RecordBatch | pa.Table],
    *,
    json_column: str | None = None,
    as_of: dt.date | None = None,
    include_pass: bool = False,
    strict: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[pa.RecordBatch]:
    """Check Arrow batches of records; one batch of findings (``SCHEMA``) per batch given.

    Rows are not numbered (``line`` is null): this is the path of distributed engines, whose
    batches carry no position in the whole input.
    """
    for batch in batches:
        items = batch_inputs(batch, json_column=json_column, limits=limits)
        reports = engine.check_many(items, as_of=as_of, include_pass=include_pass, strict=strict)
        yield from findings_table(reports).to_batches()


def check_table(
    engine: Engine,
    table: pa.Table | pa.RecordBatch,
    *,
    json_column: str | None = None,
    as_of: dt.date | None = None,
    include_pass: bool = False,
    strict: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> pa.Table:
    """The findings (``SCHEMA``) of every record in ``table``; ``line`` is null as in
    ``check_batches``."""
    items = batch_inputs(table, json_column=json_column, limits=limits)
    reports = engine.check_many(items, as_of=as_of, include_pass=include_pass, strict=strict)
    return findings_table(reports)


def table_from_pandas(frame: Any) -> pa.Table:
    """A pandas DataFrame as an Arrow table (NaN in a float column becomes null: absent)."""
    return pa.Table.from_pandas(frame, preserve_index=False)
