"""The HTML report in a real browser: Debian's headless Chromium loads the page, runs its
script, and the rendered DOM is asserted (counts, and a filter applied from the address's
fragment by the page's own script); a screenshot is saved under the test's temp dir.

Skips, saying why, only when no Chromium is installed (``.ci/run`` installs it)."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kolrules.cli import main
from tests.test_reports import RULES, _sample

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium chromium-driver)")
    profile = tmp_path / "profile"
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def page(tmp_path: Path) -> Path:
    rules = tmp_path / "r.kol"
    rules.write_text(RULES, encoding="utf-8")
    path = tmp_path / "report.html"
    out = io.StringIO()
    code = main(
        ["check", "--rules", str(rules), "--html", str(path), "-"],
        stdout=out,
        stderr=io.StringIO(),
        stdin=io.StringIO(_sample()),
    )
    assert code == 1
    return path


def _dom(tmp_path: Path, url: str) -> str:
    result = _chromium(tmp_path, "--virtual-time-budget=3000", "--dump-dom", url)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _visible(dom: str) -> list[tuple[str, str]]:
    """(outcome, rule) of each finding the script left visible."""
    return re.findall(
        r'<div class="finding \w+" data-jurisdiction="XX" data-outcome="(\w+)" '
        r'data-severity="\w+" data-rule="([\w-]+)"(?! hidden)>',
        dom,
    )


def test_the_browser_renders_counts_and_filters(page: Path, tmp_path: Path) -> None:
    dom = _dom(tmp_path, page.as_uri())
    assert "9 findings in 5 records shown" in dom  # the script ran and counted
    assert len(_visible(dom)) == 9
    assert dom.count('class="row" data-rule=') == 3  # one chart bar per violated rule
    assert '<span class="badge violation">4</span>' in dom

    filtered = _dom(tmp_path, page.as_uri() + "#outcome=violation&severity=error")
    assert "3 findings in 2 records shown" in filtered
    assert sorted(_visible(filtered)) == [
        ("violation", "XX-ADULT"),
        ("violation", "XX-USED"),
        ("violation", "XX-USED"),
    ]
    by_rule = _dom(tmp_path, page.as_uri() + "#rule=XX-ADULT-NOTICE")
    assert "3 findings in 3 records shown" in by_rule


def test_the_browser_takes_a_screenshot(page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    result = _chromium(
        tmp_path, "--window-size=1200,900", f"--screenshot={shot}", page.as_uri()
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    print(json.dumps({"screenshot": str(shot)}))
