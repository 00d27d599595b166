"""International mobility and WorldSkills competence centres in the demo. Called from :mod:`.partnership` after
its international partnerships, WorldSkills results and infrastructure.

* **Academic mobility** rides on the international partnerships (accreditations excepted): in each calendar
  year 2022-2025 a partnership is in force, an exchange sends a group of students abroad more often than not
  (2-12 students for 2 weeks to 4 months), sometimes teachers (1-4 for 1-3 weeks), and now and then receives a
  group; joint programmes and other cooperation move people less often. Nothing starts after the snapshot day.
* **WorldSkills competence centres**: one per region (two in regions with more than 25 colleges) at the college
  with the best WorldSkills record (technical colleges before medical, pedagogical and arts ones), for the
  competency in which it scored most, opened 2019-2025.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np

from smarttvet.demo.generator.context import AS_OF, Context, insert, wipe_table
from smarttvet.demo.generator.partnership_clusters import UNFIT_PROFILES
from smarttvet.partnership.models import (
    AcademicMobility,
    Infrastructure,
    InternationalPartnership,
    WorldSkillsCompetency,
    WorldSkillsResult,
)

MOBILITY_YEARS = (2022, 2023, 2024, 2025)
# Chance a year of an outbound student group, outbound teachers and an inbound group, by kind of partnership.
MOBILITY_CHANCE = {"exchange": (0.65, 0.35, 0.3), "joint_programme": (0.45, 0.3, 0.2), "other": (0.2, 0.2, 0.1)}
AWARD_POINTS = {"gold": 3.0, "silver": 2.0, "bronze": 1.0, "medallion": 0.5, "participant": 0.1}
LEVEL_WEIGHTS = {"regional": 1.0, "national": 3.0, "international": 6.0}


def _start(rng: np.random.Generator, year: int) -> dt.date:
    """A start in the spring (February-May) or the autumn (September-November) term."""
    if rng.random() < 0.5:
        return dt.date(year, int(rng.integers(2, 6)), int(rng.integers(1, 29)))
    return dt.date(year, int(rng.integers(9, 12)), int(rng.integers(1, 29)))


def generate_mobility(ctx: Context) -> None:
    rng = ctx.rng("partnership-mobility")
    college_ids = [int(pk) for pk in ctx.colleges.ids.tolist()]
    partnerships = list(InternationalPartnership.objects.filter(organization_id__in=college_ids)
                        .exclude(kind=InternationalPartnership.Kind.ACCREDITATION).order_by("id")
                        .values_list("pk", "organization_id", "country", "partner_name", "kind", "since", "until"))
    rows = []
    for pk, org, country, name, kind, since, until in partnerships:
        students, teachers, inbound = MOBILITY_CHANCE.get(kind, MOBILITY_CHANCE["other"])
        for year in MOBILITY_YEARS:
            if since > dt.date(year, 12, 31) or (until is not None and until < dt.date(year, 1, 1)):
                continue
            groups = []
            if rng.random() < students:
                groups.append(("outbound", "student", int(rng.integers(2, 13)), int(rng.integers(14, 121))))
            if rng.random() < teachers:
                groups.append(("outbound", "teacher", int(rng.integers(1, 5)), int(rng.integers(7, 22))))
            if rng.random() < inbound:
                who = "student" if rng.random() < 0.6 else "teacher"
                groups.append(("inbound", who, int(rng.integers(1, 9)), int(rng.integers(7, 61))))
            for direction, who, people, days in groups:
                start = max(_start(rng, year), since)
                if start > AS_OF or (until is not None and start > until):
                    continue
                rows.append((org, direction, who, country, name, pk, start, days, people))
    insert(ctx, AcademicMobility, len(rows), lambda a, b: [
        AcademicMobility(organization_id=org, direction=direction, participant=who, country=country,
                         institution=name, partnership_id=pk, start_date=start, duration_days=days, people=people)
        for org, direction, who, country, name, pk, start, days, people in rows[a:b]
    ], "Academic mobility")
    ctx.counts["academic_mobility"] = len(rows)
    ctx.counts["mobility_outbound_people"] = sum(r[8] for r in rows if r[1] == "outbound")


def generate_worldskills_centres(ctx: Context) -> None:
    rng = ctx.rng("partnership-worldskills-centres")
    colleges = ctx.colleges
    index = {int(pk): i for i, pk in enumerate(colleges.ids.tolist())}
    competencies = dict(WorldSkillsCompetency.objects.values_list("code", "pk"))
    points: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for org, code, level, award in (WorldSkillsResult.objects.filter(organization_id__in=list(index))
                                    .order_by("id").values_list("organization_id", "competence_code", "level",
                                                                "award")):
        points[org][code] += AWARD_POINTS.get(award, 0.0) * LEVEL_WEIGHTS.get(level, 1.0)
    per_region = np.bincount(colleges.region, minlength=len(ctx.regions))
    rows = []
    for r in range(len(ctx.regions)):
        k = 1 + int(per_region[r] > 25)
        members = [pk for pk, i in index.items() if colleges.region[i] == r and points.get(pk)
                   and not colleges.branch[i]]
        # the best WorldSkills record, technical colleges before medical, pedagogical and arts ones
        score = {pk: sum(points[pk].values()) + rng.normal(0, 0.5) for pk in members}
        scored = sorted(members, key=lambda pk: (colleges.profile[index[pk]] in UNFIT_PROFILES, -score[pk], pk))
        taken: set[str] = set()
        for pk in scored:
            if len(taken) >= k:
                break
            best = [code for code, _v in sorted(points[pk].items(), key=lambda item: (-item[1], item[0]))
                    if code in competencies and code not in taken]
            if not best:
                continue
            taken.add(best[0])
            rows.append((pk, best[0], int(rng.integers(2019, 2026)), int(rng.integers(150, 500))))
    insert(ctx, Infrastructure, len(rows), lambda a, b: [
        Infrastructure(organization_id=pk, kind=Infrastructure.Kind.WORLDSKILLS_CENTRE,
                       name="WorldSkills", opened_year=year, area_m2=area, competency_id=competencies[code])
        for pk, code, year, area in rows[a:b]
    ], "WorldSkills competence centres")
    ctx.counts["infrastructure"] = ctx.counts.get("infrastructure", 0) + len(rows)
    ctx.counts["worldskills_centres"] = len(rows)


def generate(ctx: Context) -> None:
    """Create the academic mobility and the WorldSkills competence centres."""
    generate_mobility(ctx)
    generate_worldskills_centres(ctx)


def clear() -> None:
    """Delete the academic mobility (the centres go with the infrastructure)."""
    wipe_table(AcademicMobility)
