"""A fuzz of the JSON Lines reader: --jobs N (spans read separately) equals --jobs 1."""

from __future__ import annotations

import io
import os
import tempfile

from hypothesis import given
from hypothesis import strategies as st

from kolrules.inputs import read_jsonl
from kolrules.parallel import spans

PIECES = st.sampled_from(
    [b"\n", b"\r\n", b"\r", b"{", b"}", b"[", b"]", b'"', b"\\ud800", b"\xef\xbb\xbf", b"\xff",
     b"\xe2\x80\xa8", b"\xc2\x85", b"\x0c", b" ", b"1" * 120, b'{"id":"a"}', b"x"]
)


@given(st.lists(PIECES, max_size=60), st.integers(1, 40))
def test_spans_read_separately_give_what_one_reader_gives(pieces: list[bytes], size: int) -> None:
    data = b"".join(pieces)
    whole = list(read_jsonl(io.BytesIO(data)))
    with tempfile.NamedTemporaryFile(delete=False) as handle:
        handle.write(data)
    try:
        parts = []
        for span in spans(handle.name, size):
            with open(handle.name, "rb") as stream:
                stream.seek(span.start)
                parts += read_jsonl(stream, first_line=span.first_line, end=span.end)
    finally:
        os.unlink(handle.name)
    assert parts == whole
