"""Inputs as they come: gzip-compressed JSON Lines and arrays, JSON arrays numbered by item,
standard input, and CSV exports read through a column mapping file (``--map``)."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from kolrules.cli import main
from kolrules.csvmap import MapError, parse_map, read_csv
from tests.conftest import HEADER

ROOT = Path(__file__).parents[1]
RULES = HEADER + """
rule XX-USED {
  title "Endorsers must have used the product"
  cite "Test Act" article "art. 1"
  severity error
  effective from 2020-01-01
  requires commercial.kol_used_product == true
  message "{kol.handle} has not used the product"
}
"""
BASE = {"published_at": "2026-03-04T10:00:00+07:00", "audience": {"countries": ["XX"]}}
GOOD = {**BASE, "id": "good", "kol": {"handle": "@ok"}, "commercial": {"kol_used_product": True}}
BAD = {**BASE, "id": "bad", "kol": {"handle": "@no"}, "commercial": {"kol_used_product": False}}


class _Stdin(io.TextIOWrapper):
    """Standard input as a process gets it: text over a binary buffer."""

    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data), encoding="utf-8")


def run(args: list[str], stdin: io.TextIOBase | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(args, stdout=out, stderr=err, stdin=stdin or io.StringIO(""))  # type: ignore[arg-type]
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def rules(tmp_path: Path) -> str:
    path = tmp_path / "r.kol"
    path.write_text(RULES, encoding="utf-8")
    return str(path)


def _jsonl(*records: object) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


# --- gzip, JSON arrays, stdin ----------------------------------------------------------------


def test_gzip_files_read_like_the_plain_ones(rules: str, tmp_path: Path) -> None:
    plain = tmp_path / "in.jsonl"
    plain.write_bytes(_jsonl(GOOD, BAD, "{oops") * 2)
    packed = tmp_path / "in.jsonl.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    expected = run(["check", "--rules", rules, "--format", "jsonl", str(plain)])
    assert run(["check", "--rules", rules, "--format", "jsonl", str(packed)]) == expected
    two = run(["check", "--rules", rules, "--format", "jsonl", "--jobs", "2", str(packed)])
    assert two[:2] == expected[:2] and len(two[1].splitlines()) == 6
    array = tmp_path / "in.json.gz"
    array.write_bytes(gzip.compress(json.dumps([GOOD, BAD]).encode()))
    code, out, _ = run(["check", "--rules", rules, "--format", "jsonl", str(array)])
    assert code == 1 and [json.loads(x)["record_id"] for x in out.splitlines()] == ["good", "bad"]


def test_damaged_gzip_is_an_error_naming_the_file(rules: str, tmp_path: Path) -> None:
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(gzip.compress(_jsonl(GOOD, BAD) * 50)[:-30])
    code, _, err = run(["check", "--rules", rules, str(cut)])
    assert code == 2 and f"cannot read {cut}: its gzip data is cut short" in err
    fake = tmp_path / "fake.jsonl.gz"
    fake.write_bytes(_jsonl(GOOD))
    code, _, err = run(["check", "--rules", rules, str(fake)])
    assert code == 2 and f"cannot read {fake}" in err and "gzip" in err.lower()


def test_json_arrays_number_items_not_lines(rules: str, tmp_path: Path) -> None:
    path = tmp_path / "records.json"
    path.write_text(json.dumps([GOOD, BAD, {"id": 3}], indent=2), encoding="utf-8")
    code, out, _ = run(["check", "--rules", rules, "--color", "never", str(path)])
    assert code == 1
    assert out.splitlines()[0].startswith("✗ bad item 2  error    XX-USED")
    assert out.splitlines()[1].startswith("✗ (no id) item 3  invalid")
    _, out, _ = run(["check", "--rules", rules, "--verbose", str(path)])
    assert "bad (item 2): XX" in out and "(line" not in out
    _, out, _ = run(["check", "--rules", rules, "--format", "jsonl", str(path)])
    assert [json.loads(x)["line"] for x in out.splitlines()] == [1, 2, 3]  # the contract's name


def test_standard_input_in_every_format(rules: str, tmp_path: Path) -> None:
    code, out, _ = run(["check", "--rules", rules, "-"], _Stdin(_jsonl(GOOD, BAD)))
    assert code == 1 and out.startswith("✗ bad line 2")
    code, out, _ = run(
        ["check", "--rules", rules, "--input-format", "json", "-"],
        _Stdin(json.dumps([GOOD, BAD]).encode()),
    )
    assert code == 1 and out.startswith("✗ bad item 2")
    table = "Post,When,Where,Who,Used\np1,2026-03-04T03:00:00Z,XX,@no,No\n"
    mapping = tmp_path / "map.toml"
    mapping.write_text(MAP, encoding="utf-8")
    code, out, _ = run(
        ["check", "--rules", rules, "--map", str(mapping), "-"], _Stdin(table.encode())
    )
    assert code == 1 and out.startswith("✗ p1 line 2  error    XX-USED  @no has not used")


# --- CSV with a column map -------------------------------------------------------------------

MAP = """
[csv]
missing = ["", "n/a"]

[columns]
"Post" = "id"
"When" = "published_at"
"Where" = { path = "audience.countries", split = ";" }
"Who" = "kol.handle"
"Used" = { path = "commercial.kol_used_product", type = "boolean", values = { "Yes" = true, "No" = false } }

[constants]
schema = "kolrules/activity@1"
"""


def _read(table: str, mapping: str = MAP) -> list[object]:
    items = read_csv(io.BytesIO(table.encode()), parse_map(mapping), name="t.csv")
    return [(i.line, i.value, i.error, i.code, i.record_id, i.path) for i in items]


def test_csv_rows_become_records_as_the_map_says() -> None:
    table = (
        "\ufeffPost,When,Where,Who,Used,Ignored\n"
        "p1,2026-03-04T03:00:00Z,XX;GB,@a,Yes,x\n"
        "\n"
        'p2,2026-03-04T03:00:00Z,XX,"@b, with a comma",n/a,y\n'
    )
    (first, second) = _read(table)
    assert first[:2] == (2, {
        "schema": "kolrules/activity@1", "id": "p1", "published_at": "2026-03-04T03:00:00Z",
        "audience": {"countries": ["XX", "GB"]}, "kol": {"handle": "@a"},
        "commercial": {"kol_used_product": True},
    })
    assert second[0] == 4 and second[1]["kol"] == {"handle": "@b, with a comma"}
    assert "commercial" not in second[1]  # "n/a": absent, not false


def test_bad_cells_and_rows_are_invalid_with_file_line_column_and_path() -> None:
    table = (
        "Post,When,Where,Who,Used\n"
        "p1,2026-03-04T03:00:00Z,XX,@a,Maybe\n"
        "p2,2026-03-04T03:00:00Z,XX,@a\n"
        'p3,2026-03-04T03:00:00Z,XX,"@a,Yes\n'
        "p4,2026-03-04T03:00:00Z,XX,@a,Yes\n"
    )
    rows = _read(table)
    assert rows[0][2:] == (
        't.csv line 2, column "Used": expected true/false, yes/no or 1/0, got "Maybe" '
        "(or map it: values)",
        "KR516",
        "p1",
        "commercial.kol_used_product",
    )
    assert rows[1][:4] == (
        3, None, "t.csv line 3: 4 cell(s) where the header has 5 (a stray ',' or a missing "
        "quote?)", "KR517"
    )
    assert rows[2][0] == 4 and rows[2][3] == "KR517"  # the open quote swallows the last row
    assert len(rows) == 3


def test_typed_columns_convert_or_say_why() -> None:
    mapping = MAP.replace(
        '"Who" = "kol.handle"',
        '"Who" = { path = "kol.followers", type = "integer" }\n'
        '"Share" = { path = "audience.minors_share", type = "number" }',
    )
    table = "Post,When,Where,Who,Used,Share\np1,2026-03-04T03:00:00Z,XX,12k,Yes,nan\n"
    (row,) = _read(table, mapping)
    assert row[2] == (
        't.csv line 2, column "Who": expected a whole number, got "12k"; '
        'audience.minors_share: column "Share": expected a number, got "nan"'
    )
    table = "Post,When,Where,Who,Used,Share\np1,2026-03-04T03:00:00Z,XX,1200,Yes,0.25\n"
    (row,) = _read(table, mapping)
    assert row[1]["kol"] == {"followers": 1200} and row[1]["audience"]["minors_share"] == 0.25


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[columns", "not valid TOML"),
        ("[csv]\n", "no [columns] table"),
        ('[columns]\n"A" = "kol..handle"\n', "is not a record path"),
        ('[columns]\n"A" = { path = "id", type = "int" }\n', "type 'int' is not one of"),
        ('[columns]\n"A" = { path = "id", value = {} }\n', "unknown key 'value'"),
        ('[column]\n"A" = "id"\n', "unknown table [column]"),
    ],
)
def test_mistakes_in_the_map_name_the_entry(text: str, message: str) -> None:
    with pytest.raises(MapError, match=message.replace("[", r"\[")):
        parse_map(text, "m.toml")


def test_csv_cli_errors_are_usage_errors(rules: str, tmp_path: Path) -> None:
    table = tmp_path / "export.csv"
    table.write_text("Post,When\np1,2026-03-04T03:00:00Z\n", encoding="utf-8")
    code, _, err = run(["check", "--rules", rules, str(table)])
    assert code == 2 and "CSV needs a column mapping: --map map.toml" in err
    mapping = tmp_path / "map.toml"
    mapping.write_text(MAP, encoding="utf-8")
    code, _, err = run(["check", "--rules", rules, "--map", str(mapping), str(table)])
    assert code == 2 and "the header has no column 'Where', 'Who', 'Used'" in err
    code, _, err = run(["check", "--rules", rules, "--map", str(tmp_path / "no.toml"), "-"])
    assert code == 2 and "cannot read the mapping file" in err


def test_a_csv_batch_never_drops_a_row(rules: str, tmp_path: Path) -> None:
    rows = ["p1,2026-03-04T03:00:00Z,XX,@a,Yes", "p2,bad-date,XX,@b,No", "p3,,XX,@c,Perhaps",
            "p4,2026-03-04T03:00:00Z", "p5,2026-03-04T03:00:00Z,XX,@e,No"]
    table = tmp_path / "export.csv"
    table.write_text("Post,When,Where,Who,Used\n" + "\n".join(rows) + "\n", encoding="utf-8")
    mapping = tmp_path / "map.toml"
    mapping.write_text(MAP, encoding="utf-8")
    code, out, _ = run(
        ["check", "--rules", rules, "--map", str(mapping), "--format", "jsonl", str(table)]
    )
    reports = [json.loads(x) for x in out.splitlines()]
    assert code == 1 and [r["line"] for r in reports] == [2, 3, 4, 5, 6]
    assert [r["status"] for r in reports] == ["checked", "invalid", "invalid", "invalid", "checked"]
    assert [r["record_id"] for r in reports] == ["p1", "p2", "p3", None, "p5"]


def test_the_bundled_example_mapping_reads_the_example_export() -> None:
    code, out, _ = run([
        "check", "--map", str(ROOT / "examples/csv-map.toml"), "--format", "jsonl",
        str(ROOT / "examples/campaign-export.csv"),
    ])
    reports = [json.loads(x) for x in out.splitlines()]
    assert code == 1 and [r["record_id"] for r in reports] == ["csv-001", "csv-002", "csv-003"]
    assert [r["status"] for r in reports] == ["checked", "checked", "invalid"]
    assert reports[2]["errors"][0]["path"] == "kol.followers"
    outcomes = {f["rule_id"]: f["outcome"] for f in reports[1]["findings"]}
    assert outcomes["US-FTC-255.5-DISCLOSE-CONNECTION"] == "violation"
