"""kolrules on Spark (``kolrules[spark]``): a DataFrame of records → a DataFrame of findings.

``check_dataframe(df)`` runs ``df.mapInArrow``: Arrow record batches of records go in, Arrow
batches of findings with the fixed schema of ``kolrules.columnar.SCHEMA`` come out (one row per
finding, one per invalid record). The engine is sent as one broadcast variable, so each executor
receives it once (about 60 KB pickled for all packs); each Python worker unpickles it once and
keeps its compiled plans across the batches and tasks it runs.

Records may be nested columns matching the record format (as ``spark.read.json`` or Parquet
give them; a null is an absent fact) or one JSON text column (``json_column``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from kolrules.columnar import check_batches
from kolrules.engine import Engine

#: ``kolrules.columnar.SCHEMA`` in Spark's DDL (kept equal to it by a test).
SPARK_SCHEMA = (
    "record_id string, line bigint, status string, as_of date, jurisdiction string, "
    "rule_id string, outcome string, severity string, title string, message string, "
    "remedy string, citations array<struct<text: string, url: string>>, evidence string, "
    "missing array<string>, rule_source string, confidence string, notes array<string>, "
    "overridden_by array<string>, "
    "presumed array<struct<path: string, value: string, by: string, reason: string>>, "
    "errors array<struct<path: string, message: string, code: string>>, "
    "warnings array<struct<path: string, message: string, code: string>>"
)


def _checker(
    broadcast: Any, json_column: str | None, as_of: dt.date | None, include_pass: bool
) -> Any:
    def check(batches: Iterator[Any]) -> Iterator[Any]:
        engine = broadcast.value  # unpickled once per Python worker, then reused
        yield from check_batches(
            engine, batches, json_column=json_column, as_of=as_of, include_pass=include_pass
        )

    return check


def check_dataframe(
    df: Any,
    engine: Engine | None = None,
    *,
    json_column: str | None = None,
    as_of: dt.date | None = None,
    include_pass: bool = False,
) -> Any:
    """The findings of every record in ``df`` as a Spark DataFrame (``SPARK_SCHEMA``; ``line``
    is null: a distributed frame has no input line numbers, use ``record_id``).

    ``engine`` defaults to the bundled packs.
    """
    engine = engine if engine is not None else Engine.bundled()
    broadcast = df.sparkSession.sparkContext.broadcast(engine)
    return df.mapInArrow(_checker(broadcast, json_column, as_of, include_pass), SPARK_SCHEMA)
