"""What the language server knows about a rule pack, without any protocol.

A document is analysed with the other ``.kol`` files of its folder (the pack, read from disk,
with the editor's unsaved texts in their place), through the same loader and checker as
``kolrules lint``, so the editor shows exactly lint's diagnostics. Hover, completion and
go-to-definition read the checker's symbol tables and the record format (``kolrules.schema``).
Positions here are 1-based lines and columns, as in ``Span``; the server converts them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import attrs

from kolrules.builtins import BUILTINS
from kolrules.diagnostics import Diagnostic
from kolrules.lang import syntax
from kolrules.lang.checker import Checked, check
from kolrules.lang.formatter import format_source
from kolrules.lang.loader import load
from kolrules.lang.parser import ParseFailure
from kolrules.lang.printer import layout, string
from kolrules.lang.symbols import Symbols
from kolrules.resources import RULE_SUFFIX
from kolrules.schema import walk
from kolrules.source import SourceFile, Span
from kolrules.types import Field

#: Every field path of the record format (list elements as ``[]``) and its field.
FIELDS: dict[str, Field] = dict(walk())

_PATH_CHARS = r"[A-Za-z0-9_.\[\]\"]"
_ID_CHARS = r"[A-Za-z0-9_.\-]"
_BINDING = re.compile(
    r"\b(?:(?:any|all|none)\s+|(?:count|first)\(\s*)([a-z_]\w*)\s+in\s+([A-Za-z_][\w.\[\]\"]*)"
)
_LET_FIRST = re.compile(r"\blet\s+([a-z_]\w*)\s*=\s*first\(\s*\w+\s+in\s+([A-Za-z_][\w.\[\]\"]*)")
_KEYWORDS = frozenset(
    {"and", "or", "not", "in", "any", "all", "none", "where", "count", "first", "exists"}
    | {"within", "before", "after", "matches", "contains", "true", "false"}
)


@attrs.frozen
class Analysis:
    """One pack checked: its diagnostics by file, and its symbols and syntax."""

    checked: Checked
    files: tuple[str, ...]  # the pack's files, as the keys of everything below

    def diagnostics(self) -> dict[str, list[Diagnostic]]:
        """Lint's diagnostics per file of the pack (every file present, maybe with none);
        a diagnostic without a place goes to the first file."""
        found: dict[str, list[Diagnostic]] = {path: [] for path in self.files}
        for diagnostic in self.checked.diagnostics:
            path = diagnostic.span.path if diagnostic.span else self.files[0]
            found.setdefault(path, []).append(diagnostic)
        return found

    def symbols(self, path: str) -> Symbols | None:
        """What ``path`` sees (None when it does not parse)."""
        return self.checked.symbols.get(path)

    def rules(self) -> Iterator[syntax.Rule]:
        """Every rule version of the pack."""
        for module in self.checked.loaded.modules.values():
            for item in module.items:
                if isinstance(item, syntax.Rule):
                    yield item


def pack_files(document: Path) -> list[Path]:
    """The ``.kol`` files of the document's folder and below (the pack it belongs to)."""
    return sorted(document.parent.rglob(f"*{RULE_SUFFIX}"))


def analyse(document: str, texts: Mapping[str, str]) -> Analysis:
    """Check the pack of ``document`` (an absolute path); ``texts`` holds the editor's texts by
    path, which stand in for the files on disk."""
    sources: dict[str, str] = {}
    path = Path(document)
    if path.is_absolute() and path.parent.is_dir():
        for file in pack_files(path):
            key = file.as_posix()
            try:
                sources[key] = texts.get(key) or file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue  # the loader is not asked for it; lint would report it once saved
    for key, text in texts.items():
        if key == document or Path(key).parent == path.parent:
            sources[key] = text
    sources.setdefault(document, texts.get(document, ""))
    loaded = load(list(sources), texts=sources)
    return Analysis(check(loaded), tuple(sources))


def formatted(path: str, text: str) -> str | None:
    """The canonical text (``kolrules fmt``), or None when the text does not parse."""
    try:
        return format_source(SourceFile(path, text))
    except ParseFailure:
        return None


# ---- words under the cursor -------------------------------------------------------------------


def _run(line: str, column: int, chars: str) -> tuple[int, str]:
    """The run of ``chars`` around 1-based ``column``: (its 1-based start, its text)."""
    index = min(max(column - 1, 0), len(line))
    pattern = re.compile(chars)
    start = index
    while start > 0 and pattern.fullmatch(line[start - 1]):
        start -= 1
    end = index
    while end < len(line) and pattern.fullmatch(line[end]):
        end += 1
    return start + 1, line[start:end]


def _line(text: str, line: int) -> str:
    return SourceFile("", text).line_text(line)


def _normal(path: str) -> str:
    """``disclosures[0].text`` → ``disclosures[].text`` (the schema's spelling)."""
    return re.sub(r"\[[^\]]*\]", "[]", path)


def _bound(text: str, offset: int) -> dict[str, str]:
    """Quantifier and ``first`` variables bound before ``offset``, to the list they range
    over (the nearest binding of each name wins)."""
    bound: dict[str, str] = {}
    before = text[:offset]
    for match in _BINDING.finditer(before):
        bound[match.group(1)] = match.group(2)
    for match in _LET_FIRST.finditer(before):
        bound[match.group(1)] = match.group(2)
    return bound


def _resolve(path: str, bound: dict[str, str], depth: int = 0) -> str:
    """A path written in a rule, as a record field path (variables replaced by ``list[]``)."""
    head, dot, rest = path.partition(".")
    head_name = head.split("[")[0]
    if head_name in bound and depth < 8:
        base = _normal(_resolve(bound[head_name], bound, depth + 1)) + "[]"
        return base + dot + rest if rest else base
    return _normal(path)


def _offset(text: str, line: int, column: int) -> int:
    lines = text.splitlines(keepends=True)
    return sum(len(x) for x in lines[: line - 1]) + column - 1


def _field_hover(path: str) -> str | None:
    field = FIELDS.get(path.removesuffix("[]"))
    if field is None:
        return None
    kind = "derived, " if field.derived else ""
    return f"`{path.removesuffix('[]')}`: {kind}{field.type.describe()}\n\n{field.doc}"


def _rule_hover(analysis: Analysis, rule_id: str) -> str | None:
    versions = [r for r in analysis.rules() if r.rule_id == rule_id]
    if not versions:
        return None
    lines = [f"rule `{rule_id}`"]
    for version in versions:
        title = next((c.text for c in version.clauses if isinstance(c, syntax.Title)), "")
        effective = next((c for c in version.clauses if isinstance(c, syntax.Effective)), None)
        if effective is not None:
            until = f" until {effective.end}" if effective.end else ""
            lines.append(f"- in force from {effective.start}{until}: {title}")
        elif title:
            lines.append(f"- {title}")
    return "\n".join(lines)


def _define_text(define: syntax.Define) -> str:
    params = f"({', '.join(define.params)})" if define.params else ""
    head = f"define {define.name}{params} = "
    return head + layout(define.body, len(head), 2)


def _symbol_hover(symbols: Symbols, name: str, member: str | None) -> str | None:
    if name in symbols.defines:
        return f"```kol\n{_define_text(symbols.defines[name])}\n```"
    if name in symbols.consts:
        const = symbols.consts[name]
        head = f"const {name} = "
        return f"```kol\n{head}{layout(const.value, len(head), 2)}\n```"
    if name in symbols.labels:
        vocabulary = symbols.labels[name]
        classes = [c for c in vocabulary.classes if member in (None, c.name)]
        body = "\n".join(
            f"  {c.name}: {', '.join(string(label) for label in c.labels)}" for c in classes
        )
        return f"```kol\nlabels {name} {{\n{body}\n}}\n```"
    if name in symbols.sources:
        source = symbols.sources[name]
        lines = [f"source `{name}`: {source.cited_as}"]
        if source.url:
            lines.append(f"<{source.url}>")
        if source.start:
            until = f" until {source.end}" if source.end else ""
            lines.append(f"in force from {source.start}{until}")
        return "\n\n".join(lines)
    return None


def _builtin_hover(name: str) -> str | None:
    signature = BUILTINS.get(name)
    if signature is None:
        return None
    return f"`{name}({', '.join(signature.params)})`: {signature.doc}"


def hover(analysis: Analysis, path: str, text: str, line: int, column: int) -> str | None:
    """Markdown for what is under the cursor: a field path, a rule id, a built-in, or a name
    the file declares or imports."""
    line_text = _line(text, line)
    _, word = _run(line_text, column, _ID_CHARS)
    if "-" in word and (found := _rule_hover(analysis, word.strip("."))):
        return found
    start, written = _run(line_text, column, _PATH_CHARS)
    written = written.strip('."')
    # Up to the end of the segment under the cursor: `kol` in `kol.followers` is the object.
    cut = written.find(".", column - start)
    segment = written if cut < 0 else written[:cut]
    if not segment:
        return None
    head, _, member = segment.partition(".")
    symbols = analysis.symbols(path)
    if symbols is not None and (found := _symbol_hover(symbols, head, member or None)):
        return found
    if not member and (found := _builtin_hover(head)):
        return found
    bound = _bound(text, _offset(text, line, start))
    return _field_hover(_resolve(segment, bound))


# ---- completion -------------------------------------------------------------------------------


@attrs.frozen
class Completion:
    """One completion item: the text, what it is, and a line of detail."""

    label: str
    kind: str  # field, builtin, define, const, labels, label_class, source
    detail: str


def _children(prefix: str) -> list[Completion]:
    """The fields directly below a record path (``""`` for the top level)."""
    out = []
    for path, field in FIELDS.items():
        rest = path[len(prefix) :] if path.startswith(prefix) else None
        if rest and "." not in rest and "[" not in rest:
            out.append(Completion(rest, "field", f"{field.type.describe()}: {field.doc}"))
    return out


def completions(
    analysis: Analysis, path: str, text: str, line: int, column: int
) -> list[Completion]:
    """What may be written at the cursor: after ``x.``, the fields of ``x`` (or the classes of
    a label vocabulary); after ``cite``, the sources; otherwise top-level fields, built-ins and
    the names the file sees."""
    line_text = _line(text, line)
    before = line_text[: column - 1]
    symbols = analysis.symbols(path)
    if re.search(r"\bcite\s+\w*$", before):
        return [
            Completion(name, "source", source.cited_as)
            for name, source in sorted((symbols.sources if symbols else {}).items())
        ]
    typed = re.search(r"[A-Za-z_][\w.\[\]\"]*$", before)
    written = typed.group(0) if typed else ""
    if "." in written:
        owner = written.rsplit(".", 1)[0]
        if symbols is not None and owner in symbols.labels:
            return [
                Completion(c.name, "label_class", ", ".join(c.labels[:6]))
                for c in symbols.labels[owner].classes
            ]
        offset = _offset(text, line, column - len(written))
        return _children(_resolve(owner, _bound(text, offset)) + ".")
    items = _children("")
    items += [Completion(name, "builtin", sig.doc) for name, sig in sorted(BUILTINS.items())]
    if symbols is not None:
        items += [
            Completion(name, "define", _define_text(d).splitlines()[0])
            for name, d in sorted(symbols.defines.items())
        ]
        items += [Completion(name, "const", "const") for name in sorted(symbols.consts)]
        items += [
            Completion(name, "labels", "label classes: " + ", ".join(c.name for c in v.classes))
            for name, v in sorted(symbols.labels.items())
        ]
    return items


# ---- go to definition -------------------------------------------------------------------------


def definition(analysis: Analysis, path: str, text: str, line: int, column: int) -> Span | None:
    """Where the name under the cursor is declared: a define, const, label vocabulary or
    class, source, base record, or rule."""
    line_text = _line(text, line)
    _, word = _run(line_text, column, _ID_CHARS)
    word = word.strip(".")
    if "-" in word:
        rule = next((r for r in analysis.rules() if r.rule_id == word), None)
        if rule is not None:
            return rule.span
    start, written = _run(line_text, column, r"[A-Za-z0-9_.]")
    cut = written.find(".", column - start)
    segment = written if cut < 0 else written[:cut]
    head, _, member = segment.partition(".")
    symbols = analysis.symbols(path)
    if symbols is None or head in _KEYWORDS:
        return None
    if head in symbols.labels:
        vocabulary = symbols.labels[head]
        chosen = next((c for c in vocabulary.classes if c.name == member), None)
        return chosen.span if chosen is not None and chosen.span else vocabulary.span
    table: dict[str, syntax.Define | syntax.Const | syntax.Source | syntax.Base] = {
        **symbols.bases,
        **symbols.sources,
        **symbols.consts,
        **symbols.defines,
    }
    found = table.get(head)
    return found.span if found is not None else None

