"""What an input file looks like, for the message of a run that could check none of it.

Reading never guesses a format from content (``kolrules.inputs``); this only names what went
wrong, so that "every line is not valid JSON" becomes "this is a CSV file".
"""

from __future__ import annotations

GZIP = b"\x1f\x8b"
ZIP = b"PK\x03\x04"
BOM = b"\xef\xbb\xbf"


def sniff(path: str, *, array: str = "auto", size: int = 4096) -> str | None:
    """A short phrase saying what ``path`` looks like when it is not JSON Lines records
    (``"looks like CSV (…)"``), or None when it cannot tell or cannot read it."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(size)
    except OSError:
        return None
    return describe(head, as_array=array == "json" or (array == "auto" and path.endswith(".json")))


def describe(head: bytes, *, as_array: bool = False) -> str | None:
    """What the first bytes of an input say about its format (see ``sniff``)."""
    if head.startswith(GZIP):
        return "is gzip-compressed: name it *.jsonl.gz or *.json.gz to have it read as such"
    if head.startswith(ZIP):
        return "is a ZIP archive (an Excel workbook?): export JSON Lines instead"
    text = head.removeprefix(BOM).decode("utf-8", "replace").lstrip(" \t\r\n")
    if not text:
        return "is empty"
    first = text.splitlines()[0]
    if text.startswith("[") and not as_array:
        return (
            "looks like a JSON array, read as JSON Lines: name it *.json or give "
            "--input-format json"
        )
    if text.startswith("{"):
        if not as_array and not first.rstrip().endswith("}"):
            return (
                "looks like JSON spread over several lines (one record per line is needed): "
                "name it *.json or give --input-format json"
            )
        return None
    if text.startswith(("<", "<?xml")):
        return "looks like HTML or XML, not records"
    separators = {",": first.count(","), ";": first.count(";"), "\t": first.count("\t")}
    mark, count = max(separators.items(), key=lambda item: item[1])
    if count and not text.startswith(("{", "[")):
        name = {"\t": "tab-separated"}.get(mark, "CSV")
        columns = [c.strip().strip('"') for c in first.split(mark)][:4]
        return (
            f"looks like {name} (first line: {', '.join(columns)}, …): kolrules reads JSON Lines "
            "(one JSON object per line), or CSV with --map map.toml (examples/csv-map.toml)"
        )
    return None
