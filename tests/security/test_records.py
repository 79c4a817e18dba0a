"""H4, H2, M6, M7, L6, I1: every input line gets exactly one report, identical in every mode."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from kolrules import Engine
from kolrules.inputs import Input, Limits, read_jsonl, read_stream
from tests.security.helpers import GOOD, run, run_process

HOSTILE = {
    "bigint": ('{"id":"b","published_at":"2026-02-10T18:05:00Z","kol":{"followers":'
               + "9" * 5000 + "}}", "KR511"),
    "deep": ('{"id":"b","x":' + "[" * 100000 + "]" * 100000 + "}", "KR510"),
    "surrogate": ('{"id":"b\\ud800","published_at":"2026-02-10T18:05:00Z"}', "KR513"),
    "year10000": ('{"id":"b","published_at":"9999-12-31T23:00:00-05:00"}', "KR502"),
    "year0": ('{"id":"b","published_at":"0001-01-01T01:00:00+05:00"}', "KR502"),
    "not-utf8": (b'{"id":"\xff"}'.decode("latin-1"), "KR512"),
}


def _write(path: Path, lines: list[bytes]) -> str:
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    return str(path)


def _encode(line: str) -> bytes:
    return line.encode("latin-1") if "\xff" in line else line.encode("utf-8")


def _reports(stdout: bytes) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.decode("utf-8").splitlines()]


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_one_hostile_line_gets_one_invalid_report_and_the_batch_goes_on(
    name: str, tmp_path: Path
) -> None:
    line, code = HOSTILE[name]
    path = _write(tmp_path / "in.jsonl", [GOOD.encode(), _encode(line), GOOD.encode()])
    items = list(read_stream(open(path, "rb"), name=path))  # noqa: SIM115 - closed by GC
    reports = list(Engine.bundled().check_many(items))
    assert [r.status for r in reports] == ["checked", "invalid", "checked"]
    assert [r.line for r in reports] == [1, 2, 3]
    assert reports[1].errors[0].code == code


def test_the_cli_gives_the_same_bytes_with_one_or_two_jobs_on_every_hostile_line(
    tmp_path: Path,
) -> None:
    lines = [GOOD.encode()]
    for line, _ in HOSTILE.values():
        lines += [_encode(line), GOOD.encode()]
    path = _write(tmp_path / "all.jsonl", lines)
    one = run_process(["check", path, "--format", "jsonl", "--jobs", "1"])
    two = run_process(["check", path, "--format", "jsonl", "--jobs", "2"])
    # Format 1.1: an invalid record fails the run (exit 1), in every mode alike.
    assert one.returncode == two.returncode == 1, (one.stderr, two.stderr)
    assert one.stdout == two.stdout
    statuses = [r["status"] for r in _reports(one.stdout)]
    assert statuses == ["checked", *["invalid", "checked"] * len(HOSTILE)]
    assert b"Traceback" not in one.stderr + two.stderr
    text = run_process(["check", path, "--format", "json"])
    assert json.loads(text.stdout)["summary"]["records"]["invalid"] == len(HOSTILE)


def test_an_integer_too_large_for_a_float_is_compared_exactly() -> None:
    big = int("9" * 400)
    record = {"id": "b", "published_at": "2026-02-10T18:05:00Z", "kol": {"followers": big},
              "typo": 1}  # the unknown key sends the record to the describing validator
    report = next(Engine.bundled().check_many([record]))
    assert report.status == "checked"
    assert next(Engine.bundled().check_many([Input(1, text=json.dumps(record))])).status == (
        "invalid"  # 400 digits: over the default digit limit
    )
    parsed = Input(1, text=json.dumps(record)).parse(Limits(digits=500))
    assert next(Engine.bundled().check_many([parsed])).status == "checked"


def test_a_first_line_starting_with_a_bracket_is_one_bad_line_not_a_json_array(
    tmp_path: Path,
) -> None:
    sample = (Path(__file__).parents[2] / "examples" / "activities.jsonl").read_bytes()
    path = tmp_path / "first-bracket.jsonl"
    path.write_bytes(b'["a stray array line"]\n' + sample)
    one = run_process(["check", str(path), "--format", "jsonl", "--jobs", "1"])
    two = run_process(["check", str(path), "--format", "jsonl", "--jobs", "2"])
    assert one.stdout == two.stdout
    assert one.returncode == two.returncode == 1  # the sample's violations are found
    reports = _reports(one.stdout)
    assert len(reports) == 1 + sum(1 for line in sample.splitlines() if line.strip())
    assert reports[0]["status"] == "invalid"
    _, out, _ = run(["check", "-", "--format", "jsonl"], stdin='["a"]\n' + GOOD + "\n")
    assert [json.loads(x)["status"] for x in out.splitlines()] == ["invalid", "checked"]


def test_json_arrays_come_only_from_json_files_or_the_flag(tmp_path: Path) -> None:
    array = "[" + GOOD + "," + GOOD + "]"
    path = tmp_path / "records.json"
    path.write_text(array, encoding="utf-8")
    _, out, _ = run(["check", str(path), "--format", "jsonl"])
    assert [json.loads(x)["line"] for x in out.splitlines()] == [1, 2]
    _, out, _ = run(["check", "-", "--format", "jsonl", "--input-format", "json"], stdin=array)
    assert len(out.splitlines()) == 2
    _, out, _ = run(["check", "-", "--format", "jsonl"], stdin=array)
    assert len(out.splitlines()) == 1  # JSON Lines: one line, one (invalid) report


def test_only_newline_and_crlf_end_a_line(tmp_path: Path) -> None:
    def rec(i: str, **kw: object) -> dict[str, object]:
        return {"id": i, "published_at": "2026-02-10T18:05:00Z",
                "audience": {"countries": ["US"]}, **kw}

    lines = [
        json.dumps(rec("first")),
        json.dumps(rec("cr-as-whitespace")).replace(', "published_at"', ',\r"published_at"'),
        json.dumps(rec("u2028", kol={"handle": "@a\u2028b\u0085c\x0bd\x1ce"}),
                   ensure_ascii=False),
        json.dumps(rec("crlf")) + "\r",
        json.dumps(rec("last")),
    ]
    path = tmp_path / "separators.jsonl"
    path.write_bytes("\n".join(lines).encode("utf-8") + b"\n")
    one = run_process(["check", str(path), "--format", "jsonl", "--jobs", "1"])
    two = run_process(["check", str(path), "--format", "jsonl", "--jobs", "2"])
    assert one.stdout == two.stdout
    reports = _reports(one.stdout)
    assert [(r["line"], r["record_id"], r["status"]) for r in reports] == [
        (1, "first", "checked"), (2, "cr-as-whitespace", "checked"), (3, "u2028", "checked"),
        (4, "crlf", "checked"), (5, "last", "checked"),
    ]
    # The output escapes U+2028 and U+0085: kolrules' own output splits only at "\n".
    assert len(one.stdout.decode("utf-8").splitlines()) == 5


def test_invalid_utf8_is_one_invalid_line_from_files_and_stdin(tmp_path: Path) -> None:
    ok = b'{"id":"ok","published_at":"2026-02-10T18:05:00Z"}'
    path = _write(tmp_path / "bad.jsonl", [ok, b'{"id":"\xff\xfe"}', ok])
    outputs = [
        run_process(["check", path, "--format", "jsonl", "--jobs", jobs]) for jobs in ("1", "2")
    ]
    outputs.append(run_process(["check", "-", "--format", "jsonl"], stdin=Path(path).read_bytes()))
    outputs.append(run_process(["check", "-", "--format", "jsonl"], stdin=Path(path).read_bytes(),
                               env={"PYTHONIOENCODING": "utf-8", "LC_ALL": "C"}))
    for result in outputs:
        assert result.returncode == 1, result.stderr  # format 1.1: the invalid line fails
        assert result.stdout == outputs[0].stdout  # valid UTF-8, the same in every mode
        statuses = [(r["line"], r["status"]) for r in _reports(result.stdout)]
        assert statuses == [(1, "checked"), (2, "invalid"), (3, "checked")]


def test_a_byte_order_mark_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode() + b"\n")
    for jobs in ("1", "2"):
        result = run_process(["check", str(path), "--format", "jsonl", "--jobs", jobs])
        assert _reports(result.stdout)[0]["status"] == "checked"
    json_path = tmp_path / "bom.json"
    json_path.write_bytes(b"\xef\xbb\xbf[" + GOOD.encode() + b"]")
    _, out, _ = run(["check", str(json_path), "--format", "jsonl"])
    assert json.loads(out)["status"] == "checked"


def test_blank_lines_are_skipped_but_other_whitespace_is_reported() -> None:
    data = b"\n \t\r\n" + GOOD.encode() + b"\n\x0c\n"
    items = list(read_jsonl(io.BytesIO(data)))
    assert [(i.line, i.error is None) for i in items] == [(3, True), (4, False)]


def test_a_line_over_the_limit_is_reported_without_being_held(tmp_path: Path) -> None:
    long_line = b'{"id":"' + b"x" * 5000 + b'"}'
    data = GOOD.encode() + b"\n" + long_line + b"\r\n" + GOOD.encode()
    limits = Limits(line_bytes=1000)
    items = list(read_jsonl(io.BytesIO(data), limits=limits))
    assert [(i.line, i.code if i.error else None) for i in items] == [
        (1, None), (2, "KR509"), (3, None)
    ]
    assert "5010 bytes" in (items[1].error or "")
    _, out, _ = run(["check", "-", "--format", "jsonl", "--limit", "line_bytes=1000"],
                         stdin=data.decode())
    assert [json.loads(x)["status"] for x in out.splitlines()] == ["checked", "invalid", "checked"]
    assert run(["check", "-", "--limit", "nope=3"])[0] == 2


def test_limits_are_validated() -> None:
    assert Limits.parse(["depth=10", "digits=5"]) == Limits(depth=10, digits=5)
    with pytest.raises(ValueError, match="NAME=NUMBER"):
        Limits.parse(["depth"])
    with pytest.raises(ValueError, match="≥ 1"):
        Limits(depth=0)


def test_a_json_array_reports_lone_surrogates_per_element(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text("[" + GOOD + ',{"id":"\\udc00"},' + GOOD + "]", encoding="utf-8")
    _, out, _ = run(["check", str(path), "--format", "jsonl"])
    assert [json.loads(x)["status"] for x in out.splitlines()] == ["checked", "invalid", "checked"]
