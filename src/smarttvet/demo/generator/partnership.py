"""The partnership part of the demo: employer agreements, WorldSkills, international links, infrastructure,
finance and the independent qualification assessment, for the TVET organisations (not schools), 2022-2025.

Everything is driven by the hidden quality (:mod:`.latent`, read through ``ctx.colleges.quality_in``) plus
noise, so that a good college is good here too:

* **Employer agreements.** Every partner enterprise the registry gave a college has a partnership
  agreement (a target-order agreement for the enterprises that sponsor its target-order students),
  renewed when it expires; dual training rests on one agreement per ≈4-8 dual students (nationally
  ≈108,000 dual students with ≈18,000 enterprises, FACTS.md), with partners first and otherwise
  enterprises of the region in fitting sectors; some better colleges also have sponsorship agreements.
* **WorldSkills.** 30 competencies a year (33 in 2025, the list growing towards 50). Each region holds a
  championship in most competencies its colleges teach; colleges teaching a competence enter (better
  ones more often); the regional winners meet at the national championship (≈18 per competence, so
  ≈500 national contestants a year, FACTS.md: 555 in 2024), whose winners may go to an international
  championship, where medals are rare. Ranks follow a skill = quality + noise.
* **International partnerships.** Rare and quality-driven: exchanges, joint programmes and other
  cooperation with foreign colleges; international accreditation only at a few of the best colleges
  (30 nationally is the 2030 target, so ≈1-2% by 2025).
* **Infrastructure.** Training workshops everywhere (about one per 90 students, ≈1.5 m² per student, more
  and larger in better colleges); mini-enterprises at about a quarter of colleges, Business Startup centres
  at about one in ten (opened 2022-2025, towards the roadmap's 100 centres); Fab Labs, IT hubs and
  technoparks are rare: the roadmap's 5 Fab Labs and 5 IT hubs nationally (one per region at most, at
  strong colleges), about 8 technoparks - at least one of each at every scale.
* **Finance.** State funding = state-funded students × the per-student rate of the calendar year (437k
  tenge in 2024; 912k from September 2025, so ≈596k for the calendar year 2025, FACTS.md); extra-budgetary
  income typically 5-30% of all income (more in better colleges, most of it at private ones, which live
  on paid students); endowment assets only where the registry says the college has an endowment fund.
* **Independent qualification assessment.** Per organisation, year and specialty, from the graduates in
  the database: most graduates are assessed (80-100%), the pass rate is ≈80% on average and rises with
  quality.

Then, each in its own module with its own random streams (so the records above do not change):
:mod:`.partnership_training` (internship-base, mentoring and equipment agreements, dual-training places with
their students, target orders matching the target-order students), :mod:`.partnership_links` (academic
mobility on the international partnerships, WorldSkills competence centres) and :mod:`.partnership_clusters`
(a regional educational-production cluster per region, the Karaganda mining-metallurgy cluster with all its
graduates employed). WorldSkills results are linked to the reference list of competencies by their code.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
from django.db.models import Count

from smarttvet.demo.generator import partnership_clusters, partnership_links, partnership_training
from smarttvet.demo.generator.context import AS_OF, FIRST_COHORT, Context, insert, wipe_table
from smarttvet.demo.generator.registry import field_sectors
from smarttvet.partnership.models import (
    EmployerAgreement,
    FinanceYear,
    Infrastructure,
    InternationalPartnership,
    QualificationAssessment,
    WorldSkillsCompetency,
    WorldSkillsResult,
)
from smarttvet.people.models import Student
from smarttvet.registry.models import Organization

YEARS = (2022, 2023, 2024, 2025)
NATIONAL_COLLEGES = 741
# State funding per state-funded student in a calendar year, tenge (FACTS.md: 437k, then 912k from 2025-26).
STATE_RATE = {2022: 355_000, 2023: 395_000, 2024: 437_000, 2025: 596_000}
INTAKE_GROWTH = 1.03

# WorldSkills competencies: code (WorldSkills International's number, "KZ.." for national-only ones),
# name, the ISCED-F fields that teach it, and the first year it is held.
COMPETENCIES: tuple[tuple[str, str, tuple[str, ...], int], ...] = (
    ("04", "Mechatronics", ("0714",), 2015),
    ("05", "Mechanical Engineering CAD", ("0715",), 2015),
    ("06", "CNC Turning", ("0715",), 2015),
    ("07", "CNC Milling", ("0715",), 2015),
    ("09", "IT Software Solutions for Business", ("0613",), 2015),
    ("10", "Welding", ("0715",), 2015),
    ("12", "Wall and Floor Tiling", ("0732",), 2015),
    ("13", "Autobody Repair", ("0716",), 2015),
    ("15", "Plumbing and Heating", ("0732", "0713"), 2015),
    ("16", "Electronics", ("0714",), 2015),
    ("17", "Web Technologies", ("0613", "0612"), 2015),
    ("18", "Electrical Installations", ("0713",), 2015),
    ("19", "Industrial Control", ("0714", "0713"), 2015),
    ("20", "Bricklaying", ("0732",), 2015),
    ("21", "Plastering and Drywall Systems", ("0732",), 2015),
    ("22", "Painting and Decorating", ("0732",), 2015),
    ("24", "Cabinetmaking", ("0722",), 2015),
    ("25", "Joinery", ("0722", "0732"), 2015),
    ("29", "Hairdressing", ("1012",), 2015),
    ("30", "Beauty Therapy", ("1012",), 2015),
    ("31", "Fashion Technology", ("0723", "0212"), 2015),
    ("32", "Confectioner/Pastry Cook", ("0721", "1013"), 2015),
    ("33", "Automobile Technology", ("0716",), 2015),
    ("34", "Cooking", ("1013",), 2015),
    ("35", "Restaurant Service", ("1013",), 2015),
    ("38", "Refrigeration and Air Conditioning", ("0713", "0715"), 2015),
    ("39", "IT Network Systems Administration", ("0612",), 2015),
    ("40", "Graphic Design Technology", ("0211",), 2015),
    ("41", "Health and Social Care", ("0913", "0923"), 2015),
    ("47", "Bakery", ("0721",), 2015),
    ("23", "Mobile Robotics", ("0714",), 2025),
    ("49", "Heavy Vehicle Technology", ("0716",), 2025),
    ("KZ01", "Locomotive Driver", ("1041", "0716"), 2025),
)

PARTNER_INSTITUTIONS: dict[str, tuple[str, ...]] = {
    "DE": ("Berufskolleg Essen-Nord", "Berufsbildende Schulen Hannover", "Berufliches Schulzentrum Dresden",
           "Berufsschule Rostock", "Technikerschule Chemnitz"),
    "AT": ("HTL Linz", "HTL Graz", "Berufsschule Salzburg"),
    "FI": ("Tampere Vocational College", "Oulu Vocational College", "Helsinki Vocational College"),
    "KR": ("Incheon Polytechnic College", "Daejeon Polytechnic College", "Changwon Polytechnic College"),
    "CN": ("Urumqi Vocational and Technical College", "Xi'an Vocational and Technical College",
           "Tianjin Vocational and Technical College"),
    "TR": ("Ankara Meslek Yüksekokulu", "Bursa Meslek Yüksekokulu", "İzmir Meslek Yüksekokulu"),
    "RU": ("Омский политехнический колледж", "Новосибирский политехнический колледж",
           "Томский индустриальный техникум"),
    "UZ": ("Toshkent politexnikumi", "Samarqand texnikumi"),
    "BY": ("Minsk State Polytechnic College", "Gomel State Polytechnic College"),
    "LV": ("Riga Technical School",),
    "LT": ("Kaunas Technical School",),
    "PL": ("Zespół Szkół Technicznych w Gdańsku", "Zespół Szkół Technicznych w Lublinie"),
    "CZ": ("SPŠ Brno", "SPŠ Ostrava"),
    "SG": ("Singapore Technical Institute",),
}
PARTNER_COUNTRIES = tuple(PARTNER_INSTITUTIONS)
COUNTRY_WEIGHTS = np.array([0.16, 0.06, 0.07, 0.1, 0.12, 0.1, 0.14, 0.06, 0.05, 0.02, 0.02, 0.04, 0.03, 0.03])
ACCREDITORS = (("DE", "ASIIN"), ("DE", "FIBAA"), ("DE", "AQAS"), ("AT", "AQ Austria"), ("DE", "ACQUIN"))


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def _date(year: int, day_of_year: int) -> dt.date:
    return dt.date(int(year), 1, 1) + dt.timedelta(days=int(day_of_year))


def _plus_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _dual_students(ctx: Context) -> np.ndarray:
    colleges = ctx.colleges
    return colleges.studying_target * colleges.dual_share


# --- employer agreements --------------------------------------------------------------------------------------
def generate_agreements(ctx: Context) -> None:
    rng = ctx.rng("partnership-agreements")
    colleges, ent = ctx.colleges, ctx.enterprises
    q = colleges.quality_in(2025)
    size_w = np.sqrt(ent.employees.astype(float))
    by_region = {r: np.flatnonzero(ent.region == r) for r in range(len(ctx.regions))}
    college_fields: dict[int, set[str]] = {}
    for c, f in zip(ctx.offers.college.tolist(), ctx.offers.field_code.tolist(), strict=True):
        college_fields.setdefault(c, set()).add(f)
    dual_students = _dual_students(ctx)
    rows: list[tuple[int, int, str, dt.date, dt.date | None]] = []
    last_day = AS_OF

    def add(college: int, enterprise: int, kind: str, signed: dt.date, years: int | None, renew: bool) -> None:
        while True:
            expires = None if years is None else _plus_years(signed, years) - dt.timedelta(days=1)
            rows.append((college, enterprise, kind, signed, expires))
            if not renew or expires is None or expires >= last_day:
                return
            signed = expires + dt.timedelta(days=1)

    for i in range(colleges.n):
        partners = colleges.partners[i] if i < len(colleges.partners) else np.zeros(0, int)
        sponsors = set(colleges.sponsors[i].tolist()) if i < len(colleges.sponsors) else set()
        for e in partners.tolist():
            kind = "target_order" if e in sponsors else "partnership"
            signed = _date(int(rng.integers(2014, 2026)), int(rng.integers(0, 365)))
            if signed > last_day:
                signed = last_day - dt.timedelta(days=30)
            years = (None, 3, 5)[int(rng.choice(3, p=[0.25, 0.3, 0.45]))]
            add(i, e, kind, signed, years, renew=rng.random() < 0.85)
        # dual training: one agreement per 4-8 dual students, partners first
        if dual_students[i] > 0:
            pool = by_region.get(int(colleges.region[i]), np.zeros(0, int))
            wanted = {s for f in college_fields.get(i, ()) for s in field_sectors(f)}
            k = int(max(1, round(dual_students[i] / rng.uniform(4, 8))))
            k = min(k, len(pool))
            chosen = [e for e in partners.tolist() if e not in sponsors][: max(1, k // 3)]
            rest = np.setdiff1d(pool, np.array(chosen, dtype=int))
            if k > len(chosen) and len(rest):
                w = size_w[rest] * np.where(np.isin(ent.sector[rest], list(wanted)), 5.0, 1.0)
                extra = rng.choice(rest, size=min(k - len(chosen), len(rest)), replace=False, p=w / w.sum())
                chosen.extend(extra.tolist())
            for e in chosen:
                start = int(rng.integers(2019, 2026))
                signed = dt.date(start, 8, 15) + dt.timedelta(days=int(rng.integers(0, 45)))
                add(i, int(e), "dual_training", signed, int(rng.integers(1, 4)), renew=rng.random() < 0.7)
        # sponsorship: some better colleges
        if len(partners) and rng.random() < _sigmoid(-1.6 + 0.9 * q[i]):
            for e in rng.choice(partners, size=min(len(partners), 1 + int(rng.poisson(0.4))), replace=False):
                signed = _date(int(rng.integers(2019, 2026)), int(rng.integers(0, 365)))
                add(i, int(e), "sponsorship", min(signed, last_day), int(rng.integers(1, 4)), renew=False)

    college_ids, ent_ids = colleges.ids, ent.ids
    insert(ctx, EmployerAgreement, len(rows), lambda a, b: [
        EmployerAgreement(organization_id=int(college_ids[c]), enterprise_id=int(ent_ids[e]), kind=kind,
                          signed_on=signed, expires_on=expires)
        for c, e, kind, signed, expires in rows[a:b]
    ], "Employer agreements")
    ctx.counts["employer_agreements"] = len(rows)
    ctx.counts["dual_training_agreements"] = sum(1 for r in rows if r[2] == "dual_training")


# --- WorldSkills ----------------------------------------------------------------------------------------------
def _competence_colleges(ctx: Context) -> list[np.ndarray]:
    """For each competence, the colleges (indices) that teach a field it belongs to."""
    offers = ctx.offers
    fields = offers.field_code.astype(str)
    result = []
    for _code, _name, prefixes, _since in COMPETENCIES:
        mask = np.zeros(len(fields), bool)
        for prefix in prefixes:
            mask |= np.char.startswith(fields, prefix)
        result.append(np.unique(offers.college[mask]))
    return result


def generate_worldskills(ctx: Context) -> None:
    rng = ctx.rng("partnership-worldskills")
    colleges = ctx.colleges
    teaching = _competence_colleges(ctx)
    size = np.sqrt(colleges.studying_target / 750)
    rows: list[tuple[int, int, int, str, str]] = []  # college, year, competence, level, award
    medals = np.array(["gold", "silver", "bronze"])
    for year in YEARS:
        q = colleges.quality_in(year)
        for k, (_code, _name, _prefixes, since) in enumerate(COMPETENCIES):
            if since > year:
                continue
            eligible = teaching[k]
            national: list[tuple[int, float]] = []
            for r in range(len(ctx.regions)):
                members = eligible[colleges.region[eligible] == r]
                if not len(members) or rng.random() > 0.9:
                    continue
                enter = rng.random(len(members)) < _sigmoid(-0.3 + 1.2 * q[members] + 0.3 * np.log(size[members]))
                if not enter.any():
                    enter[np.argmax(q[members])] = True
                entrants = members[enter]
                entrants = np.repeat(entrants, 1 + (rng.random(len(entrants)) < 0.3))
                skill = q[entrants] + rng.normal(0, 0.5, len(entrants))
                order = np.argsort(-skill, kind="stable")
                awards = np.where(skill > 0.6, "medallion", "participant").astype("<U11")
                awards[order[:3]] = medals[: min(3, len(order))]
                for c, award in zip(entrants.tolist(), awards.tolist(), strict=True):
                    rows.append((c, year, k, "regional", award))
                national.append((int(entrants[order[0]]), float(skill[order[0]])))
            if not national:
                continue
            nat_c = np.array([c for c, _ in national])
            nat_skill = np.array([s for _, s in national]) + rng.normal(0, 0.5, len(national))
            order = np.argsort(-nat_skill, kind="stable")
            awards = np.where(nat_skill > 1.3, "medallion", "participant").astype("<U11")
            awards[order[:3]] = medals[: min(3, len(order))]
            for c, award in zip(nat_c.tolist(), awards.tolist(), strict=True):
                rows.append((c, year, k, "national", award))
            if rng.random() < 0.55:  # the national champion goes to an international championship
                best = int(nat_c[order[0]])
                skill = float(nat_skill[order[0]]) - 1.5 + rng.normal(0, 0.5)
                award = ("gold" if skill > 1.3 else "silver" if skill > 1.0 else "bronze" if skill > 0.7
                         else "medallion" if skill > 0.0 else "participant")
                rows.append((best, year, k, "international", award))
    ids = colleges.ids
    listed = dict(WorldSkillsCompetency.objects.values_list("code", "pk"))
    insert(ctx, WorldSkillsResult, len(rows), lambda a, b: [
        WorldSkillsResult(organization_id=int(ids[c]), year=y, competence_code=COMPETENCIES[k][0],
                          competence_name=COMPETENCIES[k][1], competency_id=listed.get(COMPETENCIES[k][0]),
                          level=level, award=award)
        for c, y, k, level, award in rows[a:b]
    ], "WorldSkills results")
    ctx.counts["worldskills_results"] = len(rows)
    ctx.counts["worldskills_national_2025"] = sum(1 for r in rows if r[1] == 2025 and r[3] == "national")


# --- international partnerships -------------------------------------------------------------------------------
def generate_international(ctx: Context) -> None:
    rng = ctx.rng("partnership-international")
    colleges = ctx.colleges
    q = colleges.quality_in(2025)
    rate = 0.3 * np.exp(0.9 * q) * np.where(colleges.higher, 1.6, 1.0) * np.where(colleges.branch, 0.4, 1.0)
    counts = rng.poisson(rate)
    rows: list[tuple[int, str, str, str, dt.date, dt.date | None]] = []
    kinds = np.array(["exchange", "joint_programme", "other"])
    for i in np.flatnonzero(counts > 0).tolist():
        n = int(counts[i])
        countries = rng.choice(len(PARTNER_COUNTRIES), size=n, p=COUNTRY_WEIGHTS / COUNTRY_WEIGHTS.sum())
        chosen_kinds = kinds[rng.choice(3, size=n, p=[0.45, 0.25, 0.30])]
        for country, kind in zip(countries.tolist(), chosen_kinds.tolist(), strict=True):
            code = PARTNER_COUNTRIES[country]
            names = PARTNER_INSTITUTIONS[code]
            since = _date(int(rng.integers(2015, 2026)), int(rng.integers(0, 365)))
            since = min(since, AS_OF - dt.timedelta(days=60))
            until = _plus_years(since, int(rng.integers(2, 6))) if rng.random() < 0.3 else None
            if until is not None and until > AS_OF:
                until = None
            rows.append((i, code, names[int(rng.integers(len(names)))], kind, since, until))
    # international accreditation: only a few of the best colleges
    accredited = rng.random(colleges.n) < _sigmoid(-5.6 + 1.4 * q) * np.where(colleges.branch, 0.2, 1.0)
    if not accredited.any():
        accredited[int(np.argmax(q + rng.normal(0, 0.3, colleges.n)))] = True
    for i in np.flatnonzero(accredited).tolist():
        country, agency = ACCREDITORS[int(rng.integers(len(ACCREDITORS)))]
        since = _date(int(rng.choice([2021, 2022, 2023, 2024, 2025], p=[0.1, 0.15, 0.2, 0.25, 0.3])),
                      int(rng.integers(0, 330)))
        rows.append((i, country, agency, "accreditation", since, None))
    ids = colleges.ids
    insert(ctx, InternationalPartnership, len(rows), lambda a, b: [
        InternationalPartnership(organization_id=int(ids[c]), country=country, partner_name=name, kind=kind,
                                 since=since, until=until)
        for c, country, name, kind, since, until in rows[a:b]
    ], "International partnerships")
    ctx.counts["international_partnerships"] = len(rows)
    ctx.counts["internationally_accredited"] = int(accredited.sum())


# --- infrastructure -------------------------------------------------------------------------------------------
def _rare(score: np.ndarray, region: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` best colleges by ``score``, at most one per region."""
    chosen: list[int] = []
    taken: set[int] = set()
    for i in np.argsort(-score, kind="stable").tolist():
        if len(chosen) >= k:
            break
        if int(region[i]) in taken:
            continue
        chosen.append(i)
        taken.add(int(region[i]))
    return np.array(chosen, dtype=int)


def generate_infrastructure(ctx: Context) -> None:
    rng = ctx.rng("partnership-infrastructure")
    colleges, offers = ctx.colleges, ctx.offers
    n = colleges.n
    q = colleges.quality_in(2025)
    founded = np.asarray(ctx.extra.get("college_founded", np.full(n, 1980)))
    rows: list[tuple[int, str, str, int, int | None]] = []
    # workshops: common, about one per 90 students, more and larger in better colleges (≈1.5 m² per student)
    n_workshops = np.maximum(1, np.round(colleges.studying_target / 90 * np.exp(0.25 * q + rng.normal(0, 0.25, n))))
    n_workshops = n_workshops.astype(int)
    for i in range(n):
        k = int(n_workshops[i])
        opened = np.minimum(2025, founded[i] + np.floor(rng.random(k) * (2026 - founded[i]))).astype(int)
        area = np.round(rng.uniform(60, 220, k) * math.exp(0.15 * q[i]), -1).astype(int)
        for year, m2 in zip(opened.tolist(), area.tolist(), strict=True):
            rows.append((i, "workshop", "", year, m2))
    # mini-enterprises and Business Startup centres: quality-driven chances
    mini = rng.random(n) < _sigmoid(-1.2 + 0.9 * q)
    for i in np.flatnonzero(mini).tolist():
        rows.append((i, "mini_enterprise", "", int(rng.integers(2010, 2026)), int(rng.integers(40, 200))))
    startup = rng.random(n) < _sigmoid(-2.6 + 1.0 * q) * np.where(colleges.branch, 0.3, 1.0)
    for i in np.flatnonzero(startup).tolist():
        year = int(rng.choice([2022, 2023, 2024, 2025], p=[0.1, 0.25, 0.3, 0.35]))
        rows.append((i, "business_startup_centre", "Business Startup", year, int(rng.integers(50, 150))))
    # Fab Labs, IT hubs, technoparks: the roadmap's handful, at strong colleges, one per region
    share = n / NATIONAL_COLLEGES
    digital = np.zeros(n)
    for c, f in zip(offers.college.tolist(), offers.field_code.tolist(), strict=True):
        if f.startswith("06"):
            digital[c] = 1.0
    head = np.where(colleges.branch, -10.0, 0.0)
    for kind, label, k, bonus, years in (
        ("fab_lab", "Fab Lab", max(1, round(5 * share)), np.zeros(n), (2023, 2024, 2025)),
        ("it_hub", "IT hub", max(1, round(5 * share)), 1.5 * digital, (2024, 2025)),
        ("technopark", "Technopark", max(1, round(8 * share)), 0.5 * colleges.higher, (2022, 2023, 2024, 2025)),
    ):
        score = q + bonus + head + rng.normal(0, 0.6, n)
        for i in _rare(score, colleges.region, k).tolist():
            rows.append((i, kind, label, int(rng.choice(years)), int(rng.integers(150, 600))))
    ids = colleges.ids
    insert(ctx, Infrastructure, len(rows), lambda a, b: [
        Infrastructure(organization_id=int(ids[c]), kind=kind, name=name, opened_year=year, area_m2=area)
        for c, kind, name, year, area in rows[a:b]
    ], "Infrastructure")
    ctx.counts["infrastructure"] = len(rows)
    ctx.counts["fab_labs"] = sum(1 for r in rows if r[1] == "fab_lab")
    ctx.counts["it_hubs"] = sum(1 for r in rows if r[1] == "it_hub")


# --- finance --------------------------------------------------------------------------------------------------
def generate_finance(ctx: Context) -> None:
    rng = ctx.rng("partnership-finance")
    colleges = ctx.colleges
    n = colleges.n
    ids = colleges.ids
    endowment_flag = dict(Organization.objects.filter(pk__in=ids.tolist()).values_list("pk", "has_endowment_fund"))
    has_fund = np.array([bool(endowment_flag.get(int(pk), False)) for pk in ids])
    college_noise = rng.normal(0, 0.35, n)
    fund_start = rng.integers(2015, 2025, n)
    fund_initial = 10 ** rng.uniform(6.5, 8.0, n) * np.exp(0.4 * colleges.quality_in(2025))
    fund_growth = rng.uniform(1.08, 1.25, n)
    rows = []
    for year in YEARS:
        q = colleges.quality_in(year)
        students = colleges.studying_target * INTAKE_GROWTH ** (year - 2025) * np.exp(rng.normal(0, 0.03, n))
        state = np.round(students * colleges.state_share * STATE_RATE[year] * rng.uniform(0.95, 1.05, n), -3)
        base = np.where(colleges.public, _logit(0.11), _logit(0.55)) + 4.0 * colleges.target_share
        share = np.clip(_sigmoid(base + 0.45 * q + college_noise + rng.normal(0, 0.12, n)), 0.01, 0.9)
        extra = np.round(np.maximum(state, 5e6) * share / (1 - share), -3)
        assets = np.where(has_fund & (fund_start <= year),
                          np.round(fund_initial * fund_growth ** (year - fund_start), -3), 0.0)
        for i in range(n):
            rows.append((i, year, int(state[i]), int(extra[i]), int(assets[i])))
    insert(ctx, FinanceYear, len(rows), lambda a, b: [
        FinanceYear(organization_id=int(ids[c]), year=y, state_funding_tenge=s, extra_budgetary_income_tenge=e,
                    endowment_assets_tenge=a_)
        for c, y, s, e, a_ in rows[a:b]
    ], "Finance")
    ctx.counts["finance_years"] = len(rows)


# --- independent qualification assessment ----------------------------------------------------------------------
def generate_assessments(ctx: Context) -> None:
    rng = ctx.rng("partnership-assessment")
    colleges = ctx.colleges
    index = {int(pk): i for i, pk in enumerate(colleges.ids.tolist())}
    groups = list(
        Student.objects.filter(status=Student.Status.GRADUATED, status_year__in=YEARS,
                               organization_id__in=list(index))
        .values_list("organization_id", "specialty_id", "status_year")
        .annotate(n=Count("id")).order_by("organization_id", "specialty_id", "status_year")
    )
    if not groups:
        ctx.counts["qualification_assessments"] = 0
        return
    org = np.array([g[0] for g in groups])
    college = np.array([index[o] for o in org.tolist()])
    year = np.array([g[2] for g in groups])
    graduates = np.array([g[3] for g in groups])
    q = colleges.quality[college, year - FIRST_COHORT]
    college_noise = rng.normal(0, 0.25, colleges.n)[college]
    coverage = np.clip(0.9 + 0.03 * q + rng.normal(0, 0.05, len(groups)), 0.7, 1.0)
    assessed = rng.binomial(graduates, coverage)
    rate = _sigmoid(_logit(0.8) + 0.55 * q + college_noise + rng.normal(0, 0.25, len(groups)))
    passed = rng.binomial(assessed, rate)
    keep = np.flatnonzero(assessed > 0)
    insert(ctx, QualificationAssessment, len(keep), lambda a, b: [
        QualificationAssessment(organization_id=int(org[k]), year=int(year[k]), specialty_id=int(groups[k][1]),
                                assessed=int(assessed[k]), passed=int(passed[k]))
        for k in keep[a:b].tolist()
    ], "Qualification assessments")
    ctx.counts["qualification_assessments"] = len(keep)


# --- the stage ------------------------------------------------------------------------------------------------
def generate(ctx: Context) -> None:
    """Create the partnership, WorldSkills, international, infrastructure, finance and assessment records, then
    the dual training, target orders, mobility, WorldSkills centres and clusters."""
    if ctx.colleges is None or not ctx.colleges.n:
        return
    generate_agreements(ctx)
    generate_worldskills(ctx)
    generate_international(ctx)
    generate_infrastructure(ctx)
    generate_finance(ctx)
    generate_assessments(ctx)
    partnership_training.generate(ctx)
    partnership_links.generate(ctx)
    partnership_clusters.generate(ctx)


def clear() -> None:
    """Delete every record of this stage (one statement per table)."""
    partnership_clusters.clear()
    partnership_links.clear()
    partnership_training.clear()
    for model in (QualificationAssessment, FinanceYear, Infrastructure, InternationalPartnership,
                  WorldSkillsResult, EmployerAgreement):
        wipe_table(model)
