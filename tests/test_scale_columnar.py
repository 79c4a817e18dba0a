"""Columnar I/O: records from Parquet/Arrow (nested columns or JSON text), findings as a
Parquet table of one fixed schema, and ``kolrules check posts.parquet --output ...``."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow", reason="pyarrow not installed (pip install 'kolrules[arrow]')")
pq = pytest.importorskip("pyarrow.parquet", reason="pyarrow not installed")

from kolrules import Engine  # noqa: E402
from kolrules.cli import main  # noqa: E402
from kolrules.columnar import (  # noqa: E402
    SCHEMA,
    batch_inputs,
    check_table,
    findings_table,
    read_inputs,
)
from kolrules.inputs import Input  # noqa: E402
from tests.scale_helpers import corpus, rows  # noqa: E402

EXAMPLES = Path(__file__).parents[1] / "examples" / "activities.jsonl"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.bundled()


def _jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def test_nested_parquet_gives_the_reports_of_the_records(tmp_path: Path, engine: Engine) -> None:
    records = corpus(80)
    pq.write_table(pa.Table.from_pylist(records), tmp_path / "posts.parquet", row_group_size=30)
    items = list(read_inputs(tmp_path / "posts.parquet"))
    assert [i.line for i in items] == list(range(1, 81))
    got = [r.to_dict() for r in engine.check_many(items)]
    assert got == [r.to_dict() for r in engine.check_many(records)]
    assert sum(r["status"] == "invalid" for r in got) == 2


def test_arrow_types_become_record_values(engine: Engine) -> None:
    """Timestamps and dates typed by Arrow read as the ISO texts the record format has."""
    table = pa.table(
        {
            "id": ["t-1"],
            "published_at": pa.array(
                [dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.timezone.utc)],
                pa.timestamp("us", tz="UTC"),
            ),
            "kol": pa.array(
                [{"birth_date": dt.date(2010, 5, 1), "followers": 10}],
                pa.struct([("birth_date", pa.date32()), ("followers", pa.int64())]),
            ),
        }
    )
    (item,) = batch_inputs(table)
    assert item.value["published_at"] == "2026-03-01T09:30:00+00:00"
    assert item.value["kol"] == {"birth_date": "2010-05-01", "followers": 10}
    assert engine.check(item.value).status == "checked"


def test_json_text_column_reports_unreadable_rows(engine: Engine) -> None:
    lines = EXAMPLES.read_text(encoding="utf-8").splitlines()
    table = pa.table({"record": [*lines, None]})
    got = findings_table(engine.check_many(batch_inputs(table, first_line=1)))
    reports = list(engine.check_many(batch_inputs(table, first_line=1)))
    invalid = [r for r in reports if r.status == "invalid"]
    assert len(invalid) == 3  # the sample's two broken lines, and the null row
    bad = got.filter(pa.compute.equal(got["status"], "invalid")).to_pylist()
    assert [r["line"] for r in bad] == [r.line for r in invalid]
    assert all(r["errors"] and r["rule_id"] is None for r in bad)


def test_findings_table_holds_each_finding_as_jsonl_does(engine: Engine) -> None:
    records = corpus(50)
    reports = list(engine.check_many(records, include_pass=True))
    table = findings_table(reports)
    assert table.schema.equals(SCHEMA, check_metadata=True)
    expected = sum(len(r.findings) for r in reports) + sum(r.status == "invalid" for r in reports)
    assert table.num_rows == expected
    flat = [(r.record_id, f.to_dict()) for r in reports for f in r.findings]
    got = [row for row in table.to_pylist() if row["status"] == "checked"]
    for row, (record_id, finding) in zip(got, flat, strict=True):
        assert row["record_id"] == record_id and row["rule_id"] == finding["rule_id"]
        assert json.loads(row["evidence"]) == finding["evidence"]
        assert row["citations"] == finding["citations"]
        assert row["missing"] == finding["missing"]
        assert [p["path"] for p in row["presumed"]] == [
            p["path"] for p in finding.get("presumed", ())
        ]


def test_check_table_matches_check_many(engine: Engine) -> None:
    records = corpus(40)
    table = pa.Table.from_pylist(records)
    expected = findings_table(engine.check_many(Input(None, r) for r in records))
    assert rows(check_table(engine, table), line=True) == rows(expected, line=True)


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_cli_parquet_in_parquet_out(tmp_path: Path, engine: Engine) -> None:
    records = corpus(60)
    posts = tmp_path / "posts.parquet"
    pq.write_table(pa.Table.from_pylist(records), posts)
    findings = tmp_path / "findings.parquet"
    code, out, err = _cli("check", str(posts), "--output", str(findings))
    assert code == 1 and out == "" and "written to" in err  # the corpus has violations
    written = pq.read_table(findings)
    assert written.schema.equals(SCHEMA)
    expected = findings_table(engine.check_many(records))
    assert rows(written, line=True) == rows(expected, line=True)
    # The same findings from JSON Lines input, and the same reports printed either way.
    jsonl = _jsonl(tmp_path / "posts.jsonl", records)
    code2, _, _ = _cli("check", str(jsonl), "--output", str(tmp_path / "again.parquet"))
    assert code2 == code
    assert rows(pq.read_table(tmp_path / "again.parquet"), line=True) == rows(written, line=True)
    assert (
        _cli("check", "--format", "jsonl", str(posts))[1]
        == _cli("check", "--format", "jsonl", str(jsonl))[1]
    )
    assert (
        _cli("check", "--format", "jsonl", "--jobs", "2", str(posts))[1]
        == _cli("check", "--format", "jsonl", str(jsonl))[1]
    )


def test_cli_refuses_what_it_cannot_read_or_write(tmp_path: Path) -> None:
    not_parquet = tmp_path / "notes.parquet"
    not_parquet.write_text("hello\n", encoding="utf-8")
    code, _, err = _cli("check", str(not_parquet))
    assert code == 2 and "cannot read" in err and "as Parquet" in err
    code, _, err = _cli("check", str(EXAMPLES), "--output", str(tmp_path / "out.csv"))
    assert code == 2 and "ending in .parquet" in err
