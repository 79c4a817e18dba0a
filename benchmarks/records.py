"""Record validation, side by side in one run: ``python -m benchmarks.records [--rounds N]``.

Microseconds per record, median of interleaved rounds, on two corpora of 5,000 records: the
generated records with unique texts (``benchmarks.scale.unique_records``) and the sparse
producer-shaped records of ``tests/data/sparse-records.jsonl`` (repeated). Rows:

- the describing validator (``kolrules.records.validate_fully``: every issue with its path);
- the generated fast check (``kolrules.codegen.record_check.fast_check``), which every valid
  record with nothing to report takes;
- ``kolrules.validate`` (the fast check, then the describing validator when it declines);
- from JSON text: ``kolrules.inputs.loads`` (limits, surrogates) then ``validate``;
- when msgspec is installed (``pip install msgspec``; not a dependency, see
  docs/performance.md §0 "Fast records"): msgspec types built from ``kolrules.schema``,
  converting the same dicts, and decoding the same JSON bytes, in one pass each. They are the
  upper bound a C validator gives, not a faithful validator: they accept tuples, ``date``
  objects, infinities and datetime spellings the describing validator rejects.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kolrules import RecordError, schema, validate
from kolrules.codegen.record_check import ISO_COUNTRIES, fast_check
from kolrules.inputs import loads
from kolrules.records import validate_fully
from kolrules.types import EnumType, FieldType, Kind, ListOf, MapOf, ObjectType, Scalar

ROOT = Path(__file__).resolve().parents[1]


def sparse_records(count: int) -> list[dict[str, Any]]:
    """The producer-shaped sparse records of the tests, repeated with fresh ids."""
    lines = (ROOT / "tests" / "data" / "sparse-records.jsonl").read_text(encoding="utf-8")
    base = [json.loads(line)["record"] for line in lines.splitlines() if line.strip()]
    return [dict(base[i % len(base)], id=f"sparse-{i}") for i in range(count)]


def msgspec_validators() -> dict[str, tuple[Callable[[Any], object], bool]] | None:
    """msgspec converters built from the schema (dict input, bytes input), or None."""
    try:
        from typing import Annotated, Literal

        import msgspec
    except ImportError:
        return None
    country = Literal[tuple(sorted(ISO_COUNTRIES))]  # type: ignore[misc]
    made: dict[str, Any] = {}

    def typ(t: FieldType) -> Any:
        if isinstance(t, Scalar):
            bounds = {"ge": t.minimum, "le": t.maximum}
            meta = msgspec.Meta(**{k: v for k, v in bounds.items() if v is not None})
            if t.kind is Kind.INTEGER:
                return Annotated[int, meta]
            if t.kind in (Kind.NUMBER, Kind.SECONDS):
                return Annotated[int, meta] | Annotated[float, meta]
            return {
                Kind.BOOLEAN: bool,
                Kind.STRING: str,
                Kind.COUNTRY: country,
                Kind.LANGUAGE: Annotated[
                    str, msgspec.Meta(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
                ],
                Kind.DATE: dt.date,
                Kind.DATETIME: Annotated[dt.datetime, msgspec.Meta(tz=True)],
            }[t.kind]
        if isinstance(t, EnumType):
            return Literal[t.values]  # type: ignore[misc]
        if isinstance(t, ListOf):
            return list[typ(t.item)]  # type: ignore[misc]
        if isinstance(t, MapOf):
            return dict[country, typ(t.value)]  # type: ignore[misc,valid-type]
        return struct(t)

    def struct(t: ObjectType) -> Any:
        if t.name not in made:
            fields: list[Any] = []
            for f in t.fields:
                if f.derived:
                    continue
                kind = typ(f.type)
                if f.name == "schema":
                    kind = Literal["kolrules/activity@1", "kolrules/activity@1.0"]
                fields.append((f.name, kind) if f.required else (f.name, kind | None, None))
            made[t.name] = msgspec.defstruct(
                f"M_{t.name}", fields, forbid_unknown_fields=True, omit_defaults=True, kw_only=True
            )
        return made[t.name]

    record = struct(schema.RECORD)
    decoder = msgspec.json.Decoder(record)
    builtin = (dt.datetime, dt.date)
    errors = (msgspec.ValidationError, msgspec.DecodeError)

    def from_dict(raw: Any) -> object:
        try:
            return msgspec.to_builtins(msgspec.convert(raw, record), builtin_types=builtin)
        except errors:
            return None

    def from_bytes(data: bytes) -> object:
        try:
            return msgspec.to_builtins(decoder.decode(data), builtin_types=builtin)
        except errors:
            return None

    return {
        "msgspec convert (dict)": (from_dict, False),
        "msgspec decode (JSON bytes)": (from_bytes, True),
    }


def _describing(raw: Any) -> object:
    try:
        return validate_fully(raw)
    except RecordError:
        return None


def main(argv: list[str] | None = None) -> int:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--smoke", action="store_true", help="50 records, 1 round")
    args = parser.parse_args(argv)
    count, rounds = (50, 1) if args.smoke else (args.records, args.rounds)
    from benchmarks.scale import unique_records

    corpora = {"unique texts": list(unique_records(count)), "sparse": sparse_records(count)}
    encoded = {
        name: [json.dumps(r, ensure_ascii=False) for r in rs] for name, rs in corpora.items()
    }
    rows: dict[str, tuple[Callable[[Any], object], bool]] = {
        "describing validator (validate_fully)": (_describing, False),
        "generated fast check (fast_check)": (fast_check, False),
        "kolrules.validate": (validate, False),
        "from JSON text: inputs.loads + validate": (lambda s: validate(loads(s)), True),
    }
    rows.update(msgspec_validators() or {})
    for name, rs in corpora.items():
        accepted = sum(fast_check(r) is not None for r in rs)
        print(f"{name}: {len(rs)} records, {accepted} taken by the fast check")
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(rounds):
        for corpus, rs in corpora.items():
            texts = encoded[corpus]
            data = [t.encode() for t in texts]
            for row, (function, textual) in rows.items():
                items: list[Any] = rs
                if textual:
                    items = data if "bytes" in row else texts
                start = time.perf_counter()
                for item in items:
                    function(item)
                elapsed = time.perf_counter() - start
                times.setdefault((corpus, row), []).append(elapsed / len(items) * 1e6)
    print(f"\nµs per record, median of {rounds} interleaved rounds")
    print(f"{'':42}" + "".join(f"{name:>16}" for name in corpora))
    for row in rows:
        cells = "".join(f"{statistics.median(times[(c, row)]):16.2f}" for c in corpora)
        print(f"{row:42}{cells}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
