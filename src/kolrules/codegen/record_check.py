"""A fast record check for the common case: records with nothing to report.

Generated once from the schema (``kolrules.schema.RECORD``) as Python functions built with the
``ast`` module, one per object type, the checks of its fields written inline (the same machinery
as the rules' code generation; never from pasted strings). It accepts only records the
describing validator (``kolrules.records``) would accept *without a single warning*, and then
returns the same normalized data (nulls dropped, dates and datetimes parsed, whole floats of
integer fields made ints, fresh dicts and lists in the input's key order). Anything else — a
wrong type, an unknown key, a value outside an open list, a datetime without an offset, a
contradiction — returns None, and the describing validator runs to report every problem with
its field path, so no diagnostic depends on this module. Tests check that both agree.

Why generated rather than nested closures: a closure per field costs a Python call per value;
inline checks in one function per object type validate a record in about half the time
(docs/performance.md §0, "Fast records").
"""

from __future__ import annotations

import ast
import datetime as dt
import itertools
import re
import string
from collections.abc import Callable, Mapping
from typing import Any

from kolrules import countries, schema
from kolrules.codegen.emit import call, load, run
from kolrules.timeutil import DATETIME_RANGE
from kolrules.types import EnumType, FieldType, Kind, ListOf, MapOf, ObjectType, Scalar


class _Reject(Exception):
    """The describing validator has something to say about this record."""


#: Every code the describing validator accepts without a warning: assigned ISO 3166-1 codes
#: and the ranges left to private use (``countries.problem`` is None for exactly these).
ISO_COUNTRIES = frozenset(
    code
    for code in map("".join, itertools.product(string.ascii_uppercase, repeat=2))
    if countries.problem(code) is None
)

_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*\Z")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})\Z")
_SCHEMA = re.compile(r"kolrules/activity@1(\.0)?\Z")
_INFINITIES = (float("inf"), float("-inf"))


# ---- helpers the generated code calls (the rare or long cases) ----------------------------------


def _integer(value: Any) -> int:
    """A whole float as an int; anything else is rejected (an int never comes here)."""
    if type(value) is not float or not value.is_integer():  # NaN and infinities are not
        raise _Reject
    return int(value)


def _number(value: Any) -> Any:
    """A finite float as it is; anything else is rejected (an int never comes here)."""
    if type(value) is not float or value != value or value in _INFINITIES:
        raise _Reject
    return value


def _date(value: Any) -> dt.date:
    if type(value) is not str or not _DATE.match(value):
        raise _Reject
    return dt.date.fromisoformat(value)  # ValueError for 2026-02-30: rejected too


def _datetime(value: Any) -> dt.datetime:
    if type(value) is not str or not _DATETIME.match(value):
        raise _Reject  # no offset, or an unusual form: the describing validator decides
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    moment = dt.datetime.fromisoformat(text)
    if not DATETIME_RANGE[0] <= moment <= DATETIME_RANGE[1]:
        raise _Reject  # out of range: the describing validator says so
    return moment


# ---- code generation ------------------------------------------------------------------------


def _store(identifier: str) -> ast.Name:
    return ast.Name(identifier, ast.Store())


def _reject_if(test: ast.expr) -> ast.If:
    return ast.If(test, [ast.Raise(load("_Reject"))], [])


def _type_is_not(var: str, type_name: str) -> ast.Compare:
    return ast.Compare(call("type", load(var)), [ast.IsNot()], [load(type_name)])


def _or(*tests: ast.expr) -> ast.expr:
    return tests[0] if len(tests) == 1 else ast.BoolOp(ast.Or(), list(tests))


def _assign(var: str, value: ast.expr) -> ast.Assign:
    return ast.Assign([_store(var)], value)


class _Generator:
    """Builds one function per object type; constants go into the namespace by name."""

    def __init__(self) -> None:
        self.functions: list[ast.FunctionDef] = []
        self.constants: dict[str, object] = {}
        self.objects: dict[int, str] = {}

    def constant(self, value: object) -> ast.Name:
        for name, known in self.constants.items():
            if known == value and type(known) is type(value):
                return load(name)
        name = f"_c{len(self.constants)}"
        self.constants[name] = value
        return load(name)

    def check(self, t: FieldType, var: str, depth: int) -> list[ast.stmt]:
        """Statements that reject ``var`` unless it is a quiet value of ``t``, leaving its
        normalized value in ``var``."""
        if isinstance(t, Scalar):
            return self.scalar(t, var)
        if isinstance(t, EnumType):
            values = self.constant(frozenset(t.values))
            not_listed = ast.Compare(load(var), [ast.NotIn()], [values])
            return [_reject_if(_or(_type_is_not(var, "str"), not_listed))]
        if isinstance(t, ListOf):
            item, items = f"i{depth}", f"l{depth}"
            checks = self.check(t.item, item, depth + 1)
            if not any(isinstance(s, ast.Assign) for s in checks):
                # Items are kept as they are (strings, booleans, listed values): check them,
                # then copy the list in one call.
                return [
                    _reject_if(_type_is_not(var, "list")),
                    ast.For(_store(item), load(var), checks, []),
                    _assign(var, call("list", load(var))),
                ]
            append = ast.Call(ast.Attribute(load(items), "append", ast.Load()), [load(item)], [])
            loop = ast.For(
                _store(item),
                load(var),
                [*checks, ast.Expr(append)],
                [],
            )
            return [
                _reject_if(_type_is_not(var, "list")),
                _assign(items, ast.List([], ast.Load())),
                loop,
                _assign(var, load(items)),
            ]
        if isinstance(t, MapOf):
            return self.mapping(t, var, depth)
        return [_assign(var, call(self.object(t), load(var)))]

    def scalar(self, t: Scalar, var: str) -> list[ast.stmt]:
        kind = t.kind
        if kind in (Kind.INTEGER, Kind.NUMBER, Kind.SECONDS):
            helper = "_integer" if kind is Kind.INTEGER else "_number"
            out: list[ast.stmt] = [
                ast.If(_type_is_not(var, "int"), [_assign(var, call(helper, load(var)))], [])
            ]
            if t.minimum is not None:
                out.append(
                    _reject_if(ast.Compare(load(var), [ast.Lt()], [ast.Constant(t.minimum)]))
                )
            if t.maximum is not None:
                out.append(
                    _reject_if(ast.Compare(load(var), [ast.Gt()], [ast.Constant(t.maximum)]))
                )
            return out
        if kind is Kind.BOOLEAN:
            return [_reject_if(_type_is_not(var, "bool"))]
        if kind is Kind.STRING:
            return [_reject_if(_type_is_not(var, "str"))]
        if kind is Kind.COUNTRY:
            # Not an ISO 3166-1 code: the describing validator warns (KR515).
            unknown = ast.Compare(load(var), [ast.NotIn()], [load("_ISO")])
            return [_reject_if(_or(_type_is_not(var, "str"), unknown))]
        if kind is Kind.LANGUAGE:
            malformed = ast.UnaryOp(ast.Not(), call("_language", load(var)))
            return [_reject_if(_or(_type_is_not(var, "str"), malformed))]
        helper = "_date" if kind is Kind.DATE else "_datetime"
        return [_assign(var, call(helper, load(var)))]

    def mapping(self, t: MapOf, var: str, depth: int) -> list[ast.stmt]:
        key, item, out = f"k{depth}", f"v{depth}", f"m{depth}"
        unknown_key = ast.Compare(load(key), [ast.NotIn()], [load("_ISO")])
        keep = ast.Assign([ast.Subscript(load(out), load(key), ast.Store())], load(item))
        given = ast.Compare(load(item), [ast.IsNot()], [ast.Constant(None)])
        loop = ast.For(
            ast.Tuple([_store(key), _store(item)], ast.Store()),
            ast.Call(ast.Attribute(load(var), "items", ast.Load()), [], []),
            [
                _reject_if(unknown_key),
                ast.If(given, [*self.check(t.value, item, depth + 1), keep], []),
            ],
            [],
        )
        return [
            _reject_if(_type_is_not(var, "dict")),
            _assign(out, ast.Dict([], [])),
            loop,
            _assign(var, load(out)),
        ]

    def object(self, t: ObjectType) -> str:
        """The name of the function checking objects of type ``t`` (generated once)."""
        known = self.objects.get(id(t))
        if known is not None:
            return known
        name = self.objects[id(t)] = f"_object_{len(self.objects)}_{t.name}"
        fields = [f for f in t.fields if not f.derived]
        # One comparison per field in schema order: a binary search on the name measured no
        # faster (records have few keys, most of them early in the schema's order).
        branches: list[ast.stmt] = [ast.Raise(load("_Reject"))]  # an unknown key
        for field in reversed(fields):
            test = ast.Compare(load("key"), [ast.Eq()], [ast.Constant(field.name)])
            branches = [ast.If(test, self.check(field.type, "x", 0), branches)]
        names = self.constant(frozenset(f.name for f in fields))
        is_none = ast.Compare(load("x"), [ast.Is()], [ast.Constant(None)])
        unknown = ast.Compare(load("key"), [ast.NotIn()], [names])
        keep = ast.Assign([ast.Subscript(load("out"), load("key"), ast.Store())], load("x"))
        loop = ast.For(
            ast.Tuple([_store("key"), _store("x")], ast.Store()),
            ast.Call(ast.Attribute(load("value"), "items", ast.Load()), [], []),
            [ast.If(is_none, [_reject_if(unknown), ast.Continue()], []), *branches, keep],
            [],
        )
        body: list[ast.stmt] = [
            _reject_if(_type_is_not("value", "dict")),
            _assign("out", ast.Dict([], [])),
            loop,
        ]
        for field in fields:
            if field.required:
                missing = ast.Compare(ast.Constant(field.name), [ast.NotIn()], [load("out")])
                body.append(_reject_if(missing))
        body.append(ast.Return(load("out")))
        arguments = ast.arguments([], [ast.arg("value")], None, [], [], None, [])
        self.functions.append(ast.FunctionDef(name, arguments, body, [], None))
        return name


def build(t: ObjectType) -> Callable[[Any], dict[str, Any]]:
    """The generated check of objects of type ``t``: their normalized copy, or ``_Reject``."""
    generator = _Generator()
    top = generator.object(t)
    namespace: dict[str, Any] = {
        "__builtins__": {
            "type": type,
            "str": str,
            "int": int,
            "bool": bool,
            "list": list,
            "dict": dict,
        },
        "_Reject": _Reject,
        "_ISO": ISO_COUNTRIES,
        "_language": _LANGUAGE.match,
        "_integer": _integer,
        "_number": _number,
        "_date": _date,
        "_datetime": _datetime,
        **generator.constants,
    }
    run(list(generator.functions), namespace, f"<kolrules record check {t.name}>")
    check: Callable[[Any], dict[str, Any]] = namespace[top]
    return check


def source(t: ObjectType = schema.RECORD) -> str:
    """The generated code, as Python text (for reading and debugging; never executed)."""
    generator = _Generator()
    generator.object(t)
    return ast.unparse(ast.fix_missing_locations(ast.Module(list(generator.functions), [])))


_RECORD = build(schema.RECORD)


def _quiet(data: Mapping[str, Any]) -> bool:
    """No contradiction the describing validator would warn about."""
    commercial = data.get("commercial", {})
    content = data.get("content", {})
    if commercial.get("relationship") == "none":
        if any(link.get("affiliate") for link in content.get("links", ())):
            return False
        if any(c.get("kind") not in (None, "none") for c in commercial.get("connections", ())):
            return False
    shoppable, checkout = content.get("shoppable"), content.get("checkout")
    return shoppable is None or checkout is None or shoppable == (checkout != "none")


def fast_check(raw: Mapping[str, Any]) -> dict[str, Any] | None:
    """The normalized record, or None when the describing validator has something to say."""
    declared = raw.get("schema")
    if declared is not None and (type(declared) is not str or not _SCHEMA.match(declared)):
        return None
    try:
        data = _RECORD(raw)
    except (_Reject, ValueError, OverflowError):
        return None
    data.pop("schema", None)
    if not str(data["id"]).strip() or not _quiet(data):
        return None
    return data
