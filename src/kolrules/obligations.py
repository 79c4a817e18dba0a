"""The obligation vocabulary: what kind of duty a rule encodes, named the same in every pack.

A rule's ``obligation`` clause tags it with one or more of these names, so rules of different
jurisdictions that impose the same kind of duty line up in ``kolrules map`` (the comparative
table a drafting committee reads) and can be transplanted together (``VN+CN:endorser.age``).
The vocabulary is small on purpose: a tag is worth having when it groups rules across packs or
names a duty a drafter would look for. docs/language.md ("Obligations") lists it for authors.
"""

from __future__ import annotations

#: Tag → what a rule carrying it requires, in one sentence (shown by ``kolrules map``).
OBLIGATIONS: dict[str, str] = {
    # Disclosing that content is advertising.
    "disclosure.label": "Commercial content (an ad, a sponsorship, a material connection) is "
    "disclosed as such.",
    "disclosure.wording": "The disclosure uses words the law or the regulator accepts, not "
    "ambiguous ones.",
    "disclosure.placement": "The disclosure sits where the audience cannot miss it (in the "
    "content itself, on the frame, not buried).",
    "disclosure.timing": "The disclosure comes in advance and is repeated while the content runs "
    "(livestreams).",
    "disclosure.language": "The disclosure is in the language of the content.",
    "disclosure.platform_tool": "A platform's paid-partnership tool alone is not relied on as the "
    "disclosure.",
    "disclosure.not_contradicted": "Nothing in the content denies or undercuts the disclosure.",
    "disclosure.compensation": "The payment received, and its amount, is disclosed.",
    "disclosure.disguised": "Advertising is not disguised as knowledge, news or advice.",
    "disclosure.ai": "AI-generated or synthetic content is declared as such.",
    # Who may endorse, and what they must have done.
    "endorser.used_product": "An endorser has used (and understands) the product they present.",
    "endorser.age": "Endorsers, hosts or persons shown meet a minimum age.",
    "endorser.qualification": "An endorser presented as an expert, or speaking in a professional "
    "field, holds the qualification.",
    "endorser.banned_category": "Some kinds of person (health workers, patients, professionals, "
    "beneficiaries) may not vouch for some products.",
    "endorser.banned_product": "Some products may have no endorser or spokesperson at all.",
    "endorser.sanctioned": "A person recently sanctioned for false advertising may not endorse.",
    "advertiser.verification": "The endorser checks the advertiser and the product's legal "
    "documents, and avoids advertisers named as violators.",
    # What may be advertised, and with what approval.
    "product.banned": "Some products may not be advertised (at all, online or in mass media).",
    "product.authorisation": "The product or service holds the licence, registration or "
    "notification it needs before it is advertised.",
    "product.legal_category": "The ad names the product's legal category.",
    "ad.approval": "The ad's content is reviewed or approved before publication, shows its "
    "approval and is published as approved.",
    # What an ad may claim.
    "claims.substantiation": "Factual and efficacy claims rest on evidence.",
    "claims.health": "Medical, disease and health claims are restricted to the products allowed "
    "to make them.",
    "claims.guarantee": "No guarantees of results, returns or safety in sensitive sectors.",
    "claims.superlative": "Superlatives (\"best\", \"number one\") are barred or need proof.",
    "claims.registered_uses": "Claims stay within the product's registered or declared uses.",
    "claims.typical_results": "Results the audience cannot generally expect carry a disclosure "
    "of typical results.",
    # Warnings.
    "warning.statutory": "The ad carries a warning sentence the law prescribes.",
    "warning.legible": "Mandatory warnings are legible (size, contrast, read aloud).",
    "warning.risk": "Risks are presented with the benefits.",
    # Audience and content.
    "audience.minors": "Minors are protected: no ads aimed at them or placed where they gather "
    "for some products, age gates.",
    "content.prohibited_depiction": "The ad does not depict prohibited acts (drinking, driving "
    "after drinking).",
    "consent.likeness": "People shown in an ad have consented to the use of their image.",
    # Accounts and platforms.
    "account.real_name": "The account shows its holder's real name or identity.",
    "account.verification": "The account is authenticated to the platform (phone number, "
    "identity number).",
    "account.fake_engagement": "No bought followers, views or likes are used to sell.",
    "takedown.on_request": "A violating ad is removed within a deadline when an authority asks.",
}

__all__ = ["OBLIGATIONS"]
