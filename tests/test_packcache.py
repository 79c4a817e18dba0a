"""The compiled-pack cache: keyed by content, never stale, harmless when unusable."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kolrules import Engine, packcache
from tests.conftest import HEADER, RULE_META


def _pack(folder: Path, message: str = "first") -> None:
    (folder / "header.kol").write_text(
        HEADER + 'const word = "' + message + '"\n', encoding="utf-8"
    )
    (folder / "rules.kol").write_text(
        'import "header.kol"\n' + f'rule XX-C {{\n{RULE_META}\nrequires word == "first"\n}}\n',
        encoding="utf-8",
    )


def _outcome(folder: Path) -> str:
    engine = Engine.from_paths([folder])
    record = {"id": "a", "published_at": "2026-01-01T00:00:00Z", "audience": {"countries": ["XX"]}}
    return engine.outcomes(record, include_pass=True)["XX-C"]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("KOLRULES_CACHE_DIR", str(folder))
    return folder


def test_second_load_comes_from_the_cache(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    _pack(pack)
    assert _outcome(pack) == "pass"
    assert len(list(cache.glob("*.json"))) == 1

    def fail() -> None:
        raise AssertionError("compiled again despite a current cache entry")

    monkeypatch.setattr("kolrules.engine._compile", lambda *a, **k: fail())
    assert _outcome(pack) == "pass"


def test_an_edited_import_is_never_served_stale(tmp_path: Path, cache: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    _pack(pack)
    assert _outcome(pack) == "pass"
    # Only the imported header changes; the entry's key covers the roots, its check the import.
    (pack / "header.kol").write_text(HEADER + 'const word = "second"\n', encoding="utf-8")
    engine = Engine.from_paths([pack / "rules.kol"])
    record = {"id": "a", "published_at": "2026-01-01T00:00:00Z", "audience": {"countries": ["XX"]}}
    assert engine.outcomes(record) == {"XX-C": "violation"}


def test_a_missing_or_read_only_cache_still_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    _pack(pack)
    # A cache path below a regular file cannot be created, even by root (unlike chmod).
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("KOLRULES_CACHE_DIR", str(blocker / "cache"))
    assert _outcome(pack) == "pass"
    assert _outcome(pack) == "pass"
    monkeypatch.setenv("KOLRULES_CACHE_DIR", "")
    assert packcache.cache_dir() is None
    assert _outcome(pack) == "pass"


def test_a_corrupt_entry_is_recompiled(tmp_path: Path, cache: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    _pack(pack)
    _outcome(pack)
    for entry in cache.glob("*.json"):
        entry.write_bytes(b"not a cache entry")
    assert _outcome(pack) == "pass"


def test_rule_errors_are_not_cached(tmp_path: Path, cache: Path) -> None:
    from kolrules import RuleError

    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "bad.kol").write_text(HEADER + 'rule XX-B { title "t" }\n', encoding="utf-8")
    for _ in range(2):
        with pytest.raises(RuleError):
            Engine.from_paths([pack])
    assert not cache.exists() or not list(cache.glob("*.json"))
    assert os.environ["KOLRULES_CACHE_DIR"] == str(cache)


def test_a_run_from_a_warm_cache_never_loads_the_language_front_end(tmp_path: Path) -> None:
    # The engine imports the language driver only to compile: checking with cached packs
    # loads neither the parser (lark) nor the checker, which is what makes the cache pay.
    import functools
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from kolrules import Engine\n"
        "engine = Engine.bundled()\n"
        "engine.check({'id': 'r', 'published_at': '2026-03-01T00:00:00Z'})\n"
        "print(sorted(m for m in sys.modules if m == 'lark' or m.startswith('kolrules.lang.')))\n"
    )
    env = {**os.environ, "KOLRULES_CACHE_DIR": str(tmp_path / "cache")}
    run = functools.partial(
        subprocess.run, [sys.executable, "-c", script], capture_output=True, text=True, env=env
    )
    cold = run(check=True)
    assert "kolrules.lang.parser" in cold.stdout  # the first run compiles the packs
    assert run(check=True).stdout.strip() == "[]"
