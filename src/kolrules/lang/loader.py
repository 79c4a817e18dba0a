"""Read rule files and everything they import, parsing each file once."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import attrs

from kolrules.diagnostics import Diagnostic
from kolrules.lang import ast
from kolrules.lang.parser import ParseFailure, parse
from kolrules.resources import display_path, rule_files
from kolrules.source import SourceFile, Span


@attrs.frozen
class Loaded:
    """Parsed modules by path, their sources, the import graph, and any problems found."""

    modules: dict[str, ast.Module]
    sources: dict[str, SourceFile]
    imports: dict[str, tuple[str, ...]]  # module path → imported module paths (resolved)
    files: dict[str, str]  # shown path → absolute path on disk (empty for in-memory texts)
    roots: tuple[str, ...]  # the files asked for (imports may add others)
    diagnostics: tuple[Diagnostic, ...]


def load(
    paths: Iterable[str | Path],
    *,
    texts: dict[str, str] | None = None,
    root: str | Path | None = None,
) -> Loaded:
    """Parse the given files and their imports.

    ``texts`` supplies in-memory sources by path (for tests and tools); ``root`` is what shown
    paths are relative to.
    """
    modules: dict[str, ast.Module] = {}
    sources: dict[str, SourceFile] = {}
    imports: dict[str, tuple[str, ...]] = {}
    files: dict[str, str] = {}
    diagnostics: list[Diagnostic] = []
    texts = texts or {}

    def read(path: Path, shown: str, span: Span | None) -> bool:
        if shown in modules or shown in sources:
            return True
        try:
            text = texts[shown] if shown in texts else path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            diagnostics.append(Diagnostic("KR105", f"cannot read `{shown}`: {reason}", span))
            return False
        source = SourceFile(shown, text)
        sources[shown] = source
        if shown not in texts:
            files[shown] = str(path.resolve())
        try:
            module = parse(source)
        except ParseFailure as failure:
            diagnostics.append(failure.diagnostic)
            return False
        modules[shown] = module
        resolved: list[str] = []
        for item in module.items:
            if isinstance(item, ast.Import):
                target = path.parent / item.path
                target_shown = display_path(target, root) if not texts else target.as_posix()
                if target_shown in texts or target.is_file():
                    resolved.append(target_shown)
                    read(target, target_shown, item.span)
                else:
                    diagnostics.append(
                        Diagnostic(
                            "KR105",
                            f"imported file `{item.path}` not found",
                            item.span,
                            help=f"looked for `{target_shown}`",
                        )
                    )
        imports[shown] = tuple(resolved)
        return True

    roots = []
    for path in rule_files(paths) if not texts else [Path(p) for p in paths]:
        shown = display_path(path, root) if not texts else str(path)
        roots.append(shown)
        read(path, shown, None)
    diagnostics.extend(_cycles(imports, modules))
    return Loaded(modules, sources, imports, files, tuple(roots), tuple(diagnostics))


def _cycles(
    imports: dict[str, tuple[str, ...]], modules: dict[str, ast.Module]
) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    reported: set[frozenset[str]] = set()

    def visit(path: str, stack: list[str]) -> None:
        for target in imports.get(path, ()):
            if target in stack:
                cycle = [*stack[stack.index(target) :], target]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    span = next(
                        (
                            i.span
                            for i in modules[path].items
                            if isinstance(i, ast.Import) and i.span is not None
                        ),
                        None,
                    )
                    found.append(Diagnostic("KR106", "import cycle: " + " → ".join(cycle), span))
                continue
            visit(target, [*stack, target])

    for path in imports:
        visit(path, [path])
    return found


def closure(imports: dict[str, tuple[str, ...]], path: str) -> list[str]:
    """``path`` and every file it imports, directly or not, each once, imports first."""
    order: list[str] = []

    def visit(item: str) -> None:
        if item in order:
            return
        order.append(item)  # mark before recursing: cycles are reported elsewhere
        for target in imports.get(item, ()):
            visit(target)

    visit(path)
    return [*order[1:], order[0]]
