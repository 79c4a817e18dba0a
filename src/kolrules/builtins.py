"""Signatures of the built-in predicates (``BUILTINS``), as the checker and compiler read them.

Each built-in is declared once, beside its implementation, in ``kolrules.runtime.builtins``;
this module keeps the import path ``kolrules.builtins`` working.
"""

from __future__ import annotations

from kolrules.runtime.builtins import BUILTINS, Signature

__all__ = ["BUILTINS", "Signature"]
