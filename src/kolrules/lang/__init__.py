"""The rule language's driver: rule files (or texts) in, diagnostics or a compiled program out.

The pipeline behind it is ``loader`` (files and imports) → ``parser`` (lark; the only module
that imports it) → ``syntax`` (the tree) → ``symbols`` → ``typecheck`` → ``checker``
(diagnostics KRxxx) → ``compiler`` (a ``Program``). ``kolrules.engine`` reaches the language
only through ``compile_files``, and only when no cached program will do; ``kolrules.lint`` is
``lint``. The passes are imported inside the functions, so importing this package costs nothing
and running cached rules never loads the parser.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from kolrules.diagnostics import Diagnostic
from kolrules.errors import RuleError, UsageError
from kolrules.program import Program

__all__ = ["compile_files", "lint"]


def lint(
    paths: Sequence[str | Path] | str | Path = (), *, texts: dict[str, str] | None = None
) -> tuple[Diagnostic, ...]:
    """Every problem in the rule files (errors and warnings), without raising.

    Pass file or folder ``paths`` (a single ``str`` or ``Path`` is one path, never a sequence
    of characters), or in-memory ``texts`` keyed by the path to show. Raises ``UsageError``
    when given neither, or something that is not paths.
    """
    from kolrules.lang.checker import check
    from kolrules.lang.loader import load

    if isinstance(paths, (str, Path)):
        paths = [paths]
    if isinstance(paths, (bytes, Mapping)) or not isinstance(paths, Iterable):
        raise UsageError(f"paths must be file or folder paths (str or Path), got {paths!r}")
    paths = list(paths)
    if not all(isinstance(p, (str, Path)) for p in paths):
        raise UsageError(f"paths must be file or folder paths (str or Path), got {paths!r}")
    if not paths and not texts:
        raise UsageError("give the rule files or folders to lint (paths), or texts")

    loaded = load(list(texts), texts=texts) if texts else load(paths)
    return check(loaded).diagnostics


def compile_files(
    paths: Sequence[str | Path],
    *,
    root: str | Path | None = None,
    texts: dict[str, str] | None = None,
) -> tuple[Program, dict[str, str]]:
    """Parse, check and compile: the program, and its files (shown path → absolute path).

    Raises ``RuleError`` with every diagnostic (and the sources to show them in) when a file
    does not compile.
    """
    from kolrules.lang.checker import check
    from kolrules.lang.compiler import compile_program
    from kolrules.lang.loader import load

    loaded = load(paths, root=root, texts=texts)
    checked = check(loaded)
    if not checked.ok:
        raise RuleError(checked.diagnostics, loaded.sources)
    return compile_program(checked), loaded.files
