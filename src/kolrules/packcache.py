"""A cache of compiled rule packs, so a cold ``kolrules check`` need not parse and check them.

The cache is a folder of JSON files, never pickles: loading an entry builds only kolrules' own
data classes (``kolrules.packcodec``), so a planted entry can at worst hold wrong rules, and the
owner and mode checks below keep other users from planting one. Threat model: docs/security.md.

- **Where.** ``$KOLRULES_CACHE_DIR`` (an empty string turns caching off), else
  ``$XDG_CACHE_HOME/kolrules``, else ``~/.cache/kolrules``. The folder is created ``0700``.
- **Checked before every read.** The folder (by ``lstat``, then through the opened descriptor)
  must be a real directory, not a symbolic link, owned by the current user and writable by no
  one else; each entry likewise must be a regular file owned by the user and writable by no one
  else, opened with ``O_NOFOLLOW``. A folder or entry that fails is ignored with a ``KR903``
  warning (logger ``kolrules.packcache``) and the pack is compiled instead.
- **Key.** A hash of the entry format, the Python version, kolrules' own source code and grammar
  (so an edited compiler never serves old output), and the absolute path, shown path and content
  of every rule file asked for. Files pulled in by ``import`` are recorded in the entry with their
  content hashes and checked again on every load. A file modified while the pack compiled is not
  cached (its hash could describe another text than the one compiled).
- **Writes** go to a private temporary file renamed into place, so readers see a whole entry or
  none; at most ``MAX_ENTRIES`` entries are kept, the least recently used go first.

A missing, unwritable or corrupt cache only costs time: every failure falls back to compiling.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import stat
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from kolrules.packcodec import Unencodable, decode, encode
from kolrules.program import Program
from kolrules.resources import display_path, grammar_path, imports_outside_allowed, rule_files

#: Bump when the layout of an entry changes (the key also covers kolrules' code).
FORMAT = 3  # 3: IR nodes written once, then referred to by number
#: Entries kept; older ones (by last use) are removed when a new one is written.
MAX_ENTRIES = 32
SUFFIX = ".json"

Compiled = tuple[Program, dict[str, str]]  # the program and its files: shown path → absolute

log = logging.getLogger("kolrules.packcache")
_POSIX = hasattr(os, "O_NOFOLLOW") and hasattr(os, "geteuid")
_DIR_FD = _POSIX and os.open in os.supports_dir_fd and os.replace in os.supports_dir_fd


def cache_dir() -> Path | None:
    """Where entries are kept, or None when caching is turned off."""
    configured = os.environ.get("KOLRULES_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kolrules"


def _warn(message: str) -> None:
    log.warning("kolrules: warning[KR903]: pack cache: %s; compiling without it", message)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@functools.cache
def code_digest() -> str:
    """A hash of kolrules' own Python sources and grammar: what compiled entries depend on."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    digest.update(grammar_path().read_bytes())
    return digest.hexdigest()


def _key(paths: Sequence[str | Path], root: str | Path | None) -> str | None:
    digest = hashlib.sha256()
    outside = imports_outside_allowed()  # what the loader accepted depends on it
    digest.update(f"{FORMAT}|{sys.version_info[:2]}|{code_digest()}|{outside}|".encode())
    try:
        for path in rule_files(paths):
            # The shown path is in compiled sources; the absolute one fixes where imports go.
            digest.update(display_path(path, root).encode() + b"\0")
            digest.update(str(path.resolve()).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    except OSError:
        return None  # the compiler will report the unreadable file
    return digest.hexdigest()


def _private(info: os.stat_result, what: str, name: str, kind: Callable[[int], bool]) -> bool:
    """Whether ``info`` describes something only the current user controls (else warn)."""
    if not kind(info.st_mode):
        _warn(f"{name} is not a {what}")
        return False
    if not _POSIX:
        return True  # Windows: per-user profile folders are protected by ACLs
    if info.st_uid != os.geteuid():
        _warn(f"{name} is owned by uid {info.st_uid}, not by the current user")
        return False
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        _warn(f"{name} is writable by other users (mode {stat.S_IMODE(info.st_mode):o})")
        return False
    return True


class _Folder:
    """The opened, checked cache folder; entries are reached through its descriptor."""

    def __init__(self, path: Path, fd: int | None) -> None:
        self.path = path
        self.fd = fd

    @classmethod
    @contextlib.contextmanager
    def open(cls, path: Path) -> Iterator[_Folder | None]:
        try:
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
            before = os.lstat(path)
        except OSError:
            yield None  # cannot be created (read-only place, a file in the way): no caching
            return
        if stat.S_ISLNK(before.st_mode):
            _warn(f"{path} is a symbolic link")
            yield None
            return
        if not _private(before, "directory", str(path), stat.S_ISDIR):
            yield None
            return
        if not _DIR_FD:
            yield cls(path, None)
            return
        try:
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        except OSError:
            yield None
            return
        try:
            after = os.fstat(fd)
            if (after.st_dev, after.st_ino) != (before.st_dev, before.st_ino):
                _warn(f"{path} was replaced while being opened")
                yield None
            else:
                yield cls(path, fd)
        finally:
            os.close(fd)

    def _at(self, name: str) -> dict[str, int] | None:
        return {"dir_fd": self.fd} if self.fd is not None else None

    def where(self, name: str) -> str:
        return name if self.fd is not None else str(self.path / name)

    def read(self, name: str) -> bytes | None:
        """The entry's bytes, if it exists and passes the owner and mode checks."""
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        try:
            fd = os.open(self.where(name), flags, **(self._at(name) or {}))
        except FileNotFoundError:
            return None
        except OSError as error:
            _warn(f"cannot open entry {self.path / name}: {error.strerror or error}")
            return None
        with os.fdopen(fd, "rb") as stream:
            if not _private(os.fstat(fd), "regular file", str(self.path / name), stat.S_ISREG):
                return None
            data = stream.read()
            with contextlib.suppress(OSError):
                os.utime(fd)  # last use, for eviction
        return data

    def write(self, name: str, data: bytes) -> None:
        """Write an entry atomically (a private temporary file renamed into place)."""
        temporary = f".{name}.{os.getpid()}.{time.monotonic_ns()}.tmp"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        flags |= getattr(os, "O_BINARY", 0)
        fd = os.open(self.where(temporary), flags, 0o600, **(self._at(temporary) or {}))
        try:
            with os.fdopen(fd, "wb") as stream:
                stream.write(data)
            if self.fd is not None:
                os.replace(temporary, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
            else:
                os.replace(self.where(temporary), self.where(name))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(self.where(temporary), **(self._at(temporary) or {}))
            raise

    def evict(self, keep: int) -> None:
        """Remove all but the ``keep`` most recently used entries."""
        target: int | str = self.fd if self.fd is not None else str(self.path)
        with os.scandir(target) as listing:
            entries = [e for e in listing if e.name.endswith(SUFFIX) and e.is_file()]
        entries.sort(key=lambda e: e.stat(follow_symlinks=False).st_mtime_ns, reverse=True)
        for entry in entries[keep:]:
            with contextlib.suppress(OSError):
                os.unlink(self.where(entry.name), **(self._at(entry.name) or {}))


def _load(folder: _Folder, name: str, key: str) -> Program | None:
    data = folder.read(name)
    if data is None:
        return None
    try:
        entry = json.loads(data)
        if entry["format"] != FORMAT or entry["key"] != key:
            raise ValueError("entry for another key")
        dependencies = entry["dependencies"]
        for path, digest in dependencies.items():
            try:
                if _digest(Path(path).read_bytes()) != digest:
                    return None  # an imported file changed since the entry was written
            except OSError:
                return None
        program = decode(entry["program"])
        if not isinstance(program, Program):
            raise ValueError("not a compiled program")
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        _warn(f"entry {folder.path / name} is corrupt ({type(error).__name__})")
        return None
    return program


def _store(
    folder: _Folder, name: str, key: str, program: Program, files: dict[str, str], started: int
) -> None:
    dependencies: dict[str, str] = {}
    for path in files.values():
        with open(path, "rb") as stream:
            if os.fstat(stream.fileno()).st_mtime_ns > started:
                return  # edited while compiling: the hash might not match what was compiled
            dependencies[path] = _digest(stream.read())
    try:
        encoded = encode(program)
    except Unencodable:
        return  # a value the cache format does not know: correct, only slower
    entry = {"format": FORMAT, "key": key, "dependencies": dependencies, "program": encoded}
    folder.write(name, json.dumps(entry, separators=(",", ":")).encode())
    folder.evict(MAX_ENTRIES)


def load_or_compile(
    paths: Sequence[str | Path], root: str | Path | None, compile_: Callable[[], Compiled]
) -> Program:
    """The compiled program for ``paths``, from the cache when it is current and safe."""
    location = cache_dir()
    key = _key(paths, root) if location is not None else None
    if location is None or key is None:
        return compile_()[0]
    name = key + SUFFIX
    with _Folder.open(location) as folder:
        if folder is not None:
            cached = _load(folder, name, key)
            if cached is not None:
                return cached
        started = time.time_ns()
        program, files = compile_()
        if folder is not None:
            with contextlib.suppress(OSError):  # read-only or full disk: caching is best effort
                _store(folder, name, key, program, files, started)
        return program
