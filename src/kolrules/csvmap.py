"""CSV exports read as activity records, through a column mapping file (``--map map.toml``).

Social-listening and campaign tools export one row per post with their own column names. A
mapping file says which record field each column fills and how its text becomes a value::

    [csv]
    delimiter = ","              # optional: ",", ";" or "\\t" (default ",")
    missing = ["", "n/a"]        # cells read as absent, not as text (default: the empty cell)

    [columns]
    "Post ID" = "id"                                  # text as it is
    "Followers" = { path = "kol.followers", type = "integer" }
    "Markets" = { path = "audience.countries", split = ";" }
    "Creator used it" = { path = "commercial.kol_used_product",
                          values = { "Yes" = true, "No" = false } }

    [constants]                  # the same value in every record
    schema = "kolrules/activity@1"

A path is dotted, with ``[N]`` for a list item (``disclosures[0].text``). ``type`` is
``string`` (the default), ``integer``, ``number``, ``boolean`` (true/false, yes/no, 1/0) or
``json``; ``values`` maps exact cell texts to values first; ``split`` cuts a cell into a list.

Every data row gives exactly one ``Input``: a record, or the reason it could not be built
(KR516 a cell that does not convert, KR517 a row whose cells do not match the header), naming
the file, line, column and field path. Mistakes in the mapping file itself are ``MapError``.
"""

from __future__ import annotations

import csv
import importlib
import io
import itertools
import json
import math
import re
from collections.abc import Iterator, Mapping
from typing import IO, Any

import attrs

from kolrules.inputs import BOM, Input

TYPES = ("string", "integer", "number", "boolean", "json")
_STEP = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)((?:\[\d+\])*)")
_INDEX = re.compile(r"\[(\d+)\]")
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


class MapError(ValueError):
    """The mapping file cannot be used: the message names the file and the entry."""


@attrs.frozen
class Column:
    """How one CSV column fills one record field.

    Attributes:
        name: the column's header text.
        path: the record field path, as steps (keys and list indexes).
        text: the path as written (``disclosures[0].text``), for messages.
        type: how a cell's text becomes a value (see ``TYPES``).
        values: exact cell texts and the values they stand for, tried first.
        split: cut a cell at this separator into a list of values, or None.
    """

    name: str
    path: tuple[str | int, ...]
    text: str
    type: str = "string"
    values: Mapping[str, Any] = attrs.field(factory=dict)
    split: str | None = None


@attrs.frozen
class ColumnMap:
    """A parsed mapping file: the columns, the constant fields, and how cells are read."""

    source: str
    columns: tuple[Column, ...]
    constants: tuple[tuple[tuple[str | int, ...], str, Any], ...] = ()
    delimiter: str = ","
    missing: frozenset[str] = frozenset({""})


def _steps(path: object, where: str) -> tuple[str | int, ...]:
    if not isinstance(path, str) or not path:
        raise MapError(f"{where}: expected a record path such as \"kol.followers\", got {path!r}")
    steps: list[str | int] = []
    for part in path.split("."):
        found = _STEP.fullmatch(part)
        if not found:
            raise MapError(
                f"{where}: {path!r} is not a record path (dotted names, [N] for a list item)"
            )
        steps.append(found.group(1))
        steps += [int(n) for n in _INDEX.findall(found.group(2))]
    return tuple(steps)


def parse_map(text: str, source: str = "<map>") -> ColumnMap:
    """A ``ColumnMap`` from the TOML text of a mapping file; ``MapError`` if it is wrong."""
    try:
        toml: Any = importlib.import_module("tomllib")
    except ImportError:  # Python 3.10: tomli is the same parser
        try:
            toml = importlib.import_module("tomli")
        except ImportError:
            raise MapError("a mapping file needs Python 3.11+, or: pip install tomli") from None
    try:
        document = toml.loads(text)
    except toml.TOMLDecodeError as error:
        raise MapError(f"{source}: not valid TOML: {error}") from None
    unknown = sorted(set(document) - {"csv", "columns", "constants"})
    if unknown:
        raise MapError(f"{source}: unknown table [{unknown[0]}]; expected csv, columns, constants")
    table = document.get("columns")
    if not isinstance(table, dict) or not table:
        raise MapError(f"{source}: no [columns] table: map at least one column to a record path")
    columns = [_column(name, entry, source) for name, entry in table.items()]
    constants = tuple(
        (_steps(path, f"{source}: [constants] {path!r}"), path, value)
        for path, value in (document.get("constants") or {}).items()
    )
    options = document.get("csv") or {}
    delimiter = options.get("delimiter", ",")
    if delimiter not in (",", ";", "\t", "|"):
        raise MapError(f"{source}: [csv] delimiter must be \",\", \";\", \"\\t\" or \"|\"")
    missing = options.get("missing", [""])
    if not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
        raise MapError(f"{source}: [csv] missing must be a list of texts, e.g. [\"\", \"n/a\"]")
    return ColumnMap(source, tuple(columns), constants, delimiter, frozenset(missing))


def _column(name: str, entry: object, source: str) -> Column:
    where = f"{source}: column {name!r}"
    if isinstance(entry, str):
        return Column(name, _steps(entry, where), entry)
    if not isinstance(entry, dict):
        raise MapError(f"{where}: expected a record path or {{ path = \"…\", … }}")
    unknown = sorted(set(entry) - {"path", "type", "values", "split"})
    if unknown:
        raise MapError(f"{where}: unknown key {unknown[0]!r}; expected path, type, values, split")
    kind = entry.get("type", "string")
    if kind not in TYPES:
        raise MapError(f"{where}: type {kind!r} is not one of {', '.join(TYPES)}")
    values = entry.get("values", {})
    if not isinstance(values, dict):
        raise MapError(f"{where}: values must be a table such as {{ \"Yes\" = true }}")
    split = entry.get("split")
    if split is not None and (not isinstance(split, str) or not split):
        raise MapError(f"{where}: split must be a non-empty text such as \";\"")
    path = entry.get("path")
    return Column(name, _steps(path, where), str(path), kind, values, split)


def load_map(path: str) -> ColumnMap:
    """The mapping file at ``path``; ``MapError`` if it cannot be read or is wrong."""
    try:
        with open(path, encoding="utf-8-sig") as stream:
            text = stream.read()
    except OSError as error:
        raise MapError(f"cannot read the mapping file {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise MapError(f"{path}: the mapping file is not UTF-8 text") from None
    return parse_map(text, path)


class _CellError(ValueError):
    pass


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _convert(text: str, kind: str) -> Any:
    if kind == "string":
        return text
    if kind == "integer":
        try:
            return int(text.strip().replace("_", "x"))  # "_" is Python syntax, not data
        except ValueError:
            raise _CellError(f"expected a whole number, got {_quote(text)}") from None
    if kind == "number":
        try:
            number = float(text.strip())
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise _CellError(f"expected a number, got {_quote(text)}")
        return number
    if kind == "boolean":
        word = text.strip().lower()
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
        raise _CellError(
            f"expected true/false, yes/no or 1/0, got {_quote(text)} (or map it: values)"
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise _CellError(f"expected JSON, got {_quote(text)}: {error.msg}") from None


def _value(cell: str, column: Column) -> Any:
    if cell in column.values:
        return column.values[cell]
    if column.split is not None:
        parts = [p.strip() for p in cell.split(column.split)]
        return [
            column.values[p] if p in column.values else _convert(p, column.type)
            for p in parts
            if p
        ]
    return _convert(cell, column.type)


def _put(record: dict[str, Any], steps: tuple[str | int, ...], value: Any, text: str) -> None:
    """Set ``value`` at ``steps`` in ``record``, making objects and list items on the way."""
    here: Any = record
    for step, after in itertools.pairwise(steps):
        empty: Any = [] if isinstance(after, int) else {}
        if isinstance(step, int):
            while len(here) <= step:
                here.append(None)
            if here[step] is None:
                here[step] = empty
            here = here[step]
        else:
            here = here.setdefault(step, empty)
        if isinstance(here, list) != isinstance(after, int):
            raise MapError(f"two columns disagree on the shape of {text}")
    last = steps[-1]
    if isinstance(last, int):
        while len(here) <= last:
            here.append(None)
        here[last] = value
    else:
        here[last] = value


def _compact(value: Any) -> Any:
    """Lists without the gaps left by unmapped indexes, objects without empty ones."""
    if isinstance(value, list):
        return [_compact(v) for v in value if v is not None]
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items()}
    return value


def read_csv(stream: IO[bytes], mapping: ColumnMap, *, name: str = "<stdin>") -> Iterator[Input]:
    """One ``Input`` per data row of a CSV stream, built as ``mapping`` says (see the module).

    The header must hold every mapped column (``MapError`` names the ones it lacks); other
    columns are ignored. ``line`` is the line the row starts on.
    """
    data = stream.read()
    if data.startswith(BOM):
        data = data[len(BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise MapError(
            f"{name} line {line}: not UTF-8 text (byte 0x{data[error.start]:02x}); "
            "export the CSV as UTF-8"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=mapping.delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as error:
        raise MapError(f"{name} line 1: the header is not CSV: {error}") from None
    header = [h.strip() for h in header]
    lacking = [c.name for c in mapping.columns if c.name not in header]
    if lacking:
        raise MapError(
            f"{name}: the header has no column {', '.join(repr(c) for c in lacking)} that "
            f"{mapping.source} maps (its columns: {', '.join(header)})"
        )
    where = {c.name: header.index(c.name) for c in mapping.columns}
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield Input(line, error=f"{name} line {line}: not CSV: {error}", code="KR517")
            line = reader.line_num + 1
            continue
        if cells and any(c.strip() for c in cells):
            yield _row(cells, header, where, mapping, name, line)
        line = reader.line_num + 1


def _row(
    cells: list[str],
    header: list[str],
    where: Mapping[str, int],
    mapping: ColumnMap,
    name: str,
    line: int,
) -> Input:
    if len(cells) != len(header):
        return Input(
            line,
            error=f"{name} line {line}: {len(cells)} cell(s) where the header has "
            f"{len(header)} (a stray {mapping.delimiter!r} or a missing quote?)",
            code="KR517",
        )
    record: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for steps, text, value in mapping.constants:
        _put(record, steps, value, text)
    for column in mapping.columns:
        cell = cells[where[column.name]]
        if cell.strip() in mapping.missing or cell in mapping.missing:
            continue
        try:
            value = _value(cell, column)
        except _CellError as error:
            problems.append((column.text, f"column {_quote(column.name)}: {error}"))
            continue
        try:
            _put(record, column.path, value, column.text)
        except MapError as error:
            problems.append((column.text, f"column {_quote(column.name)}: {error}"))
    record_id = record.get("id") if isinstance(record.get("id"), str) else None
    if problems:
        first, rest = problems[0], problems[1:]
        message = f"{name} line {line}, {first[1]}" + "".join(
            f"; {path}: {text}" for path, text in rest
        )
        return Input(line, error=message, code="KR516", record_id=record_id, path=problems[0][0])
    return Input(line, _compact(record))
