"""Types of rule expressions, checked against the record format.

``Typer.infer`` walks an expression, returns its type and records every problem it finds as a
diagnostic; after an error the type is ``ANY`` so one mistake does not cascade into many.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

import attrs

from kolrules import countries
from kolrules.builtins import BUILTINS
from kolrules.diagnostics import Diagnostic, Severity, closest
from kolrules.lang import syntax
from kolrules.lang.symbols import Symbols
from kolrules.schema import RECORD
from kolrules.timeutil import Duration
from kolrules.types import EnumType, FieldType, Kind, ListOf, MapOf, ObjectType, Scalar


@attrs.frozen
class SetType:
    """A set literal's type."""

    item: Type

    def describe(self) -> str:
        """Human description."""
        return f"set of {self.item.describe()}"


@attrs.frozen
class DurationType:
    """A duration literal; fixed ones (seconds … weeks) also compare with `_s` fields."""

    fixed: bool

    def describe(self) -> str:
        """Human description."""
        return "duration" if self.fixed else "calendar duration (months or years)"


@attrs.frozen
class LabelType:
    """A label class reference, ``vocabulary.class``; only valid after ``matches``."""

    vocabulary: str

    def describe(self) -> str:
        """Human description."""
        return "label class"


@attrs.frozen
class AnyType:
    """The type of an expression that already has an error."""

    def describe(self) -> str:
        """Human description."""
        return "anything"


Type = FieldType | SetType | DurationType | LabelType | AnyType
ANY = AnyType()
BOOL = Scalar(Kind.BOOLEAN)
NUMBER = Scalar(Kind.NUMBER)
INTEGER = Scalar(Kind.INTEGER, minimum=0)
STRING = Scalar(Kind.STRING)


def family(t: Type) -> str:
    """The comparison family of a type: values compare only within a family."""
    if isinstance(t, AnyType):
        return "any"
    if isinstance(t, EnumType):
        return "text"
    if isinstance(t, Scalar):
        return {
            Kind.STRING: "text",
            Kind.COUNTRY: "text",
            Kind.LANGUAGE: "text",
            Kind.INTEGER: "number",
            Kind.NUMBER: "number",
            Kind.BOOLEAN: "boolean",
            Kind.DATE: "time",
            Kind.DATETIME: "time",
            Kind.SECONDS: "seconds",
        }[t.kind]
    if isinstance(t, DurationType):
        return "seconds" if t.fixed else "duration"
    if isinstance(t, ListOf):
        return "list"
    if isinstance(t, SetType):
        return "set"
    if isinstance(t, LabelType):
        return "label"
    return "object"


def _literal_type(value: object) -> Type:
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, (int, float)):
        return NUMBER
    if isinstance(value, str):
        return STRING
    if isinstance(value, Duration):
        return DurationType(value.is_fixed)
    if isinstance(value, dt.datetime):
        return Scalar(Kind.DATETIME)
    if isinstance(value, dt.date):
        return Scalar(Kind.DATE)
    return ANY


_QUOTED = {
    "number": (re.compile(r"-?\d+(\.\d+)?\Z"), "write the number without quotes: `{}`"),
    "time": (
        re.compile(r"\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?\Z"),
        "write the date without quotes: `{}`",
    ),
    "boolean": (re.compile(r"(true|false)\Z"), "write `{}` without quotes"),
    "seconds": (re.compile(r"\d+(\.\d+)?\Z"), "write a duration without quotes: `{} seconds`"),
}


def _quoted_fix(node: syntax.Expr, wanted: str) -> str | None:
    """The fix for a number, date or boolean written in quotes, when ``wanted`` is its family."""
    if not (isinstance(node, syntax.Literal) and isinstance(node.value, str)):
        return None
    pattern, fix = _QUOTED.get(wanted, (None, ""))
    if pattern is None or not pattern.match(node.value):
        return None
    return fix.format(node.value)


def show(expr: syntax.Expr) -> str:
    """Short source-like rendering of an expression, for messages."""
    match expr:
        case syntax.Name(name):
            return name
        case syntax.Attr(obj, name):
            return f"{show(obj)}.{name}"
        case syntax.Index(obj, index):
            return f"{show(obj)}[{index}]"
        case syntax.Literal(value) if isinstance(value, str):
            return f'"{value}"'
        case syntax.Literal(value):
            return str(value)
        case syntax.Call(func):
            return f"{func}(…)"
        case _:
            return "expression"


@attrs.frozen
class Binding:
    """A name bound in an expression: a quantifier variable, a define parameter or a let."""

    type: Type
    kind: str  # "var", "param", "let"


class Typer:
    """Infers and checks the types of expressions in one file."""

    def __init__(self, symbols: Symbols) -> None:
        self.symbols = symbols
        self.diagnostics: list[Diagnostic] = []
        self._define_stack: list[str] = []
        self._checked_defines: dict[tuple[str, tuple[str, ...]], Type] = {}

    def error(self, code: str, message: str, node: object, **kw: str | None) -> AnyType:
        span = getattr(node, "span", None)
        self.diagnostics.append(Diagnostic(code, message, span, **kw))  # type: ignore[arg-type]
        return ANY

    def warn(self, code: str, message: str, node: object, **kw: str | None) -> None:
        span = getattr(node, "span", None)
        self.diagnostics.append(Diagnostic(code, message, span, severity=Severity.WARNING, **kw))

    # ---- entry points ----
    def boolean(self, expr: syntax.Expr, env: Mapping[str, Binding], what: str) -> None:
        """Check that ``expr`` is a condition (true/false)."""
        t = self.infer(expr, env)
        if family(t) not in ("boolean", "any"):
            self.error(
                "KR204", f"{what} must be true or false, but `{show(expr)}` is {t.describe()}", expr
            )

    # ---- inference ----
    def infer(self, expr: syntax.Expr, env: Mapping[str, Binding]) -> Type:
        """The type of ``expr``; problems are recorded, not raised."""
        match expr:
            case syntax.Literal(value):
                return _literal_type(value)
            case syntax.SetLiteral(items):
                types = [self.infer(item, env) for item in items]
                families = {family(t) for t in types} - {"any"}
                if len(families) > 1:
                    return self.error("KR204", "a set mixes values of different types", expr)
                return SetType(types[0] if types else ANY)
            case syntax.Name(name):
                return self._name(expr, name, env)
            case syntax.Attr(obj, name):
                return self._attr(expr, obj, name, env)
            case syntax.Index(obj, _):
                t = self.infer(obj, env)
                if isinstance(t, ListOf):
                    return t.item
                if isinstance(t, AnyType):
                    return ANY
                return self.error("KR204", f"`{show(obj)}` is {t.describe()}, not a list", expr)
            case syntax.Call(func, args):
                return self._call(expr, func, args, env)
            case syntax.Not(operand):
                self.boolean(operand, env, "the operand of `not`")
                return BOOL
            case syntax.And(operands) | syntax.Or(operands):
                for operand in operands:
                    self.boolean(operand, env, "each side of `and`/`or`")
                return BOOL
            case syntax.Compare(op, left, right):
                self._compare(expr, op, left, right, env)
                return BOOL
            case syntax.Member(item, collection, _):
                self._member(expr, item, collection, env)
                return BOOL
            case syntax.Contains(collection, item):
                ct = self.infer(collection, env)
                it = self.infer(item, env)
                if isinstance(ct, ListOf):
                    self._same_family(expr, ct.item, it, collection, item)
                    self._enum_value(ct.item, item)
                elif not isinstance(ct, AnyType):
                    text = family(ct) == "text"
                    self.error(
                        "KR204",
                        f"`contains` needs a list on its left, but "
                        f"`{show(collection)}` is {ct.describe()}",
                        collection,
                        help=f"to find a label in a text, write `{show(collection)} matches "
                        f"{show(item)}`"
                        if text
                        else None,
                    )
                return BOOL
            case syntax.Matches(subject, vocabulary):
                self._matches(expr, subject, vocabulary, env)
                return BOOL
            case syntax.Within(subject, duration, _, anchor):
                for part in (subject, anchor):
                    t = self.infer(part, env)
                    if family(t) not in ("time", "any"):
                        self.error(
                            "KR204",
                            f"`within` compares dates or datetimes, but "
                            f"`{show(part)}` is {t.describe()}",
                            part,
                        )
                d = self.infer(duration, env)
                if not isinstance(d, (DurationType, AnyType)):
                    self.error(
                        "KR204",
                        f"expected a duration such as `3 years`, got {d.describe()}",
                        duration,
                    )
                return BOOL
            case syntax.Exists(operand):
                self.infer(operand, env)
                return BOOL
            case syntax.Arith(op, left, right):
                return self._arith(expr, op, left, right, env)
            case syntax.Quantified(_, var, collection, where, body):
                inner = self._bind(expr, var, collection, env)
                if where is not None:
                    self.boolean(where, inner, "a `where` filter")
                self.boolean(body, inner, "the body of a quantifier")
                return BOOL
            case syntax.Count(var, collection, where):
                inner = self._bind(expr, var, collection, env)
                if where is not None:
                    self.boolean(where, inner, "a `where` filter")
                return INTEGER
            case syntax.First(var, collection, where):
                inner = self._bind(expr, var, collection, env)
                if where is not None:
                    self.boolean(where, inner, "a `where` filter")
                return inner[var].type
        return ANY  # pragma: no cover - every node kind is matched above

    def _name(self, expr: syntax.Expr, name: str, env: Mapping[str, Binding]) -> Type:
        if name in env:
            return env[name].type
        if name in self.symbols.consts:
            return self.infer(self.symbols.consts[name].value, {})
        if name in self.symbols.defines:
            define = self.symbols.defines[name]
            if define.params:
                return self.error(
                    "KR205",
                    f"`{name}` takes {len(define.params)} argument(s): "
                    f"write `{name}({', '.join(define.params)})`",
                    expr,
                )
            return self._define(define, (), {})
        field = RECORD.field(name)
        if field is not None:
            return field.type
        if name in self.symbols.labels:
            return self.error(
                "KR203",
                f"`{name}` is a label vocabulary; name one of its "
                "classes, e.g. `" + name + ".accepted`",
                expr,
            )
        pool = set(env) | self.symbols.names() | {f.name for f in RECORD.fields}
        return self.error("KR202", f"unknown name `{name}`", expr, suggestion=closest(name, pool))

    def _attr(
        self, expr: syntax.Expr, obj: syntax.Expr, name: str, env: Mapping[str, Binding]
    ) -> Type:
        if isinstance(obj, syntax.Name) and obj.name in self.symbols.labels and obj.name not in env:
            vocabulary = self.symbols.labels[obj.name]
            classes = [c.name for c in vocabulary.classes]
            if name not in classes:
                return self.error(
                    "KR203",
                    f"label vocabulary `{obj.name}` has no class `{name}`",
                    expr,
                    suggestion=closest(name, classes),
                    help="its classes: " + ", ".join(classes),
                )
            return LabelType(f"{obj.name}.{name}")
        t = self.infer(obj, env)
        if isinstance(t, ObjectType):
            field = t.field(name)
            if field is None:
                return self.error(
                    "KR201",
                    f"`{show(obj)}` has no field `{name}`",
                    expr,
                    suggestion=closest(name, [f.name for f in t.fields]),
                )
            return field.type
        if isinstance(t, MapOf):
            if t.key is Kind.COUNTRY and not (len(name) == 2 and name.isupper()):
                return self.error(
                    "KR204",
                    f'keys of `{show(obj)}` are country codes such as "CN", not `{name}`',
                    expr,
                )
            if t.key is Kind.COUNTRY:
                self._country_value(Scalar(Kind.COUNTRY), syntax.Literal(name, span=expr.span))
            return t.value
        if isinstance(t, ListOf):
            return self.error(
                "KR204",
                f"`{show(obj)}` is a list; reach its elements with a quantifier",
                expr,
                help=f"e.g. `any x in {show(obj)}: x.{name} …`",
            )
        if isinstance(t, AnyType):
            return ANY
        return self.error("KR204", f"`{show(obj)}` is {t.describe()} and has no fields", expr)

    def _bind(
        self, expr: syntax.Expr, var: str, collection: syntax.Expr, env: Mapping[str, Binding]
    ) -> dict[str, Binding]:
        t = self.infer(collection, env)
        if isinstance(t, ListOf):
            item: Type = t.item
        else:
            if not isinstance(t, AnyType):
                self.error(
                    "KR204", f"`{show(collection)}` is {t.describe()}, not a list", collection
                )
            item = ANY
        if var in env or RECORD.field(var) is not None or var in self.symbols.names():
            self.error("KR209", f"`{var}` is already a name here; choose another variable", expr)
        return {**env, var: Binding(item, "var")}

    def _call(
        self,
        expr: syntax.Expr,
        func: str,
        args: tuple[syntax.Expr, ...],
        env: Mapping[str, Binding],
    ) -> Type:
        types = [self.infer(arg, env) for arg in args]
        if func in self.symbols.defines:
            define = self.symbols.defines[func]
            if len(args) != len(define.params):
                return self.error(
                    "KR205",
                    f"`{func}` takes {len(define.params)} argument(s), got {len(args)}",
                    expr,
                )
            return self._define(define, tuple(types), env)
        signature = BUILTINS.get(func)
        if signature is None:
            pool = set(BUILTINS) | set(self.symbols.defines)
            return self.error(
                "KR202", f"unknown function `{func}`", expr, suggestion=closest(func, pool)
            )
        if len(args) != len(signature.params):
            return self.error(
                "KR205",
                f"`{func}` takes {len(signature.params)} argument(s) "
                f"({', '.join(signature.params)}), got {len(args)}",
                expr,
            )
        for arg, t, kind in zip(args, types, signature.params, strict=True):
            if kind == "field" and not isinstance(arg, (syntax.Name, syntax.Attr, syntax.Index)):
                self.error(
                    "KR205",
                    f"`{func}` takes a field of the record, but `{show(arg)}` is not one",
                    arg,
                    help="e.g. `known(published_by)`",
                )
            if kind == "labels" and not isinstance(t, LabelType):
                self.error(
                    "KR205",
                    f"`{func}` takes a label class (`vocabulary.class`), but "
                    f"`{show(arg)}` is {t.describe()}",
                    arg,
                )
            if isinstance(t, AnyType):
                continue
            if kind == "disclosure" and not (isinstance(t, ObjectType) and t.name == "disclosure"):
                self.error(
                    "KR205",
                    f"`{func}` takes an element of `disclosures`, but "
                    f"`{show(arg)}` is {t.describe()}",
                    arg,
                    help="e.g. `any d in disclosures: " + func + "(d)`",
                )
            if kind == "duration" and not (isinstance(t, DurationType) and t.fixed):
                self.error(
                    "KR205",
                    f"`{func}` takes a duration such as `3 seconds`, but "
                    f"`{show(arg)}` is {t.describe()}",
                    arg,
                )
        return BOOL

    def _define(
        self, define: syntax.Define, types: tuple[Type, ...], env: Mapping[str, Binding]
    ) -> Type:
        key = (define.name, tuple(repr(t) for t in types))
        if key in self._checked_defines:
            return self._checked_defines[key]
        if define.name in self._define_stack:
            return self.error("KR210", f"`{define.name}` is defined in terms of itself", define)
        self._define_stack.append(define.name)
        inner = {p: Binding(t, "param") for p, t in zip(define.params, types, strict=True)}
        result = self.infer(define.body, inner)
        self._define_stack.pop()
        self._checked_defines[key] = result
        return result

    def _same_family(
        self, node: syntax.Expr, a: Type, b: Type, left: syntax.Expr, right: syntax.Expr
    ) -> bool:
        fa, fb = family(a), family(b)
        if "any" in (fa, fb) or fa == fb:
            return True
        help_text = _quoted_fix(right, fa) or _quoted_fix(left, fb)
        if help_text is None and {fa, fb} == {"seconds", "number"}:
            number = right if fb == "number" else left
            help_text = f"write a duration, e.g. `{show(number)} seconds`"
        elif help_text is None and {fa, fb} == {"time", "number"}:
            help_text = "compare a date with a date, e.g. `2026-01-01`"
        self.error(
            "KR204",
            f"cannot compare `{show(left)}` ({a.describe()}) with `{show(right)}` ({b.describe()})",
            node,
            help=help_text,
        )
        return False

    def _country_value(self, t: Type, literal: syntax.Expr) -> None:
        """KR211 for a country code the record format can never hold (``"UK"``)."""
        if not (isinstance(t, Scalar) and t.kind is Kind.COUNTRY):
            return
        values = literal.items if isinstance(literal, syntax.SetLiteral) else (literal,)
        for value in values:
            if isinstance(value, syntax.Literal) and isinstance(value.value, str):
                wrong = countries.problem(value.value)
                if wrong is not None:
                    self.warn(
                        "KR211",
                        f"`{value.value}` is not an ISO 3166-1 country code, so no record has it",
                        value,
                        suggestion=countries.suggestion(value.value),
                        help="records name countries by ISO 3166-1 alpha-2 codes (GB, US, VN)",
                    )

    def _enum_value(self, t: Type, literal: syntax.Expr) -> None:
        self._country_value(t, literal)
        if not isinstance(t, EnumType):
            return
        values = literal.items if isinstance(literal, syntax.SetLiteral) else (literal,)
        for value in values:
            if isinstance(value, syntax.Literal) and isinstance(value.value, str):
                if value.value in t.values:
                    continue
                guess = closest(value.value, t.values)
                message = f'"{value.value}" is not one of the field\'s values'
                if t.closed:
                    self.error(
                        "KR206",
                        message,
                        value,
                        suggestion=guess,
                        help="allowed: " + ", ".join(t.values),
                    )
                else:
                    self.warn(
                        "KR206",
                        message + " (the list is open, so it may still occur)",
                        value,
                        suggestion=guess,
                    )

    def _compare(
        self,
        expr: syntax.Expr,
        op: str,
        left: syntax.Expr,
        right: syntax.Expr,
        env: Mapping[str, Binding],
    ) -> None:
        lt, rt = self.infer(left, env), self.infer(right, env)
        if not self._same_family(expr, lt, rt, left, right):
            return
        fam = family(lt) if family(lt) != "any" else family(rt)
        if fam in ("list", "set", "object", "label", "duration"):
            self.error("KR204", f"`{op}` cannot compare {lt.describe()} values", expr)
        elif op not in ("==", "!=") and fam in ("text", "boolean"):
            self.error(
                "KR204", f"`{op}` needs numbers, dates or durations, not {lt.describe()}", expr
            )
        self._enum_value(lt, right)
        self._enum_value(rt, left)

    def _member(
        self,
        expr: syntax.Expr,
        item: syntax.Expr,
        collection: syntax.Expr,
        env: Mapping[str, Binding],
    ) -> None:
        it, ct = self.infer(item, env), self.infer(collection, env)
        if isinstance(ct, (SetType, ListOf)):
            self._same_family(expr, it, ct.item, item, collection)
            target = collection
            if isinstance(collection, syntax.Name) and collection.name in self.symbols.consts:
                target = self.symbols.consts[collection.name].value
            self._enum_value(it, target)
        elif not isinstance(ct, AnyType):
            self.error(
                "KR204",
                f'`in` needs a set such as {{"a", "b"}} or a list on its '
                f"right, but `{show(collection)}` is {ct.describe()}",
                collection,
            )

    def _matches(
        self,
        expr: syntax.Expr,
        subject: syntax.Expr,
        vocabulary: syntax.Expr,
        env: Mapping[str, Binding],
    ) -> None:
        st = self.infer(subject, env)
        inner = st.item if isinstance(st, ListOf) else st
        if family(inner) not in ("text", "any"):
            self.error(
                "KR204",
                f"`matches` needs text on its left, but `{show(subject)}` is {st.describe()}",
                subject,
            )
        vt = self.infer(vocabulary, env)
        ok = isinstance(vt, (LabelType, AnyType)) or (
            family(vt) == "text" or (isinstance(vt, SetType) and family(vt.item) == "text")
        )
        if not ok:
            self.error(
                "KR204",
                "`matches` needs a label class (`vocabulary.class`), a string "
                f"or a set of strings on its right, not {vt.describe()}",
                vocabulary,
            )

    def _arith(
        self,
        expr: syntax.Expr,
        op: str,
        left: syntax.Expr,
        right: syntax.Expr,
        env: Mapping[str, Binding],
    ) -> Type:
        lt, rt = self.infer(left, env), self.infer(right, env)
        fl, fr = family(lt), family(rt)
        if "any" in (fl, fr):
            return ANY
        if fl == fr == "number":
            return NUMBER
        if fl == "time" and fr in ("seconds", "duration") and not isinstance(rt, Scalar):
            return lt
        if fl == "seconds" and fr == "seconds":
            return Scalar(Kind.SECONDS)
        return self.error(
            "KR204",
            f"cannot compute `{show(left)} {op} {show(right)}` "
            f"({lt.describe()} {op} {rt.describe()})",
            expr,
            help="add numbers to numbers, or a duration to a date",
        )
