"""Dates, datetimes, time zones and durations.

Calendar arithmetic uses python-dateutil's ``relativedelta``: adding a month keeps the day of the
month where it exists and otherwise takes the month's last day, so 31 January + 1 month is
28 February (29 in leap years), and 29 February + 1 year is 28 February. "Within N months before
X" therefore means on or after ``X - N months`` by that arithmetic.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Literal

import attrs
from dateutil.parser import isoparse
from dateutil.relativedelta import relativedelta

Unit = Literal["seconds", "minutes", "hours", "days", "weeks", "months", "years"]

#: Seconds per fixed-length unit. Months and years have no fixed length.
FIXED_SECONDS: dict[str, int] = {
    "seconds": 1,
    "minutes": 60,
    "hours": 3600,
    "days": 86400,
    "weeks": 604800,
}
UNITS: tuple[str, ...] = (*FIXED_SECONDS, "months", "years")

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
# An IANA zone name: "Area/Location[/Sublocation]" of letters, digits, "_", "-" and "+".
_IANA_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)+\Z")

#: Record datetimes must fall in this range (UTC), so that taking them in any time zone stays
#: within the calendar Python can represent (years 1 to 9999).
DATETIME_RANGE = (
    dt.datetime(1, 1, 2, tzinfo=dt.timezone.utc),
    dt.datetime(9999, 12, 30, 23, 59, 59, 999999, tzinfo=dt.timezone.utc),
)


@attrs.frozen
class Duration:
    """A length of time written in a rule, such as ``3 years`` or ``24 hours``."""

    amount: float
    unit: str

    @property
    def is_fixed(self) -> bool:
        """Whether it has a fixed length in seconds (not months or years)."""
        return self.unit in FIXED_SECONDS

    def seconds(self) -> float:
        """Length in seconds; only for fixed units."""
        return self.amount * FIXED_SECONDS[self.unit]

    def delta(self) -> relativedelta | dt.timedelta:
        """The offset to add to a date or datetime."""
        if self.unit == "months":
            return relativedelta(months=int(self.amount))
        if self.unit == "years":
            return relativedelta(years=int(self.amount))
        return dt.timedelta(seconds=self.seconds())

    def __str__(self) -> str:
        amount = int(self.amount) if float(self.amount).is_integer() else self.amount
        unit = self.unit[:-1] if amount == 1 else self.unit
        return f"{amount} {unit}"


def normalize_unit(word: str) -> str:
    """``hour`` → ``hours``: the plural form used internally."""
    return word if word.endswith("s") else word + "s"


def parse_date(text: str) -> dt.date:
    """An ISO 8601 calendar date (``2026-01-01``); ValueError otherwise."""
    if not _DATE.match(text):
        raise ValueError(f"expected a date like 2026-01-01, got {text!r}")
    return dt.date.fromisoformat(text)


def parse_datetime(text: str) -> tuple[dt.datetime, bool]:
    """An ISO 8601 datetime, aware; the flag says no offset was given and UTC was assumed."""
    value = isoparse(text)
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc), True
    return value, False


def zone(name: str) -> dt.tzinfo | None:
    """The IANA time zone called ``name`` (e.g. ``Asia/Ho_Chi_Minh``), or None when unknown.

    Only names of the IANA database are accepted: never a path (``/etc/passwd``,
    ``../x``) or a POSIX TZ string (``EST5``, ``Foo/Bar+5``), which would make a time zone
    library open a file or invent a zone.
    """
    if name == "UTC":
        return dt.timezone.utc
    if not _IANA_NAME.match(name) or ".." in name:
        return None
    try:
        # The system's tz database, or the tzdata package (a dependency where there is none).
        return zoneinfo.ZoneInfo(name)
    except (KeyError, ValueError, OSError):  # not found, malformed, or a folder
        return None


def local_date(moment: dt.datetime, tzinfo: dt.tzinfo) -> dt.date:
    """The calendar date of an aware datetime in a time zone."""
    return moment.astimezone(tzinfo).date()


def shift(point: dt.date | dt.datetime, duration: Duration, sign: int) -> dt.date | dt.datetime:
    """``point ± duration``; a date shifted by hours stays a date (whole days are applied)."""
    delta = duration.delta()
    if isinstance(delta, dt.timedelta) and not isinstance(point, dt.datetime):
        days = int(delta.total_seconds() // 86400)
        return point + dt.timedelta(days=sign * days)
    result: dt.date | dt.datetime = point + delta if sign > 0 else point - delta
    return result


def whole_years_between(start: dt.date, end: dt.date) -> int:
    """Completed years from ``start`` to ``end`` (an age), by calendar arithmetic."""
    return relativedelta(end, start).years
