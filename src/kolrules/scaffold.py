"""``kolrules new-pack CODE``: a rule pack folder to start from.

The pack is complete as written: it lints clean under ``--strict``, is in ``fmt``'s canonical
layout, its examples pass ``kolrules test``, and ``kolrules check --rules FOLDER`` runs it beside
the bundled packs. It holds one jurisdiction header, one ``source``, one label vocabulary and
one rule with a violating and a compliant example, each marked where the author's text goes.
"""

from __future__ import annotations

import re
import zoneinfo
from pathlib import Path

from kolrules.countries import ASSIGNED, MISTAKES, user_assigned
from kolrules.errors import UsageError

_JURISDICTION = """\
# {code}: the jurisdiction header, the legal sources the pack cites and its label words.
# Replace each TODO with the real text; `kolrules lint --strict {folder}` says what is wrong.

jurisdiction {code} {{
  name "TODO: the jurisdiction's name"
  authority "TODO: the authority that enforces these rules"
  # The law in force is taken on the post's local date in this time zone.
  timezone "{timezone}"
  # When a post falls under this pack: its audience includes the country.
  scope audience.countries contains "{country}"
}}

# Each legal instrument, declared once; rules cite it by name and article.
source {prefix}_adlaw {{
  title "TODO: the instrument's title in its own language"
  english "TODO: its title in English"
  url "https://example.org/TODO-official-text"
  date 2020-01-01
  in force from 2020-01-01
}}

# The words that count as an advertising disclosure, by class.
labels {prefix}_labels {{
  accepted: "#ad", "ad", "advertisement"
  unclear: "#sp", "#spon", "collab"
}}
"""

_RULES = """\
# {code}: identifying advertising. One rule to copy for each obligation of the law.
import "jurisdiction.kol"

rule {code}-ADLAW-1-MARK-ADS {{
  title "Sponsored content must be identified as advertising"
  obligation disclosure.label
  cite {prefix}_adlaw art "1"
  severity error
  effective from 2020-01-01
  applies when is_sponsored
  requires any d in disclosures: d.text matches {prefix}_labels.accepted
  message "this sponsored post is not marked as advertising"
  remedy "start the caption with \\"#ad\\""
}}

# A record the examples start from: a paid post seen in {country}, with no disclosure yet.
base {prefix}_sponsored_post {{
  "id": "{prefix}-1",
  "published_at": "2026-03-04T10:00:00Z",
  "audience": {{"countries": ["{country}"]}},
  "kol": {{"handle": "@example.kol"}},
  "content": {{"caption": "Loving my new trainers"}},
  "commercial": {{"relationship": "paid"}},
  "disclosures": []
}}

example "a paid post without any label" {{
  from {prefix}_sponsored_post
  expect {code}-ADLAW-1-MARK-ADS violation
}}

example "a paid post starting with #ad" {{
  from {prefix}_sponsored_post
  patch {{"disclosures": [{{"text": "#ad", "placement": "caption_start"}}]}}
  expect {code}-ADLAW-1-MARK-ADS pass
}}
"""


def _country(code: str, country: str | None) -> str:
    """The ISO 3166-1 code of the pack's audience, or a usage error saying which to give."""
    wanted = (country or code).upper()
    if wanted in ASSIGNED or user_assigned(wanted):
        return wanted
    meant = MISTAKES.get(wanted)
    hint = f" (did you mean {meant}?)" if meant else ""
    fix = f"new-pack {code} --country {meant or 'XX'}" if not country else "--country XX"
    raise UsageError(
        f"{wanted} is not an ISO 3166-1 country code{hint}; records name the audience's "
        f"countries by these codes, so give one: {fix}"
    )


def scaffold(
    code: str, folder: Path, *, country: str | None = None, timezone: str = "UTC"
) -> list[Path]:
    """Write the pack for jurisdiction ``code`` into ``folder`` (new or empty); the files."""
    code = code.strip().upper()
    if not re.fullmatch(r"[A-Z]{2,3}", code):
        raise UsageError(f"expected a jurisdiction code of 2 or 3 letters, e.g. GB, got {code!r}")
    audience = _country(code, country)
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise UsageError(
            f"unknown time zone {timezone!r}; give an IANA name such as Europe/London"
        ) from None
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"{folder} exists and is not an empty folder; choose another")
    fields = {
        "code": code,
        "prefix": code.lower(),
        "country": audience,
        "timezone": timezone,
        "folder": folder.as_posix(),
    }
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, template in (("jurisdiction.kol", _JURISDICTION), ("rules.kol", _RULES)):
        path = folder / name
        path.write_text(template.format(**fields), encoding="utf-8")
        written.append(path)
    return written
