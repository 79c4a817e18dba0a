"""Policy analysis: ``compare`` (two dates, two rule sets, a transplanted rule) and ``diff``."""

from __future__ import annotations

import io
import json
from pathlib import Path

import attrs
import pytest

from kolrules import Engine
from kolrules.cli import main
from kolrules.errors import UsageError
from kolrules.policy import ABSENT, NOT_IN_FORCE, compare, diff, side, transplant
from tests.conftest import HEADER, RULE_META

SAMPLE = Path(__file__).parents[1] / "examples" / "activities.jsonl"

VN_LIVESTREAM = {
    "id": "vn-live",
    "published_at": "2026-05-04T20:00:00+07:00",
    "platform": "tiktok",
    "format": "livestream",
    "language": "vi",
    "kol": {"handle": "@a", "country": "VN", "credentials": []},
    "content": {"topics": ["finance"]},
    "commercial": {"relationship": "paid"},
}


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.bundled()


def _records() -> list[object]:
    out: list[object] = []
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            out.append(line)  # the sample's deliberately broken line
    return out


def test_the_amended_vietnamese_law_comes_into_force(engine: Engine) -> None:
    result = compare(
        _records(), side("VN@2025-12-31", base=engine), side("VN@2026-01-01", base=engine)
    )
    assert result.records == 119 and len(result.invalid) == 2
    moved = {(t.rule_id, t.before, t.after): t for t in result.transitions}
    new_duty = moved[("VN-ADLAW-15A-3B-BEFORE-AND-DURING", NOT_IN_FORCE, "violation")]
    assert "vn-002" in new_duty.records
    assert "art. 15a(3)(b)" in new_duty.citations_after[0].text
    # Violations come first.
    assert "violation" in (result.transitions[0].before, result.transitions[0].after)
    # Nothing changes for a rule in force on both dates and read the same way.
    assert not any(t.rule_id == "VN-CPL-22-3B-SPONSORSHIP-NOTICE" for t in result.transitions)


def test_transplanting_chinas_qualification_rule_into_vietnam(engine: Engine) -> None:
    borrowed = transplant(Engine.bundled(jurisdictions=["VN"]), "VN", ["CN-HOSTCODE-13-FINANCE"])
    copy = borrowed.versions("VN~CN-HOSTCODE-13-FINANCE-QUALIFICATION")
    assert copy and copy[0].jurisdiction == "VN"
    result = compare(
        [VN_LIVESTREAM], side("VN", base=engine), side("VN+CN-HOSTCODE-13-FINANCE", base=engine)
    )
    (change,) = [t for t in result.transitions if t.rule_id.startswith("VN~")]
    assert (change.before, change.after, change.records) == (ABSENT, "violation", ("vn-live",))
    with pytest.raises(UsageError, match="no rule matches"):
        transplant(engine, "VN", ["CN-NOPE"])


def test_transplanting_by_obligation_takes_every_rule_with_that_tag(engine: Engine) -> None:
    vietnam = side("VN", base=engine)
    borrowed = side("VN+CN:endorser.qualification", base=engine)
    tagged = {r.rule_id for r in engine.rules if "endorser.qualification" in r.obligations}
    copies = {r.rule_id for r in borrowed.engine.rules if r.rule_id.startswith("VN~")}
    assert copies == {f"VN~{rule_id}" for rule_id in tagged if rule_id.startswith("CN-")}
    assert "VN~CN-HOSTCODE-13-FINANCE-QUALIFICATION" in copies
    assert "VN~CN-CAC-SELFMEDIA-2-QUALIFICATION" in copies
    assert all(r.jurisdiction == "VN" for r in borrowed.engine.rules)
    # The same as naming the rules one by one; naming one twice copies it once.
    by_id = side("VN+" + ",".join(sorted(r.removeprefix("VN~") for r in copies)), base=engine)
    assert compare([VN_LIVESTREAM], vietnam, borrowed) == attrs.evolve(
        compare([VN_LIVESTREAM], vietnam, by_id), after=borrowed.label
    )
    twice = side("VN+CN:endorser.qualification,CN-HOSTCODE-13-FINANCE", base=engine)
    assert len(twice.engine.rules) == len(borrowed.engine.rules)
    result = compare([VN_LIVESTREAM], vietnam, borrowed)
    moved = {(t.rule_id, t.before, t.after) for t in result.transitions}
    assert ("VN~CN-HOSTCODE-13-FINANCE-QUALIFICATION", ABSENT, "violation") in moved


def test_transplanting_by_obligation_explains_bad_names(engine: Engine) -> None:
    with pytest.raises(UsageError, match=r"did you mean endorser\.qualification"):
        side("VN+CN:endorser.qualifications", base=engine)
    with pytest.raises(UsageError, match=r"US has no rule with the obligation endorser\.sanctioned"):
        side("VN+US:endorser.sanctioned", base=engine)
    with pytest.raises(UsageError, match="unknown jurisdiction ZZ"):
        side("VN+ZZ:endorser.age", base=engine)


def test_a_side_must_be_a_date_a_path_or_a_jurisdiction() -> None:
    with pytest.raises(UsageError, match="expected a date"):
        side("next year")
    with pytest.raises(UsageError, match="not a date"):
        side("VN@2026-13-01")


def test_diff_finds_a_known_difference_and_shrinks_it(engine: Engine) -> None:
    result = diff(engine, "VN-CPL-22-3B-SPONSORSHIP-NOTICE", "VN-ADLAW-15A-3B-BEFORE-AND-DURING")
    assert result.verdict == "different"
    assert result.outcomes is not None and result.outcomes[0] != result.outcomes[1]
    assert result.record is not None and len(json.dumps(result.record)) < 600  # shrunk


def test_diff_proves_two_rewritten_rules_equivalent() -> None:
    meta = RULE_META
    text = (
        f"{HEADER}\n"
        f'rule XX-A {{\n{meta}\n  applies when is_sponsored and format == "video"\n'
        f"  requires any d in disclosures: in_video(d)\n}}\n"
        f'rule XX-B {{\n{meta}\n  applies when format == "video" and is_sponsored\n'
        f"  requires any d in disclosures: in_video(d)\n}}\n"
    )
    rewritten = Engine.from_text(text, path="t.kol")
    assert diff(rewritten, "XX-A", "XX-B").verdict == "equivalent"


def test_diff_proves_two_versions_of_a_bundled_rule_equivalent(engine: Engine) -> None:
    # The 2023 Guides re-based the rule on the new text; what it requires did not change.
    rule_id = "US-FTC-255.0F-UNAVOIDABLE"
    old, new = engine.versions(rule_id)[0], engine.versions(rule_id)[-1]
    assert old.citations != new.citations
    assert diff(engine, f"{rule_id}@2020-01-01", f"{rule_id}@2024-01-01").verdict == "equivalent"
    # Their same-medium element reaches audio too, so the video rule's 2023 version differs.
    rule_id = "US-FTC-D101-VIDEO-IN-CONTENT"
    assert diff(engine, f"{rule_id}@2020-01-01", f"{rule_id}@2024-01-01").verdict == "different"


def test_compare_and_diff_on_the_command_line(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    argv = ["compare", str(SAMPLE), "--before", "VN@2025-12-31", "--after", "VN@2026-01-01"]
    assert main([*argv, "--format", "json"], stdout=out, stderr=err) == 0
    document = json.loads(out.getvalue())
    assert document["records"] == 119 and document["transitions"]
    out = io.StringIO()
    assert main(argv, stdout=out, stderr=err) == 0
    assert "VN-ADLAW-15A-3B-BEFORE-AND-DURING" in out.getvalue()
    out = io.StringIO()
    code = main(
        [
            "diff",
            "CN-ADLAW-16-NO-ENDORSER-MEDICAL",
            "CN-ADLAW-18-NO-ENDORSER-HEALTH-FOOD",
            "--budget",
            "200",
        ],
        stdout=out,
        stderr=err,
    )
    assert code == 1 and "on this record" in out.getvalue()
