"""ISO 3166-1 alpha-2 country codes: the ones the standard assigns, and the usual mistakes.

Records and rule packs name countries by these codes. A code outside them (``"UK"``) would
silently match nothing, so the record validator (KR515) and the checker (KR211) warn, with the
code meant where that is clear. The user-assigned ranges (``AA``, ``QM``–``QZ``, ``XA``–``XZ``,
``ZZ``) are accepted for private use, such as test jurisdictions (``XX``).
"""

from __future__ import annotations

_CODES = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
    DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
    GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
    KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
    MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
    VN VU WF WS YE YT ZA ZM ZW
"""

#: The 249 officially assigned alpha-2 codes.
ASSIGNED = frozenset(_CODES.split())

#: Codes people write for a country whose ISO code differs.
MISTAKES = {"UK": "GB", "EL": "GR", "EN": "GB"}


def user_assigned(code: str) -> bool:
    """Whether the code is in a range ISO 3166-1 leaves to private use."""
    if len(code) != 2 or not code.isalpha() or not code.isupper():
        return False
    return code in ("AA", "ZZ") or code[0] == "X" or (code[0] == "Q" and code[1] >= "M")


def problem(code: str) -> str | None:
    """None for a valid code; else what is wrong with it, naming the code meant if clear."""
    if code in ASSIGNED or user_assigned(code):
        return None
    meant = MISTAKES.get(code)
    if meant is not None:
        return f'"{code}" is not an ISO 3166-1 country code; did you mean "{meant}"?'
    return f'"{code}" is not an ISO 3166-1 country code'


def suggestion(code: str) -> str | None:
    """The code meant, for the usual mistakes."""
    return MISTAKES.get(code)
