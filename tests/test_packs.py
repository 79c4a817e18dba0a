"""The bundled rule packs: they lint clean, every rule cites and is exemplified, examples pass."""

from __future__ import annotations

from collections import defaultdict

from kolrules import Engine, lint
from kolrules.resources import jurisdictions_dir
from kolrules.testing import run_examples


def test_packs_lint_without_errors_or_warnings() -> None:
    assert lint([jurisdictions_dir()]) == ()


def test_every_pack_example_holds() -> None:
    results = run_examples(Engine.bundled())
    failures = [f.headline() for r in results for f in r.failures]
    assert failures == []
    assert len(results) >= 50


def test_every_rule_has_a_violating_and_a_compliant_example() -> None:
    engine = Engine.bundled()
    seen: dict[str, set[str]] = defaultdict(set)
    for example in engine.examples:
        for expect in example.expects:
            seen[expect.rule_id].add(expect.outcome)
    for rule in engine.rules:
        assert rule.citations, rule.rule_id
        assert "violation" in seen[rule.rule_id], f"{rule.rule_id} has no violating example"
        assert seen[rule.rule_id] & {"pass", "not_applicable"}, (
            f"{rule.rule_id} has no compliant example"
        )


def test_coverage_pages_are_current() -> None:
    from pathlib import Path

    from kolrules.coverage import update

    folder = Path(__file__).parents[1] / "docs" / "jurisdictions"
    assert update(folder, check=True) == [], "run `kolrules docs coverage` and commit the pages"


def test_every_rule_cites_a_source_with_an_address() -> None:
    engine = Engine.bundled()
    assert [r.rule_id for r in engine.rules if not any(c.url for c in r.citations)] == []


def test_each_instrument_is_declared_once_with_its_titles() -> None:
    from kolrules.lang import syntax
    from kolrules.lang.loader import load

    loaded = load([jurisdictions_dir()])
    for path, module in loaded.modules.items():
        sources = [item for item in module.items if isinstance(item, syntax.Source)]
        titles = [s.title or "" for s in sources]
        # The same instrument spelled twice ("Law X" and "Law X as amended") is one source.
        twice = [(a, b) for a in titles for b in titles if a is not b and b.startswith(a)]
        assert twice == [], f"{path}: one instrument declared twice: {twice}"
        for source in sources:
            assert source.title, f"{path}: source {source.name} has no title"
            # A title in another language has its English title beside it.
            if not source.title.isascii():
                assert source.english, f"{path}: source {source.name} has no English title"
            assert source.end is None or source.start is not None
