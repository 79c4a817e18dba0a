"""Records with a chosen outcome for one rule (``for_rule``), and ``find_difference``."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from kolrules.engine import Engine
from kolrules.strategies._records import OUTCOMES, activity_records
from kolrules.strategies._steer import _Builder, _Stuck


@st.composite
def for_rule(
    draw: st.DrawFn, engine: Engine, rule_id: str, *, outcome: str = "violation"
) -> dict[str, Any]:
    """Records that ``engine`` judges ``outcome`` for ``rule_id``, built from the rule itself.

    The record is published inside one of the rule's in-force windows and falls under its
    jurisdiction; then the rule's scope and requirement (and the scopes of rules that override
    it) are made true, false or unknown as the outcome needs.
    """
    if not isinstance(engine, Engine):
        raise InvalidArgument(f"engine={engine!r} must be a kolrules.Engine")
    versions = engine.versions(rule_id) if isinstance(rule_id, str) else ()
    if not versions:
        raise InvalidArgument(f"rule_id={rule_id!r} is not a rule of this engine")
    if outcome not in OUTCOMES:
        raise InvalidArgument(f"outcome={outcome!r} must be one of {', '.join(OUTCOMES)}")
    for attempt in range(8):
        rule = draw(st.sampled_from(versions))
        # Records are dated from 2000 on: an older open-ended version is drawn from then.
        start = max(rule.start, dt.date(2000, 1, 1))
        end = rule.end - dt.timedelta(days=1) if rule.end else start + dt.timedelta(days=900)
        record = draw(activity_records(published_from=start, published_until=max(end, start)))
        jurisdiction = engine.program.jurisdictions[rule.jurisdiction]
        day = dt.datetime.fromisoformat(record["published_at"]).date()
        record["published_at"] = dt.datetime.combine(
            day, dt.time(12), tzinfo=jurisdiction.tzinfo
        ).isoformat()
        builder = _Builder(copy.deepcopy(record), draw, dict(rule.lets), attempt // 2)
        try:
            builder.make(jurisdiction.scope, True, {})
            for other in engine.rules:
                if rule.rule_id in other.overrides and other.in_force(day):
                    builder.make(other.scope, False, {})
            if outcome == "not_applicable":
                builder.make(rule.scope, False, {})
            else:
                wanted = {"pass": True, "violation": False, "undetermined": None}[outcome]
                steps = [(rule.scope, True), (rule.requirement, wanted)]
                if attempt % 2:  # scope and requirement may share facts: try the other order
                    steps.reverse()
                for node, want in steps:
                    builder.make(node, want, {})
        except (_Stuck, KeyError, TypeError, AttributeError):
            continue
        built = builder.record
        try:
            if engine.outcomes(built, include_pass=True).get(rule.rule_id) == outcome:
                return built
        except Exception:
            continue
    raise InvalidArgument(
        f"for_rule could not build a record with outcome {outcome!r} for {rule_id!r}: the rule "
        "uses a construct the builder cannot steer, or the outcome is impossible"
    )


def find_difference(
    engine: Engine, first: str, second: str, *, budget: int = 500
) -> dict[str, Any] | None:
    """The smallest record Hypothesis finds on which ``engine`` gives rules ``first`` and
    ``second`` different outcomes, or None when none turned up within ``budget`` tries.

    Candidates are built to put each rule in each outcome (``for_rule``) and mixed with plain
    generated records; the first difference found is shrunk to a minimal record. The search is
    derandomized: the same rules and budget give the same answer on every run.
    """
    from hypothesis import HealthCheck, find, settings
    from hypothesis.errors import NoSuchExample

    candidates = st.one_of(
        *(
            for_rule(engine, rule_id, outcome=outcome)
            for rule_id in (first, second)
            for outcome in OUTCOMES
        ),
        activity_records(),
    )

    def differs(record: dict[str, Any]) -> bool:
        try:
            got = engine.outcomes(record, include_pass=True)
        except Exception:  # an invalid candidate says nothing about the rules
            return False
        return got.get(first) != got.get(second)

    try:
        found: dict[str, Any] = find(
            candidates,
            differs,
            settings=settings(
                max_examples=budget,
                database=None,
                derandomize=True,  # the same question gets the same answer on every run
                deadline=None,
                suppress_health_check=list(HealthCheck),
            ),
        )
    except NoSuchExample:
        return None
    return found
