"""H1, H3, L2, L3: the pack cache runs no code, trusts only the user's own private files, and
never serves one checkout's rules to another."""

from __future__ import annotations

import json
import logging
import os
import pickle
import stat
from pathlib import Path

import pytest

from kolrules import Engine, ir, packcache
from kolrules.packcodec import Unencodable, decode, encode
from tests.conftest import HEADER, RULE_META

RECORD = {"id": "a", "published_at": "2026-01-01T00:00:00Z", "audience": {"countries": ["XX"]}}


class _Payload:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("touch PWNED",))


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("KOLRULES_CACHE_DIR", str(folder))
    return folder


def _pack(folder: Path, threshold: int = 1000) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "thresholds.kol").write_text(HEADER + f"const big = {threshold}\n", encoding="utf-8")
    (folder / "main.kol").write_text(
        'import "thresholds.kol"\n'
        f"rule XX-BIG {{\n{RULE_META}\napplies when kol.followers >= big\n"
        "requires kol.real_name_verified == true\n}\n",
        encoding="utf-8",
    )
    return folder / "main.kol"


def _outcome(main: Path) -> str:
    record = {**RECORD, "kol": {"followers": 50000, "real_name_verified": False}}
    return Engine.from_paths([main]).outcomes(record, include_pass=True)["XX-BIG"]


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("*.json"))


def test_entries_are_json_in_a_private_folder_and_load_without_compiling(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    main = _pack(tmp_path / "p")
    assert _outcome(main) == "violation"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    [entry] = _entries(cache)
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert json.loads(entry.read_bytes())["format"] == packcache.FORMAT
    monkeypatch.setattr("kolrules.engine._compile", lambda *a, **k: pytest.fail("compiled"))
    assert _outcome(main) == "violation"


def test_a_planted_pickle_is_never_executed(
    tmp_path: Path, cache: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # where the payload would write
    main = _pack(tmp_path / "p")
    _outcome(main)
    [entry] = _entries(cache)
    entry.write_bytes(pickle.dumps(_Payload()))
    with caplog.at_level(logging.WARNING, "kolrules.packcache"):
        assert _outcome(main) == "violation"
    assert not (tmp_path / "PWNED").exists()
    assert "KR903" in caplog.text and "corrupt" in caplog.text


def test_an_entry_naming_another_class_is_refused(tmp_path: Path, cache: Path) -> None:
    main = _pack(tmp_path / "p")
    _outcome(main)
    [entry] = _entries(cache)
    data = json.loads(entry.read_bytes())
    data["program"] = {"$": "attrs", "t": "os.system", "v": {"command": "touch PWNED"}}
    entry.write_text(json.dumps(data), encoding="utf-8")
    assert _outcome(main) == "violation"
    with pytest.raises(ValueError, match="unknown class"):
        decode(data["program"])
    with pytest.raises(ValueError, match="unknown tag"):
        decode({"$": "pickle", "v": "..."})


@pytest.mark.skipif(os.geteuid() != 0, reason="changing a file's owner needs root")
def test_a_folder_or_entry_owned_by_someone_else_is_ignored(
    tmp_path: Path, cache: Path, caplog: pytest.LogCaptureFixture
) -> None:
    main = _pack(tmp_path / "p")
    _outcome(main)
    [entry] = _entries(cache)
    os.chown(entry, 65534, 65534)  # nobody
    with caplog.at_level(logging.WARNING, "kolrules.packcache"):
        assert _outcome(main) == "violation"
    assert "owned by uid 65534" in caplog.text
    os.chown(cache, 65534, 65534)
    caplog.clear()
    with caplog.at_level(logging.WARNING, "kolrules.packcache"):
        assert _outcome(main) == "violation"
    assert f"{cache} is owned by uid 65534" in caplog.text


@pytest.mark.parametrize("target", ["folder", "entry"])
def test_anything_writable_by_others_is_ignored(
    target: str, tmp_path: Path, cache: Path, caplog: pytest.LogCaptureFixture
) -> None:
    main = _pack(tmp_path / "p")
    _outcome(main)
    [entry] = _entries(cache)
    (cache if target == "folder" else entry).chmod(0o777 if target == "folder" else 0o666)
    entry.write_text("{}", encoding="utf-8")  # would be reported as corrupt if it were read
    with caplog.at_level(logging.WARNING, "kolrules.packcache"):
        assert _outcome(main) == "violation"
    assert "writable by other users" in caplog.text
    assert "corrupt" not in caplog.text


def test_symbolic_links_are_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real = tmp_path / "real-cache"
    real.mkdir(mode=0o700)
    link = tmp_path / "link-cache"
    link.symlink_to(real)
    monkeypatch.setenv("KOLRULES_CACHE_DIR", str(link))
    main = _pack(tmp_path / "p")
    with caplog.at_level(logging.WARNING, "kolrules.packcache"):
        assert _outcome(main) == "violation"
    assert "symbolic link" in caplog.text
    assert not list(real.iterdir())
    monkeypatch.setenv("KOLRULES_CACHE_DIR", str(real))
    _outcome(main)
    [entry] = _entries(real)
    elsewhere = tmp_path / "elsewhere.json"
    entry.rename(elsewhere)
    entry.symlink_to(elsewhere)
    caplog.clear()
    with caplog.at_level(logging.WARNING, "kolrules.packcache"):
        assert _outcome(main) == "violation"
    assert "cannot open entry" in caplog.text


def test_two_checkouts_differing_only_in_an_import_get_their_own_rules(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = _pack(tmp_path / "projA" / "rules", threshold=1000)
    b = _pack(tmp_path / "projB" / "rules", threshold=1_000_000)
    monkeypatch.chdir(tmp_path / "projB")
    assert _outcome(Path("rules/main.kol")) == "not_applicable"
    monkeypatch.chdir(tmp_path / "projA")
    assert _outcome(Path("rules/main.kol")) == "violation"  # the same shown path and root text
    assert {a.read_text(), b.read_text()} == {a.read_text()}


def test_the_key_covers_kolrules_own_code(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    main = _pack(tmp_path / "p")
    _outcome(main)
    monkeypatch.setattr(packcache, "code_digest", lambda: "an edited compiler")
    _outcome(main)
    assert len(_entries(cache)) == 2


def test_old_entries_are_evicted(tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(packcache, "MAX_ENTRIES", 3)
    main = _pack(tmp_path / "p")
    for edit in range(6):
        main.write_text(main.read_text(encoding="utf-8") + f"# edit {edit}\n", encoding="utf-8")
        _outcome(main)
    assert len(_entries(cache)) == 3


def test_a_file_edited_while_compiling_is_not_cached(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kolrules import engine

    main = _pack(tmp_path / "p")
    real = engine._compile

    def edit_during(*args: object, **kwargs: object) -> object:
        compiled = real(*args, **kwargs)  # type: ignore[arg-type]
        (main.parent / "thresholds.kol").write_text(HEADER + "const big = 7\n", encoding="utf-8")
        return compiled

    monkeypatch.setattr(engine, "_compile", edit_during)
    _outcome(main)
    assert _entries(cache) == []


def test_the_codec_round_trips_the_bundled_program() -> None:
    program = Engine.bundled().program
    assert decode(json.loads(json.dumps(encode(program)))) == program
    with pytest.raises(Unencodable):
        encode(object())


def test_equal_subtrees_are_written_once_and_come_back_as_one_object() -> None:
    text = HEADER + "define big = kol.followers > 10 and content.caption matches {\"#ad\"}\n"
    text += "".join(f"rule XX-T-{n} {{\n{RULE_META}\n  requires big\n}}\n" for n in (1, 2))
    program = Engine.from_text(text, path="t.kol").program
    first, second = program.rules
    assert first.requirement is second.requirement  # the compiler keeps one of each
    written = encode(program)
    assert '"$": "ref"' in json.dumps(written)
    back = decode(json.loads(json.dumps(written)))
    assert back == program
    assert back.rules[0].requirement is back.rules[1].requirement


@pytest.mark.parametrize(
    "entry",
    [
        {"$": "ref", "v": 0},  # no node written yet
        {"$": "ref", "v": "0"},
        [{"$": "attrs", "t": "kolrules.ir.Derived", "v": {"name": "is_sponsored"}, "n": 1}],
        [{"$": "attrs", "t": "kolrules.program.Expectation", "v": {}, "n": 0}],
    ],
)
def test_a_reference_to_no_node_is_refused(entry: object) -> None:
    with pytest.raises((ValueError, TypeError)):
        decode(entry)


def test_an_entry_standing_for_a_huge_tree_is_refused() -> None:
    # Each level refers twice to the one below: a few kilobytes standing for 2**30 nodes, which
    # code generation would write out inside a quantifier's body.
    node: object = ir.Path("d", ("legible",))
    for _ in range(30):
        node = ir.And((node, node))
    written = json.dumps(encode(node))
    assert len(written) < 5_000
    with pytest.raises(ValueError, match="too large"):
        decode(json.loads(written))
    small = ir.And((ir.Path("d", ("legible",)),) * 2)
    assert decode(json.loads(json.dumps(encode(small)))) == small
