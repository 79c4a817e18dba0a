"""Reading activity records from JSON Lines, JSON arrays or standard input, line by line.

Every input item yields exactly one ``Input``: a parsed value, or the reason it could not be
read (with a stable code), with its line number, so a batch never loses a record. Every mode
(``--jobs 1``, ``--jobs N``, files and standard input) reads lines with the one splitter here:

- input is read as bytes; a line ends at ``\\n`` (a ``\\r`` just before it is dropped), nothing
  else (a lone ``\\r``, U+2028, U+0085 and form feeds are characters of the line);
- a UTF-8 byte order mark at the start of a file is skipped;
- lines holding only spaces, tabs and ``\\r`` are skipped, not reported;
- each line is decoded as UTF-8 on its own: a line that is not UTF-8 is ``invalid`` (KR512) and
  the others are still read;
- ``Limits`` bound line length (KR509), nesting depth (KR510) and number length (KR511); a
  string with a lone surrogate escape such as ``"\\ud800"`` is ``invalid`` (KR513).

A file is read as one JSON array only when its name ends in ``.json`` (or the caller says so),
never because of what its first line looks like.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from typing import IO, Any

import attrs

BOM = b"\xef\xbb\xbf"
_BLANK = b" \t\r"
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abAB]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")
_DELTA = {"[": 1, "{": 1, "]": -1, "}": -1}


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{attribute.name} must be a whole number ≥ 1, got {value!r}")


@attrs.frozen
class Limits:
    """Bounds on one input record; a record over one is ``invalid`` with the limit's code.

    Attributes:
        line_bytes: longest line, in bytes (KR509); longer lines are skipped without being
            held in memory.
        depth: deepest nesting of arrays and objects (KR510).
        digits: longest number literal, in characters (KR511).
    """

    line_bytes: int = attrs.field(default=1024 * 1024, validator=_positive)
    depth: int = attrs.field(default=64, validator=_positive)
    digits: int = attrs.field(default=100, validator=_positive)

    @classmethod
    def parse(cls, settings: list[str] | None) -> Limits:
        """Limits from ``NAME=VALUE`` texts (``--limit depth=100``); ValueError if malformed."""
        values: dict[str, int] = {}
        names = [a.name for a in attrs.fields(cls)]
        for setting in settings or ():
            name, _, number = setting.partition("=")
            name = name.strip().replace("-", "_")
            if name not in names or not number.strip().isdigit():
                raise ValueError(
                    f"expected NAME=NUMBER with NAME one of {', '.join(names)}, got {setting!r}"
                )
            values[name] = int(number)
        return cls(**values)


DEFAULT_LIMITS = Limits()


class InputError(ValueError):
    """A line that cannot be read as a record: a stable code and a message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@attrs.frozen
class Input:
    """One input item: its line (or array index + 1), and a value or the reason it is unread.

    Attributes:
        line: the line number (or array index + 1).
        value: the parsed JSON value, when there is no error.
        error: why the item could not be read, or None.
        text: an unparsed JSON line, for a worker to parse (see ``parse``).
        code: the diagnostic code of ``error`` (KR501 not JSON, KR509-KR513 limits, KR516
            and KR517 CSV cells and rows).
        record_id: the record's id when it is known although the item is unread (a CSV row).
        path: the record field the error concerns, or ``""``.
    """

    line: int | None
    value: Any = None
    error: str | None = None
    text: str | None = None
    code: str = "KR501"
    record_id: str | None = None
    path: str = ""

    def parse(self, limits: Limits = DEFAULT_LIMITS) -> Input:
        """This item with its ``text`` parsed (or the reason it cannot be)."""
        if self.text is None:
            return self
        try:
            return Input(self.line, loads(self.text, limits))
        except InputError as error:
            return Input(self.line, error=error.message, code=error.code)


def _depth(text: str) -> int:
    brackets = _BRACKETS.findall(_STRING.sub("", text))
    return max(itertools.accumulate(map(_DELTA.__getitem__, brackets)), default=0)


def _lone_surrogate(value: object, path: str = "") -> str | None:
    """The path of the first string (or key) holding a lone surrogate, or None."""
    if isinstance(value, str):
        return path if _LONE_SURROGATE.search(value) else None
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _lone_surrogate(item, f"{path}[{index}]")
            if found is not None:
                return found
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else key
            if _LONE_SURROGATE.search(key):
                return path or "(record)"
            found = _lone_surrogate(item, where)
            if found is not None:
                return found
    return None


class _TooLong(Exception):
    def __init__(self, literal: str) -> None:
        self.literal = literal


def loads(
    text: str, limits: Limits = DEFAULT_LIMITS, *, extra_depth: int = 0, surrogates: bool = True
) -> Any:
    """One JSON value, within ``limits``; ``InputError`` with a code otherwise.

    ``extra_depth`` allows wrapper levels; ``surrogates=False`` leaves lone surrogates for the
    caller to find.
    """
    allowed = limits.depth + extra_depth
    if text.count("[") + text.count("{") > allowed:  # only then can it be too deep
        depth = _depth(text)
        if depth > allowed:
            raise InputError(
                "KR510", f"nested {depth} levels deep; the limit is {limits.depth}"
            )

    def number(literal: str, convert: type[int] | type[float]) -> object:
        if len(literal) > limits.digits:
            raise _TooLong(literal)
        return convert(literal)

    try:
        value = json.loads(
            text,
            parse_int=lambda s: number(s, int),
            parse_float=lambda s: number(s, float),
        )
    except _TooLong as error:
        raise InputError(
            "KR511",
            f"a number {len(error.literal)} characters long; the limit is {limits.digits}",
        ) from None
    except json.JSONDecodeError as error:
        raise InputError("KR501", f"not valid JSON: {error.msg} (column {error.colno})") from None
    except RecursionError:
        raise InputError("KR510", "nested too deeply to read") from None
    if surrogates and _SURROGATE_ESCAPE.search(text):
        where = _lone_surrogate(value)
        if where is not None:
            raise InputError(
                "KR513", f"{where or '(record)'}: a string holds a lone surrogate (\\ud800-\\udfff)"
            )
    return value


def lines(
    stream: IO[bytes],
    *,
    limits: Limits = DEFAULT_LIMITS,
    first_line: int = 1,
    end: int | None = None,
) -> Iterator[tuple[int, bytes | int]]:
    """``(line number, bytes)`` per line without its ``\\n`` or ``\\r\\n``; a line longer
    than ``limits.line_bytes`` comes as ``(line number, its length)`` and is never held whole.

    Reading stops at byte offset ``end`` (a line boundary) when given. The first line of a
    stream read from its start loses a UTF-8 byte order mark.
    """
    number = first_line - 1
    position = stream.tell() if end is not None else 0
    at_start = first_line == 1 and position == 0
    room = limits.line_bytes + 2  # the terminator "\r\n" does not count
    while end is None or position < end:
        chunk = stream.readline(room)
        if not chunk:
            return
        number += 1
        position += len(chunk)
        too_long = len(chunk) == room and not chunk.endswith(b"\n")
        if at_start:
            at_start = False
            if chunk.startswith(BOM):
                chunk = chunk[len(BOM) :]
        if too_long:  # skip to its end without keeping it
            length = len(chunk)
            while not chunk.endswith(b"\n"):
                chunk = stream.readline(1 << 16)
                if not chunk:
                    break
                length += len(chunk)
                position += len(chunk)
            yield number, length - chunk.endswith(b"\n")
            continue
        if chunk.endswith(b"\n"):
            chunk = chunk[:-2] if chunk.endswith(b"\r\n") else chunk[:-1]
        yield number, (len(chunk) if len(chunk) > limits.line_bytes else chunk)


def decode_line(
    number: int, raw: bytes | int, limits: Limits = DEFAULT_LIMITS, *, parse: bool = True
) -> Input | None:
    """The ``Input`` for one line from ``lines``, or None for a blank line."""
    if isinstance(raw, int):
        return Input(
            number,
            error=f"line is {raw} bytes long; the limit is {limits.line_bytes}",
            code="KR509",
        )
    if not raw.strip(_BLANK):
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return Input(
            number,
            error=f"not UTF-8 text: byte 0x{raw[error.start]:02x} at column {error.start + 1}",
            code="KR512",
        )
    item = Input(number, text=text)
    return item.parse(limits) if parse else item


def read_jsonl(
    stream: IO[bytes],
    *,
    parse: bool = True,
    limits: Limits = DEFAULT_LIMITS,
    first_line: int = 1,
    end: int | None = None,
) -> Iterator[Input]:
    """One ``Input`` per non-blank line of a binary stream (see ``lines``).

    With ``parse=False`` the lines are left as ``text`` for ``Input.parse`` to do elsewhere.
    """
    for number, raw in lines(stream, limits=limits, first_line=first_line, end=end):
        item = decode_line(number, raw, limits, parse=parse)
        if item is not None:
            yield item


def read_json_array(data: bytes, limits: Limits = DEFAULT_LIMITS) -> Iterator[Input]:
    """One ``Input`` per element of a JSON array (line = index + 1), or one error.

    ``{"records": [...]}`` and a single record object are accepted too.
    """
    if data.startswith(BOM):
        data = data[len(BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        yield Input(line, error=f"not UTF-8 text: invalid byte on line {line}", code="KR512")
        return
    try:
        # Two more levels: the array, and a {"records": …} wrapper; surrogates per element.
        value = loads(text, limits, extra_depth=2, surrogates=False)
    except InputError as error:
        yield Input(1, error=error.message, code=error.code)
        return
    if isinstance(value, dict):
        value = value.get("records", [value]) if "records" in value else [value]
    if not isinstance(value, list):
        yield Input(1, error="expected a JSON array of records or one record object")
        return
    escapes = _SURROGATE_ESCAPE.search(text) is not None
    for index, item in enumerate(value, start=1):
        where = _lone_surrogate(item) if escapes else None
        if where is not None:
            yield Input(
                index,
                error=f"{where or '(record)'}: a string holds a lone surrogate (\\ud800-\\udfff)",
                code="KR513",
            )
        else:
            yield Input(index, item)


def read_stream(
    stream: IO[bytes],
    *,
    name: str = "",
    array: bool | None = None,
    parse: bool = True,
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[Input]:
    """Records from a binary stream: one JSON array when ``array`` is true (by default: when
    ``name`` ends in ``.json``), else JSON Lines, read lazily so large files stream."""
    if array if array is not None else name.endswith(".json"):
        yield from read_json_array(stream.read(), limits)
    else:
        yield from read_jsonl(stream, parse=parse, limits=limits)
