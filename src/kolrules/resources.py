"""Where the grammar and the bundled rule packs live: inside the wheel, or in a source checkout."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
RULE_SUFFIX = ".kol"


def _data_dir(name: str) -> Path:
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    # Editable installs and source checkouts: the folders at the top of the repository.
    return _PACKAGE.parent.parent / name


def grammar_path() -> Path:
    """The lark grammar of the rule language."""
    return _data_dir("grammars") / "kolrules.lark"


def jurisdictions_dir() -> Path:
    """The folder of bundled rule packs, one sub-folder per jurisdiction."""
    return _data_dir("jurisdictions")


def display_path(path: Path, root: str | Path | None = None) -> str:
    """The path shown to users: relative to ``root`` (default: the working directory) when
    below it, with forward slashes."""
    base = Path(root) if root is not None else Path.cwd()
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def imports_outside_allowed() -> bool:
    """Whether rule-file imports may leave the pack's folders (``KOLRULES_ALLOW_IMPORTS_OUTSIDE``
    set to a non-empty value other than ``0``; the CLI's ``--allow-imports-outside``)."""
    return os.environ.get("KOLRULES_ALLOW_IMPORTS_OUTSIDE", "") not in ("", "0")


def rule_files(paths: Iterable[str | Path]) -> list[Path]:
    """The rule files named, with folders searched recursively for ``*.kol``, sorted."""
    found: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found.extend(sorted(path.rglob(f"*{RULE_SUFFIX}")))
        else:
            found.append(path)
    seen: set[Path] = set()
    unique = []
    for path in found:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique
