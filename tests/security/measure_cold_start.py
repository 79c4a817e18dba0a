"""Cold start of ``Engine.bundled()`` in a fresh process: compiling, loading the JSON cache
entry, and unpickling the same program (the old cache format, without its key and checks).

Run: ``python tests/security/measure_cold_start.py`` (medians of 7 runs).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time


def _seconds(code: str, cache: str) -> float:
    started = time.perf_counter()
    env = {**os.environ, "KOLRULES_CACHE_DIR": cache}
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    return time.perf_counter() - started


def main() -> None:
    """Print the three timings and their ratios."""
    cache = tempfile.mkdtemp()  # created 0700
    pickled = os.path.join(cache, "program.pickle")
    bundled = "from kolrules import Engine; Engine.bundled()"
    _seconds(bundled, cache)  # fill the cache
    _seconds(
        "import pickle; from kolrules import Engine; "
        f"pickle.dump(Engine.bundled().program, open({pickled!r}, 'wb'))",
        "",
    )
    unpickle = (
        "import pickle; from kolrules import Engine; "
        f"Engine.from_program(pickle.load(open({pickled!r}, 'rb')))"
    )
    runs = {
        "no cache (compile)": (bundled, ""),
        "JSON cache entry": (bundled, cache),
        "pickle (old format)": (unpickle, ""),
    }
    times = {name: statistics.median(_seconds(*run) for _ in range(7)) for name, run in runs.items()}
    for name, seconds in times.items():
        print(f"{name:22} {seconds * 1000:6.0f} ms")
    json_, pickle_ = times["JSON cache entry"], times["pickle (old format)"]
    print(f"JSON / pickle = {json_ / pickle_:.2f}; compile / JSON = {times['no cache (compile)'] / json_:.1f}")


if __name__ == "__main__":
    main()
