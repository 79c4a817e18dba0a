"""``python -m kolrules``."""

from kolrules.cli import entry_point

entry_point()
