"""Where the grammar and the bundled rule packs live: inside the wheel, or in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


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
