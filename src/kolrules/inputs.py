"""Reading activity records from JSON Lines, JSON arrays or standard input, line by line.

Every input item yields exactly one ``Input``: a parsed value, or the reason it could not be
parsed, with its line number, so a batch never loses a record.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

import attrs


@attrs.frozen
class Input:
    """One input item: its line (or array index + 1), and a value or a parse error."""

    line: int | None
    value: Any = None
    error: str | None = None


def read_jsonl(stream: Iterable[str]) -> Iterator[Input]:
    """One ``Input`` per non-blank line; blank lines are skipped, not reported."""
    for number, text in enumerate(stream, start=1):
        if not text.strip():
            continue
        try:
            yield Input(number, json.loads(text.rstrip("\r\n")))
        except json.JSONDecodeError as error:
            yield Input(number, error=f"not valid JSON: {error.msg} (column {error.colno})")


def read_json_array(text: str) -> Iterator[Input]:
    """One ``Input`` per element of a JSON array (line = index + 1), or one error."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        yield Input(error.lineno, error=f"not valid JSON: {error.msg} (column {error.colno})")
        return
    if isinstance(value, dict):
        value = value.get("records", [value]) if "records" in value else [value]
    if not isinstance(value, list):
        yield Input(1, error="expected a JSON array of records or one record object")
        return
    for index, item in enumerate(value, start=1):
        yield Input(index, item)


def read_stream(stream: IO[str], *, name: str = "") -> Iterator[Input]:
    """Records from a text stream: a JSON array when ``name`` ends in ``.json`` or the text
    starts with ``[``, JSON Lines otherwise (read lazily, so large files stream)."""
    if name.endswith(".json"):
        yield from read_json_array(stream.read())
        return
    first = stream.readline()
    if first.lstrip().startswith("["):
        yield from read_json_array(first + stream.read())
        return

    def lines() -> Iterator[str]:
        if first:
            yield first
        yield from stream

    yield from read_jsonl(lines())
