"""kolrules on Dask: a LocalCluster of 2 worker processes, invalid records, and a worker killed
in the middle of a run (no record lost or counted twice)."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pyarrow", reason="pyarrow not installed (pip install 'kolrules[arrow]')")
pytest.importorskip("dask.dataframe", reason="dask not installed (pip install 'kolrules[dask]')")
distributed = pytest.importorskip(
    "distributed", reason="distributed not installed (pip install 'kolrules[dask]')"
)

import dask.bag as db  # noqa: E402
import dask.dataframe as dd  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from kolrules import Engine  # noqa: E402
from kolrules.cli import main  # noqa: E402
from kolrules.columnar import SCHEMA  # noqa: E402
from kolrules.dask import check_bag, check_dataframe  # noqa: E402
from kolrules.inputs import Input  # noqa: E402
from tests.scale_helpers import corpus, rows  # noqa: E402


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.bundled()


def test_bag_gives_one_report_per_record(client: Any, engine: Engine) -> None:
    records = corpus(90)
    got = check_bag(db.from_sequence(records, npartitions=6), engine).compute()
    expected = [r.to_dict() for r in engine.check_many(Input(None, r) for r in records)]
    assert got == expected
    assert [r["status"] for r in got].count("invalid") == 2


def test_dataframe_findings_equal_the_cli(client: Any, engine: Engine, tmp_path: Path) -> None:
    posts = tmp_path / "posts.parquet"
    pq.write_table(pa.Table.from_pylist(corpus(120)), posts, row_group_size=25)
    cli = tmp_path / "cli.parquet"
    assert main(["check", str(posts), "--output", str(cli)]) == 1
    ddf = dd.read_parquet(posts, dtype_backend="pyarrow", split_row_groups=True)
    assert ddf.npartitions > 1
    findings = check_dataframe(ddf, engine)
    out = tmp_path / "dask"
    findings.to_parquet(out, write_index=False)
    written = pq.read_table(out).select(SCHEMA.names)
    assert written.schema.remove_metadata().equals(SCHEMA.remove_metadata())
    assert rows(written) == rows(pq.read_table(cli))
    invalid = written.filter(pa.compute.equal(written["status"], "invalid"))
    assert sorted(invalid["record_id"].to_pylist()) == ["bad-date", "bad-followers"]


def _slowly(record: dict) -> dict:
    time.sleep(0.01)  # stretch the run so a worker can be killed while tasks are pending
    return record


def test_worker_killed_mid_run(client: Any, engine: Engine) -> None:
    records = corpus(400)
    expected = [r.to_dict() for r in engine.check_many(Input(None, r) for r in records)]
    bag = check_bag(db.from_sequence(records, npartitions=40).map(_slowly), engine)
    future = client.compute(bag)
    time.sleep(1.5)
    assert not future.done(), "the run ended before a worker could be killed"
    victim = sorted(client.scheduler_info()["workers"])[0]
    pid = client.run(os.getpid, workers=[victim])[victim]
    os.kill(pid, signal.SIGKILL)  # the nanny starts a new worker; lost tasks run again
    got = future.result(timeout=120)
    assert len(got) == len(records)
    assert [r["record_id"] for r in got] == [r["id"] for r in records]
    assert got == expected
    client.wait_for_workers(2, timeout=60)
