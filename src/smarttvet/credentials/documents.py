"""The unsigned credential: W3C Verifiable Credentials Data Model 2.0 + Open Badges 3.0 (``OpenBadgeCredential``).
Pure: no database, no Django.

Languages: every field that the Open Badges 3.0 schema types as a string (the credential's ``name``, the
achievement's ``name``, ``description`` and ``criteria.narrative``) is in English, and the achievement says so
with ``inLanguage: "en"``; so any Open Badges validator or wallet reads it. The Kazakh and Russian texts travel
in the achievement's ``translations`` object (``{"kk": {"name", "description", "criteria"}, "ru": {...}}``), an
issuer-defined term (the VC 2.0 context maps undefined terms to its ``@vocab``). The signature covers all three.

The subject: ``identifier`` holds two ``IdentityObject``s - the teacher's display name in clear
(``identityType: name``, ``hashed: false``) and the platform's pseudonymous person key salted and hashed
(``identityType: systemId``, ``identityHash: "sha256$" + hex(SHA-256(person_key + salt))``). Neither the person
key nor a national ID number (IIN) is ever written in clear.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CONTEXT = [VC_CONTEXT, OB_CONTEXT]
TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
STATUS_TYPE = "1EdTechRevocationList"
LANGUAGES = ("kk", "ru", "en")
MAIN_LANGUAGE = "en"

# The Open Badges 3.0 AchievementType vocabulary (an issuer may also use "ext:" names).
ACHIEVEMENT_TYPES = frozenset({
    "Achievement", "ApprenticeshipCertificate", "Assessment", "Assignment", "AssociateDegree", "Award", "Badge",
    "BachelorDegree", "Certificate", "CertificateOfCompletion", "Certification", "CommunityService", "Competency",
    "Course", "CoCurricular", "Degree", "Diploma", "DoctoralDegree", "Fieldwork", "GeneralEducationDevelopment",
    "JourneymanCertificate", "LearningProgram", "License", "Membership", "ProfessionalDoctorate",
    "QualityAssuranceCredential", "MasterCertificate", "MasterDegree", "MicroCredential", "ResearchDoctorate",
    "SecondarySchoolDiploma",
})


def timestamp(value: dt.datetime) -> str:
    """An XML Schema dateTime in UTC, to the second: ``2026-11-30T18:00:00Z``."""
    return value.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def identity_hash(value: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((value + salt).encode("utf-8")).hexdigest()


def achievement_id(kind: str, name: dict[str, str]) -> str:
    digest = hashlib.sha256("\x1f".join(name.get(code, "") for code in LANGUAGES).encode("utf-8")).hexdigest()
    return f"urn:smarttvet:achievement:{kind}:{digest[:20]}"


def build(
    *,
    credential_id: str,
    issuer: dict[str, Any],
    kind: str,
    subject_name: str,
    subject_key: str,
    salt: str,
    name: dict[str, str],
    description: dict[str, str],
    criteria: dict[str, str],
    achievement_type: str,
    facts: dict[str, str | int | float],
    issued_at: dt.datetime,
    valid_until: dt.datetime | None,
    status_url: str,
) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential."""
    ach_id = achievement_id(kind, name)
    achievement: dict[str, Any] = {
        "id": ach_id,
        "type": ["Achievement"],
        "achievementType": achievement_type,
        "name": name[MAIN_LANGUAGE],
        "description": description[MAIN_LANGUAGE],
        "criteria": {"narrative": criteria[MAIN_LANGUAGE]},
        "inLanguage": MAIN_LANGUAGE,
        "translations": {
            code: {"name": name[code], "description": description[code], "criteria": criteria[code]}
            for code in LANGUAGES if code != MAIN_LANGUAGE
        },
    }
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": [
            {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": subject_name},
            {"type": "IdentityObject", "identityType": "systemId", "hashed": True,
             "identityHash": identity_hash(subject_key, salt), "salt": salt},
        ],
        "achievement": achievement,
    }
    if facts:
        achievement["resultDescription"] = [
            {"id": f"{ach_id}:result:{index}", "type": ["ResultDescription"], "name": label, "resultType": "Result"}
            for index, label in enumerate(facts, start=1)
        ]
        subject["result"] = [
            {"type": ["Result"], "resultDescription": f"{ach_id}:result:{index}", "value": _fact(value)}
            for index, value in enumerate(facts.values(), start=1)
        ]
    document: dict[str, Any] = {
        "@context": list(CONTEXT),
        "id": credential_id,
        "type": list(TYPES),
        "name": name[MAIN_LANGUAGE],
        "issuer": issuer,
        "validFrom": timestamp(issued_at),
        "awardedDate": timestamp(issued_at),
        "credentialSubject": subject,
        "credentialStatus": {"id": status_url, "type": STATUS_TYPE},
    }
    if valid_until is not None:
        document["validUntil"] = timestamp(valid_until)
    return document


def _fact(value: str | int | float) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- reading a (possibly foreign or damaged) document: never raises -----------------------------------------

def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def texts(achievement: dict, field: str) -> dict[str, str]:
    """An achievement's ``field`` (name, description, criteria) in each language it carries."""
    achievement = _dict(achievement)
    main = achievement.get(field)
    if field == "criteria":
        main = _dict(main).get("narrative")
    result = {achievement.get("inLanguage") or MAIN_LANGUAGE: main} if isinstance(main, str) else {}
    for code, values in _dict(achievement.get("translations")).items():
        value = _dict(values).get(field)
        if isinstance(value, str) and code in LANGUAGES:
            result[code] = value
    return {k: v for k, v in result.items() if isinstance(k, str)}


def subject_name(document: Any) -> str:
    subject = _dict(_dict(document).get("credentialSubject"))
    identifiers = subject.get("identifier")
    for item in identifiers if isinstance(identifiers, list) else [identifiers]:
        item = _dict(item)
        if item.get("identityType") == "name" and item.get("hashed") is False and isinstance(
                item.get("identityHash"), str):
            return item["identityHash"]
    return ""


def results(document: Any) -> list[tuple[str, str]]:
    """(label, value) of each result of the subject, labels from the achievement's result descriptions."""
    subject = _dict(_dict(document).get("credentialSubject"))
    descriptions = _dict(subject.get("achievement")).get("resultDescription")
    names = {d.get("id"): d.get("name") for d in descriptions if isinstance(d, dict)} if isinstance(
        descriptions, list) else {}
    items = subject.get("result")
    return [(str(names.get(r.get("resultDescription"), "")), str(r.get("value", "")))
            for r in (items if isinstance(items, list) else []) if isinstance(r, dict)]


def issuer_name(document: Any) -> str:
    issuer = _dict(document).get("issuer")
    if isinstance(issuer, dict):
        return str(issuer.get("name") or issuer.get("id") or "")
    return str(issuer or "")
