"""Field-path typing is defined once (``types.path_type``); the type checker, which also
explains each failure, gives the same type for every path of the record format."""

from __future__ import annotations

import pytest

from kolrules.lang import syntax
from kolrules.lang.symbols import Symbols
from kolrules.lang.typecheck import Typer
from kolrules.schema import RECORD, walk
from kolrules.types import FieldType, ListOf, MapOf, path_type, step_type


def _steps(dotted: str) -> tuple[str | int, ...]:
    steps: list[str | int] = []
    for part in dotted.split("."):
        name = part.rstrip("[]")
        steps.append(name)
        steps.extend([0] * ((len(part) - len(name)) // 2))
    return tuple(steps)


def _paths() -> list[tuple[str | int, ...]]:
    """Every field of the format, an element of every list and a country of every map."""
    out = []
    for dotted, field in walk():
        steps = _steps(dotted)
        out.append(steps)
        inner: FieldType = field.type
        while isinstance(inner, ListOf):
            steps = (*steps, 0)
            out.append(steps)
            inner = inner.item
        if isinstance(inner, MapOf):
            out.append((*steps, "US"))
    return out


def _expression(steps: tuple[str | int, ...]) -> syntax.Expr:
    first = steps[0]
    assert isinstance(first, str)
    expr: syntax.Expr = syntax.Name(first)
    for step in steps[1:]:
        expr = syntax.Index(expr, step) if isinstance(step, int) else syntax.Attr(expr, step)
    return expr


def _typer() -> Typer:
    return Typer(Symbols(consts={}, defines={}, labels={}, bases={}, jurisdiction=None))


@pytest.mark.parametrize("steps", _paths(), ids=lambda s: ".".join(map(str, s)))
def test_the_checker_types_every_path_as_path_type_does(steps: tuple[str | int, ...]) -> None:
    typer = _typer()
    assert typer.infer(_expression(steps), {}) == path_type(RECORD, steps)
    assert typer.diagnostics == []


@pytest.mark.parametrize(
    "steps",
    [("content", "no_such_field"), ("content", "hashtags", "x"), ("kol", 0), ("id", "x")],
)
def test_a_path_that_does_not_exist_has_no_type(steps: tuple[str | int, ...]) -> None:
    assert path_type(RECORD, steps) is None
    typer = _typer()
    typer.infer(_expression(steps), {})
    assert [d.code for d in typer.diagnostics] == ["KR201" if steps[1] == "no_such_field" else "KR204"]


def test_step_type_of_nothing_is_nothing() -> None:
    assert step_type(None, "a") is None and step_type(None, 0) is None
    assert path_type(None, ()) is None and path_type(RECORD, ()) is RECORD
