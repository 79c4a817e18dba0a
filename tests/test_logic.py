"""Kleene three-valued logic: truth tables and the facts an undetermined outcome names."""

from __future__ import annotations

import itertools

import pytest

from kolrules import ir
from tests.conftest import engine_for, outcome, record

# Three facts a, b, c: booleans of the record, present (True/False) or absent (unknown).
VALUES = (True, False, None)


def _record(a: bool | None, b: bool | None) -> dict[str, object]:
    commercial: dict[str, object] = {}
    if a is not None:
        commercial["kol_used_product"] = a
    if b is not None:
        commercial["written_contract"] = b
    return record(commercial=commercial)


A = "commercial.kol_used_product == true"
B = "commercial.written_contract == true"


def _kleene_and(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def _kleene_or(a: bool | None, b: bool | None) -> bool | None:
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def _expected(value: bool | None) -> str:
    return {True: "pass", False: "violation", None: "undetermined"}[value]


@pytest.mark.parametrize(("a", "b"), list(itertools.product(VALUES, VALUES)))
def test_and_truth_table(a: bool | None, b: bool | None) -> None:
    engine = engine_for(f"requires {A} and {B}")
    got, missing = outcome(engine, _record(a, b))
    assert got == _expected(_kleene_and(a, b))
    if got == "undetermined":
        # Exactly the absent facts that could still change the result.
        assert set(missing) == {
            p
            for p, v in (("commercial.kol_used_product", a), ("commercial.written_contract", b))
            if v is None
        }
    else:
        assert missing == ()


@pytest.mark.parametrize(("a", "b"), list(itertools.product(VALUES, VALUES)))
def test_or_truth_table(a: bool | None, b: bool | None) -> None:
    engine = engine_for(f"requires {A} or {B}")
    got, missing = outcome(engine, _record(a, b))
    assert got == _expected(_kleene_or(a, b))
    if got != "undetermined":
        assert missing == ()


@pytest.mark.parametrize("a", VALUES)
def test_not_truth_table(a: bool | None) -> None:
    engine = engine_for(f"requires not ({A})")
    got, _ = outcome(engine, _record(a, True))
    assert got == _expected(None if a is None else not a)


def test_false_and_unknown_is_decided_and_names_nothing() -> None:
    engine = engine_for(f"requires {A} and {B}")
    assert outcome(engine, _record(False, None)) == ("violation", ())


def test_scope_false_is_not_applicable_even_with_unknown_requirement() -> None:
    engine = engine_for(f"applies when {B}\nrequires {A}")
    assert outcome(engine, _record(None, False)) == ("not_applicable", ())


def test_unknown_scope_with_failing_requirement_names_the_scope_fact() -> None:
    engine = engine_for(f"applies when {B}\nrequires {A}")
    assert outcome(engine, _record(False, None)) == (
        "undetermined",
        ("commercial.written_contract",),
    )


def test_unknown_scope_with_met_requirement_is_a_pass() -> None:
    # Whatever the scope turns out to be, the rule cannot be violated.
    engine = engine_for(f"applies when {B}\nrequires {A}")
    assert outcome(engine, _record(True, None)) == ("pass", ())


def test_both_unknown_name_both() -> None:
    engine = engine_for(f"applies when {B}\nrequires {A}")
    assert outcome(engine, _record(None, None)) == (
        "undetermined",
        ("commercial.kol_used_product", "commercial.written_contract"),
    )


@pytest.mark.parametrize(
    ("quantifier", "texts", "expected"),
    [
        ("any", ["#ad", None], "pass"),  # true or unknown = true
        ("any", ["hello", None], "undetermined"),  # false or unknown = unknown
        ("any", [], "violation"),
        ("all", ["#ad", None], "undetermined"),
        ("all", ["hello", None], "violation"),  # false and unknown = false
        ("all", [], "pass"),
        ("none", ["#ad", None], "violation"),
        ("none", ["hello", None], "undetermined"),
        ("none", [], "pass"),
    ],
)
def test_quantifiers_are_kleene(quantifier: str, texts: list[str | None], expected: str) -> None:
    engine = engine_for(f'requires {quantifier} d in disclosures: d.text matches {{"#ad"}}')
    disclosures = [{"text": t} if t is not None else {"placement": "overlay"} for t in texts]
    got, missing = outcome(engine, record(disclosures=disclosures))
    assert got == expected
    if got == "undetermined":
        assert missing == ("disclosures[1].text",)


def test_absent_list_is_unknown_but_empty_list_is_known() -> None:
    engine = engine_for('requires any d in disclosures: d.text matches {"#ad"}')
    assert outcome(engine, record()) == ("undetermined", ("disclosures",))
    assert outcome(engine, record(disclosures=[])) == ("violation", ())


def test_null_is_the_same_as_absent() -> None:
    engine = engine_for("requires commercial.kol_used_product == true")
    assert outcome(engine, record(commercial={"kol_used_product": None})) == (
        "undetermined",
        ("commercial.kol_used_product",),
    )


def test_missing_path_names_the_leaf_field() -> None:
    engine = engine_for('requires commercial.product.category != "tobacco"')
    assert outcome(engine, record()) == ("undetermined", ("commercial.product.category",))


@pytest.mark.parametrize(
    ("commercial", "links", "expected", "missing"),
    [
        ({"relationship": "paid"}, None, "pass", ()),
        ({"relationship": "none", "connections": []}, [], "violation", ()),
        ({"relationship": "none", "connections": []}, [{"affiliate": True}], "pass", ()),
        # Format 1.1: a stated "none" settles it unless a given fact contradicts it.
        ({"relationship": "none"}, [], "violation", ()),
        ({"relationship": "none"}, None, "violation", ()),
        ({"relationship": "none"}, [{"url": "https://x.example"}], "violation", ()),
        ({"relationship": "none", "connections": [{"value": {"amount": 1}}]}, [], "undetermined",
         ("commercial.connections[0].kind",)),
        ({}, None, "undetermined",
         ("commercial.connections", "commercial.relationship", "content.links")),
        ({}, [], "undetermined", ("commercial.connections", "commercial.relationship")),
        ({"relationship": "none", "connections": [{"kind": "affiliate"}]}, [], "pass", ()),
    ],
)
def test_is_sponsored_follows_the_contract(
    commercial: dict[str, object],
    links: list[object] | None,
    expected: str,
    missing: tuple[str, ...],
) -> None:
    engine = engine_for("requires is_sponsored")
    content = {"links": links} if links is not None else {}
    assert outcome(engine, record(commercial=commercial, content=content)) == (expected, missing)


def test_a_constant_compares_its_type_too() -> None:
    # Python holds 1 == True; the compiler keeps one object per equal subtree, so an equal
    # constant of another type would stand in for it (``count > true`` for ``count > 1``).
    assert ir.Const(1) != ir.Const(True)
    assert ir.Const(1.0) != ir.Const(1)
    assert len({ir.Const(1), ir.Const(True), ir.Const(1.0)}) == 3
    assert ir.Const(frozenset({"a"})) == ir.Const(frozenset({"a"}))
    assert ir.Const(frozenset({1, 0})) != ir.Const(frozenset({True, False}))
    assert ir.Const(frozenset({1})) != ir.Const(frozenset({1.0}))
