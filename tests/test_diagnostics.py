"""Every diagnostic code: a failing case, a passing case, and golden rendered text."""

from __future__ import annotations

from pathlib import Path

import pytest

from kolrules import Engine, lint
from kolrules.diagnostics import CODES, Severity, render
from kolrules.lang.loader import load
from kolrules.testing import run_examples
from tests.conftest import HEADER, RULE_META, check_golden, rule

GOLDEN = Path(__file__).parent / "golden" / "diagnostics.txt"
OK_RULE = rule("requires true")
# An example expecting an outcome of XX-T-1 (it need not hold: lint does not run examples).
EXAMPLE = (
    'example "e {0}" {{ record {{"id": "e", "published_at": "2026-01-01T00:00:00Z"}} '
    "expect XX-T-1 {0} }}\n"
)
#: Warnings the cases are checked for, besides errors.
WARNINGS = {"KR206", "KR211", "KR313", "KR315", "KR316", "KR405"}
CITE = 'cite "Test Act" article "1" url "https://example.org"'
SOURCE = 'source ftc_guides { title "Endorsement Guides" url "https://example.org/255" }\n'

# code → (files with the problem, the same files fixed). One file unless imports are involved.
CASES: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "KR101": (
        {"a.kol": rule("requires kol.followers >")},
        {"a.kol": rule("requires kol.followers > 1")},
    ),
    "KR102": (
        {"a.kol": rule("requires kol.handle == 'x'")},
        {"a.kol": rule('requires kol.handle == "x"')},
    ),
    "KR103": ({"a.kol": rule("requires true")[:-3]}, {"a.kol": OK_RULE}),
    "KR104": (
        {"a.kol": rule("requires published_at > 2026-02-30")},
        {"a.kol": rule("requires published_at > 2026-02-28")},
    ),
    "KR105": (
        {"a.kol": 'import "missing.kol"\n' + OK_RULE},
        {"a.kol": 'import "b.kol"\n' + OK_RULE, "b.kol": "const x = 1\n"},
    ),
    "KR106": (
        {"a.kol": 'import "b.kol"\n' + OK_RULE, "b.kol": 'import "a.kol"\nconst x = 1\n'},
        {"a.kol": 'import "b.kol"\n' + OK_RULE, "b.kol": "const x = 1\n"},
    ),
    "KR109": (
        {"a.kol": rule("requires is_sponsored and any d in disclosures: is_commercial(d)")},
        {"a.kol": rule("requires is_sponsored and (any d in disclosures: is_commercial(d))")},
    ),
    "KR211": (
        {"a.kol": rule('requires audience.countries contains "UK"')},
        {"a.kol": rule('requires audience.countries contains "GB"')},
    ),
    "KR213": (
        {"a.kol": rule("requires true", extra=SOURCE).replace(CITE, 'cite ftc_gudes art "1"')},
        {"a.kol": rule("requires true", extra=SOURCE).replace(CITE, 'cite ftc_guides art "1"')},
    ),
    "KR313": (
        {"a.kol": rule("requires true", "XX-t-disclose")},
        {"a.kol": rule("requires true", "XX-T-DISCLOSE")},
    ),
    "KR314": (
        {"a.kol": rule("requires true").replace("disclosure.label", "endorser.qualifcation")},
        {"a.kol": rule("requires true").replace("disclosure.label", "endorser.qualification")},
    ),
    "KR315": (
        {"a.kol": rule("requires true").replace("obligation disclosure.label", "")},
        {"a.kol": OK_RULE},
    ),
    "KR316": (
        {"a.kol": OK_RULE + 'source adlaw { title "Luật Quảng cáo" }\n'},
        {"a.kol": OK_RULE + 'source adlaw { title "Luật Quảng cáo" english "Law on Advertising" }\n'},
    ),
    "KR201": (
        {"a.kol": rule("requires kol.follower >= 10")},
        {"a.kol": rule("requires kol.followers >= 10")},
    ),
    "KR202": (
        {"a.kol": rule("requires sponsord", extra="define sponsored = is_sponsored")},
        {"a.kol": rule("requires sponsored", extra="define sponsored = is_sponsored")},
    ),
    "KR203": (
        {
            "a.kol": rule(
                "requires content.caption matches l.acepted", extra='labels l { accepted: "#ad" }'
            )
        },
        {
            "a.kol": rule(
                "requires content.caption matches l.accepted", extra='labels l { accepted: "#ad" }'
            )
        },
    ),
    "KR204": (
        {"a.kol": rule("requires kol.birth_date > 18")},
        {"a.kol": rule("requires kol.age_at_publication > 18")},
    ),
    "KR205": (
        {"a.kol": rule("requires any d in disclosures: starts_within(d)")},
        {"a.kol": rule("requires any d in disclosures: starts_within(d, 3 seconds)")},
    ),
    "KR206": (
        {"a.kol": rule('requires format == "reel"')},
        {"a.kol": rule('requires format == "short_video"')},
    ),
    "KR207": (
        {"a.kol": rule("requires true\noverrides XX-NOPE")},
        {"a.kol": rule("requires true") + rule("requires true", "XX-T-2").replace(HEADER, "")},
    ),
    "KR208": (
        {
            "a.kol": rule("requires true\noverrides XX-T-2")
            + rule("requires true\noverrides XX-T-1", "XX-T-2").replace(HEADER, "")
        },
        {
            "a.kol": rule("requires true\noverrides XX-T-2")
            + rule("requires true", "XX-T-2").replace(HEADER, "")
        },
    ),
    "KR209": (
        {"a.kol": rule("requires true", extra="const x = 1\nconst x = 2")},
        {"a.kol": rule("requires true", extra="const x = 1\nconst y = 2")},
    ),
    "KR210": (
        {"a.kol": rule("requires loop", extra="define loop = not loop")},
        {"a.kol": rule("requires loop", extra="define loop = not is_sponsored")},
    ),
    "KR301": (
        {"a.kol": OK_RULE + rule("requires true").replace(HEADER, "")},
        {"a.kol": OK_RULE + rule("requires true", "XX-T-2").replace(HEADER, "")},
    ),
    "KR302": (
        {
            "a.kol": OK_RULE
            + rule("requires true").replace(HEADER, "").replace("2020-01-01", "2024-01-01")
        },
        {
            "a.kol": OK_RULE.replace("2020-01-01", "2020-01-01 until 2024-01-01")
            + rule("requires true").replace(HEADER, "").replace("2020-01-01", "2024-01-01")
        },
    ),
    "KR303": (
        {
            "a.kol": rule("requires true").replace(
                'cite "Test Act" article "1" url "https://example.org"', ""
            )
        },
        {"a.kol": OK_RULE},
    ),
    "KR304": ({"a.kol": rule("requires true").replace('title "t"', "")}, {"a.kol": OK_RULE}),
    "KR305": (
        {"a.kol": rule("requires true").replace("2020-01-01", "2020-01-01 until 2019-01-01")},
        {"a.kol": rule("requires true").replace("2020-01-01", "2020-01-01 until 2021-01-01")},
    ),
    "KR306": ({"a.kol": OK_RULE.replace(HEADER, "")}, {"a.kol": OK_RULE}),
    "KR307": (
        {"a.kol": OK_RULE.replace("Asia/Ho_Chi_Minh", "Asia/Hanoi_City")},
        {"a.kol": OK_RULE},
    ),
    "KR308": ({"a.kol": rule("requires true", "VN-T-1")}, {"a.kol": OK_RULE}),
    "KR309": (
        {"a.kol": rule('requires true\nremedy "ask {kol.handel}"')},
        {"a.kol": rule('requires true\nremedy "ask {kol.handle}"')},
    ),
    "KR310": (
        {"a.kol": OK_RULE + 'presume published_byy = "kol" { because "own account" }\n'},
        {"a.kol": OK_RULE + 'presume published_by = "kol" { because "own account" }\n'},
    ),
    "KR311": (
        {"a.kol": OK_RULE + 'presume kol.followers = "many" { because "x" }\n'},
        {"a.kol": OK_RULE + 'presume published_by = "kol" { because "own account" }\n'},
    ),
    "KR312": (
        {"a.kol": OK_RULE + 'presume published_by = "kol" { }\n'},
        {"a.kol": OK_RULE + 'presume published_by = "kol" { because "own account" }\n'},
    ),
    "KR401": (
        {
            "a.kol": OK_RULE + 'example "e" { record {"id": "e", "published_at": "x"} '
            "expect XX-T-1 pass }\n"
        },
        {
            "a.kol": OK_RULE + 'example "e" { record {"id": "e", "published_at": '
            '"2026-01-01T00:00:00Z"} expect XX-T-1 pass }\n'
        },
    ),
    "KR403": (
        {"a.kol": OK_RULE + 'example "e" { expect XX-T-1 pass }\n'},
        {
            "a.kol": OK_RULE + 'example "e" { record {"id": "e", "published_at": '
            '"2026-01-01T00:00:00Z"} expect XX-T-1 pass }\n'
        },
    ),
    "KR405": (
        {"a.kol": OK_RULE + EXAMPLE.format("pass")},
        {"a.kol": OK_RULE + EXAMPLE.format("pass") + EXAMPLE.format("violation")},
    ),
    "KR404": (
        {"a.kol": OK_RULE + 'example "e" { from nothing expect XX-T-1 pass }\n'},
        {
            "a.kol": OK_RULE + 'base something {"id": "e", "published_at": '
            '"2026-01-01T00:00:00Z"}\n'
            'example "e" { from something expect XX-T-1 pass }\n'
        },
    ),
}


def _codes(files: dict[str, str]) -> set[str]:
    return {d.code for d in lint(texts=files) if d.severity is Severity.ERROR or d.code in WARNINGS}


def _lint(files: dict[str, str], code: str) -> tuple[object, ...]:
    # Most cases have no examples; KR405 (examples missing) is only looked for in its own case.
    return tuple(d for d in lint(texts=files) if d.code != "KR405" or code == "KR405")


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_code_fires_on_the_bad_case(code: str) -> None:
    bad, _ = CASES[code]
    assert code in _codes(bad)


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_code_is_silent_on_the_fixed_case(code: str) -> None:
    _, good = CASES[code]
    assert _lint(good, code) == ()


def test_every_code_is_documented_and_tested() -> None:
    docs = (Path(__file__).parents[1] / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    for code in CODES:
        assert f"## {code}" in docs, f"{code} is not documented in docs/diagnostics.md"
    # KR107, KR108 and KR9xx are tested in tests/security.
    tested = set(CASES) | {"KR402", "KR901", "KR107", "KR108", "KR902", "KR903"}
    tested |= {c for c in CODES if c.startswith("KR5")}
    assert set(CODES) <= tested


def test_all_problems_in_a_file_are_reported_together() -> None:
    text = rule('requires kol.follower >= 10 and format == "reel"\nremedy "{kol.nope}"')
    codes = [d.code for d in lint(texts={"a.kol": text})]
    assert codes.count("KR201") == 1 and "KR206" in codes and "KR309" in codes


def test_did_you_mean_is_kept_on_the_diagnostic() -> None:
    found = [d for d in lint(texts=CASES["KR201"][0]) if d.code == "KR201"]
    assert found[0].suggestion == "followers"


def test_open_list_values_only_warn() -> None:
    found = _lint({"a.kol": rule('requires platform == "myspace"')}, "KR206")
    assert [(d.code, d.severity) for d in found] == [("KR206", Severity.WARNING)]


def test_kr402_when_an_example_disagrees() -> None:
    text = OK_RULE + (
        'example "e" { record {"id": "e", "published_at": "2026-01-01T00:00:00Z", '
        '"audience": {"countries": ["XX"]}} expect XX-T-1 violation }\n'
    )
    results = run_examples(Engine.from_text(text, path="a.kol"))
    assert [f.code for f in results[0].failures] == ["KR402"]
    assert "expected `XX-T-1` to be violation, got pass" in results[0].failures[0].message


def test_rendered_diagnostics_match_golden(update_golden: bool) -> None:
    parts = []
    for code in sorted(CASES):
        files = CASES[code][0]
        loaded = load(list(files), texts=files)
        for diagnostic in lint(texts=files):
            source = loaded.sources.get(diagnostic.span.path) if diagnostic.span else None
            parts.append(f"# {code}\n{render(diagnostic, source)}\n")
    check_golden(GOLDEN, "\n".join(parts), update_golden)


def test_rule_error_renders_every_problem() -> None:
    from kolrules import RuleError

    with pytest.raises(RuleError) as caught:
        Engine.from_text(rule("requires kol.follower >= 10 and nope"), path="a.kol")
    text = caught.value.render()
    assert "a.kol:" in text and "error[KR201]" in text and "error[KR202]" in text and "^" in text
    assert "(and 1 more)" in str(caught.value)


def test_meta_rule_helper_has_every_required_clause() -> None:
    assert all(word in RULE_META for word in ("title", "cite", "severity", "effective", "message"))


@pytest.mark.parametrize(
    ("condition", "fix"),
    [
        ('kol.followers >= "10000"', "write the number without quotes: `10000`"),
        ('published_at >= "2025-04-06"', "write the date without quotes: `2025-04-06`"),
        ('is_sponsored == "true"', "write `true` without quotes"),
        ('content.caption contains "#ad"', 'write `content.caption matches "#ad"`'),
    ],
)
def test_a_quoted_value_gets_its_fix(condition: str, fix: str) -> None:
    (found,) = [
        d for d in lint(texts={"a.kol": rule(f"requires {condition}")}) if d.code == "KR204"
    ]
    assert found.help is not None and fix in found.help


def test_a_mistyped_outcome_lists_the_valid_ones() -> None:
    text = OK_RULE + 'example "e" { record {} expect XX-T-1 violated }\n'
    (found,) = lint(texts={"a.kol": text})
    assert found.code == "KR101" and found.suggestion == "violation"
    assert found.help is not None and "not_applicable" in found.help


def test_the_caret_points_at_the_bad_placeholder() -> None:
    text = rule('requires true\nremedy "fix \\"it\\" for {kol.handel} now"').replace(
        'remedy "r"', ""
    )
    (found,) = [d for d in lint(texts={"a.kol": text}) if d.code == "KR309"]
    assert found.span is not None
    line = text.splitlines()[found.span.line - 1]
    assert line[found.span.column - 1 : found.span.end_column - 1] == "{kol.handel}"


def test_lint_counts_files_with_syntax_errors(tmp_path: Path) -> None:
    import io

    from kolrules.cli import main

    (tmp_path / "a.kol").write_text(OK_RULE, encoding="utf-8")
    (tmp_path / "b.kol").write_text("rule {\n", encoding="utf-8")
    out = io.StringIO()
    assert main(["lint", str(tmp_path)], stdout=out, stderr=io.StringIO()) == 1
    assert "2 file(s): 1 error(s)" in out.getvalue()


def test_lint_strict_fails_on_a_rule_without_examples(tmp_path: Path) -> None:
    import io

    from kolrules.cli import main

    (tmp_path / "a.kol").write_text(OK_RULE, encoding="utf-8")
    assert main(["lint", str(tmp_path)], stdout=io.StringIO()) == 0
    assert main(["lint", "--strict", str(tmp_path)], stdout=io.StringIO()) == 1


def test_a_record_with_a_non_iso_country_is_checked_with_a_warning() -> None:
    from kolrules.records import validate

    record = validate(
        {"id": "r", "published_at": "2026-01-01T00:00:00Z", "audience": {"countries": ["UK"]}}
    )
    assert [(w.code, w.path) for w in record.warnings] == [("KR515", "audience.countries[0]")]
    assert 'did you mean "GB"' in record.warnings[0].message
    # A report lists the validator's own warnings (one class for record problems, no copy).
    from kolrules import Engine

    report = Engine.from_text("").check(record)
    assert report.warnings == record.warnings
    assert not report.warnings[0].is_error
    ok = validate(
        {"id": "r", "published_at": "2026-01-01T00:00:00Z", "audience": {"countries": ["GB", "XX"]}}
    )
    assert ok.warnings == ()


def test_a_cite_of_a_source_reads_like_the_free_text_one() -> None:
    text = rule("requires false", extra=SOURCE).replace(CITE, 'cite ftc_guides art "255.5"')
    text = text.replace(SOURCE, SOURCE.replace("}", 'english "Guides" }'))
    (version,) = Engine.from_text(text, path="s.kol").versions("XX-T-1")
    (citation,) = version.citations
    assert (citation.text, citation.url) == (
        "Endorsement Guides (Guides), 255.5",
        "https://example.org/255",
    )
