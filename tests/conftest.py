"""Shared test helpers: compiling rule text, a minimal jurisdiction header, golden files."""

from __future__ import annotations

from pathlib import Path

import pytest

from kolrules import Engine

HEADER = """
jurisdiction XX {
  name "Testland"
  authority "Test Authority"
  timezone "Asia/Ho_Chi_Minh"
  scope audience.countries contains "XX"
}
"""

RULE_META = """
  title "t"
  obligation disclosure.label
  cite "Test Act" article "1" url "https://example.org"
  severity error
  effective from 2020-01-01
  message "m"
"""


@pytest.fixture(autouse=True, scope="session")
def _private_pack_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never read or write the user's own pack cache."""
    import os

    os.environ["KOLRULES_CACHE_DIR"] = str(tmp_path_factory.mktemp("pack-cache"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def rule(body: str, rule_id: str = "XX-T-1", extra: str = "") -> str:
    """A whole rule file: the header, ``extra`` declarations and one rule with ``body``."""
    return f"{HEADER}\n{extra}\nrule {rule_id} {{\n{RULE_META}\n{body}\n}}\n"


def engine_for(body: str, extra: str = "") -> Engine:
    return Engine.from_text(rule(body, extra=extra), path="t.kol")


def record(**fields: object) -> dict[str, object]:
    """A record in the test jurisdiction, published 2026-03-04 in Hanoi."""
    base: dict[str, object] = {
        "id": "r1",
        "published_at": "2026-03-04T10:00:00+07:00",
        "audience": {"countries": ["XX"]},
    }
    base.update(fields)
    return base


def outcome(engine: Engine, rec: dict[str, object], **kw: object) -> tuple[str, tuple[str, ...]]:
    """(outcome, missing) of the single rule for the record."""
    report = engine.check(rec, include_pass=True, **kw)  # type: ignore[arg-type]
    assert len(report.findings) == 1, report
    finding = report.findings[0]
    return finding.outcome, finding.missing


def check_golden(path: Path, text: str, update: bool) -> None:
    if update:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"golden file {path} is missing; run pytest --update-golden"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{path} differs; rerun with --update-golden and review git diff"


def _hypothesis_profiles() -> None:
    import os

    from hypothesis import HealthCheck, settings

    settings.register_profile(
        "ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    settings.register_profile(
        "thorough", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


_hypothesis_profiles()
