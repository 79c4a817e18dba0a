"""Differential testing: generated code and the reference evaluator agree on generated rule files.

Rule files are composed from atoms over many record fields and every construct the evaluator
has (comparisons, sets, labels, quantifiers, count, first, dates, placement predicates), joined
with and/or/not and an override; records come from ``kolrules.strategies`` with facts missing.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kolrules import Engine
from kolrules.strategies import activity_records
from kolrules.testing import reference_outcomes

ATOMS = [
    "kol.followers >= 1000000",
    "kol.age_at_publication < 18",
    'commercial.relationship == "paid"',
    'commercial.product.category in {"cosmetics", "health_food", "drug"}',
    'audience.countries contains "VN"',
    "is_sponsored",
    'format == "livestream"',
    'published_by != "advertiser"',
    'any d in disclosures: d.text matches {"#ad", "quảng cáo", "广告"}',
    "any d in disclosures: is_commercial(d) and in_video(d)",
    'all d in disclosures: d.placement != "bio"',
    "none s in kol.sanctions: s.date within 3 years before published_at",
    'count(d in disclosures where d.placement == "overlay") >= 1',
    "exists first(d in disclosures where before_fold(d))",
    'content.caption matches {"广告", "quảng cáo"}',
    "published_at >= 2026-01-01",
    "kol.guardian_consent == true",
    "any d in disclosures: before_and_during(d) or repeated(d)",
    "any d in disclosures: buried_in_hashtags(d)",
    'content.shoppable == true and (any g in content.genres: g in {"review", "experience"})',
    "commercial.kol_used_product == true",
    "duration_s + 60 seconds > 10 minutes",
]


def _expressions() -> st.SearchStrategy[str]:
    atom = st.sampled_from(ATOMS).map(lambda a: f"({a})")
    return st.recursive(
        atom,
        lambda inner: st.one_of(
            st.tuples(inner, inner).map(lambda p: f"({p[0]} and {p[1]})"),
            st.tuples(inner, inner).map(lambda p: f"({p[0]} or {p[1]})"),
            inner.map(lambda e: f"(not {e})"),
        ),
        max_leaves=5,
    )


HEADER = """
jurisdiction XX {
  name "Generated" authority "tests" timezone "Asia/Ho_Chi_Minh"
  scope audience.countries contains "US" or audience.countries contains "VN"
}
"""


def _rule(rule_id: str, applies: str, requires: str, extra: str = "") -> str:
    return (
        f'rule {rule_id} {{ title "g" cite "generated" severity error '
        f'effective from 2020-01-01 message "m" applies when {applies} '
        f"requires {requires} {extra} }}\n"
    )


@st.composite
def rule_files(draw: st.DrawFn) -> str:
    text = HEADER
    text += _rule("XX-A", draw(_expressions()), draw(_expressions()))
    text += _rule(
        "XX-B",
        draw(_expressions()),
        draw(_expressions()),
        "overrides XX-A" if draw(st.booleans()) else "",
    )
    return text


@settings(max_examples=60, deadline=None)
@given(
    rule_files(),
    st.lists(activity_records(countries=["US", "VN"], sparsity=0.4), min_size=1, max_size=4),
)
def test_generated_code_agrees_with_reference_on_generated_rules(text: str, records: list) -> None:
    engine = Engine.from_text(text, path="generated.kol")
    for record in records:
        reference = reference_outcomes(engine, record)
        assert engine.outcomes(record, include_pass=True) == {
            rule_id: outcome for rule_id, (outcome, _) in reference.items()
        }
        findings = engine.check(record, include_pass=True).findings
        assert {f.rule_id: (f.outcome, f.missing) for f in findings} == reference
