"""Scale-out numbers, side by side in one run: ``python -m benchmarks.scale [--records N]``.

Needs ``pip install -e '.[arrow,dask,spark]'`` (Spark also a Java runtime; without pyspark or
Java its row is skipped with the reason). Prints:

1. engine pickles: size and unpickle-to-first-check time, for all packs and each pack alone;
2. the same corpus (generated, every caption and disclosure text unique, sparse records as the
   generator makes them) checked by: one process (``kolrules check``), ``--jobs 2``, Dask
   LocalCluster with 2 worker processes, Spark local[2]; records/s, ratio to ``--jobs 2``, and
   peak RSS per worker where it can be read;
3. the Parquet round trip: ``kolrules check`` Parquet in → Parquet out against JSON Lines in →
   JSON Lines out, in µs per record.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.generate import records as generate


def unique_records(count: int, *, seed: int = 41) -> Iterator[dict[str, Any]]:
    """Generated records whose texts never repeat (so no text cache can memorise the work)."""
    for index, record in enumerate(generate(count, seed=seed)):
        record["content"]["caption"] += f" #{index}"
        for position, disclosure in enumerate(record["disclosures"]):
            disclosure["text"] += f" {index}.{position}"
        yield record


def pickles() -> None:
    from kolrules import Engine

    probe = {
        "id": "p",
        "published_at": "2026-03-01T00:00:00Z",
        "audience": {"countries": ["US", "CN", "VN"]},
    }
    print("\nengine pickles (Engine.__getstate__: the compiled program, zlib; no caches)\n")
    for codes in (None, ["US"], ["CN"], ["VN"]):
        engine = Engine.bundled(jurisdictions=codes)
        engine.check(probe)  # warm caches must not travel
        data = pickle.dumps(engine)
        times = []
        for _ in range(5):
            start = time.perf_counter()
            copy = pickle.loads(data)
            copy.check(probe)
            times.append(time.perf_counter() - start)
        name = "all packs" if codes is None else codes[0]
        print(
            f"  {name:10} {len(data) / 1024:7.1f} KB   unpickle + first check: "
            f"median {sorted(times)[2] * 1000:6.1f} ms  ({len(engine.rules)} rule versions)"
        )


def _cli(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "kolrules", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return time.perf_counter() - start


def _dask(posts: Path, out: Path) -> tuple[float, list[float]]:
    import dask.dataframe as dd
    import distributed

    from kolrules import Engine
    from kolrules.dask import check_dataframe

    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        engine = Engine.bundled()
        start = time.perf_counter()
        ddf = dd.read_parquet(posts, dtype_backend="pyarrow", split_row_groups=True)
        check_dataframe(ddf, engine).to_parquet(out, write_index=False)
        wall = time.perf_counter() - start
        peaks = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return wall, sorted(peaks.values())


def _spark(posts: Path, out: Path) -> float | str:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        return "skipped: pyspark not installed (pip install -e '.[spark]')"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "skipped: no Java runtime"
    from kolrules import Engine
    from kolrules.spark import check_dataframe

    os.environ["PYSPARK_PYTHON"] = sys.executable
    spark = (
        SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false").getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        check_dataframe(spark.read.parquet(str(posts)).limit(10), Engine.bundled()).count()
        start = time.perf_counter()  # session and JVM warm, as on a running cluster
        # A small file is one input split: spread it over both cores, as a lake's many files are.
        df = spark.read.parquet(str(posts)).repartition(spark.sparkContext.defaultParallelism)
        check_dataframe(df, Engine.bundled()).write.parquet(str(out))
        return time.perf_counter() - start
    finally:
        spark.stop()


def throughput(count: int, folder: Path, *, spark_too: bool = True) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    records = list(unique_records(count))
    jsonl = folder / "posts.jsonl"
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    posts = folder / "posts.parquet"
    pq.write_table(pa.Table.from_pylist(records), posts, row_group_size=max(count // 16, 500))
    del records
    _cli(["check", "--format", "jsonl", str(jsonl)])  # fill the pack cache
    one = _cli(["check", "--format", "jsonl", str(jsonl)])
    two = _cli(["check", "--format", "jsonl", "--jobs", "2", str(jsonl)])
    parquet = _cli(["check", str(posts), "--output", str(folder / "findings.parquet")])
    dask_wall, dask_peaks = _dask(posts, folder / "dask")
    spark = _spark(posts, folder / "spark") if spark_too else "skipped: --smoke"
    print(
        f"\n{count:,} records, unique texts ({jsonl.stat().st_size / 1e6:.1f} MB JSONL, "
        f"{posts.stat().st_size / 1e6:.1f} MB Parquet), 2 cores\n"
    )
    print(f"  {'path':44} {'records/s':>10} {'× --jobs 2':>11}")
    rows: list[tuple[str, float | str]] = [
        ("kolrules check, one process (JSONL→JSONL)", one),
        ("kolrules check --jobs 2 (JSONL→JSONL)", two),
        ("kolrules check, Parquet→Parquet", parquet),
        ("Dask LocalCluster, 2 worker processes", dask_wall),
        ("Spark local[2], mapInArrow", spark),
    ]
    for name, wall in rows:
        if isinstance(wall, str):
            print(f"  {name:44} {wall}")
            continue
        print(f"  {name:44} {count / wall:10,.0f} {two / wall:10.2f}x")
    print(f"\n  Dask peak RSS per worker: {', '.join(f'{p:.0f} MB' for p in dask_peaks)}")
    print(
        f"  Parquet round trip vs JSONL (one process): "
        f"{(parquet - one) / count * 1e6:+.0f} µs per record"
    )
    print(
        "  (CLI rows include interpreter start and pack loading; Dask and Spark rows exclude "
        "cluster start)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--smoke", action="store_true", help="200 records, no Spark timing")
    args = parser.parse_args(argv)
    pickles()
    with tempfile.TemporaryDirectory() as tmp:
        throughput(200 if args.smoke else args.records, Path(tmp), spark_too=not args.smoke)
    return 0


if __name__ == "__main__":
    sys.exit(main())
