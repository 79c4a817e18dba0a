"""Shared data for the scale-out tests: records with invalid ones among them, and a way to
compare findings tables from different paths."""

from __future__ import annotations

import json
import random
from typing import Any

from benchmarks.generate import records as generate


def corpus(count: int = 120, *, seed: int = 5) -> list[dict[str, Any]]:
    """Generated records with unique texts, plus two invalid ones at fixed places."""
    rng = random.Random(seed)
    out = []
    for record in generate(count, seed=seed):
        record["content"]["caption"] += f" {rng.random():.6f}"  # no two texts alike
        out.append(record)
    out[3] = {"id": "bad-date", "published_at": "yesterday"}
    out[count // 2] = {
        "id": "bad-followers",
        "published_at": "2026-03-01T00:00:00Z",
        "kol": {"followers": -5},
    }
    return out


def rows(table: Any, *, line: bool = False) -> list[str]:
    """A findings table's rows as sorted JSON texts (without ``line`` unless asked)."""
    out = []
    for row in table.to_pylist():
        if not line:
            row.pop("line")
        out.append(json.dumps(row, sort_keys=True, default=str, ensure_ascii=False))
    return sorted(out)
