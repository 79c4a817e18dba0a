"""The canonical text of a rule file: ``kolrules fmt``.

``format_module(parse(text))`` prints every declaration in a fixed layout: two-space indents,
one clause per line, keywords and operators spaced alike, and only the parentheses the grammar
needs. Comments are not kept (the AST has none), so ``fmt`` refuses files with comments unless
asked to drop them. Parsing the output gives the same AST, and formatting it again changes
nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from kolrules.lang import ast
from kolrules.lang.parser import parse
from kolrules.source import SourceFile
from kolrules.timeutil import Duration

# Binding strength, loosest first; a child looser than its context gets parentheses.
_QUANTIFIER, _OR, _AND, _NOT, _COMPARE, _SUM, _POSTFIX = range(7)


def _string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _number(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return f"{value:.1f}"
    return repr(value)


def _literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, (int, float)):
        return _number(value)
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Duration):
        return f"{_number(value.amount)} {value.unit}"
    raise AssertionError(f"unexpected literal {value!r}")  # pragma: no cover


def _binding(expr: ast.Expr) -> int:
    match expr:
        case ast.Quantified():
            return _QUANTIFIER
        case ast.Or():
            return _OR
        case ast.And():
            return _AND
        case ast.Not():
            return _NOT
        case (
            ast.Compare()
            | ast.Member()
            | ast.Contains()
            | ast.Matches()
            | ast.Within()
            | ast.Exists()
        ):
            return _COMPARE
        case ast.Arith():
            return _SUM
        case _:
            return _POSTFIX


def expr(node: ast.Expr, context: int = _QUANTIFIER) -> str:
    """An expression's canonical text; parenthesized when looser than ``context``."""
    text = _expr(node)
    return f"({text})" if _binding(node) < context else text


def _open_ended(node: ast.Expr) -> bool:
    """Whether the text ends with a quantifier whose body would swallow what follows."""
    match node:
        case ast.Quantified():
            return True
        case ast.And(operands) | ast.Or(operands):
            return _open_ended(operands[-1])
        case ast.Not(operand):
            return _open_ended(operand)
    return False


def closed(node: ast.Expr, context: int) -> str:
    """Like ``expr``, and parenthesized too when more text follows an open quantifier."""
    return f"({_expr(node)})" if _open_ended(node) else expr(node, context)


def _seq(parts: tuple[ast.Expr, ...], joiner: str, level: int) -> str:
    # A trailing quantifier may end an and/or chain; elsewhere it needs parentheses.
    out = [closed(p, level + 1) for p in parts[:-1]]
    last = parts[-1]
    out.append(_expr(last) if isinstance(last, ast.Quantified) else expr(last, level + 1))
    return f" {joiner} ".join(out)


def _expr(node: ast.Expr) -> str:
    match node:
        case ast.Name(name):
            return name
        case ast.Attr(obj, name):
            base = expr(obj, _POSTFIX)
            return (
                f"{base}.{name}"
                if name.isidentifier() and name.islower()
                else f"{base}[{_string(name)}]"
            )
        case ast.Index(obj, index):
            return f"{expr(obj, _POSTFIX)}[{index}]"
        case ast.Call(func, args):
            return f"{func}({', '.join(expr(a) for a in args)})"
        case ast.Literal(value):
            return _literal(value)
        case ast.SetLiteral(items):
            return "{" + ", ".join(expr(i) for i in items) + "}"
        case ast.Compare(op, left, right):
            return f"{expr(left, _SUM)} {op} {expr(right, _SUM)}"
        case ast.Member(item, collection, negated):
            word = "not in" if negated else "in"
            return f"{expr(item, _SUM)} {word} {expr(collection, _SUM)}"
        case ast.Contains(collection, item):
            return f"{expr(collection, _SUM)} contains {expr(item, _SUM)}"
        case ast.Matches(subject, vocabulary):
            return f"{expr(subject, _SUM)} matches {expr(vocabulary, _SUM)}"
        case ast.Within(subject, duration, direction, anchor):
            return (
                f"{expr(subject, _SUM)} within {expr(duration, _SUM)} {direction} "
                f"{expr(anchor, _SUM)}"
            )
        case ast.Exists(operand):
            return f"exists {expr(operand, _SUM)}"
        case ast.Arith(op, left, right):
            return f"{expr(left, _SUM)} {op} {expr(right, _POSTFIX)}"
        case ast.Not(operand):
            inner = _expr(operand) if isinstance(operand, ast.Quantified) else expr(operand, _NOT)
            return f"not {inner}"
        case ast.And(operands):
            return _seq(operands, "and", _AND)
        case ast.Or(operands):
            return _seq(operands, "or", _OR)
        case ast.Quantified(quantifier, var, collection, where, body):
            filt = f" where {closed(where, _OR)}" if where is not None else ""
            return f"{quantifier} {var} in {expr(collection, _POSTFIX)}{filt}: {_expr(body)}"
        case ast.Count(var, collection, where) | ast.First(var, collection, where):
            word = "count" if isinstance(node, ast.Count) else "first"
            filt = f" where {expr(where)}" if where is not None else ""
            return f"{word}({var} in {expr(collection, _POSTFIX)}{filt})"
    raise AssertionError(f"unexpected node {node!r}")  # pragma: no cover


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _clause(clause: ast.Clause) -> str:
    match clause:
        case ast.Title(text):
            return f"title {_string(text)}"
        case ast.Cite(text, article, url):
            parts = [f"cite {_string(text)}"]
            if article is not None:
                parts.append(f"article {_string(article)}")
            if url is not None:
                parts.append(f"url {_string(url)}")
            return _wrap(parts, "    ")
        case ast.SeverityClause(level):
            return f"severity {level}"
        case ast.Effective(start, end):
            return f"effective from {start.isoformat()}" + (
                f" until {end.isoformat()}" if end is not None else ""
            )
        case ast.Confidence(text):
            return f"confidence {_string(text)}"
        case ast.Applies(when, unless):
            out = f"applies when {_expr(when)}"
            if unless is not None:
                out = f"applies when {closed(when, _OR)} unless {_expr(unless)}"
            return out
        case ast.Requires(value):
            return f"requires {_expr(value)}"
        case ast.Message(text):
            return f"message {_string(text)}"
        case ast.Remedy(text):
            return f"remedy {_string(text)}"
        case ast.Note(text):
            return f"note {_string(text)}"
        case ast.Overrides(rule_ids):
            return "overrides " + ", ".join(rule_ids)
        case ast.Let(name, value):
            return f"let {name} = {_expr(value)}"
    raise AssertionError(f"unexpected clause {clause!r}")  # pragma: no cover


WIDTH = 100


def _wrap(parts: list[str], indent: str, separator: str = " ") -> str:
    """Parts joined on one line, or continued on indented lines when it grows past WIDTH."""
    lines = [parts[0]]
    for part in parts[1:]:
        if len(lines[-1]) + len(separator) + len(part) > WIDTH - 2:
            lines[-1] += separator.rstrip()
            lines.append(indent + part)
        else:
            lines[-1] += separator + part
    return "\n  ".join(lines) if len(lines) > 1 else lines[0]


def _label_class(label_class: ast.LabelClass) -> str:
    labels = [_string(label) for label in label_class.labels]
    return _wrap([f"{label_class.name}: {labels[0]}", *labels[1:]], "    ", ", ")


def _declaration(item: ast.Declaration) -> str:
    parts = _parts(item)
    if parts is not None:
        header, inner, footer = parts
        return "\n".join([header, *(text for _, text in inner), footer])
    match item:
        case ast.Import(path):
            return f"import {_string(path)}"
        case ast.Const(name, value):
            return f"const {name} = {_expr(value)}"
        case ast.Define(name, params, body):
            head = f"{name}({', '.join(params)})" if params else name
            return f"define {head} = {_expr(body)}"
        case ast.Base(name, record):
            return f"base {name} {_json(record.value)}"
        case ast.Presume(path, value, when, because, cites):
            lines = [f"presume {'.'.join(path)} = {_json(value)} {{"]
            if when is not None:
                lines.append(f"  when {_expr(when)}")
            if because is not None:
                lines.append("  " + _wrap(["because", _string(because)], "    "))
            lines.extend(f"  {_clause(c)}" for c in cites)
            return "\n".join([*lines, "}"])
        case ast.Example(title, base, record, patch, as_of, expects):
            lines = [f"example {_string(title)} {{"]
            if base is not None:
                lines.append(f"  from {base}")
            if record is not None:
                lines.append(f"  record {_json(record.value)}")
            if patch is not None:
                lines.append(f"  patch {_json(patch.value)}")
            if as_of is not None:
                lines.append(f"  as of {as_of.isoformat()}")
            for expect in expects:
                line = f"  expect {expect.rule_id} {expect.outcome}"
                if expect.missing is not None:
                    line += " missing " + ", ".join(_string(m) for m in expect.missing)
                lines.append(line)
            return "\n".join([*lines, "}"])
    raise AssertionError(f"unexpected declaration {item!r}")  # pragma: no cover


def format_module(module: ast.Module) -> str:
    """The canonical text of a parsed rule file (declarations separated by blank lines)."""
    return "\n\n".join(_declaration(item) for item in module.items) + "\n"


_STRING = re.compile(r'"([^"\\\n]|\\.)*"')


def comments(text: str) -> list[tuple[int, str]]:
    """``(line, comment)`` for every comment in the text (strings cannot span lines)."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        code = _STRING.sub(lambda m: " " * len(m.group(0)), line)
        at = code.find("#")
        if at >= 0:
            found.append((number, line[at:].rstrip()))
    return found


def _jurisdiction_lines(item: ast.Jurisdiction) -> list[tuple[int, str]]:
    # Canonical order; the recorded lines only say where comments belong.
    starts = dict(item.lines)
    out = []
    for key, value in (
        ("name", item.name),
        ("authority", item.authority),
        ("timezone", item.timezone),
    ):
        if value is not None:
            out.append((starts.get(key, 0), f"  {key} {_string(value)}"))
    if item.scope is not None:
        out.append((starts.get("scope", 0), f"  scope {_expr(item.scope)}"))
    return out


def _parts(item: ast.Declaration) -> tuple[str, list[tuple[int, str]], str] | None:
    """Header, (line, text) of each inner element, footer: for blocks whose insides can carry
    comments; None for declarations printed whole."""
    match item:
        case ast.Rule(rule_id, clauses):
            return (
                f"rule {rule_id} {{",
                [(c.span.line if c.span else 0, f"  {_clause(c)}") for c in clauses],
                "}",
            )
        case ast.Labels(name, classes):
            return (
                f"labels {name} {{",
                [(c.span.line if c.span else 0, f"  {_label_class(c)}") for c in classes],
                "}",
            )
        case ast.Jurisdiction(code):
            return f"jurisdiction {code} {{", _jurisdiction_lines(item), "}"
    return None


def format_source(source: SourceFile) -> str:
    """The canonical text of a rule file, keeping its comments.

    Each comment goes on its own line just before the first declaration, rule clause, label
    class or jurisdiction clause that starts on or after its line; comments after the last of
    them end the file.
    """
    module = parse(source)
    pending = comments(source.text)

    def take(line: int, indent: str) -> list[str]:
        taken = [f"{indent}{text}" for at, text in pending if at <= line]
        pending[:] = [(at, text) for at, text in pending if at > line]
        return taken

    out: list[str] = []
    for item in module.items:
        lines = take(item.span.line if item.span is not None else 0, "")
        parts = _parts(item)
        if parts is None:
            lines.append(_declaration(item))
        else:
            header, inner, footer = parts
            lines.append(header)
            for line, text in inner:
                lines.extend(take(line, "  "))
                lines.append(text)
            lines.append(footer)
        out.append("\n".join(lines))
    tail = "\n".join(text for _, text in pending)
    return "\n\n".join([*out, tail] if tail else out) + "\n"
