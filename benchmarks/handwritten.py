"""The 12 benchmark rules as plain Python functions over format-1 dicts: the practical limit.

Each function returns True when its rule fires (a violation). Written the way a careful developer
would, without any engine: direct dict access, precompiled regular expressions.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from dateutil.relativedelta import relativedelta

Record = dict[str, Any]

_ACCEPTED = re.compile(
    r"(?<![0-9a-z_])(?:#ad|advertisement|sponsored|paid partnership)(?![0-9a-z_])"
)
_AMBIGUOUS = re.compile(r"(?<![0-9a-z_])(?:#sp|#spon|#collab)(?![0-9a-z_])")
_PROMINENT = frozenset({"caption_start", "overlay", "spoken"})


def _accepted(text: str) -> bool:
    return _ACCEPTED.search(text.lower()) is not None


def _ambiguous(text: str) -> bool:
    return _AMBIGUOUS.search(text.lower()) is not None


def _vn_label(text: str) -> bool:
    folded = unicodedata.normalize("NFD", text.casefold())
    return "quangcao" in "".join(ch for ch in folded if ch.isalnum())


def _sponsored(r: Record) -> bool:
    return r["commercial"]["relationship"] != "none"


def _in(r: Record, code: str) -> bool:
    return code in r["audience"]["countries"]


def _sanctioned_within_3y(r: Record) -> bool:
    published = dt.datetime.fromisoformat(r["published_at"].replace("Z", "+00:00")).date()
    start = published - relativedelta(years=3)
    return any(
        start <= dt.date.fromisoformat(s["date"]) <= published for s in r["kol"]["sanctions"]
    )


def us_01(r: Record) -> bool:
    return (
        _in(r, "US")
        and _sponsored(r)
        and not any(d["placement"] in _PROMINENT and _accepted(d["text"]) for d in r["disclosures"])
    )


def us_02(r: Record) -> bool:
    texts = [d["text"] for d in r["disclosures"]]
    return (
        _in(r, "US")
        and _sponsored(r)
        and any(_ambiguous(t) for t in texts)
        and not any(_accepted(t) for t in texts)
    )


def cn_01(r: Record) -> bool:
    return (
        _in(r, "CN")
        and _sponsored(r)
        and "广告" not in r["content"]["caption"]
        and not any("广告" in d["text"] for d in r["disclosures"])
    )


def cn_02(r: Record) -> bool:
    return (
        _in(r, "CN")
        and _sponsored(r)
        and r["commercial"]["product"]["category"] in ("drug", "medical_device", "health_food")
    )


def cn_03(r: Record) -> bool:
    return _in(r, "CN") and _sponsored(r) and r["kol"]["age"] < 10


def cn_04(r: Record) -> bool:
    return _in(r, "CN") and _sponsored(r) and _sanctioned_within_3y(r)


def cn_05(r: Record) -> bool:
    return (
        _in(r, "CN") and r["kol"]["followers"] >= 1_000_000 and not r["kol"]["real_name_verified"]
    )


_NEEDED = {"finance": "finance", "education": "education", "drug": "pharmacy"}


def cn_06(r: Record) -> bool:
    category = r["commercial"]["product"]["category"]
    if not (_in(r, "CN") and _sponsored(r) and category in _NEEDED):
        return False
    return not any(c["field"] == _NEEDED[category] for c in r["kol"]["credentials"])


def vn_01(r: Record) -> bool:
    return (
        _in(r, "VN")
        and _sponsored(r)
        and not _vn_label(r["content"]["caption"])
        and not any(_vn_label(d["text"]) for d in r["disclosures"])
    )


def vn_02(r: Record) -> bool:
    return (
        _in(r, "VN")
        and _sponsored(r)
        and r["commercial"]["product"]["category"] in ("health_food", "cosmetics", "drug")
        and not r["commercial"]["kol_used_product"]
    )


def gl_01(r: Record) -> bool:
    return _sponsored(r) and r["commercial"]["product"]["category"] == "tobacco"


def gl_02(r: Record) -> bool:
    return (
        _sponsored(r)
        and r["commercial"]["product"]["category"] == "gambling"
        and (_in(r, "VN") or _in(r, "CN"))
    )


RULES: dict[str, Callable[[Record], bool]] = {
    "US-01": us_01,
    "US-02": us_02,
    "CN-01": cn_01,
    "CN-02": cn_02,
    "CN-03": cn_03,
    "CN-04": cn_04,
    "CN-05": cn_05,
    "CN-06": cn_06,
    "VN-01": vn_01,
    "VN-02": vn_02,
    "GL-01": gl_01,
    "GL-02": gl_02,
}


def violations(r: Record) -> list[str]:
    """The ids of the rules the record violates."""
    return [rule_id for rule_id, fires in RULES.items() if fires(r)]


_CREDENTIAL_CATEGORIES = ("finance", "education", "drug")


def fused(r: Record) -> list[str]:
    """The same 12 rules in one pass that computes every shared test once: the practical limit.

    What a developer would write who optimised by hand for this rule set: the audience, the
    sponsorship and the category read once; each disclosure text lowered and searched once per
    vocabulary; the rules then combine those answers. Agrees with ``violations`` on every record.
    """
    countries = r["audience"]["countries"]
    us, cn, vn = "US" in countries, "CN" in countries, "VN" in countries
    commercial = r["commercial"]
    sponsored = commercial["relationship"] != "none"
    category = commercial["product"]["category"]
    kol = r["kol"]
    out: list[str] = []
    if sponsored and (us or cn or vn):
        accepted = prominent_accepted = ambiguous = chinese = vietnamese = False
        for d in r["disclosures"]:
            text = d["text"]
            lowered = text.lower()
            if us:
                if _ACCEPTED.search(lowered) is not None:
                    accepted = True
                    if d["placement"] in _PROMINENT:
                        prominent_accepted = True
                elif _AMBIGUOUS.search(lowered) is not None:
                    ambiguous = True
            if cn and not chinese and "广告" in text:
                chinese = True
            if vn and not vietnamese and _vn_label(text):
                vietnamese = True
        if us:
            if not prominent_accepted:
                out.append("US-01")
            if ambiguous and not accepted:
                out.append("US-02")
        if cn:
            if not chinese and "广告" not in r["content"]["caption"]:
                out.append("CN-01")
            if category in ("drug", "medical_device", "health_food"):
                out.append("CN-02")
            if kol["age"] < 10:
                out.append("CN-03")
            if kol["sanctions"] and _sanctioned_within_3y(r):
                out.append("CN-04")
    if cn and kol["followers"] >= 1_000_000 and not kol["real_name_verified"]:
        out.append("CN-05")
    if sponsored and cn and category in _CREDENTIAL_CATEGORIES:
        needed = _NEEDED[category]
        if not any(c["field"] == needed for c in kol["credentials"]):
            out.append("CN-06")
    if sponsored and vn:
        if not vietnamese and not _vn_label(r["content"]["caption"]):
            out.append("VN-01")
        if category in ("health_food", "cosmetics", "drug") and not commercial["kol_used_product"]:
            out.append("VN-02")
    if sponsored and category == "tobacco":
        out.append("GL-01")
    if sponsored and category == "gambling" and (vn or cn):
        out.append("GL-02")
    return out
