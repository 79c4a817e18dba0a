"""Every built-in declares how to steer it (``Signature.steering``), and ``for_rule`` steers each
one both ways (and to unknown, where its steering says something leaves it unknown) in a rule
that reads nothing else."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kolrules import Engine
from kolrules.runtime.builtins import REGISTRY, SetsField, Signature, Text
from kolrules.runtime.derived import FACTS
from kolrules.strategies import for_rule
from tests.conftest import rule

LABELS = 'labels l { words: "sponsored"\n other: "collab inquiries" }'
ARGUMENTS = {"disclosure": "d", "text": "content.caption", "field": "content.caption"}


def _engine(name: str, signature: Signature) -> Engine:
    labels = iter(("l.words", "l.other"))
    args = [
        next(labels) if kind == "labels" else "3 seconds" if kind == "duration" else ARGUMENTS[kind]
        for kind in signature.params
    ]
    call = f"{name}({', '.join(args)})"
    if "disclosure" in signature.params:
        call = f"any d in disclosures: {call}"
    # Strict evidence: a platform's presumed caption fold would decide what steering left open.
    text = rule(f"requires {call}", extra=LABELS)
    return Engine.from_text(text, path="t.kol", presumptions=False)


def _can_be_unknown(signature: Signature) -> bool:
    steering = signature.steering
    if isinstance(steering, SetsField):
        return not steering.never_unknown
    if isinstance(steering, Text):
        return steering.unknown is not None
    return signature.params != ("field",)  # known() is never unknown


CASES = [
    (name, outcome)
    for name, entry in REGISTRY.items()
    for outcome in ("pass", "violation", "undetermined")
    if outcome != "undetermined" or _can_be_unknown(entry.signature)
]
ENGINES = {name: _engine(name, entry.signature) for name, entry in REGISTRY.items()}


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_builtin_declares_its_steering(name: str) -> None:
    assert REGISTRY[name].signature.steering is not None


@pytest.mark.parametrize(("name", "outcome"), CASES)
@given(data=st.data())
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_for_rule_steers_each_builtin(name: str, outcome: str, data: st.DataObject) -> None:
    engine = ENGINES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        record = data.draw(for_rule(engine, "XX-T-1", outcome=outcome))
    assert engine.outcomes(record, include_pass=True)["XX-T-1"] == outcome


#: A rule that reads one derived fact and nothing else, per fact.
DERIVED_RULES = {
    "is_sponsored": "requires not is_sponsored",
    "kol.age_at_publication": "requires kol.age_at_publication >= 18",
}


@pytest.mark.parametrize("name", list(FACTS))
def test_every_derived_fact_has_a_rule_here(name: str) -> None:
    assert name in DERIVED_RULES


@pytest.mark.parametrize(
    ("name", "outcome"),
    [(name, outcome) for name in FACTS for outcome in ("pass", "violation", "undetermined")],
)
@given(data=st.data())
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_for_rule_steers_each_derived_fact(name: str, outcome: str, data: st.DataObject) -> None:
    engine = Engine.from_text(rule(DERIVED_RULES[name]), path="t.kol", presumptions=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        record = data.draw(for_rule(engine, "XX-T-1", outcome=outcome))
    assert engine.outcomes(record, include_pass=True)["XX-T-1"] == outcome
