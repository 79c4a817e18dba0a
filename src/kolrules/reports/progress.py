"""A one-line progress bar on stderr for long ``kolrules check`` runs on a terminal.

Written here rather than taken from tqdm or rich: it needs about sixty lines, one redraw rule
and no dependency, and the decision of when to draw (a terminal, not ``--quiet``, not a dumb
terminal, not in the first second) is ours either way.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from typing import TextIO

#: Runs shorter than this draw nothing.
DELAY_S = 1.0
#: At most this often a redraw.
INTERVAL_S = 0.2
_WIDTH = 24


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def wanted(
    err: TextIO, out: TextIO, *, quiet: bool, environ: Mapping[str, str] | None = None
) -> bool:
    """Whether to draw on ``err``: it is a terminal, ``out`` is not (reports written to the
    terminal show the progress themselves, and a bar would tangle with them), not
    ``--quiet``, and ``TERM`` is not ``dumb``."""
    env = os.environ if environ is None else environ
    if quiet or env.get("TERM") == "dumb":
        return False
    return _isatty(err) and not _isatty(out)


def _duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    return f"{seconds // 60}:{seconds % 60:02d}"


class Progress:
    """Counts records and redraws ``records, records/s, ETA`` on one line of ``stream``.

    ``position`` says how many input bytes are read so far and ``total`` how many there are
    (None when unknown, e.g. standard input): then the bar and the ETA are drawn too.
    """

    def __init__(
        self,
        stream: TextIO,
        *,
        total: int | None = None,
        position: Callable[[], int] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream
        self.total = total or None
        self.position = position
        self.clock = clock
        self.start = clock()
        self.records = 0
        self.drawn_at: float | None = None
        self.closed = False

    def tick(self, records: int = 1) -> None:
        """Count ``records`` more, and redraw when it is time."""
        self.records += records
        if self.closed:
            return
        now = self.clock()
        if now - self.start < DELAY_S:
            return
        if self.drawn_at is not None and now - self.drawn_at < INTERVAL_S:
            return
        self.drawn_at = now
        self.stream.write("\r" + self.line(now) + "\x1b[K")
        self.stream.flush()

    def line(self, now: float) -> str:
        """The text drawn at time ``now``."""
        elapsed = max(now - self.start, 1e-9)
        rate = self.records / elapsed
        text = f"{self.records} records, {rate:,.0f} records/s, {_duration(elapsed)}"
        if self.total and self.position is not None:
            done = min(self.position() / self.total, 1.0)
            filled = int(done * _WIDTH)
            bar = "█" * filled + "░" * (_WIDTH - filled)
            left = elapsed * (1 - done) / done if done > 0 else None
            eta = f", ETA {_duration(left)}" if left is not None else ""
            text = f"{bar} {done:4.0%}  {text}{eta}"
        return text

    def close(self) -> None:
        """Erase the line, so what follows starts on a clean line; draw nothing after."""
        self.closed = True
        if self.drawn_at is not None:
            self.drawn_at = None
            self.stream.write("\r\x1b[K")
            self.stream.flush()
