"""Generated Python agrees with the reference evaluator, and decides complete records itself."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from kolrules import Engine, RecordError, validate
from kolrules.codegen import plan as plan_module
from kolrules.codegen.two_valued import FALLBACK_ERRORS, compile_rule
from kolrules.testing import reference_outcomes
from kolrules.values import Context
from tests.conftest import HEADER, RULE_META, record

ROOT = Path(__file__).parents[1]
ENGINE = Engine.bundled()


def _records() -> list[object]:
    records: list[object] = [e.record for e in ENGINE.examples]
    for line in (ROOT / "examples" / "activities.jsonl").read_text(encoding="utf-8").splitlines():
        try:
            raw = json.loads(line)
            validate(raw)
        except (json.JSONDecodeError, RecordError):
            continue  # the sample's deliberately broken lines
        records.append(raw)
    return records


def _reference(record: object) -> dict[str, str]:
    return {rule: outcome for rule, (outcome, _) in reference_outcomes(ENGINE, record).items()}


@pytest.mark.parametrize("index", range(len(_records())))
def test_fast_outcomes_equal_reference_outcomes(index: int) -> None:
    record = _records()[index]
    assert ENGINE.outcomes(record, include_pass=True) == _reference(record)
    reported = {k: v for k, v in _reference(record).items() if v in ("violation", "undetermined")}
    assert ENGINE.outcomes(record) == reported
    # Findings (generated code alone) name the same missing facts as the tree-walker.
    findings = ENGINE.check(record, include_pass=True).findings
    assert {f.rule_id: (f.outcome, f.missing) for f in findings} == reference_outcomes(
        ENGINE, record
    )


def test_complete_records_need_no_fallback() -> None:
    # The US example base has every fact the US rules read: generated code decides alone.
    base = next(
        e.record for e in ENGINE.examples if e.title == "reel with #ad first and an overlay"
    )
    record = validate(base)
    us = ENGINE.program.jurisdictions["US"]
    ctx = Context(record.data, us.tzinfo)
    decided = 0
    for rule in ENGINE.rules:
        if rule.jurisdiction != "US" or not rule.in_force(record.published_at.date()):
            continue
        fast = compile_rule(rule)
        try:
            fast.scope(dict(record.data), ctx)
            decided += 1
        except FALLBACK_ERRORS:  # pragma: no cover - the assertion below reports it
            pass
    assert decided >= 7


def test_variable_names_cannot_shadow_generated_code() -> None:
    text = (Path(__file__).parent / "conftest.py").read_text()  # reuse the header constant
    from tests.conftest import rule

    assert "HEADER" in text
    engine = Engine.from_text(
        rule(
            "requires any data in disclosures: any ctx in disclosures: data.text == ctx.text "
            "and count(len in disclosures) == 1"
        )
    )
    record = {
        "id": "a",
        "published_at": "2026-01-01T00:00:00Z",
        "audience": {"countries": ["XX"]},
        "disclosures": [{"text": "#ad"}],
    }
    assert engine.outcomes(record, include_pass=True) == {"XX-T-1": "pass"}


def test_the_engine_never_walks_the_tree() -> None:
    # Every example (most leave facts absent, many rest on presumptions) is decided by
    # generated code alone: the tree-walking evaluator is the tests' oracle, not a fallback.
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from kolrules import Engine\n"
        "engine = Engine.bundled()\n"
        "for example in engine.examples:\n"
        "    engine.check(example.record, as_of=example.as_of, include_pass=True)\n"
        "    engine.outcomes(example.record, as_of=example.as_of, include_pass=True)\n"
        "print('kolrules.evaluate' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"


def test_every_builtin_is_declared_once_with_its_implementation() -> None:
    import inspect

    from kolrules.builtins import BUILTINS
    from kolrules.placement import PREDICATES
    from kolrules.runtime.builtins import REGISTRY

    assert set(BUILTINS) == set(REGISTRY) == set(PREDICATES) | {"known"}
    for name, function in PREDICATES.items():
        parameters = list(inspect.signature(function).parameters)
        assert parameters[0] == "ctx"
        assert len(parameters) - 1 == len(BUILTINS[name].params), name


def test_the_builtins_table_in_the_docs_is_generated() -> None:
    from kolrules.docgen import with_builtins_table

    text = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    assert with_builtins_table(text) == text


class _SetOnce(dict[int, object]):
    def __setitem__(self, key: int, value: object) -> None:
        assert key not in self, f"shared value computed twice: {key!r}"
        super().__setitem__(key, value)


def test_three_valued_code_computes_each_shared_subexpression_once_per_record() -> None:
    # A listening-tool record: no relationship, no notices list, so every US rule is decided
    # by the three-valued code; the definitions the rules share are computed once.
    record = validate(
        {
            "id": "sparse",
            "published_at": "2026-03-02T10:00:00Z",
            "platform": "instagram",
            "kol": {"handle": "@skinbyjess", "country": "US"},
            "content": {"caption": "obsessed with this serum from @glowco #skincare"},
        }
    )
    day = record.published_at.date()
    plans = ENGINE._decider.plan("US", day)
    kleene = plans.kleene
    assert kleene.shared, "the US rules share no subexpression"
    ctx = Context(record.data, ENGINE.program.jurisdictions["US"].tzinfo)
    ctx.shared = _SetOnce()
    for index in range(len(plans.rules)):
        kleene.decide(index)(record.data, ctx, True)
    assert len(ctx.shared) >= 3
    assert set(ctx.shared) <= {id(node) for node in kleene.shared}


def test_three_valued_code_takes_the_truths_the_plan_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A paid livestream with a US audience and notices, its KOL's expertise unknown: the plan
    # decides the label tests the rules share and leaves some rules to the three-valued code,
    # which must take those truths rather than compute them again, and decide alike.
    record = validate(
        {
            "id": "partly-known",
            "published_at": "2026-03-01T00:05:00Z",
            "platform": "facebook",
            "format": "livestream",
            "published_by": "kol",
            "audience": {"countries": ["US", "CN"]},
            "kol": {"handle": "@kol51658", "age": 30, "followers": 1000000, "credentials": []},
            "content": {"caption": "This sunscreen is wonderful", "links": []},
            "disclosures": [
                {"text": "#AD my review today", "placement": "comment", "start_s": 0},
                {"text": "sponsoring friends today", "placement": "bio", "start_s": 3},
            ],
            "commercial": {
                "relationship": "paid",
                "product": {"category": "drug"},
                "kol_used_product": True,
                "connections": [],
            },
            "events": [],
        }
    )
    plans = ENGINE._decider.plan("US", record.published_at.date())
    kleene = plans.kleene
    tz = ENGINE.program.jurisdictions["US"].tzinfo

    def decisions(ctx: Context) -> list[object]:
        return [kleene.decide(i)(record.data, ctx, True) for i in range(len(plans.rules))]

    fresh = decisions(Context(record.data, tz))
    ctx = Context(record.data, tz)
    codes = plans.plan(record.data, ctx)  # type: ignore[arg-type]
    assert None in codes or 3 in codes, "the plan decided every rule: nothing to test"
    found = [k for k, value in enumerate(ctx.plain) if value is True or value is False]
    assert found, "the plan found no shared truth"

    def computed_again(data: object, ctx: Context) -> object:
        raise AssertionError("a truth the plan found was computed again")

    computes = list(kleene.code._shared)
    for k in found:
        computes[k] = computed_again
    monkeypatch.setattr(kleene.code, "_shared", computes)
    assert decisions(ctx) == fresh


def _plan_size(depth: int, monkeypatch: pytest.MonkeyPatch) -> int:
    """AST nodes of the plan of two rules sharing a define that uses the one below it twice,
    ``depth`` levels deep (written out, it has 2**depth leaves)."""
    defines = ["define d0 = kol.followers > 0"] + [
        f"define d{i} = (d{i - 1} and kol.followers > {i}) or (d{i - 1} and kol.followers < -{i})"
        for i in range(1, depth + 1)
    ]
    rules = "".join(f"rule XX-T-{n} {{\n{RULE_META}\n  requires d{depth}\n}}\n" for n in (1, 2))
    engine = Engine.from_text(HEADER + "\n".join(defines) + "\n" + rules, path="t.kol")
    sizes: list[int] = []
    real_run = plan_module.run

    def counting_run(body: list[ast.stmt], namespace: dict[str, object], name: str) -> object:
        sizes.append(sum(1 for _ in ast.walk(ast.Module(body=body, type_ignores=[]))))
        return real_run(body, namespace, name)

    monkeypatch.setattr(plan_module, "run", counting_run)
    rec = record(kol={"handle": "@a", "followers": 5})
    outcomes = engine.outcomes(rec, include_pass=True)
    assert outcomes == {
        rule: outcome for rule, (outcome, _) in reference_outcomes(engine, rec).items()
    }
    assert set(outcomes.values()) == {"pass" if depth < 5 else "violation"}
    return sizes[0]


def test_a_plan_writes_each_shared_subexpression_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # Shared subexpressions nest; written out at every use, a plan grew with 2**depth here
    # (the US pack's plan once held 588,000 nodes and took 13 s to compile).
    small, large = _plan_size(4, monkeypatch), _plan_size(8, monkeypatch)
    assert large < 3 * small


def test_each_rule_version_is_generated_once_for_every_set_in_force(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # XX-A has two versions; XX-B overrides XX-A from 2026 on. Three sets of rules in force,
    # three plans, one module with every version's code.
    meta = RULE_META.replace("  effective from 2020-01-01\n", "")
    text = HEADER + (
        f"rule XX-A {{\n{meta}\n effective from 2020-01-01 until 2024-01-01\n"
        "  requires kol.followers > 10\n}\n"
        f"rule XX-A {{\n{meta}\n effective from 2024-01-01\n  requires kol.followers > 100\n}}\n"
        f"rule XX-B {{\n{meta}\n effective from 2026-01-01\n"
        "  applies when kol.followers < 1000\n  requires kol.followers > 50\n"
        "  overrides XX-A\n}\n"
    )
    engine = Engine.from_text(text, path="t.kol")
    labels: list[str] = []
    real_run = plan_module.run

    def counting_run(body: list[ast.stmt], namespace: dict[str, object], name: str) -> object:
        labels.append(name)
        return real_run(body, namespace, name)

    monkeypatch.setattr(plan_module, "run", counting_run)
    seen = {}
    for published in ("2023-06-01", "2025-06-01", "2026-06-01"):
        for followers in (5, 60, 500, 5000):
            rec = record(
                published_at=f"{published}T10:00:00+07:00",
                kol={"handle": "@a", "followers": followers},
            )
            expected = {r: o for r, (o, _) in reference_outcomes(engine, rec).items()}
            assert engine.outcomes(rec, include_pass=True) == expected
            seen[(published, followers)] = expected
    assert labels.count("<kolrules plan XX>") == 1
    assert len(labels) == 4  # the versions' module, then a small plan per set in force
    assert seen[("2023-06-01", 60)] == {"XX-A": "pass"}
    assert seen[("2025-06-01", 60)] == {"XX-A": "violation"}
    assert seen[("2026-06-01", 60)] == {"XX-A": "not_applicable", "XX-B": "pass"}
    assert seen[("2026-06-01", 5000)] == {"XX-A": "pass", "XX-B": "not_applicable"}


def test_a_version_without_overrides_still_overrides_when_its_rule_does() -> None:
    # Overriding belongs to the rule: XX-A's second version says nothing, its first overrides
    # XX-B, and the reference evaluator counts both. The plan must not call a scope function
    # it never generated (it raised NameError, and every rule fell back to slower code).
    meta = RULE_META.replace("  effective from 2020-01-01\n", "")
    text = HEADER + (
        f"rule XX-A {{\n{meta}\n effective from 2020-01-01 until 2026-01-01\n"
        "  overrides XX-B\n  applies when kol.followers > 10\n  requires kol.followers > 100\n}\n"
        f"rule XX-A {{\n{meta}\n effective from 2026-01-01\n"
        "  applies when kol.followers > 10\n  requires kol.followers > 100\n}\n"
        f"rule XX-B {{\n{meta}\n effective from 2020-01-01\n  requires kol.followers > 1000\n}}\n"
    )
    engine = Engine.from_text(text, path="t.kol")
    for published in ("2025-03-04", "2026-03-04"):
        raw = record(
            published_at=f"{published}T10:00:00+07:00", kol={"handle": "@a", "followers": 50}
        )
        rec = validate(raw)
        plans = engine._decider.plan("XX", rec.published_at.date())
        codes = plans.plan(rec.data, Context(rec.data, engine.program.jurisdictions["XX"].tzinfo))
        assert None not in codes  # decided by the plan: every fact is given
        expected = {r: o for r, (o, _) in reference_outcomes(engine, raw).items()}
        assert engine.outcomes(raw, include_pass=True) == expected
        assert expected == {"XX-A": "violation", "XX-B": "not_applicable"}
