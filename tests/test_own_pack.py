"""Your pack beside ours: ``--rules`` / ``--only-rules``, ``rules``, ``explain``, ``new-pack``, and
docs/language.md's "Write your own pack" walk-through run command by command."""

from __future__ import annotations

import io
import json
import re
import shlex
from pathlib import Path

import pytest

from kolrules.cli import main
from kolrules.engine import Engine
from kolrules.errors import UsageError
from kolrules.packs import RuleSet, beside

ROOT = Path(__file__).parents[1]
LANGUAGE = ROOT / "docs" / "language.md"


def run(args: list[str], stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(args, stdout=out, stderr=err, stdin=io.StringIO(stdin))
    return code, out.getvalue(), err.getvalue()


def lines(*records: object) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


@pytest.fixture
def pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh ``new-pack GB`` in a temporary working folder."""
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["new-pack", "GB", "--timezone", "Europe/London"])
    assert code == 0, err
    assert "created gb/jurisdiction.kol" in out and "created gb/rules.kol" in out
    return tmp_path / "gb"


PAID = {
    "id": "p",
    "published_at": "2026-03-04T10:00:00Z",
    "audience": {"countries": ["GB", "US"]},
    "kol": {"handle": "@a"},
    "commercial": {"relationship": "paid"},
    "disclosures": [],
}


# --- new-pack ----------------------------------------------------------------------------------


def test_a_new_pack_is_lint_clean_canonical_and_its_examples_pass(pack: Path) -> None:
    assert run(["lint", "--strict", "gb"])[0] == 0
    assert run(["fmt", "--check", "gb"]) == (0, "all files canonical\n", "")
    code, out, _ = run(["test", "gb"])
    assert (code, out) == (0, "2 example(s), 2 expectation(s): 2 passed, 0 failed\n")
    text = (pack / "rules.kol").read_text(encoding="utf-8")
    assert "expect GB-ADLAW-1-MARK-ADS violation" in text
    assert "expect GB-ADLAW-1-MARK-ADS pass" in text
    assert "source gb_adlaw" in (pack / "jurisdiction.kol").read_text(encoding="utf-8")


def test_new_pack_refuses_a_non_iso_country_and_a_used_folder(
    pack: Path, tmp_path: Path
) -> None:
    code, _, err = run(["new-pack", "UK"])
    assert code == 2 and "did you mean GB?" in err and "--country GB" in err
    assert not (tmp_path / "uk").exists()
    code, _, err = run(["new-pack", "UK", "--country", "GB", "--timezone", "Europe/London"])
    assert code == 0 and 'contains "GB"' in (tmp_path / "uk" / "jurisdiction.kol").read_text()
    code, _, err = run(["new-pack", "GB"])
    assert code == 2 and "not an empty folder" in err
    assert run(["new-pack", "FR", "--timezone", "Mars/Olympus"])[0] == 2
    assert run(["new-pack", "G1"])[0] == 2


# --- --rules adds, --only-rules replaces -------------------------------------------------------


def test_rules_adds_to_the_bundled_packs(pack: Path) -> None:
    code, out, _ = run(["check", "--rules", "gb", "--format", "jsonl", "-"], lines(PAID))
    report = json.loads(out)
    assert code == 1 and report["jurisdictions"] == ["GB", "US"]
    ruled = {f["rule_id"].split("-")[0] for f in report["findings"]}
    assert ruled == {"GB", "US"}


def test_only_rules_replaces_the_bundled_packs(pack: Path) -> None:
    code, out, _ = run(["check", "--only-rules", "gb", "--format", "jsonl", "-"], lines(PAID))
    report = json.loads(out)
    assert code == 1 and report["jurisdictions"] == ["GB"]
    assert {f["rule_id"] for f in report["findings"]} == {"GB-ADLAW-1-MARK-ADS"}
    assert run(["check", "--rules", "gb", "--only-rules", "gb", "-"], lines(PAID))[0] == 2


def test_parallel_workers_load_the_same_packs(pack: Path, tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    path.write_text(lines(*({**PAID, "id": f"p{i}"} for i in range(6))), encoding="utf-8")
    for option in ("--rules", "--only-rules"):
        one = run(["check", option, "gb", "--format", "jsonl", str(path)])
        two = run(["check", option, "gb", "--format", "jsonl", "--jobs", "2", str(path)])
        assert one == two


def test_a_pack_for_a_bundled_jurisdiction_takes_its_place(tmp_path: Path) -> None:
    own = tmp_path / "us"
    own.mkdir()
    (own / "us.kol").write_text(
        'jurisdiction US { name "Mine" authority "me" timezone "UTC" '
        'scope audience.countries contains "US" }\n'
        'rule US-MINE-1-ONLY { title "t" cite "x" article "1" severity error '
        "effective from 2020-01-01 requires true message \"m\" }\n",
        encoding="utf-8",
    )
    engine = RuleSet.of([str(own)], None).engine()
    us = {r.rule_id for r in engine.rules if r.jurisdiction == "US"}
    assert us == {"US-MINE-1-ONLY"}
    assert engine.program.jurisdictions["US"].name == "Mine"
    assert {"CN", "VN"} <= set(engine.selected)
    assert RuleSet.of([str(own)], None).replaced() == ("US",)
    # The bundled examples of the replaced pack go with it; the others stay.
    kept = {x.rule_id.split("-")[0] for e in engine.examples for x in e.expects}
    assert "CN" in kept and all(
        x.rule_id == "US-MINE-1-ONLY"
        for e in engine.examples
        for x in e.expects
        if x.rule_id.startswith("US-")
    )


def test_a_rule_id_in_both_packs_is_a_usage_error() -> None:
    bundled = Engine.bundled().program
    first = bundled.rules[0]
    own = Engine.from_program(bundled).program
    import attrs

    clash = attrs.evolve(own, jurisdictions={}, rules=(attrs.evolve(first, jurisdiction="ZZ"),))
    with pytest.raises(UsageError, match=re.escape(first.rule_id)):
        beside(bundled, clash)


def test_rule_paths_without_rules_or_missing_are_usage_errors(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    for option in ("--rules", "--only-rules"):
        code, _, err = run(["check", option, str(tmp_path / "empty"), "-"], lines(PAID))
        assert code == 2 and "no rules in" in err
        code, _, err = run(["rules", option, str(tmp_path / "nowhere")])
        assert code == 2 and "no such rules file or folder" in err


# --- rules and explain -------------------------------------------------------------------------


def test_rules_lists_titles_and_in_force_dates() -> None:
    code, out, _ = run(["rules", "--jurisdiction", "us", "--format", "json"])
    listed = json.loads(out)["rules"]
    engine = Engine.bundled(jurisdictions=["US"])
    assert code == 0 and [r["id"] for r in listed] == sorted({r.rule_id for r in engine.rules})
    connection = next(r for r in listed if r["id"] == "US-FTC-255.5-DISCLOSE-CONNECTION")
    versions = engine.versions("US-FTC-255.5-DISCLOSE-CONNECTION")
    assert connection["title"] == versions[-1].title
    assert [(v["from"], v["until"]) for v in connection["versions"]] == [
        (v.start.isoformat(), v.end.isoformat() if v.end else None) for v in versions
    ]
    code, text, _ = run(["rules", "-j", "US"])
    first, last = versions[0], versions[-1]
    window = f"{first.start} – {first.end.fromordinal(first.end.toordinal() - 1)}"  # type: ignore[union-attr]
    assert code == 0 and f"{window}, from {last.start}" in text
    assert text.startswith("US — United States: ")
    assert run(["rules", "-j", "ZZ"])[0] == 2


def test_explain_shows_conditions_definitions_presumptions_and_versions() -> None:
    code, out, _ = run(["explain", "US-FTC-255.5-DISCLOSE-CONNECTION"])
    assert code == 0
    assert "version in force from 2009-12-01 until 2023-07-26" in out
    assert "version in force from 2023-07-26  [error]" in out
    assert "    applies when connection_not_obvious\n    requires discloses\n" in out
    assert "conditions: as in the version before" in out
    # The defines the conditions use, and the ones those use in turn.
    assert "\n  define connection_not_obvious = " in out and "\n  define discloses = " in out
    assert "\n  define accepted_notice(d) = " in out
    assert '  presume published_by = "kol"' in out
    assert "examples:" in out and "violation" in out


def test_explain_prints_what_the_rule_file_says(tmp_path: Path) -> None:
    """The printed conditions parse back to the rule's own conditions (the fmt printer)."""
    from kolrules.lang import syntax
    from kolrules.lang.parser import parse
    from kolrules.source import SourceFile

    code, out, _ = run(["explain", "VN-ADLAW-23-7-TAKEDOWN-24H"])
    assert code == 0
    block = out.split("  conditions:\n", 1)[1].split("\n\n", 1)[0]
    text = (
        'rule VN-X-1-Y {\n  title "t"\n'
        + "\n".join(line[2:] for line in block.splitlines())
        + "\n}\n"
    )
    printed = parse(SourceFile("p.kol", text)).items[0]
    source = (ROOT / "jurisdictions" / "vn" / "influencers.kol").read_text(encoding="utf-8")
    original = next(
        item
        for item in parse(SourceFile("o.kol", source)).items
        if isinstance(item, syntax.Rule) and item.rule_id == "VN-ADLAW-23-7-TAKEDOWN-24H"
    )
    kinds = (syntax.Let, syntax.Applies, syntax.Requires)

    def conditions(rule: syntax.Rule) -> list[str]:
        return [
            re.sub(r"span=Span\([^)]*\)", "", repr(c)) for c in rule.clauses if isinstance(c, kinds)
        ]

    assert isinstance(printed, syntax.Rule) and conditions(printed) == conditions(original)


@pytest.mark.parametrize(
    ("asked", "meant"),
    [
        ("us-ftc-255.5-disclose-connection", "US-FTC-255.5-DISCLOSE-CONNECTION"),
        ("US-FTC-255.5-DISCLOSE-CONECTION", "US-FTC-255.5-DISCLOSE-CONNECTION"),
    ],
)
def test_explain_suggests_the_id_meant(asked: str, meant: str) -> None:
    code, _, err = run(["explain", asked])
    assert code == 2 and f"did you mean {meant}?" in err


def test_explain_of_an_unloaded_pack_says_to_add_it(pack: Path) -> None:
    code, _, err = run(["explain", "GB-ADLAW-1-MARK-ADS"])
    assert code == 2 and "add --rules PATH" in err and "did you mean" not in err
    code, out, _ = run(["explain", "gb-adlaw-1-mark-ads", "--rules", "gb"])
    assert code == 2
    code, out, _ = run(["explain", "GB-ADLAW-1-MARK-ADS", "--rules", "gb"])
    assert code == 0 and "requires any d in disclosures: d.text matches gb_labels.accepted" in out


# --- the walk-through in docs/language.md --------------------------------------------------------


def _walkthrough() -> list[tuple[str, str, str]]:
    """The section's steps in order: ("file", path, text) and ("run", command, shown output)."""
    text = LANGUAGE.read_text(encoding="utf-8")
    section = text.split("## Write your own pack", 1)[1].split("\n## ", 1)[0]
    steps: list[tuple[str, str, str]] = []
    for info, body in re.findall(r"```([^\n]*)\n(.*?)```", section, flags=re.S):
        kind, _, target = info.partition(" ")
        if kind == "console":
            for chunk in re.split(r"^\$ ", body, flags=re.M)[1:]:
                command, _, shown = chunk.partition("\n")
                steps.append(("run", command, shown))
        elif target:
            steps.append(("file", target, body))
    return steps


def test_the_walkthrough_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    steps = _walkthrough()
    assert next(s[1] for s in steps if s[0] == "run").startswith("kolrules new-pack")
    commands = {s[1].split()[1] for s in steps if s[0] == "run"}
    assert {"new-pack", "lint", "test", "check", "rules", "explain", "docs"} <= commands
    for kind, what, text in steps:
        if kind == "file":
            (tmp_path / what).write_text(text, encoding="utf-8")
            continue
        command, _, comment = what.partition("#")
        found = re.search(r"exits (\d)", comment)
        argv = shlex.split(command)
        assert argv[0] == "kolrules"
        code, out, err = run(argv[1:])
        assert code == (int(found.group(1)) if found else 0), (what, out, err)
        printed = {line.rstrip() for line in (out + err).splitlines()}
        for line in text.splitlines():
            assert line.rstrip() in printed, (what, line, out + err)
    assert (tmp_path / "gb" / "docs" / "GB.md").is_file()
    assert run(["docs", "coverage", "--only-rules", "gb", "--folder", "gb/docs", "--check"])[0] == 0
