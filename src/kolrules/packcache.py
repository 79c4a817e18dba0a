"""A cache of compiled rule packs, so a cold ``kolrules check`` need not parse and check them.

An entry is keyed by a hash of everything the compiled program depends on: the kolrules version,
the Python version, the grammar, and the path and content of every rule file asked for. Files
pulled in by ``import`` are recorded in the entry with their content hashes and checked again on
every load, so an edited import is never served stale. The cache lives in
``$KOLRULES_CACHE_DIR`` (set it to an empty string to turn caching off), else
``$XDG_CACHE_HOME/kolrules``, else ``~/.cache/kolrules``. A missing, unwritable or corrupt cache
only costs time: every failure falls back to compiling.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from kolrules.program import Program
from kolrules.resources import display_path, grammar_path, rule_files

#: Bump when the pickled shape of Program changes without a version change.
FORMAT = 1

Compiled = tuple[Program, dict[str, str]]  # the program and its files: shown path → absolute


def cache_dir() -> Path | None:
    """Where entries are kept, or None when caching is turned off."""
    configured = os.environ.get("KOLRULES_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kolrules"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _key(paths: Sequence[str | Path], root: str | Path | None) -> str | None:
    from kolrules import __version__

    digest = hashlib.sha256()
    digest.update(f"{FORMAT}|{__version__}|{sys.version_info[:2]}|".encode())
    try:
        digest.update(grammar_path().read_bytes())
        for path in rule_files(paths):
            digest.update(display_path(path, root).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    except OSError:
        return None  # the compiler will report the unreadable file
    return digest.hexdigest()


def _load(entry: Path) -> Program | None:
    try:
        with entry.open("rb") as stream:
            program, dependencies = pickle.load(stream)
        for path, digest in dependencies.items():
            if _digest(Path(path).read_bytes()) != digest:
                return None  # an imported file changed since the entry was written
    except Exception:  # missing, unreadable, truncated or from another build: recompile
        return None
    return program if isinstance(program, Program) else None


def _store(entry: Path, program: Program, files: dict[str, str]) -> None:
    written: str | None = None
    try:
        dependencies = {path: _digest(Path(path).read_bytes()) for path in files.values()}
        entry.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=entry.parent, delete=False, suffix=".tmp") as tmp:
            written = tmp.name
            pickle.dump((program, dependencies), tmp, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(written, entry)  # atomic: readers see the old entry or the new one
    except Exception:  # read-only or full disk, unpicklable: caching is best effort
        if written is not None:
            with contextlib.suppress(OSError):
                os.unlink(written)


def load_or_compile(
    paths: Sequence[str | Path], root: str | Path | None, compile_: Callable[[], Compiled]
) -> Program:
    """The compiled program for ``paths``, from the cache when it is current."""
    folder = cache_dir()
    key = _key(paths, root) if folder is not None else None
    entry = folder / f"{key}.pickle" if folder is not None and key is not None else None
    if entry is not None:
        cached = _load(entry)
        if cached is not None:
            return cached
    program, files = compile_()
    if entry is not None:
        _store(entry, program, files)
    return program
