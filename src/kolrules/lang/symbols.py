"""Symbol tables: what names each rule file sees (its own declarations and its imports')."""

from __future__ import annotations

import attrs

from kolrules.diagnostics import Diagnostic
from kolrules.lang import ast
from kolrules.lang.loader import Loaded, closure
from kolrules.schema import RECORD


@attrs.frozen
class Symbols:
    """Declarations visible in one file, by name."""

    consts: dict[str, ast.Const]
    defines: dict[str, ast.Define]
    labels: dict[str, ast.Labels]
    bases: dict[str, ast.Base]
    jurisdiction: ast.Jurisdiction | None
    sources: dict[str, ast.Source] = attrs.field(factory=dict)

    def names(self) -> set[str]:
        """Every declared value name (for "did you mean")."""
        return set(self.consts) | set(self.defines)


def build(loaded: Loaded, path: str) -> tuple[Symbols, list[Diagnostic]]:
    """The symbols visible in ``path``; duplicates are reported where they are declared."""
    consts: dict[str, ast.Const] = {}
    defines: dict[str, ast.Define] = {}
    labels: dict[str, ast.Labels] = {}
    bases: dict[str, ast.Base] = {}
    sources: dict[str, ast.Source] = {}
    jurisdiction: ast.Jurisdiction | None = None
    problems: list[Diagnostic] = []
    seen: dict[str, ast.Declaration] = {}

    for module_path in closure(loaded.imports, path):
        module = loaded.modules.get(module_path)
        if module is None:
            continue
        own = module_path == path
        for item in module.items:
            if isinstance(item, ast.Jurisdiction):
                if jurisdiction is None:
                    jurisdiction = item
                elif own and item is not jurisdiction:
                    problems.append(
                        Diagnostic(
                            "KR306",
                            f"a second jurisdiction header (`{item.code}`) is visible here; "
                            f"`{jurisdiction.code}` is already declared",
                            item.span,
                            help="one jurisdiction per pack: declare it once and import that file",
                        )
                    )
                continue
            if isinstance(item, ast.Source):
                first = sources.setdefault(item.name, item)
                if own and first is not item:
                    where = f" (first declared at {first.span})" if first.span else ""
                    problems.append(
                        Diagnostic(
                            "KR209", f"source `{item.name}` is declared twice{where}", item.span
                        )
                    )
                continue
            if not isinstance(item, (ast.Const, ast.Define, ast.Labels, ast.Base)):
                continue
            name = item.name
            previous = seen.get(name)
            if previous is not None and previous is not item:
                if own:
                    where = f" (first declared at {previous.span})" if previous.span else ""
                    problems.append(
                        Diagnostic("KR209", f"`{name}` is declared twice{where}", item.span)
                    )
                continue
            if RECORD.field(name) is not None and not isinstance(item, ast.Base):
                if own:
                    problems.append(
                        Diagnostic(
                            "KR209",
                            f"`{name}` is a field of the record format and cannot be redeclared",
                            item.span,
                            help="choose another name",
                        )
                    )
                continue
            seen[name] = item
            if isinstance(item, ast.Const):
                consts[name] = item
            elif isinstance(item, ast.Define):
                defines[name] = item
            elif isinstance(item, ast.Labels):
                labels[name] = item
            else:
                bases[name] = item
    return Symbols(consts, defines, labels, bases, jurisdiction, sources), problems
