"""kolrules: advertising-disclosure law for influencers (KOLs) as executable, cited rules.

>>> from kolrules import Engine
>>> engine = Engine.bundled(jurisdictions=["VN"])
>>> report = engine.check({"id": "p1", "published_at": "2026-03-04T10:00:00+07:00"})
>>> report.status
'checked'
"""

from __future__ import annotations

__version__ = "0.1.0"

from kolrules.diagnostics import Diagnostic as Diagnostic
from kolrules.engine import Engine as Engine
from kolrules.errors import KolrulesError as KolrulesError
from kolrules.errors import RecordError as RecordError
from kolrules.errors import RuleError as RuleError
from kolrules.errors import UsageError as UsageError
from kolrules.findings import Citation as Citation
from kolrules.findings import Finding as Finding
from kolrules.findings import Report as Report
from kolrules.findings import Summary as Summary
from kolrules.lang import lint as lint
from kolrules.records import Record as Record
from kolrules.records import validate as validate

__all__ = [
    "Citation",
    "Diagnostic",
    "Engine",
    "Finding",
    "KolrulesError",
    "Record",
    "RecordError",
    "Report",
    "RuleError",
    "Summary",
    "UsageError",
    "__version__",
    "lint",
    "validate",
]
