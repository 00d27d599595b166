"""The business side of training in the demo: more kinds of employer agreement, dual-training places with the
students placed in them, and target orders. Called from :mod:`.partnership` after its agreements.

* **Agreement kinds.** Internship bases are common (about half of a college's partner enterprises take its
  students for practice, more at better colleges), mentoring agreements less so, equipment agreements (an
  enterprise equips a workshop) rare; all quality-driven, renewed like the others.
* **Dual-training places.** For the academic years 2023-24 to 2025-26, the dual-form students of each college
  and specialty are spread over the enterprises with which it has a dual-training agreement in force that
  September (a group of ≈3-8 students per enterprise); about 95% are placed, and enterprises offer a place or
  two more than they fill. The students of the current year (2025-26) are linked one by one.
* **Target orders.** One order per enterprise, college, specialty and admission year, for exactly the
  enterprise's target-order students admitted (``Student.funding = target`` with it as sponsor), sometimes
  with one place left unfilled; the cost per student follows the state's per-student rate.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
from django.db.models import Count

from smarttvet.demo.generator.context import AS_OF, Context, insert, wipe_table
from smarttvet.partnership.models import DualTrainingPlace, EmployerAgreement, TargetOrder
from smarttvet.people.models import Student

DUAL_YEARS = (2023, 2024, 2025)
LINKED_YEAR = 2025
# Cost of one target-order student a year (tenge), near the state's per-student rate of the admission year.
TARGET_COST = {2019: 280_000, 2020: 300_000, 2021: 320_000, 2022: 355_000, 2023: 395_000, 2024: 437_000,
               2025: 596_000}


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _plus_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _date(year: int, day_of_year: int) -> dt.date:
    return dt.date(int(year), 1, 1) + dt.timedelta(days=int(day_of_year))


# --- agreement kinds ------------------------------------------------------------------------------------------
def generate_agreement_kinds(ctx: Context) -> None:
    rng = ctx.rng("partnership-agreement-kinds")
    colleges, ent = ctx.colleges, ctx.enterprises
    q = colleges.quality_in(2025)
    size = ent.employees.astype(float)
    rows: list[tuple[int, int, str, dt.date, dt.date | None]] = []

    def add(college: int, enterprise: int, kind: str, signed: dt.date, years: int | None, renew: bool) -> None:
        signed = min(signed, AS_OF - dt.timedelta(days=10))
        while True:
            expires = None if years is None else _plus_years(signed, years) - dt.timedelta(days=1)
            rows.append((college, enterprise, kind, signed, expires))
            if not renew or expires is None or expires >= AS_OF:
                return
            signed = expires + dt.timedelta(days=1)

    for i in range(colleges.n):
        partners = colleges.partners[i] if i < len(colleges.partners) else np.zeros(0, int)
        if not len(partners):
            continue
        internship = rng.random(len(partners)) < _sigmoid(-0.2 + 0.6 * q[i])
        for e in partners[internship].tolist():
            signed = _date(int(rng.integers(2016, 2026)), int(rng.integers(0, 365)))
            add(i, e, "internship_base", signed, int(rng.choice([3, 5])), renew=rng.random() < 0.8)
        if rng.random() < _sigmoid(-1.3 + 0.8 * q[i]):
            k = min(len(partners), 1 + int(rng.poisson(0.5)))
            for e in rng.choice(partners, size=k, replace=False).tolist():
                signed = _date(int(rng.integers(2019, 2026)), int(rng.integers(0, 365)))
                add(i, int(e), "mentoring", signed, int(rng.integers(1, 4)), renew=rng.random() < 0.5)
        if rng.random() < _sigmoid(-2.3 + 0.9 * q[i]):
            largest = int(partners[np.argmax(size[partners])])
            signed = _date(int(rng.integers(2020, 2026)), int(rng.integers(0, 365)))
            add(i, largest, "equipment", signed, int(rng.integers(1, 3)), renew=False)

    college_ids, ent_ids = colleges.ids, ent.ids
    insert(ctx, EmployerAgreement, len(rows), lambda a, b: [
        EmployerAgreement(organization_id=int(college_ids[c]), enterprise_id=int(ent_ids[e]), kind=kind,
                          signed_on=signed, expires_on=expires)
        for c, e, kind, signed, expires in rows[a:b]
    ], "Agreements: internships, mentoring, equipment")
    ctx.counts["employer_agreements"] = ctx.counts.get("employer_agreements", 0) + len(rows)
    for kind in ("internship_base", "mentoring", "equipment"):
        ctx.counts[f"{kind}_agreements"] = sum(1 for r in rows if r[2] == kind)


# --- dual-training places -------------------------------------------------------------------------------------
def _active(agreements: list[tuple[int, int, dt.date, dt.date | None]], year: int) -> list[tuple[int, int]]:
    """(agreement id, enterprise id) of the agreements in force in September of ``year``."""
    start, end = dt.date(year, 9, 1), dt.date(year, 10, 1)
    return [(pk, ent) for pk, ent, signed, expires in agreements
            if signed <= end and (expires is None or expires >= start)]


def generate_dual_places(ctx: Context) -> None:
    rng = ctx.rng("partnership-dual-places")
    college_ids = [int(pk) for pk in ctx.colleges.ids.tolist()]
    by_college: dict[int, list[tuple[int, int, dt.date, dt.date | None]]] = defaultdict(list)
    for pk, org, ent, signed, expires in (EmployerAgreement.objects.filter(kind="dual_training",
                                                                          organization_id__in=college_ids)
                                          .order_by("organization_id", "signed_on", "id")
                                          .values_list("pk", "organization_id", "enterprise_id", "signed_on",
                                                       "expires_on")):
        by_college[org].append((pk, ent, signed, expires))
    students = np.array(list(
        Student.objects.filter(study_form="dual", organization_id__in=college_ids).order_by("id")
        .values_list("id", "organization_id", "specialty_id", "cohort_year", "status_year")), dtype=np.int64)
    studying = set(Student.objects.filter(study_form="dual", status=Student.Status.STUDYING,
                                          organization_id__in=college_ids).values_list("id", flat=True))
    places: dict[tuple[int, int, int, int], list] = {}  # (org, ent, spec, year) -> [agreement, offered, [students]]
    if len(students):
        sid, org, spec, cohort, status_year = students.T
        is_studying = np.array([s in studying for s in sid.tolist()])
        for year in DUAL_YEARS:
            present = (cohort <= year) & ((status_year > year) | (is_studying & (status_year >= year)))
            for o in np.unique(org[present]).tolist():
                active = _active(by_college.get(o, []), year) or _active(by_college.get(o, []), year - 1)
                if not active:
                    continue
                mask = present & (org == o)
                for s in np.unique(spec[mask]).tolist():
                    members = sid[mask & (spec == s)]
                    members = members[rng.random(len(members)) < 0.95]  # a few not placed yet
                    if not len(members):
                        continue
                    k = int(min(len(active), max(1, round(len(members) / rng.uniform(3, 8)))))
                    chosen = rng.choice(len(active), size=k, replace=False)
                    share = rng.dirichlet(np.ones(k) * 2.0)
                    split = rng.multinomial(len(members), share)
                    order = rng.permutation(members)
                    offset = 0
                    for c, n in zip(chosen.tolist(), split.tolist(), strict=True):
                        agreement, enterprise = active[c]
                        group = order[offset:offset + n].tolist()
                        offset += n
                        if not group:
                            continue
                        key = (o, enterprise, s, year)
                        entry = places.setdefault(key, [agreement, 0, []])
                        entry[2].extend(group)
        for entry in places.values():
            entry[1] = len(entry[2]) + int(rng.choice([0, 0, 1, 2]))
    keys = list(places)
    ids = insert(ctx, DualTrainingPlace, len(keys), lambda a, b: [
        DualTrainingPlace(agreement_id=places[k][0], organization_id=k[0], enterprise_id=k[1], specialty_id=k[2],
                          year=k[3], places_offered=places[k][1], students_placed=len(places[k][2]))
        for k in keys[a:b]
    ], "Dual-training places")
    links = [(int(pk), int(student)) for pk, k in zip(ids.tolist(), keys, strict=True) if k[3] == LINKED_YEAR
             for student in places[k][2]]
    through = DualTrainingPlace.students.through
    insert(ctx, through, len(links), lambda a, b: [
        through(dualtrainingplace_id=p, student_id=s) for p, s in links[a:b]
    ], "Dual-training students")
    ctx.counts["dual_training_places"] = len(keys)
    ctx.counts[f"dual_places_offered_{LINKED_YEAR}"] = sum(places[k][1] for k in keys if k[3] == LINKED_YEAR)
    ctx.counts[f"dual_students_placed_{LINKED_YEAR}"] = len(links)


# --- target orders --------------------------------------------------------------------------------------------
def generate_target_orders(ctx: Context) -> None:
    rng = ctx.rng("partnership-target-orders")
    college_ids = [int(pk) for pk in ctx.colleges.ids.tolist()]
    agreements: dict[tuple[int, int], list[tuple[int, dt.date]]] = defaultdict(list)
    for pk, org, ent, signed in (EmployerAgreement.objects.filter(kind="target_order",
                                                                 organization_id__in=college_ids)
                                 .order_by("signed_on", "id")
                                 .values_list("pk", "organization_id", "enterprise_id", "signed_on")):
        agreements[(org, ent)].append((pk, signed))
    groups = list(Student.objects.filter(funding=Student.Funding.TARGET, sponsor__isnull=False,
                                         organization_id__in=college_ids)
                  .values_list("organization_id", "sponsor_id", "specialty_id", "cohort_year")
                  .annotate(n=Count("id")).order_by("organization_id", "sponsor_id", "specialty_id", "cohort_year"))
    rows = []
    for org, ent, spec, cohort, n in groups:
        signed = [pk for pk, day in agreements.get((org, ent), []) if day <= dt.date(cohort, 9, 1)]
        agreement = signed[-1] if signed else (agreements[(org, ent)][0][0] if agreements.get((org, ent)) else None)
        places = n + int(rng.random() < 0.15)
        cost = int(round(TARGET_COST.get(cohort, 400_000) * rng.uniform(0.9, 1.4), -3))
        rows.append((agreement, org, ent, spec, cohort, places, cost))
    insert(ctx, TargetOrder, len(rows), lambda a, b: [
        TargetOrder(agreement_id=agreement, organization_id=org, enterprise_id=ent, specialty_id=spec,
                    admission_year=cohort, places=places, cost_per_student_tenge=cost)
        for agreement, org, ent, spec, cohort, places, cost in rows[a:b]
    ], "Target orders")
    ctx.counts["target_orders"] = len(rows)
    ctx.counts["target_order_places"] = sum(r[5] for r in rows)


def generate(ctx: Context) -> None:
    """Create the new kinds of agreement, the dual-training places and the target orders."""
    generate_agreement_kinds(ctx)
    generate_dual_places(ctx)
    generate_target_orders(ctx)


def clear() -> None:
    """Delete the dual-training places (and their students' links) and the target orders."""
    wipe_table(DualTrainingPlace.students.through)
    wipe_table(DualTrainingPlace)
    wipe_table(TargetOrder)

