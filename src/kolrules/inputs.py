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
    text: str | None = None  # an unparsed JSON line, for workers to parse (see ``parse``)

    def parse(self) -> Input:
        """This item with its ``text`` parsed (or the parse error), as ``read_jsonl`` gives."""
        if self.text is None:
            return self
        try:
            return Input(self.line, json.loads(self.text))
        except json.JSONDecodeError as error:
            return Input(self.line, error=f"not valid JSON: {error.msg} (column {error.colno})")


def read_jsonl(stream: Iterable[str], *, parse: bool = True) -> Iterator[Input]:
    """One ``Input`` per non-blank line; blank lines are skipped, not reported.

    With ``parse=False`` the lines are left as ``text`` for ``Input.parse`` to do elsewhere.
    """
    for number, text in enumerate(stream, start=1):
        if not text.strip():
            continue
        item = Input(number, text=text.rstrip("\r\n"))
        yield item.parse() if parse else item


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


def read_stream(stream: IO[str], *, name: str = "", parse: bool = True) -> Iterator[Input]:
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

    yield from read_jsonl(lines(), parse=parse)
