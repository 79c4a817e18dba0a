"""Building and running generated Python with the ``ast`` module: the pieces the code generators
(``two_valued`` and ``three_valued`` for the rules, ``record_check`` for records) use."""

from __future__ import annotations

import ast
import itertools
from typing import Any


def load(name: str) -> ast.Name:
    """A variable read."""
    return ast.Name(name, ast.Load())


def call(helper: str, *args: ast.expr) -> ast.Call:
    """``helper(*args)``."""
    return ast.Call(load(helper), list(args), [])


def _arguments(params: list[str]) -> ast.arguments:
    return ast.arguments(
        posonlyargs=[],
        args=[ast.arg(p) for p in params],
        vararg=None,
        kwonlyargs=[],
        kw_defaults=[],
        kwarg=None,
        defaults=[],
    )


def function(name: str, params: list[str], body: list[ast.stmt]) -> ast.FunctionDef:
    """``def name(params): body``."""
    # Python 3.12 added type parameters to function definitions.
    extra: dict[str, Any] = {"type_params": []} if "type_params" in ast.FunctionDef._fields else {}
    return ast.FunctionDef(
        name=name, args=_arguments(params), body=body, decorator_list=[], returns=None, **extra
    )


def lambda_(params: list[str], body: ast.expr) -> ast.Lambda:
    """``lambda params: body``."""
    return ast.Lambda(_arguments(params), body)


def run(body: list[ast.stmt], namespace: dict[str, Any], filename: str) -> dict[str, Any]:
    """Execute a module of generated statements in ``namespace`` (which gives every name the
    code may read, ``__builtins__`` included) and return the namespace."""
    tree = ast.fix_missing_locations(ast.Module(body=body, type_ignores=[]))
    # Safe to execute: the callers build the tree node by node; rule and record text only ever
    # appears in it as string constants and prefixed variable names, never as code.
    exec(compile(tree, filename, "exec"), namespace)
    return namespace


class Emitter:
    """What both generators' expression builders share: constants that are not Python
    literals live in the generated module's namespace under fresh names."""

    def __init__(self, constants: dict[str, object], counter: itertools.count[int]) -> None:
        self.constants = constants
        self.counter = counter

    def const(self, value: object) -> ast.expr:
        """A constant: a literal, or a name bound to the value in the namespace."""
        if value is None or isinstance(value, (bool, int, float, str)):
            return ast.Constant(value)
        name = f"_k{next(self.counter)}"
        self.constants[name] = value
        return load(name)

    @staticmethod
    def load(name: str) -> ast.Name:
        """A variable read."""
        return load(name)

    @staticmethod
    def call(helper: str, *args: ast.expr) -> ast.expr:
        """``helper(*args)``."""
        return call(helper, *args)
