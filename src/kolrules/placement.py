"""The built-in predicates' implementations (``PREDICATES``), kept at this import path.

Each built-in is declared once, beside its implementation, in ``kolrules.runtime.builtins``.
"""

from __future__ import annotations

from kolrules.runtime.builtins import (
    BURIED_MIN_HASHTAGS,
    IN_VIDEO,
    PERSISTENT,
    PREDICATES,
    VISIBLE_BEFORE_FOLD,
)

__all__ = ["BURIED_MIN_HASHTAGS", "IN_VIDEO", "PERSISTENT", "PREDICATES", "VISIBLE_BEFORE_FOLD"]
