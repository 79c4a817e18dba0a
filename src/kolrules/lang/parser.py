"""Source text → AST. The only module that imports lark; no lark object escapes it."""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from typing import Any

import attrs
import lark
from lark import Token, Transformer, v_args

from kolrules.diagnostics import Diagnostic, closest
from kolrules.lang import syntax
from kolrules.resources import grammar_path
from kolrules.source import SourceFile, Span
from kolrules.timeutil import Duration, normalize_unit, parse_date, parse_datetime


class ParseFailure(Exception):
    """Raised by ``parse`` with the diagnostic describing the first syntax error."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.headline())
        self.diagnostic = diagnostic


@functools.lru_cache(maxsize=1)
def _parser() -> lark.Lark:
    return lark.Lark(
        grammar_path().read_text(encoding="utf-8"),
        parser="lalr",
        propagate_positions=True,
        maybe_placeholders=False,
        strict=True,
    )


#: What the user sees for terminal names in "expected …" lists.
_TERMINAL_NAMES = {
    "STRING": "a string",
    "NAME": "a name",
    "RULE_ID": "a rule id",
    "CODE": "a jurisdiction code",
    "DATE": "a date",
    "DATETIME": "a datetime",
    "SIGNED_NUMBER": "a number",
    "INT": "a number",
    "UNIT": "a time unit",
    "COMP_OP": "a comparison",
    "ADD_OP": "`+` or `-`",
    "SEVERITY": "error, warning or info",
    "OUTCOME": "an outcome",
    "QUANTIFIER": "any, all or none",
    "DIRECTION": "before or after",
    "LBRACE": "`{`",
    "RBRACE": "`}`",
    "LPAR": "`(`",
    "RPAR": "`)`",
    "LSQB": "`[`",
    "RSQB": "`]`",
    "COLON": "`:`",
    "COMMA": "`,`",
    "DOT": "`.`",
    "EQUAL": "`=`",
}


def _describe_expected(expected: set[str]) -> str:
    literal = {t.name: t.pattern.value for t in _parser().terminals if t.pattern.type == "str"}
    words = set()
    for name in expected:
        if name in _TERMINAL_NAMES:
            words.add(_TERMINAL_NAMES[name])
        elif name in literal:
            words.add(f"`{literal[name]}`")
        elif not name.startswith("$"):
            words.add(f"`{name.lower()}`")
    ordered = sorted(words)
    if len(ordered) > 10:
        ordered = [*ordered[:10], "…"]
    return ", ".join(ordered)


def _token_span(path: str, token: Token) -> Span:
    return Span(
        path,
        token.line or 1,
        token.column or 1,
        token.end_line or token.line or 1,
        token.end_column or (token.column or 1) + 1,
    )


class _Builder(Transformer[Token, Any]):
    """Lark tree → our AST."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def _span(self, meta: Any) -> Span | None:
        if getattr(meta, "empty", True):
            return None
        return Span(self.path, meta.line, meta.column, meta.end_line, meta.end_column)

    def _string(self, token: Token) -> str:
        try:
            value = json.loads(str(token))
        except json.JSONDecodeError as error:
            raise _LiteralError(
                _token_span(self.path, token), f"invalid string: {error.msg}"
            ) from None
        assert isinstance(value, str)
        return value

    # ---- files ----
    @v_args(meta=True)
    def start(self, meta: Any, items: list[Any]) -> list[Any]:
        return items

    @v_args(meta=True)
    def import_decl(self, meta: Any, children: list[Token]) -> syntax.Import:
        return syntax.Import(self._string(children[0]), span=self._span(meta))

    @v_args(meta=True)
    def jurisdiction(self, meta: Any, children: list[Any]) -> syntax.Jurisdiction:
        code, *clauses = children
        fields: dict[str, Any] = {}
        for key, value, _ in clauses:
            fields.setdefault(key, value)
        return syntax.Jurisdiction(
            str(code),
            fields.get("name"),
            fields.get("authority"),
            fields.get("timezone"),
            fields.get("scope"),
            span=_token_span(self.path, code),
            lines=tuple((key, line) for key, _, line in clauses),
        )

    @v_args(meta=True)
    def jur_name(self, meta: Any, children: list[Token]) -> tuple[str, str, int]:
        return "name", self._string(children[0]), meta.line

    @v_args(meta=True)
    def jur_authority(self, meta: Any, children: list[Token]) -> tuple[str, str, int]:
        return "authority", self._string(children[0]), meta.line

    @v_args(meta=True)
    def jur_timezone(self, meta: Any, children: list[Token]) -> tuple[str, str, int]:
        return "timezone", self._string(children[0]), meta.line

    @v_args(meta=True)
    def jur_scope(self, meta: Any, children: list[Any]) -> tuple[str, Any, int]:
        return "scope", children[0], meta.line

    # ---- definitions ----
    @v_args(meta=True)
    def labels_decl(self, meta: Any, children: list[Any]) -> syntax.Labels:
        name, *classes = children
        return syntax.Labels(str(name), tuple(classes), span=_token_span(self.path, name))

    @v_args(meta=True)
    def label_class(self, meta: Any, children: list[Token]) -> syntax.LabelClass:
        name, *labels = children
        return syntax.LabelClass(
            str(name), tuple(self._string(t) for t in labels), span=_token_span(self.path, name)
        )

    @v_args(meta=True)
    def const_decl(self, meta: Any, children: list[Any]) -> syntax.Const:
        return syntax.Const(str(children[0]), children[1], span=_token_span(self.path, children[0]))

    @v_args(meta=True)
    def define_decl(self, meta: Any, children: list[Any]) -> syntax.Define:
        name = children[0]
        params: tuple[str, ...] = children[1] if len(children) == 3 else ()
        return syntax.Define(str(name), params, children[-1], span=_token_span(self.path, name))

    def params(self, children: list[Token]) -> tuple[str, ...]:
        return tuple(str(t) for t in children)

    @v_args(meta=True)
    def presume_decl(self, meta: Any, children: list[Any]) -> syntax.Presume:
        names = [c for c in children if isinstance(c, Token) and c.type == "NAME"]
        rest = children[len(names) :]
        value = _unwrap(rest[0])
        clauses = rest[1:]
        when = next((c[1] for c in clauses if isinstance(c, tuple) and c[0] == "when"), None)
        because = next((c[1] for c in clauses if isinstance(c, tuple) and c[0] == "because"), None)
        lines = tuple(
            (c[0], c[2]) if isinstance(c, tuple) else ("cite", c.span.line if c.span else 0)
            for c in clauses
        )
        return syntax.Presume(
            tuple(str(n) for n in names),
            value,
            when,
            because,
            tuple(c for c in clauses if isinstance(c, syntax.Cite)),
            span=_token_span(self.path, names[0]),
            lines=lines,
        )

    @v_args(meta=True)
    def presume_when(self, meta: Any, children: list[Any]) -> tuple[str, Any, int]:
        return "when", children[0], meta.line

    @v_args(meta=True)
    def presume_because(self, meta: Any, children: list[Token]) -> tuple[str, str, int]:
        return "because", self._string(children[0]), meta.line

    # ---- rules ----
    @v_args(meta=True)
    def rule(self, meta: Any, children: list[Any]) -> syntax.Rule:
        rule_id, *clauses = children
        return syntax.Rule(str(rule_id), tuple(clauses), span=_token_span(self.path, rule_id))

    @v_args(meta=True)
    def title(self, meta: Any, c: list[Token]) -> syntax.Title:
        return syntax.Title(self._string(c[0]), span=self._span(meta))

    @v_args(meta=True)
    def obligation(self, meta: Any, c: list[tuple[str, Span | None]]) -> syntax.Obligation:
        return syntax.Obligation(
            tuple(tag for tag, _ in c), span=self._span(meta), spans=tuple(at for _, at in c)
        )

    @v_args(meta=True)
    def obligation_tag(self, meta: Any, c: list[Token]) -> tuple[str, Span | None]:
        return ".".join(str(t) for t in c), self._span(meta)

    @v_args(meta=True)
    def cite(self, meta: Any, c: list[Any]) -> syntax.Cite:
        parts = dict(c[1:])
        return syntax.Cite(
            self._string(c[0]), parts.get("article"), parts.get("url"), span=self._span(meta)
        )

    @v_args(meta=True)
    def cite_source(self, meta: Any, c: list[Any]) -> syntax.Cite:
        parts = dict(c[1:])
        return syntax.Cite(
            "", parts.get("article"), parts.get("url"), source=str(c[0]), span=self._span(meta)
        )

    @v_args(meta=True)
    def source_decl(self, meta: Any, c: list[Any]) -> syntax.Source:
        name, *clauses = c
        fields: dict[str, Any] = {}
        for key, value, _ in clauses:
            fields.setdefault(key, value)
        start, end = fields.get("in_force", (None, None))
        return syntax.Source(
            str(name),
            fields.get("title"),
            fields.get("english"),
            fields.get("short"),
            fields.get("url"),
            fields.get("date"),
            start,
            end,
            span=_token_span(self.path, name),
            lines=tuple((key, line) for key, _, line in clauses),
            note=fields.get("note"),
        )

    def source_clause(self, c: list[Any]) -> Any:  # pragma: no cover - every clause is aliased
        return c[0]

    @v_args(meta=True)
    def src_title(self, meta: Any, c: list[Token]) -> tuple[str, str, int]:
        return "title", self._string(c[0]), meta.line

    @v_args(meta=True)
    def src_english(self, meta: Any, c: list[Token]) -> tuple[str, str, int]:
        return "english", self._string(c[0]), meta.line

    @v_args(meta=True)
    def src_short(self, meta: Any, c: list[Token]) -> tuple[str, str, int]:
        return "short", self._string(c[0]), meta.line

    @v_args(meta=True)
    def src_url(self, meta: Any, c: list[Token]) -> tuple[str, str, int]:
        return "url", self._string(c[0]), meta.line

    @v_args(meta=True)
    def src_note(self, meta: Any, c: list[Token]) -> tuple[str, str, int]:
        return "note", self._string(c[0]), meta.line

    @v_args(meta=True)
    def src_date(self, meta: Any, c: list[Token]) -> tuple[str, dt.date, int]:
        return "date", self._date(c[0]), meta.line

    @v_args(meta=True)
    def src_in_force(self, meta: Any, c: list[Token]) -> tuple[str, tuple[Any, Any], int]:
        end = self._date(c[1]) if len(c) > 1 else None
        return "in_force", (self._date(c[0]), end), meta.line

    def cite_article(self, c: list[Token]) -> tuple[str, str]:
        return "article", self._string(c[0])

    def cite_url(self, c: list[Token]) -> tuple[str, str]:
        return "url", self._string(c[0])

    @v_args(meta=True)
    def severity(self, meta: Any, c: list[Token]) -> syntax.SeverityClause:
        return syntax.SeverityClause(str(c[0]), span=self._span(meta))

    @v_args(meta=True)
    def effective(self, meta: Any, c: list[Token]) -> syntax.Effective:
        start = self._date(c[0])
        end = self._date(c[1]) if len(c) > 1 else None
        return syntax.Effective(start, end, span=self._span(meta))

    @v_args(meta=True)
    def confidence(self, meta: Any, c: list[Token]) -> syntax.Confidence:
        return syntax.Confidence(self._string(c[0]), span=self._span(meta))

    @v_args(meta=True)
    def applies(self, meta: Any, c: list[Any]) -> syntax.Applies:
        return syntax.Applies(c[0], c[1] if len(c) > 1 else None, span=self._span(meta))

    @v_args(meta=True)
    def requires(self, meta: Any, c: list[Any]) -> syntax.Requires:
        return syntax.Requires(c[0], span=self._span(meta))

    @v_args(meta=True)
    def message(self, meta: Any, c: list[Token]) -> syntax.Message:
        return syntax.Message(self._string(c[0]), span=_token_span(self.path, c[0]))

    @v_args(meta=True)
    def remedy(self, meta: Any, c: list[Token]) -> syntax.Remedy:
        return syntax.Remedy(self._string(c[0]), span=_token_span(self.path, c[0]))

    @v_args(meta=True)
    def note(self, meta: Any, c: list[Token]) -> syntax.Note:
        return syntax.Note(self._string(c[0]), span=self._span(meta))

    @v_args(meta=True)
    def overrides(self, meta: Any, c: list[Token]) -> syntax.Overrides:
        return syntax.Overrides(tuple(str(t) for t in c), span=self._span(meta))

    @v_args(meta=True)
    def revision(self, meta: Any, c: list[Any]) -> syntax.Revision:
        dates = [x for x in c if isinstance(x, Token) and x.type == "DATE"]
        clauses = tuple(x for x in c if not (isinstance(x, Token) and x.type == "DATE"))
        end = self._date(dates[1]) if len(dates) > 1 else None
        return syntax.Revision(self._date(dates[0]), end, clauses, span=self._span(meta))

    @v_args(meta=True)
    def let(self, meta: Any, c: list[Any]) -> syntax.Let:
        return syntax.Let(str(c[0]), c[1], span=_token_span(self.path, c[0]))

    # ---- examples ----
    @v_args(meta=True)
    def base_decl(self, meta: Any, c: list[Any]) -> syntax.Base:
        return syntax.Base(str(c[0]), c[1], span=_token_span(self.path, c[0]))

    @v_args(meta=True)
    def example(self, meta: Any, c: list[Any]) -> syntax.Example:
        title, *clauses = c
        parts: dict[str, Any] = {}
        expects = []
        for kind, value, _ in clauses:
            if kind == "expect":
                expects.append(value)
            else:
                parts.setdefault(kind, value)
        return syntax.Example(
            self._string(title),
            parts.get("from"),
            parts.get("record"),
            parts.get("patch"),
            parts.get("as_of"),
            tuple(expects),
            span=_token_span(self.path, title),
            lines=tuple((kind, line) for kind, _, line in clauses),
        )

    @v_args(meta=True)
    def ex_from(self, meta: Any, c: list[Token]) -> tuple[str, str, int]:
        return "from", str(c[0]), meta.line

    @v_args(meta=True)
    def ex_record(self, meta: Any, c: list[Any]) -> tuple[str, Any, int]:
        return "record", c[0], meta.line

    @v_args(meta=True)
    def ex_patch(self, meta: Any, c: list[Any]) -> tuple[str, Any, int]:
        return "patch", c[0], meta.line

    @v_args(meta=True)
    def ex_as_of(self, meta: Any, c: list[Token]) -> tuple[str, dt.date, int]:
        return "as_of", self._date(c[0]), meta.line

    @v_args(meta=True)
    def expect(self, meta: Any, c: list[Token]) -> tuple[str, syntax.Expect, int]:
        rule_id, outcome, *missing = c
        return (
            "expect",
            syntax.Expect(
                str(rule_id),
                str(outcome),
                tuple(self._string(m) for m in missing) if missing else None,
                span=self._span(meta),
            ),
            meta.line,
        )

    # ---- JSON ----
    @v_args(meta=True)
    def json_object(self, meta: Any, c: list[tuple[str, Any]]) -> syntax.Json:
        return syntax.Json({k: _unwrap(v) for k, v in c}, span=self._span(meta))

    def json_pair(self, c: list[Any]) -> tuple[str, Any]:
        return self._string(c[0]), c[1]

    @v_args(meta=True)
    def json_array(self, meta: Any, c: list[Any]) -> syntax.Json:
        return syntax.Json([_unwrap(v) for v in c], span=self._span(meta))

    def json_string(self, c: list[Token]) -> str:
        return self._string(c[0])

    def json_number(self, c: list[Token]) -> int | float:
        text = str(c[0])
        if text.lstrip("-").isdigit():
            return int(text)
        value = float(text)
        if not math.isfinite(value):  # JSON has no infinity: 1E400 is out of range
            raise _LiteralError(_token_span(self.path, c[0]), f"number `{text}` is out of range")
        return value

    def json_true(self, c: list[Any]) -> bool:
        return True

    def json_false(self, c: list[Any]) -> bool:
        return False

    def json_null(self, c: list[Any]) -> None:
        return None

    # ---- expressions ----
    def _date(self, token: Token) -> dt.date:
        try:
            return parse_date(str(token))
        except ValueError:
            raise _LiteralError(
                _token_span(self.path, token), f"`{token}` is not a valid calendar date"
            ) from None

    @v_args(meta=True)
    def quantified(self, meta: Any, c: list[Any]) -> syntax.Quantified:
        quantifier, var, collection, *rest = c
        where, body = (rest[0], rest[1]) if len(rest) == 2 else (None, rest[0])
        return syntax.Quantified(
            str(quantifier), str(var), collection, where, body, span=self._span(meta)
        )

    def paren(self, c: list[Any]) -> syntax.Expr:
        # Keep the author's parentheses for ``fmt``; equality ignores them.
        node: syntax.Expr = attrs.evolve(c[0], parens=True)
        return node

    @v_args(meta=True)
    def or_(self, meta: Any, c: list[Any]) -> syntax.Expr:
        return c[0] if len(c) == 1 else syntax.Or(tuple(c), span=self._span(meta))

    @v_args(meta=True)
    def and_(self, meta: Any, c: list[Any]) -> syntax.Expr:
        return c[0] if len(c) == 1 else syntax.And(tuple(c), span=self._span(meta))

    @v_args(meta=True)
    def not_(self, meta: Any, c: list[Any]) -> syntax.Not:
        return syntax.Not(c[0], span=self._span(meta))

    @v_args(meta=True)
    def compare(self, meta: Any, c: list[Any]) -> syntax.Compare:
        return syntax.Compare(str(c[1]), c[0], c[2], span=self._span(meta))

    @v_args(meta=True)
    def member(self, meta: Any, c: list[Any]) -> syntax.Member:
        return syntax.Member(c[0], c[1], span=self._span(meta))

    @v_args(meta=True)
    def not_member(self, meta: Any, c: list[Any]) -> syntax.Member:
        return syntax.Member(c[0], c[1], negated=True, span=self._span(meta))

    @v_args(meta=True)
    def contains(self, meta: Any, c: list[Any]) -> syntax.Contains:
        return syntax.Contains(c[0], c[1], span=self._span(meta))

    @v_args(meta=True)
    def matches(self, meta: Any, c: list[Any]) -> syntax.Matches:
        return syntax.Matches(c[0], c[1], span=self._span(meta))

    @v_args(meta=True)
    def within(self, meta: Any, c: list[Any]) -> syntax.Within:
        return syntax.Within(c[0], c[1], str(c[2]), c[3], span=self._span(meta))

    @v_args(meta=True)
    def exists(self, meta: Any, c: list[Any]) -> syntax.Exists:
        return syntax.Exists(c[0], span=self._span(meta))

    @v_args(meta=True)
    def arith(self, meta: Any, c: list[Any]) -> syntax.Arith:
        return syntax.Arith(str(c[1]), c[0], c[2], span=self._span(meta))

    @v_args(meta=True)
    def attr(self, meta: Any, c: list[Any]) -> syntax.Attr:
        return syntax.Attr(c[0], str(c[1]), span=self._span(meta))

    @v_args(meta=True)
    def index(self, meta: Any, c: list[Any]) -> syntax.Index:
        return syntax.Index(c[0], int(c[1]), span=self._span(meta))

    @v_args(meta=True)
    def key(self, meta: Any, c: list[Any]) -> syntax.Attr:
        return syntax.Attr(c[0], self._string(c[1]), span=self._span(meta))

    @v_args(meta=True)
    def name(self, meta: Any, c: list[Token]) -> syntax.Name:
        return syntax.Name(str(c[0]), span=_token_span(self.path, c[0]))

    @v_args(meta=True)
    def call(self, meta: Any, c: list[Any]) -> syntax.Call:
        return syntax.Call(str(c[0]), tuple(c[1:]), span=self._span(meta))

    @v_args(meta=True)
    def count(self, meta: Any, c: list[Any]) -> syntax.Count:
        return syntax.Count(str(c[0]), c[1], c[2] if len(c) > 2 else None, span=self._span(meta))

    @v_args(meta=True)
    def first(self, meta: Any, c: list[Any]) -> syntax.First:
        return syntax.First(str(c[0]), c[1], c[2] if len(c) > 2 else None, span=self._span(meta))

    @v_args(meta=True)
    def string(self, meta: Any, c: list[Token]) -> syntax.Literal:
        return syntax.Literal(self._string(c[0]), span=_token_span(self.path, c[0]))

    @v_args(meta=True)
    def number(self, meta: Any, c: list[Token]) -> syntax.Literal:
        text = str(c[0])
        value: int | float = int(text) if text.lstrip("-").isdigit() else float(text)
        return syntax.Literal(value, span=_token_span(self.path, c[0]))

    @v_args(meta=True)
    def date(self, meta: Any, c: list[Token]) -> syntax.Literal:
        return syntax.Literal(self._date(c[0]), span=_token_span(self.path, c[0]))

    @v_args(meta=True)
    def datetime(self, meta: Any, c: list[Token]) -> syntax.Literal:
        try:
            value, _ = parse_datetime(str(c[0]))
        except ValueError:
            raise _LiteralError(
                _token_span(self.path, c[0]), f"`{c[0]}` is not a valid datetime"
            ) from None
        return syntax.Literal(value, span=_token_span(self.path, c[0]))

    @v_args(meta=True)
    def duration(self, meta: Any, c: list[Token]) -> syntax.Literal:
        text = str(c[0])
        amount: float = int(text) if text.lstrip("-").isdigit() else float(text)
        return syntax.Literal(Duration(amount, normalize_unit(str(c[1]))), span=self._span(meta))

    @v_args(meta=True)
    def true(self, meta: Any, c: list[Any]) -> syntax.Literal:
        return syntax.Literal(True, span=self._span(meta))

    @v_args(meta=True)
    def false(self, meta: Any, c: list[Any]) -> syntax.Literal:
        return syntax.Literal(False, span=self._span(meta))

    @v_args(meta=True)
    def set_literal(self, meta: Any, c: list[Any]) -> syntax.SetLiteral:
        return syntax.SetLiteral(tuple(c), span=self._span(meta))


def _unwrap(value: Any) -> Any:
    return value.value if isinstance(value, syntax.Json) else value


class _LiteralError(Exception):
    def __init__(self, span: Span, message: str) -> None:
        super().__init__(message)
        self.span = span
        self.message = message


_QUANTIFIERS = frozenset({"any", "all", "none"})

#: The outcomes an example may expect, as the grammar's OUTCOME terminal spells them.
OUTCOMES = ("violation", "pass", "undetermined", "not_applicable", "not_in_force")


def _bare_quantifier(source: SourceFile, error: Any) -> Diagnostic | None:
    """KR109 when a quantifier follows `and`, `or` or `not` without parentheses.

    The contextual lexer reads `any` there as a name, so the error falls on the variable after it.
    """
    token = error.token
    if token.type != "NAME":
        return None
    stack = error.state.value_stack if error.state is not None else []
    if not stack:
        return None
    last = stack[-1]
    if not (isinstance(last, Token) and last.type == "NAME" and str(last) in _QUANTIFIERS):
        return None
    return Diagnostic(
        "KR109",
        f"`{last}` inside `and`, `or` or `not` must be in parentheses",
        _token_span(source.path, last),
        help=f"write `({last} {token} in …: …)`; a quantifier's condition would otherwise run to "
        "the end of the clause",
    )


def parse(source: SourceFile) -> syntax.Module:
    """Parse one rule file; raises ``ParseFailure`` carrying a positioned diagnostic."""
    try:
        tree = _parser().parse(source.text)
        items = _Builder(source.path).transform(tree)
    except lark.exceptions.UnexpectedToken as error:
        token = error.token
        quantifier = _bare_quantifier(source, error)
        if quantifier is not None:
            raise ParseFailure(quantifier) from None
        if token.type == "$END":
            line = max(1, len(source.text.splitlines()))
            column = len(source.line_text(line)) + 1
            raise ParseFailure(
                Diagnostic(
                    "KR103",
                    "unexpected end of file",
                    Span.point(source.path, line, column),
                    help=f"expected {_describe_expected(set(error.expected))}",
                )
            ) from None
        expected = set(error.expected)
        help_text = f"expected {_describe_expected(expected)}"
        suggestion = None
        if expected == {"OUTCOME"}:
            help_text = "expected an outcome: " + ", ".join(OUTCOMES)
            suggestion = closest(str(token), OUTCOMES)
        raise ParseFailure(
            Diagnostic(
                "KR101",
                f"unexpected `{token}`",
                _token_span(source.path, token),
                help=help_text,
                suggestion=suggestion,
            )
        ) from None
    except lark.exceptions.UnexpectedCharacters as error:
        position = error.pos_in_stream or 0
        char = source.text[position] if position < len(source.text) else "?"
        hint = None
        if char == "'":
            hint = 'strings use double quotes: "…"'
        raise ParseFailure(
            Diagnostic(
                "KR102",
                f"unexpected character `{char}`",
                Span.point(source.path, error.line, error.column),
                help=hint,
            )
        ) from None
    except lark.exceptions.UnexpectedEOF as error:
        line = max(1, len(source.text.splitlines()))
        raise ParseFailure(
            Diagnostic(
                "KR103",
                "unexpected end of file",
                Span.point(source.path, line, len(source.line_text(line)) + 1),
                help=f"expected {_describe_expected(set(error.expected))}",
            )
        ) from None
    except lark.exceptions.VisitError as error:
        inner = error.orig_exc
        if isinstance(inner, _LiteralError):
            raise ParseFailure(Diagnostic("KR104", inner.message, inner.span)) from None
        raise
    return syntax.Module(source.path, tuple(items))


def versions(rule: syntax.Rule) -> tuple[syntax.Rule, ...]:
    """A rule with ``revision`` blocks as the versions they stand for; others unchanged.

    Each revision's clause kinds replace the same kinds of the version before; the version
    before ends where the revision starts.
    """
    revisions = [c for c in rule.clauses if isinstance(c, syntax.Revision)]
    if not revisions:
        return (rule,)
    current: list[syntax.Clause] = [c for c in rule.clauses if not isinstance(c, syntax.Revision)]
    out = []
    span = rule.span
    for revision in revisions:
        out.append(_ending(rule.rule_id, current, revision.start, span))
        span = revision.span or rule.span
        kinds = {type(c) for c in revision.clauses}
        kept = [c for c in current if type(c) not in kinds and not isinstance(c, syntax.Effective)]
        effective = syntax.Effective(revision.start, revision.end, span=revision.span)
        current = [*kept, effective, *revision.clauses]
    last = revisions[-1].span or rule.span
    out.append(syntax.Rule(rule.rule_id, tuple(current), span=last))
    return tuple(out)


def _ending(
    rule_id: str, clauses: list[syntax.Clause], end: dt.date, span: Span | None
) -> syntax.Rule:
    out = [attrs.evolve(c, end=end) if isinstance(c, syntax.Effective) else c for c in clauses]
    return syntax.Rule(rule_id, tuple(out), span=span)
