"""Symbol tables: what names each rule file sees (its own declarations and its imports')."""

from __future__ import annotations

import attrs

from kolrules.diagnostics import Diagnostic
from kolrules.lang import syntax
from kolrules.lang.loader import Loaded, closure
from kolrules.schema import RECORD


@attrs.frozen
class Symbols:
    """Declarations visible in one file, by name."""

    consts: dict[str, syntax.Const]
    defines: dict[str, syntax.Define]
    labels: dict[str, syntax.Labels]
    bases: dict[str, syntax.Base]
    jurisdiction: syntax.Jurisdiction | None
    sources: dict[str, syntax.Source] = attrs.field(factory=dict)

    def names(self) -> set[str]:
        """Every declared value name (for "did you mean")."""
        return set(self.consts) | set(self.defines)


def build(loaded: Loaded, path: str) -> tuple[Symbols, list[Diagnostic]]:
    """The symbols visible in ``path``; duplicates are reported where they are declared."""
    consts: dict[str, syntax.Const] = {}
    defines: dict[str, syntax.Define] = {}
    labels: dict[str, syntax.Labels] = {}
    bases: dict[str, syntax.Base] = {}
    sources: dict[str, syntax.Source] = {}
    jurisdiction: syntax.Jurisdiction | None = None
    problems: list[Diagnostic] = []
    seen: dict[str, syntax.Declaration] = {}

    for module_path in closure(loaded.imports, path):
        module = loaded.modules.get(module_path)
        if module is None:
            continue
        own = module_path == path
        for item in module.items:
            if isinstance(item, syntax.Jurisdiction):
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
            if isinstance(item, syntax.Source):
                first = sources.setdefault(item.name, item)
                if own and first is not item:
                    where = f" (first declared at {first.span})" if first.span else ""
                    problems.append(
                        Diagnostic(
                            "KR209", f"source `{item.name}` is declared twice{where}", item.span
                        )
                    )
                continue
            if not isinstance(item, (syntax.Const, syntax.Define, syntax.Labels, syntax.Base)):
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
            if RECORD.field(name) is not None and not isinstance(item, syntax.Base):
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
            if isinstance(item, syntax.Const):
                consts[name] = item
            elif isinstance(item, syntax.Define):
                defines[name] = item
            elif isinstance(item, syntax.Labels):
                labels[name] = item
            else:
                bases[name] = item
    return Symbols(consts, defines, labels, bases, jurisdiction, sources), problems
