"""Metamorphic and differential properties of the engine over the bundled packs."""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
import unicodedata
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from kolrules import Engine
from kolrules.reporters import to_json_line
from kolrules.strategies import activity_records
from kolrules.testing import reference_outcomes

ENGINE = Engine.bundled()
# Kleene logic is monotone only over the facts the record gives: a presumption stands in for an
# absent fact until a given one rebuts it, so the monotonicity property uses strict evidence.
STRICT = ENGINE.with_options(presumptions=False)
BENCH = Engine.from_paths(["benchmarks/rules"])
ACCEPTED_EVERYWHERE = {
    "kind": "commercial",
    "text": "#ad Quảng cáo 广告",
    "placement": "caption_start",
}


def _violations(record: dict[str, Any]) -> set[str]:
    return {f.rule_id for f in ENGINE.check(record).findings if f.outcome == "violation"}


def _outcomes(record: dict[str, Any], engine: Engine = ENGINE) -> dict[str, tuple[str, tuple]]:
    return {
        f.rule_id: (f.outcome, f.missing) for f in engine.check(record, include_pass=True).findings
    }


@given(activity_records(sparsity=0.2))
def test_an_accepted_notice_at_the_caption_start_never_adds_a_violation(record: dict) -> None:
    record.setdefault("disclosures", [])
    before = _violations(record)
    record["disclosures"] = [ACCEPTED_EVERYWHERE, *record["disclosures"]]
    assert _violations(record) <= before


def _transform_texts(value: Any, change: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: (
                _transform_texts(v, change)
                if k in ("text", "caption", "disclosures", "content")
                else v
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_transform_texts(v, change) for v in value]
    return change(value) if isinstance(value, str) else value


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" and c not in "#@" else c for c in text)


@given(
    activity_records(sparsity=0.2),
    st.sampled_from([lambda t: unicodedata.normalize("NFD", t), str.upper, _full_width]),
)
def test_unicode_equivalent_texts_get_identical_findings(record: dict, change: Any) -> None:
    changed = copy.deepcopy(record)
    changed["disclosures"] = _transform_texts(record.get("disclosures", []), change)
    if "caption" in record.get("content", {}):
        changed["content"]["caption"] = change(record["content"]["caption"])
    if "disclosures" not in record:
        changed.pop("disclosures")
    assert _outcomes(changed) == _outcomes(record)


def _shuffled(value: Any, rng: random.Random) -> Any:
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: _shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        return [_shuffled(v, rng) for v in value]
    return value


@given(st.lists(activity_records(sparsity=0.3), min_size=1, max_size=5), st.randoms())
def test_findings_ignore_key_order_and_batch_order(records: list, rng: random.Random) -> None:
    def lines(items: list) -> dict[str, str]:
        return {
            r.record_id: to_json_line(r).replace(f'"line":{r.line},', "")
            for r in ENGINE.check_many(items)
        }

    records = [dict(r, id=f"r{i}") for i, r in enumerate(records)]  # ids are unique in a batch
    baseline = lines(records)
    shuffled = [_shuffled(r, rng) for r in records]
    rng.shuffle(shuffled)
    assert lines(shuffled) == baseline
    assert lines(records) == baseline  # rerunning is byte-identical


@given(
    activity_records(sparsity=0.2), st.sampled_from(sorted(ENGINE.rules, key=lambda r: r.source))
)
def test_a_date_before_a_rules_window_never_cites_it(record: dict, rule: Any) -> None:
    before = rule.start - dt.timedelta(days=1)
    cited = {
        (f.rule_id, f.rule_source)
        for f in ENGINE.check(record, as_of=before, include_pass=True).findings
    }
    assert (rule.rule_id, rule.source) not in cited


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    if isinstance(value, dict) and value:
        return [p for k, v in value.items() for p in _paths(v, (*prefix, k))]
    return [prefix] if prefix else []


@given(activity_records(sparsity=0.0), st.data())
def test_filling_in_a_fact_never_makes_a_decided_outcome_undetermined(
    full: dict, data: st.DataObject
) -> None:
    paths = [p for p in _paths(full) if p[0] not in ("id", "published_at", "schema")]
    hidden = data.draw(st.lists(st.sampled_from(paths), unique=True, max_size=6)) if paths else []
    sparse = copy.deepcopy(full)
    for path in hidden:
        target = sparse
        for key in path[:-1]:
            target = target.get(key, {})
        target.pop(path[-1], None)
    before = _outcomes(sparse, STRICT)
    after = _outcomes(full, STRICT)
    for rule_id, (outcome, _) in before.items():
        if outcome != "undetermined" and rule_id in after:
            assert after[rule_id][0] != "undetermined", rule_id


@given(st.lists(activity_records(sparsity=0.3), max_size=4))
def test_check_many_equals_check(records: list) -> None:
    many = [r.to_dict() for r in ENGINE.check_many(records, include_pass=True)]
    one = [ENGINE.check(r, include_pass=True).to_dict() for r in records]
    for a, b in zip(many, one, strict=True):
        a.pop("line", None)
        assert a == b


@given(activity_records(sparsity=0.4), st.sampled_from([ENGINE, STRICT, BENCH]))
def test_generated_code_agrees_with_the_reference_evaluator(record: dict, engine: Engine) -> None:
    fast = engine.outcomes(record, include_pass=True)
    reference = reference_outcomes(engine, record)
    assert fast == {rule_id: outcome for rule_id, (outcome, _) in reference.items()}
    assert {k: v for k, v in _outcomes(record, engine).items()} == reference


def test_json_dumps_of_reports_is_stable() -> None:
    record = {"id": "a", "published_at": "2026-01-01T00:00:00Z"}
    assert json.loads(to_json_line(ENGINE.check(record)))["record_id"] == "a"
