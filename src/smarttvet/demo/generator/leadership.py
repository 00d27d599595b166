"""Demo data of the cadre reserve: the "1000 leaders in education" programme with three national cohorts.

* ``1000-leaders-2023`` and ``1000-leaders-2024``: every applicant screened and every stage decided. The 2024
  cohort reproduces the funnel of the project's 2024 round (document 004): about 2,500 applicants, 433 entering
  training; the two cohorts leave about 583 in the reserve, about 397 of them appointed (2024-2025).
* ``1000-leaders-2025``: a smaller round under way: the testing stage is open, partly scored, a few spreads wait
  for the committee's review; the demo login ``assessor`` has candidates left to score.

Applicants are mostly external persons (a name and a person key from a synthetic IIN, never stored) plus some of
the demo's teachers; their regions follow the population (``../shared/domain/regions.csv``, in the Region
table). Each candidate has a latent ability; each assessor's score is the candidate's stage level plus the
assessor's noise (and now and then an outlier, so that some spreads are flagged). Decisions use the same pure
rules as the services (``smarttvet.leadership.scoring``), on the whole cohort at once, and are written with
``bulk_create``. The same scale and seed give the same data; the cohort sizes do not depend on the scale (the
appointments go to the demo's organisations, so at the small scale most are deputies).

Demo logins (accounts.py makes them): ``committee`` (the selection committee) and ``assessor`` (an assessor of a
Turkistan college). The other assessors are users without a password (``reserve-assessor-NN``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from smarttvet.demo.generator.context import AS_OF, Context, insert

PROGRAMME_CODE = "1000-leaders"
ASSESSOR_PREFIX = "reserve-assessor-"
N_ASSESSORS = 30
TEACHER_SHARE = 0.08  # of the applicants, at most, are the demo's teachers
LOGIN_TEACHER_YEAR = 2024  # the demo login "teacher" applied to this cohort (and no other)


@dataclass(frozen=True)
class CohortSpec:
    code: str
    year: int
    applicants: int
    seats: int  # training seats
    decided: bool  # every stage decided (else: the testing stage is open and partly scored)
    appointments: int


COHORTS = (
    CohortSpec("1000-leaders-2023", 2023, 2_080, 385, True, 232),
    CohortSpec("1000-leaders-2024", 2024, 2_530, 433, True, 165),
    CohortSpec("1000-leaders-2025", 2025, 260, 60, False, 0),
)
# stage level of a candidate: mean + slope × ability + N(0, sd); assessors add N(0, 4) and, rarely, an outlier
# (the 433 who enter training have an ability about 1.2 above the mean: the later stages drop 5-12 % each)
STAGE_MODEL = {"testing": (63.0, 12.0, 6.0), "training": (67.0, 6.0, 8.0), "internship": (66.5, 6.0, 8.0),
               "final_assessment": (69.0, 6.0, 8.0), "interview": (70.0, 6.0, 8.0)}
ASSESSORS_PER_STAGE = {"interview": 3}
CATEGORIES = ("none", "teacher", "moderator", "expert", "researcher", "master")
CATEGORY_P = (0.03, 0.10, 0.38, 0.30, 0.11, 0.08)


def _names(rng, n):
    from smarttvet.demo.generator.people import full_name

    female = rng.random(n) < 0.58
    group = np.where(rng.random(n) < 0.78, 0, np.where(rng.random(n) < 0.8, 1, 2))
    russian = rng.random(n) < 0.3
    return [full_name(rng, int(group[i]), bool(female[i]), bool(russian[i])) for i in range(n)], female


def _assessors(ctx: Context, rng) -> list:
    from django.contrib.auth.hashers import make_password

    from smarttvet.accounts.models import Role, RoleAssignment, User
    from smarttvet.leadership.models import Assessor
    from smarttvet.registry.models import Organization

    colleges = list(Organization.objects.filter(pk__in=[int(i) for i in ctx.colleges.ids]).order_by("pk")
                    .values_list("pk", "region__kato"))
    turkistan = [pk for pk, kato in colleges if kato.startswith("61")] or [colleges[0][0]]
    names, _female = _names(rng, N_ASSESSORS)
    users = []
    login = User.objects.filter(username="assessor").first()
    for i in range(N_ASSESSORS):
        if i == 0 and login is not None:
            users.append(login)
            continue
        users.append(User(username=f"{ASSESSOR_PREFIX}{i:02d}", full_name=names[i], password=make_password(None)))
    User.objects.bulk_create([u for u in users if u.pk is None])
    new = {u.username: u for u in User.objects.filter(username__startswith=ASSESSOR_PREFIX)}
    users = [new.get(u.username, u) for u in users]
    RoleAssignment.objects.bulk_create([RoleAssignment(user=u, role=Role.ASSESSOR) for u in users
                                        if u.username.startswith(ASSESSOR_PREFIX)])
    assessors = []
    for i, user in enumerate(users):
        if i == 0:
            org = turkistan[0]
        elif rng.random() < 0.35:
            org = None  # experts of the ministry and universities, no college affiliation
        else:
            org = colleges[int(rng.integers(len(colleges)))][0]
        assessors.append(Assessor(user=user, full_name=user.full_name or names[i], organization_id=org))
    Assessor.objects.bulk_create(assessors)
    return assessors


def _teachers(ctx: Context, rng, n_wanted: int, include: int | None = None, exclude: int | None = None) -> list[dict]:
    """Current teachers of the demo who apply (``include``: one who must, ``exclude``: one who must not)."""
    from smarttvet.people.models import Teacher

    ids = np.asarray(ctx.extra.get("teacher_ids", []), dtype=np.int64)
    if not len(ids) or n_wanted <= 0:
        return []
    picked = [int(i) for i in rng.choice(ids, size=min(n_wanted, len(ids) // 3), replace=False)]
    if include is not None and include not in picked:
        picked[0] = include
    picked = [i for i in picked if i != exclude]
    rows = (Teacher.objects.filter(pk__in=picked, employed_until__isnull=True)
            .order_by("pk").values("pk", "person_key", "full_name", "organization_id", "organization__region_id",
                                   "position", "category", "employed_from", "gender"))
    return list(rows)


def _applicants(ctx: Context, spec: CohortSpec, rng, regions, field_codes, used_keys: set,
                login_teacher: int | None = None) -> dict:
    """Columns of the applicants of one cohort (demo teachers first, then external persons)."""
    from smarttvet.demo.generator.people import draw_iins, person_keys

    applies = spec.year == LOGIN_TEACHER_YEAR
    teachers = [t for t in _teachers(ctx, rng, int(spec.applicants * TEACHER_SHARE),
                                     include=login_teacher if applies else None,
                                     exclude=None if applies else login_teacher)
                if t["person_key"] not in used_keys]
    n = spec.applicants
    n_ext = n - len(teachers)
    weights = np.array([r.population for r in regions])
    region = rng.choice(len(regions), size=n_ext, p=weights / weights.sum())
    names, female = _names(rng, n_ext)
    birth_year = rng.integers(1965, 1996, n_ext)
    iins = draw_iins(ctx, rng, birth_year, rng.integers(1, 13, n_ext), rng.integers(1, 29, n_ext), female)
    keys = person_keys(iins)
    applied = dt.date(spec.year, 2, 1)
    cols = {"kind": [], "teacher_id": [], "person_key": [], "full_name": [], "region_id": [],
            "organization_id": [], "position": [], "experience": [], "management": [], "category": [],
            "record_date": []}
    for t in teachers:
        manager = t["position"] in ("director", "deputy")
        cols["kind"].append("manager" if manager else "teacher")
        cols["teacher_id"].append(t["pk"])
        cols["person_key"].append(t["person_key"])
        cols["full_name"].append(t["full_name"])
        cols["region_id"].append(t["organization__region_id"])
        cols["organization_id"].append(t["organization_id"])
        cols["position"].append(t["position"])
        years = max(0, int((applied - t["employed_from"]).days / 365.25))
        cols["experience"].append(years)
        cols["management"].append(years if manager else int(rng.random() < 0.2) * int(rng.integers(1, 5)))
        cols["category"].append(t["category"])
    for i in range(n_ext):
        cols["kind"].append("external")
        cols["teacher_id"].append(None)
        cols["person_key"].append(keys[i])
        cols["full_name"].append(names[i])
        cols["region_id"].append(regions[region[i]].pk)
        cols["organization_id"].append(None)
        cols["position"].append("")
        cols["experience"].append(int(np.clip(rng.normal(16, 6), 1, 40)))
        cols["management"].append(int(rng.integers(1, 12)) if rng.random() < 0.35 else 0)
        cols["category"].append(str(CATEGORIES[rng.choice(len(CATEGORIES), p=CATEGORY_P)]))
    stale = rng.random(n) < 0.05
    age_days = np.where(stale, rng.integers(3 * 366 + 30, 7 * 365, n), rng.integers(10, 2 * 365, n))
    cols["record_date"] = [applied - dt.timedelta(days=int(d)) for d in age_days]
    n_fields = rng.integers(1, 4, n)
    cols["fields"] = [sorted(set(rng.choice(field_codes, size=int(k)).tolist())) for k in n_fields]
    cols["preferred"] = rng.choice(["any", "college", "school"], size=n, p=[0.4, 0.35, 0.25]).tolist()
    cols["moves"] = (rng.random(n) < 0.3).tolist()
    cols["ability"] = rng.normal(0, 1, n)
    cols["applied_on"] = [applied + dt.timedelta(days=int(d)) for d in rng.integers(0, 45, n)]
    return cols


def _stages(cohort, spec: CohortSpec):
    from smarttvet.leadership import services
    from smarttvet.leadership.models import Stage

    stages = [Stage(cohort=cohort, **s) for s in services.default_stages(training_seats=spec.seats)]
    for stage in stages:
        stage.status = Stage.Status.CLOSED if spec.decided else (
            Stage.Status.OPEN if stage.order == 1 else Stage.Status.PLANNED)
        if stage.code == "interview":
            stage.min_assessors = 3
    return Stage.objects.bulk_create(stages)


def _simulate(ctx: Context, spec: CohortSpec, stages, cols, assessors, rng):
    """Every stage of a decided cohort (or the open first stage of one under way): results, assignments and
    scores, as lists of plain tuples keyed by the applicant's index."""
    from smarttvet.leadership import eligibility, scoring

    rules = eligibility.load_rules()
    n = len(cols["kind"])
    screened_on = dt.date(spec.year, 3, 20)
    refusals = []
    for i in range(n):
        values = {"experience_years": cols["experience"][i], "management_years": cols["management"][i],
                  "category": cols["category"][i],
                  "record_age_years": eligibility.record_age_years(cols["record_date"][i], screened_on)}
        refusals.append([r.as_dict() for r in eligibility.screen(values, rules)])
    status = ["ineligible" if r else "in_selection" for r in refusals]
    entrants = [i for i in range(n) if not refusals[i]]
    results, assignments = [], []  # results: (i, stage_idx, score, spread, flagged, cleared, outcome, reason)
    assessor_org = np.array([a.organization_id or -1 for a in assessors])
    ability = cols["ability"]
    totals: dict[int, list] = {}
    for k, stage in enumerate(stages):
        if not entrants:
            break
        mean, slope, sd = STAGE_MODEL.get(stage.code, (70.0, 8.0, 6.0))
        level = mean + slope * ability[entrants] + rng.normal(0, sd, len(entrants))
        per = ASSESSORS_PER_STAGE.get(stage.code, 2)
        maximum = float(stage.max_score)
        open_stage = not spec.decided
        stage_scores = {}
        for j, i in enumerate(entrants):
            org = cols["organization_id"][i] or -2
            allowed = np.flatnonzero(assessor_org != org)
            if open_stage:
                # the demo login (assessor 0) gets every fifth candidate, whatever their region
                chosen = [0] + list(rng.choice(allowed[allowed != 0], size=per - 1, replace=False)) \
                    if j % 5 == 0 and 0 in allowed else list(rng.choice(allowed[allowed != 0], size=per,
                                                                        replace=False))
            else:
                chosen = list(rng.choice(allowed, size=per, replace=False))
            noise = rng.normal(0, 4, per) + np.where(rng.random(per) < 0.04, rng.normal(0, 20, per), 0)
            values = np.clip(np.round((level[j] + noise) * 2) / 2, 0, maximum)
            scored = [True] * per
            if open_stage:  # under way: the login has a few scored, the others about half of theirs
                scored = [(a != 0 and rng.random() < 0.55) or (a == 0 and j % 15 == 0) for a in chosen]
            for a, v, done in zip(chosen, values, scored, strict=True):
                assignments.append((i, k, int(a), float(v) if done else None))
            if all(scored):
                floats = [float(v) for v in values]
                score = scoring.stage_score(floats)
                flagged = scoring.is_flagged(floats, maximum, float(stage.spread_threshold))
                stage_scores[i] = (round(score, 2), round(scoring.spread(floats), 2), flagged)
            else:
                stage_scores[i] = (None, None, False)
        if open_stage:
            for i in entrants:
                score, spread, flagged = stage_scores[i]
                outcome = "review" if flagged else "pending"
                results.append((i, k, score, spread, flagged, False, outcome, ""))
            break
        following = stages[k + 1] if k + 1 < len(stages) else None
        seats = following.capacity if following is not None else None
        decisions = {d.key: d for d in scoring.decide({i: stage_scores[i][0] for i in entrants},
                                                      float(stage.pass_mark), seats)}
        passed = []
        for i in entrants:
            score, spread, flagged = stage_scores[i]
            decision = decisions[i]
            results.append((i, k, score, spread, flagged, flagged, "passed" if decision.passed else "dropped",
                            decision.reason))
            if decision.passed:
                passed.append(i)
                totals.setdefault(i, []).append((score, maximum, float(stage.weight)))
            else:
                status[i] = "dropped"
        entrants = passed
    if spec.decided:
        for i in entrants:
            status[i] = "completed"
    completed = {i: scoring.weighted_total(totals[i]) for i in entrants} if spec.decided else {}
    return refusals, status, results, assignments, completed


def _appointments(ctx: Context, rng, reserve: list[tuple], spec: CohortSpec, organizations: list[tuple],
                  directors: set) -> list:
    """``reserve``: (entry id, region id, preferred kind, willing to move, valid from). Picks who is appointed
    where: an organisation of the member's region (or another when willing to move) of the kind they want."""
    from smarttvet.leadership.models import Appointment

    if not organizations or not spec.appointments:
        return []
    by_region: dict[int, list] = {}
    for org in organizations:
        by_region.setdefault(org[1], []).append(org)
    picked = rng.choice(len(reserve), size=min(spec.appointments, len(reserve)), replace=False)
    rows = []
    for p in sorted(int(x) for x in picked):
        entry_id, region_id, preferred, moves, valid_from = reserve[p]
        pool = by_region.get(region_id) or organizations
        if moves and rng.random() < 0.3:
            pool = organizations
        wanted = [o for o in pool if preferred == "any" or o[2] == preferred] or pool
        org = wanted[int(rng.integers(len(wanted)))]
        director = org[0] not in directors and rng.random() < 0.45
        if director:
            directors.add(org[0])
        start = valid_from + dt.timedelta(days=30)
        span = max(1, (min(AS_OF, valid_from.replace(year=valid_from.year + 2)) - start).days)
        on = start + dt.timedelta(days=int(rng.integers(span)))
        left = rng.random() < 0.04
        rows.append(Appointment(
            entry_id=entry_id, organization_id=org[0], position="director" if director else "deputy",
            appointed_on=on, route="competition" if rng.random() < 0.72 else "outside",
            left_on=min(AS_OF, on + dt.timedelta(days=int(rng.integers(120, 400)))) if left else None,
            note="Demo data: left the position." if left else ""))
    return rows


def generate(ctx: Context) -> None:
    from smarttvet.accounts.models import RoleAssignment
    from smarttvet.demo.generator.registry import load_regions
    from smarttvet.leadership import scoring
    from smarttvet.leadership.eligibility import load_rules
    from smarttvet.leadership.matching import kind_of
    from smarttvet.leadership.models import (
        Appeal,
        Application,
        Appointment,
        Assignment,
        Cohort,
        Programme,
        ReserveEntry,
        Score,
        StageResult,
    )
    from smarttvet.registry.models import FieldOfEducation, Organization

    rng = ctx.rng("leadership")
    regions = load_regions()
    field_codes = np.array(sorted(FieldOfEducation.objects.filter(code__regex=r"^\d{4}$")
                                  .values_list("code", flat=True))) if FieldOfEducation.objects.exists() else \
        np.array(["0000"])
    programme = Programme.objects.create(
        code=PROGRAMME_CODE, name_kk="«Білім берудегі 1000 көшбасшы»", name_ru="«1000 лидеров в образовании»",
        name_en="1000 leaders in education",
        description="Demo data: the national cadre-reserve project for future directors of colleges and schools.")
    assessors = _assessors(ctx, rng)
    org_ids = [int(i) for i in ctx.colleges.ids] + [int(i) for i in ctx.extra.get("school_ids", [])]
    organizations = [(pk, region_id, kind_of(kind)) for pk, region_id, kind in
                     Organization.objects.filter(pk__in=org_ids, parent__isnull=True).order_by("pk")
                     .values_list("pk", "region_id", "kind")]
    directors: set = set()
    used_keys: set = set()
    counts = {"cohorts": 0, "applications": 0, "results": 0, "scores": 0, "members": 0, "appointments": 0,
              "appeals": 0}
    rules = load_rules()
    # the demo login "teacher" applied in 2024, so that it has its own progress to look at
    login_teacher = RoleAssignment.objects.filter(user__username="teacher", role="teacher").values_list(
        "teacher_id", flat=True).first()
    for spec in COHORTS:
        cohort = Cohort.objects.create(
            programme=programme, code=spec.code, year=spec.year, status="closed" if spec.decided else "open",
            applications_until=dt.date(spec.year, 3, 15), reserve_years=3, eligibility=rules,
            name_kk=f"«1000 көшбасшы» {spec.year}", name_ru=f"«1000 лидеров» {spec.year}",
            name_en=f"1000 leaders {spec.year}")
        stages = _stages(cohort, spec)
        cols = _applicants(ctx, spec, rng, regions, field_codes, used_keys, login_teacher)
        used_keys.update(cols["person_key"])
        refusals, status, results, assignments, completed = _simulate(ctx, spec, stages, cols, assessors, rng)
        n = len(status)
        def make_apps(a, b, cols=cols, cohort=cohort, refusals=refusals, status=status):
            return [Application(
                cohort=cohort, kind=cols["kind"][i], teacher_id=cols["teacher_id"][i],
                person_key=cols["person_key"][i], full_name=cols["full_name"][i], region_id=cols["region_id"][i],
                organization_id=cols["organization_id"][i], position=cols["position"][i],
                experience_years=cols["experience"][i], management_years=cols["management"][i],
                category=cols["category"][i], record_date=cols["record_date"][i], field_codes=cols["fields"][i],
                preferred_kind=cols["preferred"][i], willing_to_move=bool(cols["moves"][i]),
                applied_on=cols["applied_on"][i], status=status[i], refusals=refusals[i])
                for i in range(a, b)]

        app_ids = insert(ctx, Application, n, make_apps, f"Reserve applications {spec.year}")
        decided_at = dt.datetime(spec.year, 11, 30, 12, 0, tzinfo=dt.UTC)
        result_ids = insert(ctx, StageResult, len(results), lambda a, b, results=results, stages=stages,
                            app_ids=app_ids, spec=spec, decided_at=decided_at: [
            StageResult(application_id=int(app_ids[i]), stage=stages[k], score=score, spread=spread,
                        flagged=flagged, review_cleared=cleared, outcome=outcome, reason=reason,
                        decided_at=decided_at if spec.decided else None)
            for i, k, score, spread, flagged, cleared, outcome, reason in results[a:b]],
            f"Reserve stage results {spec.year}")
        assignment_ids = insert(ctx, Assignment, len(assignments), lambda a, b, assignments=assignments,
                                stages=stages, app_ids=app_ids: [
            Assignment(stage=stages[k], application_id=int(app_ids[i]), assessor=assessors[s])
            for i, k, s, _v in assignments[a:b]], f"Reserve assessor assignments {spec.year}")
        scored = [(int(assignment_ids[j]), v) for j, (_i, _k, _s, v) in enumerate(assignments) if v is not None]
        insert(ctx, Score, len(scored), lambda a, b, scored=scored: [
            Score(assignment_id=aid, value=round(v, 2)) for aid, v in scored[a:b]], f"Reserve scores {spec.year}")
        counts["cohorts"] += 1
        counts["applications"] += n
        counts["results"] += len(results)
        counts["scores"] += len(scored)
        if not spec.decided:
            continue
        # a few appeals at the interview: most rejected, one upheld and re-decided (a pass)
        last = len(stages) - 1
        dropped = [j for j, r in enumerate(results) if r[1] == last and r[6] == "dropped"][:8]
        appeals = []
        for m, j in enumerate(dropped):
            upheld = m == 0
            appeals.append(Appeal(result_id=int(result_ids[j]), grounds="Demo data: the interview panel "
                                  "ran over time and the last questions were not asked.",
                                  filed_on=dt.date(spec.year, 12, 2), decision="upheld" if upheld else "rejected",
                                  decision_note="Demo data: the recording confirms it; the interview is repeated."
                                  if upheld else "Demo data: the recording shows the full interview.",
                                  decided_on=dt.date(spec.year, 12, 9)))
        Appeal.objects.bulk_create(appeals)
        counts["appeals"] += len(appeals)
        if dropped:  # the upheld appeal: reopened, scored again, passed; the candidate joins the reserve
            j = dropped[0]
            i = results[j][0]
            rescored = float(stages[last].pass_mark) + 2
            StageResult.objects.filter(pk=int(result_ids[j])).update(
                outcome="passed", reopened=True, score=rescored,
                reason="passed on the repeated interview after an upheld appeal")
            parts = [(rescored if r[1] == last else r[2], float(stages[r[1]].max_score), float(stages[r[1]].weight))
                     for r in results if r[0] == i]
            completed[i] = scoring.weighted_total(parts)
            Application.objects.filter(pk=int(app_ids[i])).update(status="completed")
        order = sorted(completed, key=lambda i: (-completed[i], i))
        ranks = {i: r + 1 for r, i in enumerate(order)}
        Application.objects.bulk_update(
            [Application(pk=int(app_ids[i]), total_score=round(completed[i], 2), rank=ranks[i]) for i in order],
            ["total_score", "rank"], batch_size=1000)
        valid_from = dt.date(spec.year, 12, 15)
        entries = ReserveEntry.objects.bulk_create([
            ReserveEntry(application_id=int(app_ids[i]), valid_from=valid_from,
                         valid_until=valid_from.replace(year=valid_from.year + 3), total_score=round(completed[i], 2),
                         rank=ranks[i]) for i in order])
        counts["members"] += len(entries)
        reserve = [(e.pk, cols["region_id"][i], cols["preferred"][i], cols["moves"][i], valid_from)
                   for e, i in zip(entries, order, strict=True)]
        appointments = _appointments(ctx, rng, reserve, spec, organizations, directors)
        Appointment.objects.bulk_create(appointments)
        ReserveEntry.objects.filter(pk__in=[a.entry_id for a in appointments]).update(status="appointed")
        counts["appointments"] += len(appointments)
    for key, value in counts.items():
        ctx.counts[f"reserve_{key}"] = value


def clear() -> None:
    from smarttvet.accounts.models import User
    from smarttvet.leadership.models import (
        Appeal,
        Application,
        Appointment,
        Assessor,
        Assignment,
        Cohort,
        Programme,
        ReserveEntry,
        Score,
        Stage,
        StageResult,
    )

    # leaves first, so that each delete is one statement without cascades to collect
    for model in (Appointment, ReserveEntry, Appeal, Score, Assignment, StageResult, Application, Stage, Cohort):
        model.objects.all().delete()
    Programme.objects.all().delete()
    Assessor.objects.all().delete()
    User.objects.filter(username__startswith=ASSESSOR_PREFIX).delete()
