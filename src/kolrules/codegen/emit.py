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


#: Per node class: its child fields, and whether it carries a source position.
_SHAPES: dict[type, tuple[tuple[str, ...], bool]] = {}


def _locate(tree: ast.AST) -> None:
    """Give every node the position line 1, column 0, which ``compile`` requires.

    ``ast.fix_missing_locations`` does this too, recursively and about twice as slowly: on a
    cold start the generated trees hold hundreds of thousands of nodes.
    """
    stack: list[Any] = [tree]
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        node = pop()
        kind = type(node)
        shape = _SHAPES.get(kind)
        if shape is None:
            if not isinstance(node, ast.AST):  # a string in a list field (``Global.names``)
                continue
            shape = _SHAPES[kind] = (node._fields, "lineno" in node._attributes)
        fields, positioned = shape
        if positioned:
            node.lineno = node.end_lineno = 1
            node.col_offset = node.end_col_offset = 0
        for name in fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                extend(value)
            elif isinstance(value, ast.AST):
                push(value)


def run(body: list[ast.stmt], namespace: dict[str, Any], filename: str) -> dict[str, Any]:
    """Execute a module of generated statements in ``namespace`` (which gives every name the
    code may read, ``__builtins__`` included) and return the namespace."""
    tree = ast.Module(body=body, type_ignores=[])
    _locate(tree)
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
