"""Shared helpers of the hostile-input suite: run the CLI in-process or as a real process."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from kolrules.cli import main

ROOT = Path(__file__).parents[2]
KOLRULES = [sys.executable, "-m", "kolrules"]
GOOD = '{"id":"good","published_at":"2026-02-10T18:05:00Z","audience":{"countries":["US"]}}'


def run(args: list[str], stdin: str = "") -> tuple[int, str, str]:
    """``kolrules ARGS`` in this process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    code = main(args, stdout=out, stderr=err, stdin=io.StringIO(stdin))
    return code, out.getvalue(), err.getvalue()


def run_process(
    args: list[str], *, stdin: bytes = b"", env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[bytes]:
    """``kolrules ARGS`` as a real process (for --jobs, signals and pipes), never hanging."""
    return subprocess.run(
        [*KOLRULES, *args],
        input=stdin,
        capture_output=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
    )
