"""The public strategies: valid by construction, validated arguments, for_rule's promise."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from kolrules import Engine, validate
from kolrules.strategies import activity_records, disclosures, for_rule, kols

ENGINE = Engine.bundled()
RULE_IDS = sorted({rule.rule_id for rule in ENGINE.rules})
OUTCOMES = ["violation", "pass", "undetermined", "not_applicable"]


@given(activity_records(sparsity=0.3))
def test_generated_records_validate_without_warnings(record: dict[str, object]) -> None:
    assert validate(record, strict=True).warnings == ()


@given(
    activity_records(
        countries=["VN"],
        formats=["livestream"],
        relationships=["paid"],
        categories=["cosmetics"],
        sparsity=0.0,
    )
)
def test_options_fix_what_they_name(record: dict[str, object]) -> None:
    assert record["audience"] == {"countries": ["VN"]}  # type: ignore[comparison-overlap]
    assert record["format"] == "livestream"
    assert record["commercial"]["relationship"] == "paid"  # type: ignore[index]
    assert record["commercial"]["product"]["category"] == "cosmetics"  # type: ignore[index]


@given(activity_records(sparsity=1.0))
def test_full_sparsity_keeps_only_the_required_facts(record: dict[str, object]) -> None:
    assert {k for k, v in record.items() if v not in ({}, None)} <= {
        "schema",
        "id",
        "published_at",
        "kol",
    }


@given(st.sampled_from(RULE_IDS), st.sampled_from(OUTCOMES), st.data())
@settings(max_examples=80)
def test_for_rule_yields_the_outcome_it_promises(
    rule_id: str, outcome: str, data: st.DataObject
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        record = data.draw(for_rule(ENGINE, rule_id, outcome=outcome))
    assert validate(record).id
    assert ENGINE.outcomes(record, include_pass=True)[rule_id] == outcome


@pytest.mark.parametrize(
    ("strategy", "message"),
    [
        (lambda: activity_records(countries="VN"), "countries='VN'"),
        (lambda: activity_records(formats=["reel"]), "formats=['reel']"),
        (lambda: activity_records(sparsity=2), "sparsity=2"),
        (lambda: disclosures(sparsity=-1), "sparsity=-1"),
        (lambda: kols(countries=[]), "countries=[]"),
        (lambda: for_rule(ENGINE, "XX-NOPE"), "rule_id='XX-NOPE'"),
        (lambda: for_rule(ENGINE, RULE_IDS[0], outcome="maybe"), "outcome='maybe'"),
        (lambda: for_rule("engine", RULE_IDS[0]), "engine='engine'"),
    ],
)
@pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
def test_arguments_are_validated_with_the_name_and_value(strategy: object, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message.replace("[", r"\[").replace("]", r"\]")):
        strategy().example()  # type: ignore[operator]


def test_reprs_show_how_they_were_built() -> None:
    assert (
        repr(activity_records(countries=["VN"], sparsity=0.5))
        == "activity_records(countries=['VN'], sparsity=0.5)"
    )
    assert "Engine(jurisdictions=['CN', 'US', 'VN'], rules=" in repr(for_rule(ENGINE, RULE_IDS[0]))
