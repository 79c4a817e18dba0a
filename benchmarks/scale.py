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
import itertools
import json
import os
import pickle
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
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


def _cli(args: list[str]) -> tuple[float, float]:
    """Wall seconds of one ``kolrules`` run, and the peak RSS (MB) of it and its workers."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "kolrules", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, _, usage = os.wait4(child.pid, 0)
    # ru_maxrss of a waited child is its own peak; --jobs workers are its children, whose peak
    # the child cannot report to us, so the CLI rows give the parent's peak (see main's note).
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def write_corpus(count: int, folder: Path, parts: int) -> list[tuple[Path, Path]]:
    """``parts`` JSON Lines files and the same records as Parquet, streamed (flat memory).

    The Parquet schema is the union of what every record has, found in a first pass over the
    (deterministic) generator, so no field of a late record is dropped.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    batch = 20_000
    schema: pa.Schema | None = None
    for chunk in _batches(unique_records(count), batch):
        found = pa.Table.from_pylist(chunk).schema
        schema = found if schema is None else pa.unify_schemas([schema, found])
    assert schema is not None
    size = -(-count // parts)
    files: list[tuple[Path, Path]] = []
    records = unique_records(count)
    for part in range(parts):
        jsonl = folder / f"posts-{part}.jsonl"
        posts = folder / f"posts-{part}.parquet"
        with (
            jsonl.open("w", encoding="utf-8") as lines,
            pq.ParquetWriter(posts, schema) as parquet,
        ):
            taken = 0
            # Row groups of an eighth of a part: Dask makes one partition per row group, and a
            # part of one row group would keep one of the two workers idle.
            for chunk in _batches(records, max(500, min(batch, size // 8)), limit=size):
                lines.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in chunk))
                parquet.write_table(pa.Table.from_pylist(chunk, schema=schema))
                taken += len(chunk)
        files.append((jsonl, posts))
    return files


def _batches(
    items: Iterator[dict[str, Any]], size: int, *, limit: int | None = None
) -> Iterator[list[dict[str, Any]]]:
    taken = 0
    while limit is None or taken < limit:
        want = size if limit is None else min(size, limit - taken)
        chunk = list(itertools.islice(items, want))
        if not chunk:
            return
        taken += len(chunk)
        yield chunk


class _Dask:
    """A LocalCluster of 2 worker processes, started once (as a running cluster is)."""

    def __enter__(self) -> _Dask:
        import distributed

        self.cluster = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        )
        self.client = distributed.Client(self.cluster)
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()
        self.cluster.close()

    def run(self, posts: Path, out: Path) -> float:
        import dask.dataframe as dd

        from kolrules import Engine
        from kolrules.dask import check_dataframe

        start = time.perf_counter()
        ddf = dd.read_parquet(posts, dtype_backend="pyarrow", split_row_groups=True)
        check_dataframe(ddf, Engine.bundled()).to_parquet(out, write_index=False)
        return time.perf_counter() - start

    def peaks(self) -> list[float]:
        """Peak RSS (MB) of each worker process so far."""
        found = self.client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        return sorted(found.values())


class _Spark:
    """A local[2] session with a warm JVM, started once (as a running cluster is)."""

    def __init__(self) -> None:
        self.skipped = ""
        try:
            import pyspark  # noqa: F401
        except ImportError:
            self.skipped = "skipped: pyspark not installed (pip install -e '.[spark]')"
        if not self.skipped and shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
            self.skipped = "skipped: no Java runtime"

    def __enter__(self) -> _Spark:
        if self.skipped:
            return self
        from pyspark.sql import SparkSession

        os.environ["PYSPARK_PYTHON"] = sys.executable
        self.spark = (
            SparkSession.builder.master("local[2]")
            .config("spark.ui.enabled", "false")
            .getOrCreate()
        )
        self.spark.sparkContext.setLogLevel("ERROR")
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.skipped:
            self.spark.stop()

    def run(self, posts: Path, out: Path) -> float:
        from kolrules import Engine
        from kolrules.spark import check_dataframe

        spark = self.spark
        start = time.perf_counter()
        # A file read as one input split would use one core: spread it, as a lake's files are.
        df = spark.read.parquet(str(posts)).repartition(spark.sparkContext.defaultParallelism)
        check_dataframe(df, Engine.bundled()).write.parquet(str(out))
        return time.perf_counter() - start


Runner = Callable[[Path, Path, Path], tuple[float, float]]


PATHS = ("one", "jobs2", "parquet", "dask", "spark")


def throughput(
    count: int,
    folder: Path,
    *,
    rounds: int,
    spark_too: bool = True,
    chosen: tuple[str, ...] = PATHS,
) -> None:
    """The chosen paths over the whole corpus, in ``rounds`` parts, their order rotated per part.

    Interleaving spreads a shared machine's changing load over all paths alike; each path still
    checks every record once. The Dask cluster and the Spark session live across the parts.
    ``--jobs 2`` is always timed: it is what the other rows are compared with.
    """
    chosen = tuple(dict.fromkeys(("jobs2", *chosen)))
    files = write_corpus(count, folder, rounds)
    size = sum(jsonl.stat().st_size for jsonl, _ in files)
    parquet_size = sum(posts.stat().st_size for _, posts in files)
    _cli(["check", "--format", "jsonl", str(files[0][0])])  # fill the pack cache
    names = [
        "kolrules check, one process (JSONL→JSONL)",
        "kolrules check --jobs 2 (JSONL→JSONL)",
        "kolrules check, Parquet→Parquet",
        "Dask LocalCluster, 2 worker processes",
        "Spark local[2], mapInArrow",
    ]
    walls = dict.fromkeys(names, 0.0)
    rss = dict.fromkeys(names[:3], 0.0)
    spark_state = _Spark()
    if not spark_too:
        spark_state.skipped = "skipped: --smoke"
    if "spark" not in chosen:
        spark_state.skipped = "not timed (--paths)"
    with _Dask() as dask_state, spark_state:
        if not spark_state.skipped:  # session and JVM warm, as on a running cluster
            spark_state.run(files[0][1], folder / "spark-warm")
        first_peaks: list[float] = []
        runners: list[tuple[str, Runner]] = [
            (names[0], lambda jsonl, _, __: _cli(["check", "--format", "jsonl", str(jsonl)])),
            (
                names[1],
                lambda jsonl, _, __: _cli(
                    ["check", "--format", "jsonl", "--jobs", "2", str(jsonl)]
                ),
            ),
            (
                names[2],
                lambda _, posts, out: _cli(["check", str(posts), "--output", f"{out}.parquet"]),
            ),
            (names[3], lambda _, posts, out: (dask_state.run(posts, Path(f"{out}-dask")), 0.0)),
            (names[4], lambda _, posts, out: (spark_state.run(posts, Path(f"{out}-spark")), 0.0)),
        ]
        paths = [
            runner
            for key, runner in zip(PATHS, runners, strict=True)
            if key in chosen and not (key == "spark" and spark_state.skipped)
        ]
        size_of_part = -(-count // len(files))
        for part, (jsonl, posts) in enumerate(files):
            out = folder / f"out-{part}"
            shift = part % len(paths)
            done = []
            for name, run in paths[shift:] + paths[:shift]:
                wall, peak = run(jsonl, posts, out)
                walls[name] += wall
                if name in rss:
                    rss[name] = max(rss[name], peak)
                done.append(f"{name.split(',')[0].split(' (')[0]} {size_of_part / wall:,.0f}/s")
            # A long run cut short still leaves its figures so far (a 1,000,000-record run on a
            # loaded machine outlasted a session and printed nothing).
            print(f"  part {part + 1}/{len(files)}: " + "; ".join(done), flush=True)
            if part == 0:
                first_peaks = dask_state.peaks()
            for leftover in folder.glob(f"out-{part}*"):
                shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
        last_peaks = dask_state.peaks()
    print(
        f"\n{count:,} records, unique texts ({size / 1e6:.1f} MB JSONL, "
        f"{parquet_size / 1e6:.1f} MB Parquet), 2 cores, {rounds} interleaved parts\n"
    )
    two_wall = walls[names[1]]
    print(f"  {'path':44} {'records/s':>10} {'× --jobs 2':>11} {'peak RSS':>9}")
    for key, name in zip(PATHS, names, strict=True):
        if key not in chosen:
            print(f"  {name:44} not timed (--paths)")
            continue
        if key == "spark" and spark_state.skipped:
            print(f"  {name:44} {spark_state.skipped}")
            continue
        wall = walls[name]
        memory = f"{rss[name]:6.0f} MB" if name in rss else ""
        print(f"  {name:44} {count / wall:10,.0f} {two_wall / wall:10.2f}x {memory:>9}")
    print(
        "\n  Dask peak RSS per worker after the first part: "
        f"{', '.join(f'{p:.0f} MB' for p in first_peaks)}; after all {rounds}: "
        f"{', '.join(f'{p:.0f} MB' for p in last_peaks)}"
    )
    if "one" in chosen and "parquet" in chosen:
        print(
            f"  Parquet round trip vs JSONL (one process): "
            f"{(walls[names[2]] - walls[names[0]]) / count * 1e6:+.0f} µs per record"
        )
    print(
        "  (CLI rows include interpreter start and pack loading once per part, and give the "
        "parent process's peak RSS; Dask and Spark rows exclude cluster start)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument(
        "--rounds", type=int, default=5, help="parts the corpus is checked in, paths interleaved"
    )
    parser.add_argument(
        "--paths",
        default=",".join(PATHS),
        help=f"comma-separated subset of {','.join(PATHS)} (jobs2 is always timed)",
    )
    parser.add_argument("--smoke", action="store_true", help="200 records, no Spark timing")
    args = parser.parse_args(argv)
    chosen = tuple(key.strip() for key in args.paths.split(",") if key.strip())
    unknown = sorted(set(chosen) - set(PATHS))
    if unknown:
        parser.error(f"unknown path(s) {', '.join(unknown)}; choose from {', '.join(PATHS)}")
    pickles()
    with tempfile.TemporaryDirectory() as tmp:
        throughput(
            200 if args.smoke else args.records,
            Path(tmp),
            rounds=1 if args.smoke else args.rounds,
            spark_too=not args.smoke,
            chosen=chosen,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
