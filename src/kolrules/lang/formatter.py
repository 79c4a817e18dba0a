"""The canonical text of a rule file: ``kolrules fmt``.

Declarations and clauses in a fixed layout (two-space indents, one clause per line), fitted to
100 columns by ``printer``: long conditions break one ``and``/``or`` operand per line, long
JSON records one member per line, long citations and label lists continue on indented lines.
The author's parentheses, comments and single blank lines are kept. Parsing the output gives
the same AST, and formatting it again changes nothing.
"""

from __future__ import annotations

from kolrules.lang import syntax
from kolrules.lang.parser import parse
from kolrules.lang.printer import WIDTH, json_layout, layout, string
from kolrules.source import SourceFile

__all__ = ["WIDTH", "comments", "format_module", "format_source"]

_PAD = "  "


def _words(parts: list[str], indent: int) -> str:
    """Parts joined by spaces at ``indent``, continued two further in when a line grows past
    the width."""
    lines = [" " * indent + parts[0]]
    for part in parts[1:]:
        if len(lines[-1]) + 1 + len(part) > WIDTH:
            lines.append(" " * (indent + 2) + part)
        else:
            lines[-1] += " " + part
    return "\n".join(lines)


def _list(head: str, items: list[str], indent: int) -> str:
    """``head item, item, …`` at ``indent``, continued two further in."""
    lines = [" " * indent + head + (items[0] if items else "")]
    for item in items[1:]:
        if len(lines[-1]) + 3 + len(item) > WIDTH:
            lines[-1] += ","
            lines.append(" " * (indent + 2) + item)
        else:
            lines[-1] += ", " + item
    return "\n".join(lines)


def _keyed(head: str, node: syntax.Expr, indent: int) -> str:
    """``head EXPR`` at ``indent``, the expression continuing two further in."""
    return " " * indent + head + layout(node, indent + len(head), indent + 2)


def _cite(cite: syntax.Cite, indent: int) -> str:
    if cite.source is not None:
        parts = [f"cite {cite.source}"]
        if cite.article is not None:
            parts[0] += f" art {string(cite.article)}"
    else:
        parts = [f"cite {string(cite.text)}"]
        if cite.article is not None:
            parts.append(f"article {string(cite.article)}")
    if cite.url is not None:
        parts.append(f"url {string(cite.url)}")
    return _words(parts, indent)


def _applies(clause: syntax.Applies, indent: int) -> str:
    head = "applies when "
    when = layout(clause.when, indent + len(head), indent + 2)
    text = " " * indent + head + when
    if clause.unless is None:
        return text
    one_line = f"{text} unless "
    if "\n" not in when:
        rest = layout(clause.unless, len(one_line), indent + 2)
        if "\n" not in rest and len(one_line) + len(rest) <= WIDTH:
            return one_line + rest
    return text + "\n" + _keyed("unless ", clause.unless, indent + 2)


def _clause(clause: syntax.Clause, indent: int) -> str:
    """One rule clause, every line indented (at least) ``indent``."""
    pad = " " * indent
    match clause:
        case syntax.Title(text):
            return f"{pad}title {string(text)}"
        case syntax.Obligation(tags):
            return _list("obligation ", list(tags), indent)
        case syntax.Cite():
            return _cite(clause, indent)
        case syntax.SeverityClause(level):
            return f"{pad}severity {level}"
        case syntax.Effective(start, end):
            until = f" until {end.isoformat()}" if end is not None else ""
            return f"{pad}effective from {start.isoformat()}{until}"
        case syntax.Confidence(text):
            return f"{pad}confidence {string(text)}"
        case syntax.Applies():
            return _applies(clause, indent)
        case syntax.Requires(value):
            return _keyed("requires ", value, indent)
        case syntax.Message(text):
            return f"{pad}message {string(text)}"
        case syntax.Remedy(text):
            return f"{pad}remedy {string(text)}"
        case syntax.Note(text):
            return f"{pad}note {string(text)}"
        case syntax.Overrides(rule_ids):
            return _list("overrides ", list(rule_ids), indent)
        case syntax.Let(name, value):
            return _keyed(f"let {name} = ", value, indent)
        case syntax.Revision(start, end, clauses):
            until = f" until {end.isoformat()}" if end is not None else ""
            inner = [_clause(c, indent + 2) for c in clauses]
            return "\n".join(
                [f"{pad}revision from {start.isoformat()}{until} {{", *inner, pad + "}"]
            )
    raise AssertionError(f"unexpected clause {clause!r}")  # pragma: no cover


def _line(node: object) -> int:
    span = getattr(node, "span", None)
    return span.line if span is not None else 0


def _jurisdiction(item: syntax.Jurisdiction) -> list[tuple[int, str]]:
    # Canonical order; the recorded lines only say where comments belong.
    starts = dict(item.lines)
    out = []
    for key, value in (
        ("name", item.name),
        ("authority", item.authority),
        ("timezone", item.timezone),
    ):
        if value is not None:
            out.append((starts.get(key, 0), f"{_PAD}{key} {string(value)}"))
    if item.scope is not None:
        out.append((starts.get("scope", 0), _keyed("scope ", item.scope, 2)))
    return out


def _presume(item: syntax.Presume) -> tuple[str, list[tuple[int, str]]]:
    head = f"presume {item.dotted} = "
    header = head + json_layout(item.value, len(head), 0, tail=2) + " {"
    starts = [line for _, line in item.lines]
    inner: list[tuple[int, str]] = []
    if item.when is not None:
        inner.append((dict(item.lines).get("when", 0), _keyed("when ", item.when, 2)))
    if item.because is not None:
        inner.append(
            (
                dict(item.lines).get("because", 0),
                f"{_PAD}because {string(item.because)}",
            )
        )
    inner.extend((_line(c), _cite(c, 2)) for c in item.cites)
    # Cites keep their place among the other clauses only by line; sort so comments follow.
    if starts:
        inner.sort(key=lambda pair: pair[0])
    return header, inner


def _example(item: syntax.Example) -> list[tuple[int, str]]:
    starts = dict(item.lines)
    inner: list[tuple[int, str]] = []
    if item.base is not None:
        inner.append((starts.get("from", 0), f"{_PAD}from {item.base}"))
    for key, json in (("record", item.record), ("patch", item.patch)):
        if json is not None:
            head = f"{_PAD}{key} "
            inner.append((starts.get(key, 0), head + json_layout(json.value, len(head), 2)))
    if item.as_of is not None:
        inner.append((starts.get("as_of", 0), f"{_PAD}as of {item.as_of.isoformat()}"))
    for expect in item.expects:
        text = f"expect {expect.rule_id} {expect.outcome}"
        if expect.missing is not None:
            text = _list(f"{text} missing ", [string(m) for m in expect.missing], 2).lstrip()
        inner.append((_line(expect), f"{_PAD}{text}"))
    return inner


def _parts(item: syntax.Declaration) -> tuple[str, list[tuple[int, str]], str] | None:
    """Header, (source line, text) of each inner element, footer: for blocks whose insides can
    carry comments; None for declarations printed on their own lines."""
    match item:
        case syntax.Rule(rule_id, clauses):
            return f"rule {rule_id} {{", [(_line(c), _clause(c, 2)) for c in clauses], "}"
        case syntax.Labels(name, classes):
            inner = [
                (_line(c), _list(f"{c.name}: ", [string(x) for x in c.labels], 2)) for c in classes
            ]
            return f"labels {name} {{", inner, "}"
        case syntax.Jurisdiction(code):
            return f"jurisdiction {code} {{", _jurisdiction(item), "}"
        case syntax.Presume():
            header, inner = _presume(item)
            return header, inner, "}"
        case syntax.Example(title):
            return f"example {string(title)} {{", _example(item), "}"
        case syntax.Source(name):
            return f"source {name} {{", _source(item), "}"
    return None


def _source(item: syntax.Source) -> list[tuple[int, str]]:
    starts = dict(item.lines)
    inner: list[tuple[int, str]] = []
    for key, value in (
        ("title", item.title),
        ("english", item.english),
        ("short", item.short),
        ("url", item.url),
    ):
        if value is not None:
            inner.append((starts.get(key, 0), f"{_PAD}{key} {string(value)}"))
    if item.date is not None:
        inner.append((starts.get("date", 0), f"{_PAD}date {item.date.isoformat()}"))
    if item.start is not None:
        until = f" until {item.end.isoformat()}" if item.end is not None else ""
        text = f"{_PAD}in force from {item.start.isoformat()}{until}"
        inner.append((starts.get("in_force", 0), text))
    if item.note is not None:
        inner.append((starts.get("note", 0), f"{_PAD}note {string(item.note)}"))
    return inner


def _single(item: syntax.Declaration) -> str:
    match item:
        case syntax.Import(path):
            return f"import {string(path)}"
        case syntax.Const(name, value):
            return _keyed(f"const {name} = ", value, 0)
        case syntax.Define(name, params, body):
            head = f"{name}({', '.join(params)})" if params else name
            return _keyed(f"define {head} = ", body, 0)
        case syntax.Base(name, record):
            head = f"base {name} "
            return head + json_layout(record.value, len(head), 0)
    raise AssertionError(f"unexpected declaration {item!r}")  # pragma: no cover


def _declaration(item: syntax.Declaration) -> str:
    parts = _parts(item)
    if parts is None:
        return _single(item)
    header, inner, footer = parts
    return "\n".join([header, *(text for _, text in inner), footer])


def format_module(module: syntax.Module) -> str:
    """The canonical text of a parsed rule file (declarations separated by blank lines)."""
    return "\n\n".join(_declaration(item) for item in module.items) + "\n"


def comments(text: str) -> list[tuple[int, str]]:
    """``(line, comment)`` for every comment in the text (strings cannot span lines)."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        at = _comment_start(line)
        if at >= 0:
            found.append((number, line[at:].rstrip()))
    return found


def _comment_start(line: str) -> int:
    quoted = False
    escaped = False
    for index, char in enumerate(line):
        if quoted:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "#":
            return index
    return -1


def format_source(source: SourceFile) -> str:
    """The canonical text of a rule file, keeping its comments and single blank lines.

    Each comment goes on its own line just before the first declaration or inner element (rule
    clause, label class, example or presumption clause, jurisdiction clause) that starts on or
    after its line; comments after the last of them end their block or the file. A blank line
    before a declaration, element or comment in the source is kept (several become one).
    """
    module = parse(source)
    lines = source.text.splitlines()
    pending = comments(source.text)

    def blank_before(line: int) -> bool:
        return 1 < line <= len(lines) + 1 and not lines[line - 2].strip()

    out: list[str] = []
    # A declaration printed on several lines is always set apart by blank lines.
    force: list[bool] = [False]

    def emit(line: int, text: str, first: bool) -> None:
        blank = force[0] or (not first and line > 0 and blank_before(line))
        force[0] = False
        if blank and out and out[-1] != "":
            out.append("")
        out.append(text)

    def take(line: int, indent: str, first: bool) -> bool:
        """Emit the comments before ``line``; whether nothing was emitted."""
        while pending and pending[0][0] <= line:
            at, text = pending.pop(0)
            emit(at, indent + text, first)
            first = False
        return first

    previous_multi = False
    for index, item in enumerate(module.items):
        start = _line(item)
        parts = _parts(item)
        multi = parts is not None or "\n" in _single(item)
        force[0] = index > 0 and (multi or previous_multi)
        previous_multi = multi
        first = take(start, "", index == 0 and not out)
        if parts is None:
            emit(start, _single(item), first)
            continue
        header, inner, footer = parts
        if all(line > 0 for line, _ in inner):
            inner = sorted(inner, key=lambda pair: pair[0])  # the author's order of clauses
        emit(start, header, first)
        for line, text in inner:
            inner_first = take(line, _PAD, True) if line else True
            emit(line, text, inner_first and out[-1] == header)
        end = _next_start(module.items, index)
        # Comments inside the block after its last element stay inside it.
        while pending and pending[0][0] < end and _inside(lines, pending[0][0]):
            at, text = pending.pop(0)
            emit(at, _PAD + text, False)
        out.append(footer)
    take(len(lines) + 1, "", not out)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def _next_start(items: tuple[syntax.Declaration, ...], index: int) -> int:
    return _line(items[index + 1]) if index + 1 < len(items) else 1 << 30


def _inside(lines: list[str], line: int) -> bool:
    """Whether a comment line is indented (so inside a block, before its closing brace)."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return text[:1].isspace()
