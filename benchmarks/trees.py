"""Two source trees side by side: ``python -m benchmarks.trees OLD/src NEW/src [--rounds N]``.

For a change to the engine, the same measurements of the bundled packs in fresh processes, one
tree then the other, alternating for ``--rounds`` rounds (a shared machine's changing load falls
on both alike), medians printed with the ratio:

1. cold start: unpickling nothing, compiling the plans a first record needs — CPU seconds of
   ``Engine.bundled()`` (warm pack cache) and of the first ``check()`` of a sparse record;
2. ``check()`` and ``outcomes()`` CPU µs per record on producer-shaped sparse records (the
   regression set's records, every caption made unique) and on generated unique-text records.

CPU time of the measuring process (``time.process_time``), not wall time: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]

_PROBE = r"""
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from benchmarks.scale import unique_records
count = int(sys.argv[3])
sparse = []
for path in sorted(Path(sys.argv[2], "tests", "data").glob("sparse-records*.jsonl")):
    lines = path.read_text("utf-8").splitlines()
    sparse += [json.loads(line)["record"] for line in lines if line.strip()]
def unique(records, n):
    out = []
    for i in range(n):
        record = json.loads(json.dumps(records[i % len(records)]))
        content = record.setdefault("content", {})
        if isinstance(content.get("caption"), str):
            content["caption"] += f" #{i}"
        out.append(record)
    return out
start = time.process_time()
from kolrules import Engine
engine = Engine.bundled()
loaded = time.process_time()
first = {"id": "cold", "published_at": "2026-03-02T10:00:00Z", "platform": "instagram",
         "kol": {"handle": "@a", "country": "US"},
         "content": {"caption": "love this serum @glowco"}}
engine.check(first)
checked = time.process_time()
out = {"load_s": loaded - start, "first_check_s": checked - loaded}
kinds = (("sparse", unique(sparse, count)), ("generated", list(unique_records(count))))
for name, records in kinds:
    for record in records[:50]:  # plans in force on every date the records use
        try:
            engine.check(record)
        except ValueError:
            pass
    t = time.process_time()
    for record in records:
        try:
            engine.check(record)
        except ValueError:
            pass
    out[f"check_{name}_us"] = (time.process_time() - t) / len(records) * 1e6
    t = time.process_time()
    for record in records:
        try:
            engine.outcomes(record)
        except ValueError:
            pass
    out[f"outcomes_{name}_us"] = (time.process_time() - t) / len(records) * 1e6
print(json.dumps(out))
"""


def _measure(src: str, count: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": src}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, src, str(ROOT), str(count)],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"the probe failed in {src}:\n{done.stderr}")
    measured: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return measured


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "old", help="the src directory of the tree before the change (with its packs beside it)"
    )
    parser.add_argument("new", help="the src directory of the tree after it")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--records", type=int, default=2000)
    args = parser.parse_args(argv)
    runs: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
    for _ in range(2):  # both trees' pack caches warm before timing
        _measure(args.old, 10)
        _measure(args.new, 10)
    for round_ in range(args.rounds):
        order = ("old", "new") if round_ % 2 == 0 else ("new", "old")
        for which in order:
            runs[which].append(_measure(getattr(args, which), args.records))
    print(f"\n{args.records} records per kind, {args.rounds} alternating rounds, CPU time\n")
    print(f"  {'measure':28} {'old':>10} {'new':>10} {'new/old':>8}")
    for key in runs["old"][0]:
        old = statistics.median(r[key] for r in runs["old"])
        new = statistics.median(r[key] for r in runs["new"])
        print(f"  {key:28} {old:10.3f} {new:10.3f} {new / old:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
