"""Plans of the demo: the national TVET roadmap 2025–2027, Turkistan's regional roadmap and the strategic plan of
the demo's first Turkistan college, seeded from ``smarttvet.plans.seeds``, with a few entered actuals and
activities in every status (done, in progress, planned, cancelled; some overdue) so that the dashboards have
something to show. Computed indicators read the demo's records live.

No randomness: the same entries every time, and no audit rows of their own (the dataset has one). ``clear()``
deletes these plans by their codes (the gradebook's ``clear`` deletes organisations' plans as well; both are
idempotent). Listed after ``ratings`` in ``DOMAINS``.
"""

from __future__ import annotations

import datetime as dt

from smarttvet.demo.generator.scales import TURKISTAN

EVIDENCE = "Demo data: a synthetic value for the demo."
COLLEGE_CODE_PREFIX = "college-plan-"

# {indicator code: {year: actual}}
ACTUALS = {
    "national": {
        "new_format_managers": {2025: 24},  # at risk
        # certified_teachers is computed from the digital portfolios (issue 6)
        "textbooks_state_language": {2025: 2},  # off track
        "smart_tvet": {2025: 1},  # achieved
        "regulations_updated": {2025: 0},  # on track
    },
    "regional": {
        "new_specialties": {2024: 4, 2025: 10},  # achieved
        "lowest_schools_support": {2025: 100},
        "excellence_centres": {2024: 3},  # at risk
        "leading_schools": {2024: 2, 2025: 6},  # off track
        "new_schools": {2024: 45},  # at risk
    },
    "organization": {
        "dropout": {2024: 5.2, 2025: 5.4},  # at risk
        "international_agreements": {2024: 2, 2025: 3},  # on track
        "extra_budgetary_share": {2025: 9},  # off track
        "certified_teachers": {2025: 12},  # on track
    },
}
# {activity code: (status, done on)}
ACTIVITIES = {
    "national": {
        "leagues": ("done", dt.date(2025, 11, 28)),
        "smart_tvet": ("done", dt.date(2025, 12, 20)),
        "director_kpi": ("in_progress", None),  # overdue
        "digital_portfolio": ("planned", None),  # overdue
        "incentive_funding": ("in_progress", None),
        "journal": ("cancelled", None),
    },
    "regional": {
        "national_report_roadmap": ("done", dt.date(2024, 11, 15)),
        "university_memoranda": ("done", dt.date(2024, 5, 20)),
        "open_specialties": ("done", dt.date(2025, 8, 29)),
        "lowest_schools": ("in_progress", None),  # overdue
        "lesson_study": ("in_progress", None),  # overdue
        "staff_abroad": ("cancelled", None),
    },
    "organization": {
        "career_centre": ("done", dt.date(2024, 12, 10)),
        "teacher_training": ("done", dt.date(2024, 12, 20)),
        "academic_integrity": ("in_progress", None),  # overdue
        "mentoring": ("in_progress", None),
        "endowment": ("cancelled", None),
    },
}


def _fill(plan, level: str) -> tuple[int, int]:
    """The demo's actuals and activity statuses on a freshly seeded ``plan``; (actuals, activities changed)."""
    from smarttvet.plans.models import Activity, Indicator, IndicatorActual

    indicators = {i.code: i for i in Indicator.objects.filter(plan=plan, source=Indicator.Source.ENTERED)}
    actuals = [IndicatorActual(indicator=indicators[code], year=year, value=value, evidence=EVIDENCE)
               for code, by_year in ACTUALS[level].items() if code in indicators
               for year, value in by_year.items()]
    IndicatorActual.objects.bulk_create(actuals)
    changed = 0
    for activity in Activity.objects.filter(plan=plan, code__in=list(ACTIVITIES[level])):
        activity.status, activity.done_on = ACTIVITIES[level][activity.code]
        activity.evidence = EVIDENCE if activity.status == "done" else ""
        activity.save(update_fields=["status", "done_on", "evidence", "updated_at"])
        changed += 1
    return len(actuals), changed


def _seeded(plan, level: str, counts: dict) -> None:
    from smarttvet.plans.models import IndicatorActual

    if not IndicatorActual.objects.filter(indicator__plan=plan).exists():
        actuals, activities = _fill(plan, level)
        counts["plan_actuals"] = counts.get("plan_actuals", 0) + actuals
        counts["plan_activities_moved"] = counts.get("plan_activities_moved", 0) + activities
    counts["plans"] = counts.get("plans", 0) + 1


def generate(ctx) -> None:
    from smarttvet.plans import seeds
    from smarttvet.registry.models import Organization, Region

    counts: dict[str, int] = {}
    _seeded(seeds.seed_national(record=False), "national", counts)
    ti = ctx.region_index(TURKISTAN)
    if ti is not None:
        region = Region.objects.get(pk=ctx.regions[ti].pk)
        _seeded(seeds.seed_regional(region, record=False), "regional", counts)
        colleges = ctx.colleges
        if colleges is not None and len(colleges.ids):
            first = next((i for i in range(colleges.n) if colleges.region[i] == ti and not colleges.branch[i]),
                         None)
            if first is not None:
                organization = Organization.objects.get(pk=int(colleges.ids[first]))
                _seeded(seeds.seed_college(organization, record=False), "organization", counts)
    ctx.counts.update(counts)


def clear() -> None:
    """Delete the plans this module seeds (by their codes); safe to run again."""
    from smarttvet.plans import seeds
    from smarttvet.plans.models import Plan

    regional = seeds.load(seeds.REGIONAL_PATH).code.split("{", 1)[0]
    Plan.objects.filter(code=seeds.NATIONAL_CODE).delete()
    Plan.objects.filter(level=Plan.Level.REGIONAL, code__startswith=regional).delete()
    Plan.objects.filter(level=Plan.Level.ORGANIZATION, code__startswith=COLLEGE_CODE_PREFIX).delete()
