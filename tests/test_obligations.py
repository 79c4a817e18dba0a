"""Obligation tags: parsed, checked against the vocabulary, compiled, and mapped across packs."""

from __future__ import annotations

import io
import re
from pathlib import Path

from kolrules import Engine, lint
from kolrules.cli import main
from kolrules.obligationmap import build, markdown, page, update
from kolrules.obligations import OBLIGATIONS
from tests.conftest import HEADER, rule

ROOT = Path(__file__).parents[1]


def _pack(code: str, rules: list[tuple[str, str, str]]) -> str:
    """A jurisdiction ``code`` with rules (id, obligation clause, effective clause)."""
    header = HEADER.replace("XX", code)
    body = "".join(
        rule("requires true", rule_id)
        .replace(HEADER, "")
        .replace("obligation disclosure.label", tags)
        .replace("effective from 2020-01-01", effective)
        for rule_id, tags, effective in rules
    )
    return header + body


def _two_packs(folder: Path) -> Engine:
    aa = _pack(
        "AA",
        [
            ("AA-T-LABEL", "obligation disclosure.label", "effective from 2020-01-01"),
            (
                "AA-T-AGE",
                "obligation endorser.age, endorser.qualification",
                "effective from 2021-01-01 until 2022-01-01",
            ),
        ],
    )
    bb = _pack("BB", [("BB-T-AGE", "obligation endorser.age", "effective from 2024-05-01")])
    (folder / "aa.kol").write_text(aa, encoding="utf-8")
    (folder / "bb.kol").write_text(bb, encoding="utf-8")
    return Engine.from_paths([folder])


def test_tags_compile_onto_every_version(tmp_path: Path) -> None:
    engine = _two_packs(tmp_path)
    assert engine.versions("AA-T-AGE")[0].obligations == ("endorser.age", "endorser.qualification")
    assert engine.versions("BB-T-AGE")[0].obligations == ("endorser.age",)


def test_revisions_keep_the_rules_obligation() -> None:
    text = rule("requires true\nrevision from 2024-01-01 { requires false }")
    engine = Engine.from_text(text, path="t.kol")
    assert [v.obligations for v in engine.versions("XX-T-1")] == [("disclosure.label",)] * 2


def test_unknown_tag_is_an_error_with_a_suggestion() -> None:
    text = rule("requires true").replace("disclosure.label", "disclosure.labels, endorser.age")
    found = [d for d in lint(texts={"a.kol": text}) if d.code == "KR314"]
    assert [(d.message, d.suggestion) for d in found] == [
        ("unknown obligation `disclosure.labels`", "disclosure.label")
    ]
    assert found[0].span is not None and found[0].span.column == 14


def test_a_tag_twice_is_an_error() -> None:
    text = rule("requires true").replace("disclosure.label", "endorser.age, endorser.age")
    assert [d.message for d in lint(texts={"a.kol": text}) if d.code == "KR314"] == [
        "obligation `endorser.age` is given twice"
    ]


def test_missing_tag_warns_and_fails_strict_lint(tmp_path: Path) -> None:
    path = tmp_path / "a.kol"
    path.write_text(rule("requires true").replace("obligation disclosure.label", ""), "utf-8")
    out = io.StringIO()
    assert main(["lint", str(path)], stdout=out) == 0
    assert "warning[KR315]" in out.getvalue()
    assert main(["lint", "--strict", str(path)], stdout=io.StringIO()) == 1


def test_every_bundled_rule_carries_known_tags() -> None:
    for version in Engine.bundled().rules:
        assert version.obligations, f"{version.rule_id} has no obligation"
        assert set(version.obligations) <= set(OBLIGATIONS), version.rule_id


def test_vocabulary_tags_are_dotted_and_described() -> None:
    for tag, meaning in OBLIGATIONS.items():
        assert re.fullmatch(r"[a-z_]+\.[a-z_]+", tag), tag
        assert meaning.endswith("."), tag


def test_map_groups_jurisdictions_per_obligation(tmp_path: Path) -> None:
    result = build(_two_packs(tmp_path))
    tags = [tag for tag, _ in result.obligations]
    # Vocabulary order, and only tags some rule carries.
    assert tags == ["disclosure.label", "endorser.age", "endorser.qualification"]
    assert result.summary("endorser.age", "AA") == "from 2021-01-01 until 2021-12-31 (1 rule)"
    assert result.summary("endorser.age", "BB") == "from 2024-05-01 (1 rule)"
    assert result.summary("disclosure.label", "BB") == ""
    entries = dict(result.obligations)["endorser.age"]
    assert [(e.jurisdiction, e.rule_id, e.window) for e in entries] == [
        ("AA", "AA-T-AGE", "2021-01-01 – 2021-12-31"),
        ("BB", "BB-T-AGE", "from 2024-05-01"),
    ]


def test_map_markdown_and_html_show_severity_and_citation(tmp_path: Path) -> None:
    result = build(_two_packs(tmp_path))
    text = markdown(result)
    assert "| [`endorser.age`](#endorserage) | from 2021-01-01 until 2021-12-31 (1 rule) |" in text
    assert "| BB | `BB-T-AGE` — t | from 2024-05-01 | error | [Test Act, 1](https://example.org) |" in text
    html = page(result)
    assert '<h2 id="endorserage"><code>endorser.age</code></h2>' in html
    assert '<a href="https://example.org">Test Act, 1</a>' in html
    assert '<td class="none">—</td>' in html  # BB imposes no disclosure.label


def test_map_cli_prints_and_checks(tmp_path: Path) -> None:
    out = io.StringIO()
    assert main(["map", "--jurisdiction", "VN", "--format", "html"], stdout=out) == 0
    assert "<th>VN</th>" in out.getvalue() and "<th>CN</th>" not in out.getvalue()
    assert main(["map", "--check", str(tmp_path)], stdout=io.StringIO()) == 1
    assert main(["map", "--write", str(tmp_path)], stdout=io.StringIO()) == 0
    assert main(["map", "--check", str(tmp_path)], stdout=io.StringIO()) == 0


def test_checked_in_map_is_current() -> None:
    assert update(ROOT / "docs", check=True) == [], "run `kolrules map --write docs` and commit"


def test_the_vocabulary_is_documented_tag_by_tag() -> None:
    text = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    for tag, meaning in OBLIGATIONS.items():
        assert f"| `{tag}` | {meaning} |" in text, f"docs/language.md lacks {tag}"
