"""kolrules on Dask (``kolrules[dask]``): bags of records and dataframes of records, checked on
the workers with one engine shipped once per worker.

- ``check_bag(bag)``: a bag of records (dicts) → a bag of report dicts (``Report.to_json``, the
  ``--format jsonl`` object), one per record, invalid ones included.
- ``check_dataframe(ddf)``: a dataframe of records (nested columns as in the record format, or
  one JSON text column) → a dataframe of findings with the fixed Arrow schema of
  ``kolrules.columnar.SCHEMA`` (one row per finding, one per invalid record), ready to aggregate
  or to write with ``to_parquet``.

The engine is wrapped in one ``dask.delayed`` value, so the graph holds it once (about 60 KB
pickled for all packs) and each worker deserializes it once and keeps its compiled plans warm
across partitions. Partitions are pure functions of their input: a partition lost with a worker
is recomputed from its input, so no record is lost or counted twice.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import pandas as pd
from dask.delayed import delayed

from kolrules.columnar import SCHEMA, check_table, table_from_pandas
from kolrules.engine import Engine
from kolrules.inputs import Input


@functools.cache
def _bundled() -> Engine:
    return Engine.bundled()


def _engine(engine: Engine | None) -> Any:
    """The engine as one graph value; with none given, each worker loads the bundled packs."""
    return delayed(engine, pure=True) if engine is not None else None


def _check_records(
    records: Any, engine: Engine | None, as_of: dt.date | None, include_pass: bool
) -> list[dict[str, Any]]:
    checker = engine if engine is not None else _bundled()
    items = (Input(None, record) for record in records)
    return [
        report.to_dict()
        for report in checker.check_many(items, as_of=as_of, include_pass=include_pass)
    ]


def check_bag(
    bag: Any,
    engine: Engine | None = None,
    *,
    as_of: dt.date | None = None,
    include_pass: bool = False,
) -> Any:
    """A bag of report dicts, one per record of ``bag`` (records as dicts), in bag order.

    Invalid records give ``"status": "invalid"`` reports; none is dropped. ``engine``
    defaults to the bundled packs, loaded once on each worker.
    """
    return bag.map_partitions(
        _check_records, _engine(engine), as_of=as_of, include_pass=include_pass
    )


def findings_meta() -> pd.DataFrame:
    """An empty frame with the findings schema, as Arrow-backed pandas dtypes."""
    return SCHEMA.empty_table().to_pandas(types_mapper=pd.ArrowDtype)


def _check_partition(
    frame: pd.DataFrame,
    engine: Engine | None,
    json_column: str | None,
    as_of: dt.date | None,
    include_pass: bool,
) -> pd.DataFrame:
    checker = engine if engine is not None else _bundled()
    table = check_table(
        checker,
        table_from_pandas(frame),
        json_column=json_column,
        as_of=as_of,
        include_pass=include_pass,
    )
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def check_dataframe(
    ddf: Any,
    engine: Engine | None = None,
    *,
    json_column: str | None = None,
    as_of: dt.date | None = None,
    include_pass: bool = False,
) -> Any:
    """The findings of every record in ``ddf``, partition by partition, as a dask dataframe
    with the columns of ``kolrules.columnar.SCHEMA`` (``line`` is null: a distributed frame
    has no input line numbers; use ``record_id``).

    Read Parquet with ``dtype_backend="pyarrow"`` so nested and nullable columns keep their
    Arrow types (a nullable integer read as NumPy becomes a float).
    """
    return ddf.map_partitions(
        _check_partition,
        _engine(engine),
        json_column,
        as_of,
        include_pass,
        meta=findings_meta(),
        enforce_metadata=False,
        align_dataframes=False,
    )
