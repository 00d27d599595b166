"""Vacancy matching (pure): reserve members ranked by fit for a director's (or deputy's) vacancy, with reasons.

Fit, 0-100, is the sum of four parts:

* **region** (40): the vacancy is in the member's region: 40; another region and the member is willing to move:
  20; another region and not willing to move: the member is not proposed at all.
* **kind of organisation** (20): the member wants to lead this kind (college or school) or any kind: 20;
  another kind: 0.
* **fields** (20): the share of the organisation's fields of education (4-digit codes of its specialties) that
  the member knows, × 20; an organisation without fields (a school) gives everybody 10.
* **scores** (20): the member's weighted selection total (0-100) × 0.2.

Only active reserve entries valid on the vacancy's date are proposed. Ties: the higher selection total, then the
smaller id.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

REGION_SAME, REGION_MOVE = 40.0, 20.0
KIND_POINTS, FIELD_POINTS, SCORE_POINTS, NO_FIELDS = 20.0, 20.0, 20.0, 10.0
COLLEGE_KINDS = ("college", "higher_college")


def kind_of(organization_kind: str) -> str:
    """college, school or other, from a registry organisation kind."""
    if organization_kind in COLLEGE_KINDS:
        return "college"
    return "school" if organization_kind == "school" else "other"


@dataclass(frozen=True)
class Vacancy:
    region_id: int
    organization_kind: str  # a registry kind: college, higher_college, school, ...
    field_codes: frozenset[str] = frozenset()
    on: dt.date | None = None


@dataclass(frozen=True)
class Member:
    id: int
    region_id: int
    willing_to_move: bool
    preferred_kind: str  # any, college, school
    field_codes: frozenset[str]
    total_score: float
    valid_until: dt.date
    active: bool = True


@dataclass
class Match:
    member: Member
    fit: float
    parts: dict[str, float] = field(default_factory=dict)
    reasons: list[tuple[str, dict]] = field(default_factory=list)  # (code, parameters)


def fit(vacancy: Vacancy, member: Member) -> Match | None:
    """The member's fit for the vacancy with its reasons, or None when the member cannot be proposed."""
    if not member.active:
        return None
    if vacancy.on is not None and member.valid_until < vacancy.on:
        return None
    match = Match(member=member, fit=0.0)
    if member.region_id == vacancy.region_id:
        match.parts["region"] = REGION_SAME
        match.reasons.append(("same_region", {}))
    elif member.willing_to_move:
        match.parts["region"] = REGION_MOVE
        match.reasons.append(("willing_to_move", {}))
    else:
        return None
    wanted = kind_of(vacancy.organization_kind)
    if member.preferred_kind in ("any", wanted):
        match.parts["kind"] = KIND_POINTS
        match.reasons.append(("kind_wanted" if member.preferred_kind == wanted else "kind_any", {"kind": wanted}))
    else:
        match.parts["kind"] = 0.0
        match.reasons.append(("kind_other", {"kind": member.preferred_kind}))
    if vacancy.field_codes:
        known = vacancy.field_codes & member.field_codes
        match.parts["fields"] = FIELD_POINTS * len(known) / len(vacancy.field_codes)
        match.reasons.append(("fields", {"known": len(known), "of": len(vacancy.field_codes)}))
    else:
        match.parts["fields"] = NO_FIELDS
        match.reasons.append(("no_fields", {}))
    match.parts["scores"] = SCORE_POINTS * max(0.0, min(100.0, member.total_score)) / 100.0
    match.reasons.append(("score", {"total": round(member.total_score, 1)}))
    match.fit = round(sum(match.parts.values()), 2)
    return match


def rank(vacancy: Vacancy, members: list[Member], limit: int | None = None) -> list[Match]:
    """The proposable members, best fit first."""
    matches = [m for m in (fit(vacancy, member) for member in members) if m is not None]
    matches.sort(key=lambda m: (-m.fit, -m.member.total_score, m.member.id))
    return matches[:limit] if limit is not None else matches
