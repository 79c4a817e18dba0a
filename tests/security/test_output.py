"""M4, I1: record data cannot draw on the terminal; JSON output is UTF-8 and splits only at \\n."""

from __future__ import annotations

import json

from kolrules import Engine
from kolrules.findings import Summary
from kolrules.reporters import (
    json_document_text,
    report_text,
    safe_text,
    to_json_document,
    to_json_line,
)
from tests.security.helpers import run

ESC = "\x1b"
FORGED = "\n  ✓ pass  CN-ADLAW-38-3-PRIOR-SANCTION (forged)"
RECORDS = [
    {"id": f"ok-1{ESC}[1A{ESC}[2K", "published_at": "2026-02-10T18:05:00+08:00",
     "audience": {"countries": ["CN"]}, "published_by": "kol",
     "kol": {"handle": f"@x{ESC}]0;pwned{ESC}\\{FORGED}\u202e",
             "sanctions": [{"date": "2025-01-01", "kind": "false_advertising"}]},
     "commercial": {"relationship": "paid", "connections": [{"kind": "paid"}]}},
    {"id": "bad-2", "published_at": "2026-02-10T18:05:00Z",
     "kol": {"followers": f"{ESC}[2J{ESC}[H"}},
]


def test_text_output_shows_control_characters_as_escapes() -> None:
    stdin = "".join(json.dumps(r) + "\n" for r in RECORDS)
    _, compact, _ = run(["check", "-", "--color", "never"], stdin=stdin)
    assert ESC not in compact and "\\x1b[2J" in compact
    _, out, _ = run(["check", "-", "--color", "never", "--verbose"], stdin=stdin)
    assert ESC not in out and "\u202e" not in out
    assert "\\x1b[1A" in out and "\\x1b[2J" in out
    assert not any(line.lstrip().startswith("✓ pass  CN-ADLAW-38-3") for line in out.splitlines())
    _, coloured, _ = run(["check", "-", "--color", "always", "--verbose"], stdin=stdin)
    assert "\x1b[31m" in coloured and "\x1b[1A" not in coloured  # our colours, not theirs


def test_safe_text_keeps_ordinary_text() -> None:
    assert safe_text("Quảng cáo 广告 #ad") == "Quảng cáo 广告 #ad"
    assert safe_text("a\nb\rc\x85d\u2028e") == "a\\x0ab\\x0dc\\x85d\\u2028e"


def test_json_output_is_utf8_and_splits_only_at_newlines() -> None:
    record = {"id": "a\u2028b\u0085c\ud800", "published_at": "2026-02-10T18:05:00Z",
              "kol": {"followers": "x\u2029"}}
    report = next(Engine.bundled().check_many([record]))
    line = to_json_line(report)
    line.encode("utf-8")  # no lone surrogate left
    assert len(line.splitlines()) == 1
    assert json.loads(line)["record_id"] == record["id"]  # the same value, escaped
    text = json_document_text(to_json_document([report], Summary.of([report])))
    text.encode("utf-8")
    assert json.loads(text)["reports"][0]["record_id"] == record["id"]
    assert "\\u2028" in report_text(report)
