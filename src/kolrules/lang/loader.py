"""Read rule files and everything they import, parsing each file once.

Rule packs may come from people we do not trust (a pull request's rules in CI), and linting one
must not leak the machine's files. So an import must name a ``.kol`` file by a relative path
that stays, symbolic links resolved, inside the pack's root folders: each folder given, and the
folder of each file given (KR107). ``KOLRULES_ALLOW_IMPORTS_OUTSIDE=1`` (the CLI's
``--allow-imports-outside``) lifts the folder rule. A file reached under two spellings is read
once. Parser failures that are not syntax errors (a number too long to convert, nesting too
deep) become diagnostics (KR104, KR108) rather than tracebacks.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import attrs

from kolrules.diagnostics import Diagnostic
from kolrules.lang import syntax
from kolrules.lang.parser import ParseFailure, parse, versions
from kolrules.resources import RULE_SUFFIX, display_path, imports_outside_allowed, rule_files
from kolrules.source import SourceFile, Span


@attrs.frozen
class Loaded:
    """Parsed modules by path, their sources, the import graph, and any problems found."""

    modules: dict[str, syntax.Module]
    sources: dict[str, SourceFile]
    imports: dict[str, tuple[str, ...]]  # module path → imported module paths (resolved)
    files: dict[str, str]  # shown path → absolute path on disk (empty for in-memory texts)
    roots: tuple[str, ...]  # the files asked for (imports may add others)
    diagnostics: tuple[Diagnostic, ...]


def _parse(source: SourceFile) -> syntax.Module | Diagnostic:
    """The module, or the diagnostic saying why it does not parse (never an exception)."""
    try:
        module = parse(source)
    except ParseFailure as failure:
        return failure.diagnostic
    except RecursionError:
        return Diagnostic(
            "KR108", "expressions nested too deeply to read", Span.point(source.path, 1, 1)
        )
    except Exception as error:  # a literal the parser could not convert (e.g. 5000 digits)
        cause = error.__context__ if isinstance(error.__context__, ValueError) else error
        where = getattr(error, "obj", None)  # the parser's position, when it gives one
        where = getattr(where, "meta", where)
        line = getattr(where, "line", None) or 1
        column = getattr(where, "column", None) or 1
        reason = str(cause).split(";")[0][:120]
        span = Span.point(source.path, line, column)
        return Diagnostic("KR104", f"invalid literal: {reason}", span)
    # Passes after this one see each `revision` as the rule version it stands for.
    items: list[syntax.Declaration] = []
    for item in module.items:
        items.extend(versions(item) if isinstance(item, syntax.Rule) else (item,))
    return syntax.Module(module.path, tuple(items))


def _inside(path: Path, folders: list[Path]) -> bool:
    return any(path == folder or folder in path.parents for folder in folders)


def load(
    paths: Iterable[str | Path],
    *,
    texts: dict[str, str] | None = None,
    root: str | Path | None = None,
    allow_outside: bool | None = None,
) -> Loaded:
    """Parse the given files and their imports.

    ``texts`` supplies in-memory sources by path (for tests and tools); ``root`` is what shown
    paths are relative to. ``allow_outside`` lets imports leave the pack's folders (default:
    ``KOLRULES_ALLOW_IMPORTS_OUTSIDE``).
    """
    if allow_outside is None:
        allow_outside = imports_outside_allowed()
    modules: dict[str, syntax.Module] = {}
    sources: dict[str, SourceFile] = {}
    imports: dict[str, tuple[str, ...]] = {}
    files: dict[str, str] = {}
    diagnostics: list[Diagnostic] = []
    texts = texts or {}
    folders: list[Path] = []  # the pack's root folders, resolved
    by_real: dict[Path, str] = {}  # resolved path → the shown path it was first read under

    def read(path: Path, shown: str, span: Span | None) -> bool:
        if shown in modules or shown in sources:
            return True
        if shown not in texts:
            by_real.setdefault(path.resolve(), shown)
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
        module = _parse(source)
        if isinstance(module, Diagnostic):
            diagnostics.append(module)
            return False
        modules[shown] = module
        resolved: list[str] = []
        for item in module.items:
            if isinstance(item, syntax.Import):
                target = path.parent / item.path
                target_shown = display_path(target, root) if not texts else target.as_posix()
                if not texts:
                    refused = _refused(item, target)
                    if refused is not None:
                        diagnostics.append(refused)
                        continue
                    target_shown = by_real.get(target.resolve(), target_shown)
                # In-memory texts import only each other: the disk is never read for them.
                if target_shown in texts or (not texts and target.is_file()):
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

    def _refused(item: syntax.Import, target: Path) -> Diagnostic | None:
        if Path(item.path).suffix != RULE_SUFFIX:
            why = f"imports must name a `{RULE_SUFFIX}` file, not `{item.path}`"
        elif allow_outside:
            return None
        elif Path(item.path).is_absolute():
            why = f"imports must be relative to the importing file, not `{item.path}`"
        elif not _inside(target.resolve(), folders):
            why = f"import `{item.path}` leaves the pack's folders"
        else:
            return None
        return Diagnostic(
            "KR107",
            why,
            item.span,
            help="give the common folder of the files, or allow it with --allow-imports-outside",
        )

    roots = []
    given = list(paths)
    if not texts:
        for item in given:
            where = Path(item)
            folders.append(where.resolve() if where.is_dir() else where.absolute().parent.resolve())
    for path in rule_files(given) if not texts else [Path(p) for p in given]:
        shown = display_path(path, root) if not texts else str(path)
        if not texts and not allow_outside and not _inside(path.resolve(), folders):
            diagnostics.append(
                Diagnostic(
                    "KR107",
                    f"`{shown}` is a link to a file outside the pack's folders",
                    None,
                    help="allow it with --allow-imports-outside",
                )
            )
            continue
        roots.append(shown)
        read(path, shown, None)
    diagnostics.extend(_cycles(imports, modules))
    return Loaded(modules, sources, imports, files, tuple(roots), tuple(diagnostics))


def _cycles(
    imports: dict[str, tuple[str, ...]], modules: dict[str, syntax.Module]
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
                            if isinstance(i, syntax.Import) and i.span is not None
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
