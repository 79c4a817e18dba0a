"""M3, L1, L4: hostile rule files give positioned diagnostics, never tracebacks or file contents."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kolrules import Engine, RuleError
from kolrules.lang.loader import load
from kolrules.timeutil import zone
from tests.conftest import HEADER, RULE_META
from tests.security.helpers import run, run_process

SECRET = "ghp_example_secret_value"


def _codes(paths: list[str], **kw: object) -> list[str]:
    return [d.code for d in load(paths, **kw).diagnostics]  # type: ignore[arg-type]


def test_importing_the_environment_is_refused_and_nothing_is_echoed(tmp_path: Path) -> None:
    leak = tmp_path / "leak.kol"
    leak.write_text('import "/proc/self/environ"\n', encoding="utf-8")
    result = run_process(["lint", str(leak)], env={"CI_DEPLOY_TOKEN": SECRET})
    assert result.returncode == 1
    assert b"KR107" in result.stdout
    assert SECRET.encode() not in result.stdout + result.stderr
    check = run_process(["check", "--rules", str(leak), "-"], env={"CI_DEPLOY_TOKEN": SECRET})
    assert check.returncode == 2 and SECRET.encode() not in check.stdout + check.stderr


@pytest.mark.parametrize(
    "target", ["/etc/passwd.kol", "../outside/common.kol", "sub/../../outside/common.kol"]
)
def test_imports_leaving_the_pack_are_refused(target: str, tmp_path: Path) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "common.kol").write_text("const x = 1\n", encoding="utf-8")
    pack = tmp_path / "pack"
    (pack / "sub").mkdir(parents=True)
    (pack / "main.kol").write_text(f'import "{target}"\n', encoding="utf-8")
    assert _codes([str(pack)]) == ["KR107"]
    if not target.startswith("/"):
        assert _codes([str(pack)], allow_outside=True) == []
        assert _codes([str(tmp_path)]) == []  # the common folder given: inside


def test_a_rule_file_linking_outside_the_pack_is_refused(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "evil.kol").symlink_to("/proc/self/environ")
    assert _codes([str(pack)]) == ["KR107"]
    assert _codes([str(pack / "evil.kol")]) == ["KR107"]
    code, out, err = run(["lint", str(pack)])
    assert code == 1 and "PATH=" not in out + err


def test_the_flag_allows_imports_outside_for_trusted_packs(tmp_path: Path) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "header.kol").write_text(HEADER, encoding="utf-8")
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "rules.kol").write_text(
        f'import "../shared/header.kol"\nrule XX-R {{\n{RULE_META}\nrequires true\n}}\n',
        encoding="utf-8",
    )
    assert run(["lint", str(pack)])[0] == 1
    assert run(["lint", str(pack), "--allow-imports-outside"])[0] == 0
    assert "KOLRULES_ALLOW_IMPORTS_OUTSIDE" not in os.environ  # restored after the run
    with pytest.raises(RuleError):
        Engine.from_paths([pack])


def test_one_file_under_two_spellings_is_read_once(tmp_path: Path) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "common.kol").write_text(HEADER, encoding="utf-8")
    pack = tmp_path / "rules"
    pack.mkdir()
    (pack / "a.kol").write_text('import "../outside/common.kol"\n', encoding="utf-8")
    (pack / "b.kol").write_text('import "../outside/../outside/common.kol"\n', encoding="utf-8")
    loaded = load([str(pack)], allow_outside=True)
    assert [d.code for d in loaded.diagnostics] == []
    assert len(loaded.modules) == 3  # not a second copy declaring `XX` again (KR306)


def _rule_file(tmp_path: Path, timezone: str, requirement: str) -> str:
    text = HEADER.replace('"Asia/Ho_Chi_Minh"', f'"{timezone}"') + (
        f"rule XX-R-1 {{\n{RULE_META}\nrequires {requirement}\n}}\n"
    )
    path = tmp_path / "r.kol"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("timezone", "requirement", "code"),
    [
        ("UTC", "kol.followers > " + "9" * 5000, "KR104"),
        ("UTC", "(" * 3000 + "true" + ")" * 3000, "KR108"),
        ("/etc/passwd", "true", "KR307"),
        ("../../../../etc/passwd", "true", "KR307"),
        ("Foo/Bar+5", "true", "KR307"),
        ("EST5", "true", "KR307"),
    ],
)
def test_hostile_rule_files_give_diagnostics_not_tracebacks(
    timezone: str, requirement: str, code: str, tmp_path: Path
) -> None:
    path = _rule_file(tmp_path, timezone, requirement)
    lint_code, out, err = run(["lint", path])
    assert lint_code == 1 and f"[{code}]" in out, out + err
    check_code, _, err = run(["check", "--rules", path, "-"], stdin="")
    assert check_code == 2 and f"[{code}]" in err


def test_time_zones_are_iana_names_only() -> None:
    assert zone("Asia/Ho_Chi_Minh") is not None and zone("UTC") is not None
    for name in ("/etc/passwd", "Asia/../Asia/Tokyo", "America", "Foo/Bar+5", "posix/../x"):
        assert zone(name) is None


def test_overlarge_literals_the_grammar_accepts_do_not_crash_a_run(tmp_path: Path) -> None:
    """Argued in docs/security.md: a pack you run is trusted; these are lint-quality issues,
    and at worst give KR901 findings for the record, never a crash."""
    for requirement in (
        "kol.followers > 1e999999",
        "kol.sanctions[0].date within 99999999999999 years before published_at",
    ):
        path = _rule_file(tmp_path, "UTC", requirement)
        record = '{"id":"r","published_at":"2026-02-10T18:05:00Z","kol":{"followers":5,' \
            '"sanctions":[{"date":"2025-01-01"}]}}\n'
        code, out, err = run(["check", "--rules", path, "-", "--format", "jsonl"], stdin=record)
        assert code in (0, 1) and '"status":"checked"' in out and "Traceback" not in err
