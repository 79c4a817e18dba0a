"""Grammar fuzzing: parsing and linting never raise anything but positioned kolrules errors."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

from kolrules import lint
from kolrules.diagnostics import CODES
from kolrules.lang.parser import ParseFailure, _parser, parse
from kolrules.source import SourceFile


def _check(text: str) -> None:
    try:
        parse(SourceFile("f.kol", text))
    except ParseFailure as failure:
        assert failure.diagnostic.span is not None
        assert failure.diagnostic.code in CODES
    for diagnostic in lint(texts={"f.kol": text}):
        assert diagnostic.code in CODES
        assert diagnostic.span is not None or diagnostic.code in ("KR105",)


@settings(suppress_health_check=list(HealthCheck))
@given(from_lark(_parser(), start="start"))
def test_grammar_generated_text(text: str) -> None:
    _check(text)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_arbitrary_text(text: str) -> None:
    _check(text)


KEYWORDS = [
    "rule",
    "X-1",
    "{",
    "}",
    "title",
    '"t"',
    "requires",
    "any",
    "d",
    "in",
    "disclosures",
    ":",
    "d.text",
    "matches",
    "l.a",
    "and",
    "or",
    "not",
    "(",
    ")",
    "2026-02-30",
    "3",
    "years",
    "within",
    "before",
    "published_at",
    "labels",
    "l",
    "a",
    ",",
    "define",
    "=",
    "jurisdiction",
    "XX",
    "scope",
    "count(",
    "first(",
    "exists",
    "#",
    "\n",
]


@given(st.lists(st.sampled_from(KEYWORDS), max_size=40).map(" ".join))
def test_keyword_soup(text: str) -> None:
    _check(text)
