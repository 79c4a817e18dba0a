"""The progress bar: drawn on a terminal's stderr for runs longer than a second, never in
pipes, with --quiet, on a dumb terminal, or when the reports themselves go to the terminal."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from kolrules.cli import main
from kolrules.reports.progress import DELAY_S, Progress, wanted
from tests.conftest import HEADER


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_drawn_only_on_a_terminal_and_never_when_quiet() -> None:
    term, pipe = _Terminal(), io.StringIO()
    assert wanted(term, pipe, quiet=False, environ={})
    assert not wanted(pipe, pipe, quiet=False, environ={})  # stderr is a pipe
    assert not wanted(term, pipe, quiet=True, environ={})
    assert not wanted(term, pipe, quiet=False, environ={"TERM": "dumb"})
    assert not wanted(term, _Terminal(), quiet=False, environ={})  # reports on the terminal


def test_nothing_in_the_first_second_then_rate_and_eta() -> None:
    clock, screen = _Clock(), io.StringIO()
    read = [0]
    progress = Progress(screen, total=1000, position=lambda: read[0], clock=clock)
    for _ in range(50):
        clock.now += 0.01
        progress.tick()
    assert screen.getvalue() == ""  # 0.5 s: a short run draws nothing
    clock.now = 100.0 + 2 * DELAY_S
    read[0] = 250
    progress.tick()
    line = screen.getvalue()
    assert line.startswith("\r") and line.endswith("\x1b[K")
    assert "51 records, 26 records/s, 0:02" in line and " 25% " in line and "ETA 0:06" in line
    progress.tick()  # no redraw within the interval
    assert screen.getvalue() == line
    progress.close()
    assert screen.getvalue().endswith("\r\x1b[K")
    clock.now += 10
    progress.tick()  # nothing after close
    assert screen.getvalue().endswith("\r\x1b[K")


def test_without_a_size_only_the_count_and_rate() -> None:
    clock, screen = _Clock(), io.StringIO()
    progress = Progress(screen, clock=clock)
    clock.now += 3725
    progress.tick(10)
    assert "10 records, 0 records/s, 1h02m" in screen.getvalue() and "ETA" not in screen.getvalue()


def test_the_cli_draws_on_a_terminal_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kolrules.reports.progress as progress

    rules = tmp_path / "r.kol"
    rules.write_text(HEADER + RULE, encoding="utf-8")
    records = tmp_path / "in.jsonl"
    record = {"id": "r", "published_at": "2026-03-04T10:00:00+07:00",
              "audience": {"countries": ["XX"]}}
    records.write_text(json.dumps(record) + "\n", encoding="utf-8")
    monkeypatch.setattr(progress, "DELAY_S", 0.0)  # draw from the first record
    for quiet, expect in (([], True), (["--quiet"], False)):
        err = _Terminal()
        args = ["check", "--rules", str(rules), *quiet, str(records)]
        assert main(args, stdout=io.StringIO(), stderr=err) == 0
        assert ("records/s" in err.getvalue()) is expect
        assert "records/s" not in err.getvalue().rsplit("\r\x1b[K", 1)[-1]  # erased first
    err = io.StringIO()
    main(["check", "--rules", str(rules), str(records)], stdout=io.StringIO(), stderr=err)
    assert "records/s" not in err.getvalue() and "\r" not in err.getvalue()


RULE = """
rule XX-T {
  title "t"
  cite "Test Act" article "1"
  severity error
  effective from 2020-01-01
  requires true
  message "m"
}
"""
