"""Activity record format 1 (``../shared/spec/activity-record.md``) as data.

One definition serves the record validator, the rule checker (field paths and types),
``kolrules schema`` (JSON Schema) and ``docs/records.md``.
"""

from __future__ import annotations

from kolrules.types import EnumType, Field, FieldType, Kind, ListOf, MapOf, ObjectType, Scalar

SCHEMA_NAME = "kolrules/activity"
SCHEMA_MAJOR = 1
SCHEMA_MINOR = 0

STRING = Scalar(Kind.STRING)
BOOLEAN = Scalar(Kind.BOOLEAN)
DATE = Scalar(Kind.DATE)
DATETIME = Scalar(Kind.DATETIME)
COUNTRY = Scalar(Kind.COUNTRY)
LANGUAGE = Scalar(Kind.LANGUAGE)
COUNT = Scalar(Kind.INTEGER, minimum=0)
SHARE = Scalar(Kind.NUMBER, minimum=0, maximum=1)
SECONDS = Scalar(Kind.SECONDS, minimum=0)
AMOUNT = Scalar(Kind.NUMBER, minimum=0)


def _open(*values: str) -> EnumType:
    return EnumType(values, closed=False)


def _closed(*values: str) -> EnumType:
    return EnumType(values, closed=True)


def _f(name: str, type_: FieldType, doc: str, **kw: bool) -> Field:
    return Field(name, type_, doc, **kw)


def _obj(name: str, *fields: Field) -> ObjectType:
    return ObjectType(name, fields)


MONEY = _obj(
    "money",
    _f("amount", AMOUNT, "amount in the currency's units"),
    _f("currency", STRING, "ISO 4217 currency code, e.g. `USD`, `VND`, `CNY`"),
)

CREDENTIAL_FIELDS = _open(
    "medicine",
    "pharmacy",
    "nursing",
    "physiotherapy",
    "traditional_medicine",
    "nutrition",
    "finance",
    "securities",
    "insurance",
    "accounting",
    "law",
    "education",
    "psychology",
    "other",
)

CREDENTIAL = _obj(
    "credential",
    _f("field", CREDENTIAL_FIELDS, "professional field of the qualification"),
    _f("kind", STRING, "what it is, e.g. `physician`, `licensed_teacher`"),
    _f("id", STRING, "licence or certificate number"),
    _f("issuer", STRING, "who issued it"),
    _f("country", COUNTRY, "where it was issued; it counts there unless a rule says otherwise"),
    _f("valid_from", DATE, "first day of validity"),
    _f("valid_until", DATE, "last day of validity"),
    _f("displayed", BOOLEAN, "shown in the content or on the profile"),
    _f("platform_verified", BOOLEAN, "checked by the platform"),
)

SANCTION = _obj(
    "sanction",
    _f("date", DATE, "date of the decision"),
    _f("country", COUNTRY, "country of the authority"),
    _f(
        "kind",
        _open(
            "false_advertising",
            "misleading_claims",
            "undisclosed_advertising",
            "banned_product",
            "unlicensed_activity",
            "fake_engagement",
            "tax",
            "fraud",
            "platform_violation",
            "other",
        ),
        "what it was for",
    ),
    _f("role", _open("endorser", "advertiser", "publisher", "host", "other"), "the KOL's role"),
    _f("source", _open("regulator", "court", "platform", "self_regulatory"), "who imposed it"),
    _f("authority", STRING, "name of the authority, e.g. `SAMR`"),
)

KOL = _obj(
    "kol",
    _f("id", STRING, "the KOL's id in the producing system"),
    _f("handle", STRING, "account handle, e.g. `@linh.review`"),
    _f("display_name", STRING, "name shown on the account"),
    _f("country", COUNTRY, "where the KOL is established"),
    _f("birth_date", DATE, "date of birth (wins over `age`)"),
    _f("age", COUNT, "age in whole years, when the birth date is not known"),
    _f("guardian_consent", BOOLEAN, "a guardian consented (for minors)"),
    _f("followers", COUNT, "followers of the publishing account at `published_at`"),
    _f("purchased_engagement", BOOLEAN, "bought followers, views, likes or similar"),
    _f("monetised", BOOLEAN, "in a platform's ads, creator, affiliate or shop programme"),
    _f("virtual", BOOLEAN, "a virtual persona (CGI or AI), not a real person"),
    _f("real_name_verified", BOOLEAN, "the platform verified the real name"),
    _f("real_name_displayed", BOOLEAN, "the real name is shown on the account"),
    _f(
        "account_verification",
        _open("none", "phone", "national_id", "business"),
        "how the account was authenticated",
    ),
    _f("account_verification_country", COUNTRY, "where that phone number or ID was issued"),
    _f("credentials", ListOf(CREDENTIAL), "professional qualifications"),
    _f("sanctions", ListOf(SANCTION), "sanctions imposed on the KOL"),
    _f(
        "age_at_publication",
        COUNT,
        "derived: whole years of age at the local publication date (from `birth_date`, else `age`)",
        derived=True,
    ),
)

AUDIENCE = _obj(
    "audience",
    _f("countries", ListOf(COUNTRY), "where it is targeted or substantially seen"),
    _f("minors_share", SHARE, "share of the audience under 18 (0..1)"),
    _f("directed_to_children", BOOLEAN, "aimed at under-13s (the COPPA sense)"),
    _f("directed_to_minors", BOOLEAN, "aimed at under-18s"),
    _f("age_gate", COUNT, "minimum age enforced before display; 0 = none"),
)

CLAIM = _obj(
    "claim",
    _f("text", STRING, "the claim as made"),
    _f(
        "kind",
        _open(
            "cure",
            "disease_prevention",
            "treatment_substitute",
            "efficacy",
            "safety",
            "guarantee",
            "financial_return",
            "comparative",
            "superlative",
            "composition",
            "origin",
            "price",
            "certification",
            "no_risk",
            "testimonial",
            "typical_result",
            "other",
        ),
        "what kind of claim it is",
    ),
    _f("substantiated", BOOLEAN, "evidence is on file (not the same as true)"),
    _f("consistent_with_registration", BOOLEAN, "matches the product's registered uses"),
    _f("representative", BOOLEAN, "what users generally get"),
    _f(
        "evidence",
        _obj(
            "evidence",
            _f("kind", STRING, "kind of evidence, e.g. `survey`, `clinical_trial`"),
            _f("date", DATE, "date of the evidence"),
            _f("shown_in_content", BOOLEAN, "the evidence is cited in the content"),
        ),
        "the evidence behind the claim",
    ),
)

LINK = _obj(
    "link",
    _f("url", STRING, "address"),
    _f("affiliate", BOOLEAN, "earns a commission"),
    _f(
        "placement",
        _open(
            "caption",
            "description",
            "bio",
            "sticker",
            "pinned_comment",
            "in_video",
            "other",
        ),
        "where the link is",
    ),
)

CONTENT = _obj(
    "content",
    _f("title", STRING, "title"),
    _f("caption", STRING, "caption or body text"),
    _f("transcript", STRING, "what is said"),
    _f("on_screen_text", STRING, "text shown on screen"),
    _f("hashtags", ListOf(STRING), "hashtags, with or without `#`"),
    _f("mentions", ListOf(STRING), "brands/accounts named, tagged or stickered"),
    _f("caption_fold_at", COUNT, 'characters of the caption visible before "more"'),
    _f(
        "topics",
        ListOf(
            _open(
                "health",
                "medicine",
                "finance",
                "investment",
                "law",
                "education",
                "news",
                "politics",
                "society",
                "military",
                "beauty",
                "food",
                "travel",
                "games",
                "other",
            )
        ),
        "what it talks about",
    ),
    _f(
        "genres",
        ListOf(
            _open(
                "review",
                "experience",
                "unboxing",
                "tutorial",
                "knowledge",
                "news",
                "editorial",
                "fiction",
                "consumer_review",
                "entertainment",
                "other",
            )
        ),
        "how it presents itself",
    ),
    _f("expertise_claimed", ListOf(CREDENTIAL_FIELDS), "expertise the KOL is presented as having"),
    _f("advice", _open("none", "general", "professional"), "the kind of advice given"),
    _f("claims", ListOf(CLAIM), "claims made about the product"),
    _f(
        "depicts",
        ListOf(
            _open(
                "doctor",
                "health_worker",
                "medical_facility",
                "patient_testimonial",
                "minor",
                "other_person_without_consent",
                "wild_animal",
                "alcohol_consumption",
                "driving",
                "school_setting",
                "unsafe_act",
            )
        ),
        "what or who is shown",
    ),
    _f("risk_information", BOOLEAN, "shorthand for a disclosure of kind `risk_warning`"),
    _f("checkout", _open("none", "external", "in_platform"), "how viewers can buy"),
    _f("shoppable", BOOLEAN, "shorthand: `checkout` is not `none`"),
    _f(
        "promotion_segments",
        ListOf(
            _obj(
                "segment",
                _f("start_s", SECONDS, "start of the promotion, seconds from the start"),
                _f("end_s", SECONDS, "end of the promotion, seconds from the start"),
            )
        ),
        "when the product is promoted; `[]` = not promoted in the content",
    ),
    _f(
        "media",
        _obj(
            "media",
            _f("retouched", BOOLEAN, "images were retouched"),
            _f("ai_generated", BOOLEAN, "generated or substantially made with AI"),
            _f(
                "alterations",
                ListOf(
                    _open(
                        "body_shape",
                        "face",
                        "skin",
                        "product_effect",
                        "synthetic_person",
                        "face_swap",
                        "voice_clone",
                        "background",
                        "other",
                    )
                ),
                "what was altered",
            ),
        ),
        "facts about the media",
    ),
    _f("links", ListOf(LINK), "links in or around the content"),
)

DISCLOSURE = _obj(
    "disclosure",
    _f(
        "kind",
        _open(
            "commercial",
            "ai_generated",
            "altered_image",
            "virtual_persona",
            "mandatory_warning",
            "risk_warning",
            "expected_results",
            "approval_number",
            "credential",
            "seller_identity",
            "source",
            "fiction",
            "other",
        ),
        "what the notice is about (absent = commercial)",
    ),
    _f("text", STRING, "its words"),
    _f(
        "placement",
        _open(
            "caption_start",
            "caption",
            "caption_end",
            "title",
            "hashtags",
            "overlay",
            "spoken",
            "platform_label",
            "description",
            "bio",
            "comment",
            "end_card",
            "near_link",
            "linked_page",
            "thumbnail",
        ),
        "where it is",
    ),
    _f("language", LANGUAGE, "language of the notice"),
    _f("start_s", SECONDS, "when an overlay or spoken notice starts"),
    _f("end_s", SECONDS, "when it ends"),
    _f("repeat_every_s", SECONDS, "repetition interval; start/end describe the first occurrence"),
    _f("legible", BOOLEAN, "contrasting, not smaller than the surrounding text, not covered"),
    _f("area_share", SHARE, "share of the screen it covers"),
    _f("added_at", DATETIME, "when it was added, if after publication"),
    _f("states_amount", BOOLEAN, "the notice states the amount of the compensation (1.1)"),
)

DOCUMENT = _obj(
    "document",
    _f(
        "kind",
        _open(
            "business_registration",
            "product_registration",
            "product_notification",
            "product_declaration",
            "conformity_certificate",
            "circulation_licence",
            "import_licence",
            "ad_content_approval",
            "operating_licence",
            "financial_licence",
            "gambling_licence",
            "test_report",
            "other",
        ),
        "what document it is",
    ),
    _f("holder", STRING, "whose document it is, e.g. `product`, `advertiser`"),
    _f("country", COUNTRY, "issuing country"),
    _f("id", STRING, "document number"),
    _f("issuer", STRING, "issuing body"),
    _f("valid_from", DATE, "first day of validity"),
    _f("valid_until", DATE, "last day of validity"),
    _f("checked_by_kol", BOOLEAN, "the KOL examined it"),
    _f("shown_in_content", BOOLEAN, "shown or cited in the content"),
    _f("content_matches", BOOLEAN, "the content matches what was approved"),
)

RELATIONSHIPS = _open(
    "none",
    "paid",
    "gifted",
    "affiliate",
    "employee",
    "owner",
    "family",
    "discount",
    "loan",
    "perk",
    "prize_entry",
    "personal",
    "other",
)

PRODUCT_CATEGORIES = _open(
    "general",
    "food",
    "supplement",
    "health_food",
    "medical_nutrition",
    "child_nutrition",
    "infant_formula",
    "drug",
    "prescription_drug",
    "controlled_drug",
    "medical_device",
    "medical_service",
    "aesthetic_procedure",
    "cosmetic_surgery",
    "cosmetics",
    "beauty_service",
    "alcohol",
    "tobacco",
    "e_cigarette",
    "nicotine_product",
    "sexual_stimulant",
    "gambling",
    "lottery",
    "betting_tips",
    "finance",
    "investment",
    "security",
    "crypto",
    "forex_cfd",
    "loan",
    "insurance",
    "real_estate",
    "education",
    "k12_tutoring",
    "vocational_training",
    "video_game",
    "agrochemical",
    "household_chemical",
    "weapons",
    "other",
)

PRODUCT = _obj(
    "product",
    _f("name", STRING, "product name"),
    _f("category", PRODUCT_CATEGORIES, "what kind of product"),
    _f(
        "category_by_country",
        MapOf(Kind.COUNTRY, PRODUCT_CATEGORIES),
        "the class it is registered or marketed under, by country code",
    ),
    _f("abv_percent", Scalar(Kind.NUMBER, minimum=0, maximum=100), "alcohol by volume"),
    _f(
        "intended_age",
        _obj(
            "intended_age",
            _f("min_months", COUNT, "youngest intended age in months"),
            _f("max_months", COUNT, "oldest intended age in months"),
        ),
        "intended ages",
    ),
    _f("registration_id", STRING, "shorthand for a `product_registration` document"),
    _f("ad_approval_id", STRING, "shorthand for an `ad_content_approval` document"),
)

COMMERCIAL = _obj(
    "commercial",
    _f("relationship", RELATIONSHIPS, "the principal connection with the advertiser"),
    _f(
        "connections",
        ListOf(
            _obj(
                "connection",
                _f("kind", RELATIONSHIPS, "kind of connection"),
                _f("value", MONEY, "its value"),
                _f("value_basis", STRING, "what the value covers, e.g. `activity`, `year`"),
                _f("until", DATE, "when it ends"),
            )
        ),
        "all connections, when there are several",
    ),
    _f("compensation", MONEY, "for this activity, cash and in kind"),
    _f(
        "terms",
        ListOf(
            _open(
                "post_requested",
                "brief",
                "pre_approval",
                "scripted",
                "sentiment_required",
            )
        ),
        "what the deal required",
    ),
    _f(
        "advertiser",
        _obj(
            "advertiser",
            _f("name", STRING, "advertiser's name"),
            _f("country", COUNTRY, "where it is established"),
            _f("legal_status_verified", BOOLEAN, "the KOL checked the advertiser's legal status"),
            _f("publicly_named_violator", BOOLEAN, "publicly named by an authority as a violator"),
        ),
        "the advertiser",
    ),
    _f("product", PRODUCT, "the product promoted"),
    _f("documents", ListOf(DOCUMENT), "registrations, approvals, licences"),
    _f("kol_used_product", BOOLEAN, "the KOL has used the product"),
    _f("kol_understands_product", BOOLEAN, "the KOL understands the product"),
    _f("documents_checked", BOOLEAN, "the KOL examined the product's legal documents"),
    _f("written_contract", BOOLEAN, "there is a written contract"),
)

EVENT = _obj(
    "event",
    _f("at", DATETIME, "when it happened"),
    _f(
        "kind",
        _open(
            "takedown_requested",
            "removed",
            "edited",
            "disclosure_added",
            "complaint_received",
            "documents_requested",
            "documents_provided",
        ),
        "what happened",
    ),
    _f("by", STRING, "who, e.g. `MCST`"),
    _f(
        "by_kind",
        _open("authority", "court", "platform", "advertiser", "consumer", "other"),
        "what kind of actor",
    ),
)

RECORD = _obj(
    "activity",
    _f("schema", STRING, "`kolrules/activity@1` or `kolrules/activity@1.N`"),
    _f("id", STRING, "unique within a batch", required=True),
    _f(
        "published_at",
        DATETIME,
        "when it was published; decides which law is in force",
        required=True,
    ),
    _f("observed_at", DATETIME, "when these facts were collected; events are complete up to it"),
    _f(
        "published_by",
        _open("kol", "advertiser", "agency", "media", "other"),
        "whose account or site carries it",
    ),
    _f(
        "related",
        ListOf(
            _obj(
                "related",
                _f("id", STRING, "the related record's id"),
                _f(
                    "relation",
                    _open(
                        "same_activity",
                        "previous_frame",
                        "part_of",
                        "repost_of",
                        "excerpt_of",
                    ),
                    "how it is related",
                ),
            )
        ),
        "linked records",
    ),
    _f(
        "platform",
        _open(
            "tiktok",
            "douyin",
            "youtube",
            "instagram",
            "facebook",
            "x",
            "threads",
            "snapchat",
            "twitch",
            "weibo",
            "wechat",
            "xiaohongshu",
            "bilibili",
            "kuaishou",
            "zhihu",
            "xueqiu",
            "zalo",
            "line",
            "kakaotalk",
            "naver",
            "linkedin",
            "pinterest",
            "shopee",
            "lazada",
            "taobao",
            "jd",
            "website",
            "podcast",
            "blog",
            "other",
        ),
        "where it was published",
    ),
    _f(
        "format",
        _closed(
            "post",
            "image",
            "short_video",
            "video",
            "story",
            "livestream",
            "audio",
            "article",
        ),
        "what kind of activity",
    ),
    _f("language", LANGUAGE, "language of the written or spoken endorsement"),
    _f("duration_s", SECONDS, "length of a video, livestream or audio piece"),
    _f("audience", AUDIENCE, "who sees it"),
    _f("kol", KOL, "person facts, plus facts about the publishing account"),
    _f("content", CONTENT, "what it says and shows"),
    _f("disclosures", ListOf(DISCLOSURE), "every notice ever present; `[]` = none"),
    _f("commercial", COMMERCIAL, "the commercial relationship"),
    _f("events", ListOf(EVENT), "what happened after publication"),
    _f(
        "is_sponsored",
        BOOLEAN,
        "derived: any connection other than `none`, or an affiliate link",
        derived=True,
    ),
)


def walk(obj: ObjectType = RECORD, prefix: str = "") -> list[tuple[str, Field]]:
    """Every field path of the format (list elements as ``[]``), depth first."""
    out: list[tuple[str, Field]] = []
    for field in obj.fields:
        path = f"{prefix}{field.name}"
        out.append((path, field))
        inner = field.type
        suffix = ""
        while isinstance(inner, ListOf):
            inner = inner.item
            suffix += "[]"
        if isinstance(inner, ObjectType):
            out.extend(walk(inner, f"{path}{suffix}."))
    return out
