"""kolrules on Spark: ``mapInArrow`` over a local[2] session, when pyspark and Java are here."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pyarrow", reason="pyarrow not installed (pip install 'kolrules[arrow]')")
pytest.importorskip("pyspark", reason="pyspark not installed (pip install 'kolrules[spark]')")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    pytest.skip(
        "no Java runtime: Spark needs one (apt-get install default-jre-headless)",
        allow_module_level=True,
    )

import pyarrow as pa
import pyarrow.parquet as pq
from pyspark.sql import SparkSession
from pyspark.sql.pandas.types import to_arrow_schema
from pyspark.sql.types import _parse_datatype_string

from kolrules import Engine
from kolrules.cli import main
from kolrules.columnar import SCHEMA
from kolrules.spark import SPARK_SCHEMA, check_dataframe
from tests.scale_helpers import corpus, rows


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    os.environ["PYSPARK_PYTHON"] = sys.executable  # workers run this interpreter
    session = (
        SparkSession.builder.master("local[2]")
        .appName("kolrules-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_spark_schema_is_the_findings_schema(spark: Any) -> None:
    arrow = to_arrow_schema(_parse_datatype_string(SPARK_SCHEMA))
    assert [f.name for f in arrow] == SCHEMA.names
    for mine, theirs in zip(SCHEMA, arrow, strict=True):
        assert str(mine.type).replace("item", "element") == str(theirs.type).replace(
            "item", "element"
        ), mine.name


def test_findings_equal_the_cli(spark: Any, tmp_path: Path) -> None:
    posts = tmp_path / "posts.parquet"
    pq.write_table(pa.Table.from_pylist(corpus(120)), posts, row_group_size=30)
    cli = tmp_path / "cli.parquet"
    assert main(["check", str(posts), "--output", str(cli)]) == 1
    df = spark.read.parquet(str(posts)).repartition(3)
    out = tmp_path / "spark"
    check_dataframe(df, Engine.bundled()).write.parquet(str(out))
    written = pq.read_table(out)
    assert rows(written) == rows(pq.read_table(cli))
    invalid = written.filter(pa.compute.equal(written["status"], "invalid"))
    assert sorted(invalid["record_id"].to_pylist()) == ["bad-date", "bad-followers"]


def test_json_text_column(spark: Any, tmp_path: Path) -> None:
    examples = Path(__file__).parents[1] / "examples" / "activities.jsonl"
    lines = examples.read_text(encoding="utf-8").splitlines()
    df = spark.createDataFrame([(line,) for line in lines], "record string")
    got = check_dataframe(df, json_column="record").toArrow()
    cli = tmp_path / "cli.parquet"
    main(["check", str(examples), "--output", str(cli)])
    assert rows(got) == rows(pq.read_table(cli))
