"""Hypothesis strategies for activity records (format 1), for testing apps that publish KOL content.

>>> from kolrules.strategies import activity_records, for_rule
>>> records = activity_records(countries=["VN"], formats=["short_video"], sparsity=0.2)

Every record is valid by construction. ``for_rule`` builds records that get a chosen outcome for
one rule, from the rule's compiled structure: each condition is made true, false or unknown by
setting (or removing) the facts it reads, so no examples are thrown away. Install with
``pip install kolrules[hypothesis]``.
"""

from __future__ import annotations

# The package's modules, along its seams: random valid records (``_records``); steering a
# record so that a compiled condition is true, false or unknown (``_steer``); records with a
# chosen outcome for one rule, and the search for a difference between two rules
# (``_for_rule``). The public API is what it was when this was one module.
from kolrules.strategies._for_rule import find_difference, for_rule
from kolrules.strategies._records import CAPTIONS as CAPTIONS
from kolrules.strategies._records import COUNTRIES as COUNTRIES
from kolrules.strategies._records import FORMATS as FORMATS
from kolrules.strategies._records import LANGUAGES as LANGUAGES
from kolrules.strategies._records import OUTCOMES as OUTCOMES
from kolrules.strategies._records import PLACEMENTS as PLACEMENTS
from kolrules.strategies._records import PLATFORMS as PLATFORMS
from kolrules.strategies._records import TEXTS as TEXTS
from kolrules.strategies._records import activity_records, disclosures, kols

__all__ = ["activity_records", "disclosures", "find_difference", "for_rule", "kols"]
