"""The people part of the demo: teachers, students and graduates' outcomes.

* Teachers: per college in proportion to its students (national ≈38,700 teachers and ≈5,200 masters of
  industrial training) plus one director; about 4% more who have left (``employed_until`` set).
  Names follow the region's population (Kazakh, Russian, Uzbek; written in Kazakh or Russian form).
  The category pyramid (none, intern, teacher, moderator, expert, researcher, master) shifts up with
  experience and with the college's hidden quality; about 5% of teachers came from production (more
  among masters and in better colleges).
* Students: one row per enrolment, drawn from the offers' admission plans for 2019-2025: grade 9
  entry 73.6%, grade 11 22.5%; worker qualifications take 3 years after grade 9 (2 after grade 11),
  specialist ones 4 (3). Those whose programme ended by June 2025 graduated (status_year = graduation
  year) unless expelled (about 7%, more in weaker colleges); about 1.5% of current students are on
  academic leave. Students carry no names: only a person key from a synthetic valid IIN.
* Outcomes: at 6 months (observed in January after graduation) and 12 months (July), as of
  2026-01-31, so 2025 graduates have only their 6-month record. At 12 months ≈60% are employed (the
  statistics bureau's method), ≈16% continue education, some men serve in the army; ≈70% of the
  employed work in their field. Employment rises with the college's hidden quality, dual training,
  a target order, the region's labour market and the field of study. Most employed graduates have an
  employer: an enterprise of the region (their sponsor for target-order students, often a partner of
  the college, else one in a sector that fits their field). Sources: mostly pension records.
"""

from __future__ import annotations

import datetime as dt
import hmac
import math

import numpy as np
from django.conf import settings

from smarttvet.demo.generator import names
from smarttvet.demo.generator.context import AS_OF, CURRENT_YEAR, YEARS, Context, insert, wipe_table
from smarttvet.demo.generator.registry import GRADE9_INTAKE, GRADE11_INTAKE, RUSSIAN_SHARE, field_sectors
from smarttvet.people.models import GraduateOutcome, Student, Teacher

# (Kazakh, Russian-speaking, Uzbek) shares of the population by region; the rest is folded into Kazakh.
ETHNIC = {
    "10": (0.75, 0.23, 0.0), "11": (0.55, 0.42, 0.0), "15": (0.85, 0.13, 0.0), "19": (0.80, 0.15, 0.0),
    "23": (0.93, 0.06, 0.0), "27": (0.78, 0.20, 0.0), "31": (0.80, 0.10, 0.03), "33": (0.75, 0.20, 0.0),
    "35": (0.55, 0.42, 0.0), "39": (0.45, 0.52, 0.0), "43": (0.95, 0.04, 0.0), "47": (0.92, 0.07, 0.0),
    "55": (0.50, 0.47, 0.0), "59": (0.38, 0.60, 0.0), "61": (0.76, 0.03, 0.20), "62": (0.80, 0.18, 0.0),
    "63": (0.60, 0.38, 0.0), "71": (0.78, 0.18, 0.0), "75": (0.62, 0.32, 0.01), "79": (0.66, 0.10, 0.22),
}
# Labour-market effect on employment (logit), after the regional rates the ministry quotes.
REGION_EMPLOYMENT = {
    "55": 0.35, "63": 0.30, "11": 0.25, "15": 0.20, "35": 0.15, "71": 0.20, "75": 0.15, "23": 0.15,
    "62": 0.10, "39": 0.05, "59": 0.0, "10": 0.0, "27": 0.0, "47": -0.05, "19": -0.05, "33": -0.10,
    "43": -0.15, "31": -0.20, "79": -0.10, "61": -0.30,
}
FIELD_EMPLOYMENT = {"01": 0.10, "02": -0.30, "03": -0.20, "04": -0.20, "05": -0.10, "06": 0.10, "07": 0.15,
                    "08": -0.10, "09": 0.25, "10": 0.0}
MALE_SHARE = {"01": 0.20, "02": 0.40, "03": 0.40, "04": 0.35, "05": 0.45, "06": 0.70, "07": 0.88, "08": 0.75,
              "09": 0.15, "10": 0.45}
CATEGORY_ORDER = ("none", "teacher", "moderator", "expert", "researcher", "master")
CATEGORY_SHARES = (0.12, 0.27, 0.27, 0.18, 0.11, 0.05)

_W1 = np.arange(1, 12, dtype=np.int64)
_W2 = np.array([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2], dtype=np.int64)
_POW = 10 ** np.arange(10, -1, -1, dtype=np.int64)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


# --- identifiers ----------------------------------------------------------------------------------------------
def draw_iins(ctx: Context, rng: np.random.Generator, birth_year: np.ndarray, month: np.ndarray, day: np.ndarray,
              female: np.ndarray) -> np.ndarray:
    """Unique synthetic IINs (as integers) with a valid check digit: YYMMDD, century-and-sex digit, serial."""
    n = len(birth_year)
    century = np.where(birth_year < 2000, 3, 5) + female.astype(np.int64)
    base = (((birth_year % 100) * 100 + month) * 100 + day) * 10 + century
    result = np.zeros(n, dtype=np.int64)
    pending = np.arange(n)
    used = ctx.used_iins
    while pending.size:
        body = base[pending] * 10_000 + rng.integers(0, 10_000, pending.size)
        digits = (body[:, None] // _POW[None, :]) % 10
        first = digits @ _W1 % 11
        second = digits @ _W2 % 11
        valid = ~((first == 10) & (second == 10))
        candidate = body * 10 + np.where(first == 10, second, first)
        ok = valid & ~np.isin(candidate, used)
        unique_first = np.zeros(pending.size, bool)
        unique_first[np.unique(candidate, return_index=True)[1]] = True
        ok &= unique_first
        result[pending[ok]] = candidate[ok]
        used = np.concatenate([used, candidate[ok]])
        pending = pending[~ok]
    ctx.used_iins = used
    return result


def iin_text(iin: int) -> str:
    return f"{int(iin):012d}"


def person_keys(iins) -> list[str]:
    """The same keys as :func:`smarttvet.core.identifiers.person_key`, computed in one loop."""
    key = settings.PERSON_KEY.encode()
    return [hmac.digest(key, f"{int(i):012d}".encode(), "sha256").hex() for i in iins]


# --- names ----------------------------------------------------------------------------------------------------
def full_name(rng: np.random.Generator, group: int, female: bool, russian_form: bool) -> str:
    def one(options):
        return options[rng.integers(len(options))]

    if group == 0:  # Kazakh
        first = one(names.KAZAKH_FEMALE if female else names.KAZAKH_MALE)
        father = one(names.KAZAKH_MALE)
        surname = one(names.KAZAKH_SURNAMES)
        if russian_form:
            return f"{surname[1]}{'а' if female else ''} {first[1]} {names.russian_patronymic(father[1], female)}"
        return f"{surname[0]}{'а' if female else ''} {first[0]} {names.kazakh_patronymic(father[0], female)}"
    if group == 2:  # Uzbek
        first = one(names.UZBEK_FEMALE if female else names.UZBEK_MALE)
        father = one(names.UZBEK_MALE)
        surname = one(names.UZBEK_SURNAMES)[1 if female else 0]
        return f"{surname} {first} {names.russian_patronymic(father, female)}"
    first = one(names.RUSSIAN_FEMALE if female else names.RUSSIAN_MALE)
    patronymic = one(names.RUSSIAN_PATRONYMICS)[1 if female else 0]
    surname = one(names.RUSSIAN_SURNAMES)[1 if female else 0]
    return f"{surname} {first} {patronymic}"


# --- teachers -------------------------------------------------------------------------------------------------
def generate_teachers(ctx: Context) -> None:
    rng = ctx.rng("teachers")
    colleges, offers = ctx.colleges, ctx.offers
    classifier = ctx.extra["classifier"]
    n_col = colleges.n
    q = colleges.quality_in(CURRENT_YEAR)
    weight = colleges.studying_target / colleges.studying_target.sum()
    n_teach = np.maximum(3, np.round(ctx.totals["teachers"] * weight * np.exp(rng.normal(0, 0.12, n_col)))).astype(int)
    n_mast = np.maximum(1, np.round(ctx.totals["masters"] * weight * np.exp(rng.normal(0, 0.2, n_col)))).astype(int)
    n_left = rng.binomial(n_teach + n_mast, 0.04)
    # position: 0 teacher, 1 master, 2 director; departed rows are teachers or masters who left
    college = np.concatenate([np.arange(n_col), np.repeat(np.arange(n_col), n_teach),
                              np.repeat(np.arange(n_col), n_mast), np.repeat(np.arange(n_col), n_left)])
    position = np.concatenate([np.full(n_col, 2), np.zeros(n_teach.sum(), int), np.ones(n_mast.sum(), int),
                               (rng.random(n_left.sum()) < 0.2).astype(int)])
    left = np.concatenate([np.zeros(n_col + n_teach.sum() + n_mast.sum(), bool), np.ones(n_left.sum(), bool)])
    order = np.lexsort((np.arange(len(college)), college))
    college, position, left = college[order], position[order], left[order]
    n = len(college)
    qc = q[college]
    female = rng.random(n) < np.select([position == 0, position == 1], [0.72, 0.35], 0.45)
    age = np.select(
        [position == 0, position == 1],
        [np.clip(rng.normal(44, 11, n), 22, 67), np.clip(rng.normal(46, 10, n), 24, 67)],
        np.clip(rng.normal(52, 7, n), 35, 66),
    ).astype(int)
    birth_year = CURRENT_YEAR - age
    p_production = np.select([position == 0, position == 1],
                             [_sigmoid(_logit(0.04) + 0.5 * qc), _sigmoid(_logit(0.10) + 0.5 * qc)], 0.0)
    from_production = rng.random(n) < p_production
    hire_age = np.where(from_production, np.clip(rng.normal(38, 6, n), 25, 60), np.clip(rng.normal(25, 3, n), 21, 40))
    hire_year = np.minimum(birth_year + hire_age.astype(int), CURRENT_YEAR)
    hire_year = np.where(position == 2, np.maximum(hire_year, rng.integers(2008, 2026, n)), hire_year)
    hire_year = np.where(left, np.minimum(hire_year, 2023), hire_year)
    hire_month = np.where(rng.random(n) < 0.7, 9, rng.integers(1, 13, n))
    hire_day = np.where(hire_month == 9, 1, rng.integers(1, 29, n))
    experience = CURRENT_YEAR - hire_year
    # category: interns are new; otherwise an ordinal draw shifted by experience and quality
    intern = (experience <= 1) & ~from_production & (position != 2) & (rng.random(n) < 0.85)
    z = 0.5 * qc + 0.05 * np.clip(experience, 0, 30) - 0.9 * from_production + rng.normal(0, 1, n)
    cuts = np.quantile(z[~intern], np.cumsum(CATEGORY_SHARES)[:-1]) if (~intern).any() else np.zeros(5)
    category = np.array(CATEGORY_ORDER)[np.searchsorted(cuts, z)]
    category = np.where(intern, "intern", category)
    # leaving dates
    until_year = np.where(left, rng.integers(np.clip(hire_year + 1, 2022, 2025), 2026), 0)
    until_month = rng.integers(1, 13, n)
    # names: ethnic group by region, written in Russian form more often where Russian is spoken more
    region_prefix = np.array([ctx.regions[r].prefix for r in colleges.region])[college]
    shares = np.array([ETHNIC.get(p, (0.8, 0.2, 0.0)) for p in region_prefix])
    u = rng.random(n)
    group = np.where(u < shares[:, 2], 2, np.where(u < shares[:, 2] + shares[:, 1], 1, 0))
    russian_form = rng.random(n) < np.array([RUSSIAN_SHARE.get(p, 0.3) for p in region_prefix]) * 1.3
    # subjects: general ones or the college's specialties
    college_specialties: dict[int, list[int]] = {}
    spec_index = {sid: k for k, sid in enumerate(classifier.specialty_ids)}
    for c, sid in zip(offers.college, offers.specialty_id, strict=True):
        college_specialties.setdefault(int(c), [])
        k = spec_index[int(sid)]
        if k not in college_specialties[int(c)]:
            college_specialties[int(c)].append(k)
    birth_month = rng.integers(1, 13, n)
    birth_day = rng.integers(1, 29, n)
    iins = draw_iins(ctx, rng, birth_year, birth_month, birth_day, female)
    keys = person_keys(iins)
    positions = ("teacher", "master", "director")
    objects = []
    for i in range(n):
        kk = group[i] == 0 and not russian_form[i]
        lang = "kk" if kk else "ru"
        specs = college_specialties.get(int(college[i]), [])
        spec_names = classifier.names_kk if kk else classifier.names_ru
        if position[i] == 2:
            subjects = ""
        elif position[i] == 1 and specs:
            spec = spec_names[specs[rng.integers(len(specs))]]
            subjects = f"{'Өндірістік оқыту' if kk else 'Производственное обучение'}: {spec}"
        elif specs and rng.random() < 0.55:
            subjects = spec_names[specs[rng.integers(len(specs))]]
        else:
            general = names.GENERAL_SUBJECTS[lang]
            picks = rng.choice(len(general), size=1 + int(rng.random() < 0.35), replace=False)
            subjects = "; ".join(general[p] for p in picks)
        objects.append(Teacher(
            organization_id=int(colleges.ids[college[i]]), person_key=keys[i],
            full_name=full_name(rng, int(group[i]), bool(female[i]), not kk),
            gender="f" if female[i] else "m", birth_year=int(birth_year[i]), position=positions[position[i]],
            subjects=subjects[:300], category=str(category[i]),
            employed_from=dt.date(int(hire_year[i]), int(hire_month[i]), int(hire_day[i])),
            employed_until=dt.date(int(until_year[i]), int(until_month[i]), 28) if left[i] else None,
            from_production=bool(from_production[i]),
        ))
    for obj in objects:  # a leaving date never precedes the hiring date
        if obj.employed_until and obj.employed_until <= obj.employed_from:
            obj.employed_until = obj.employed_from + dt.timedelta(days=300)
    ids = insert(ctx, Teacher, n, lambda a, b: objects[a:b], "Teachers")
    ctx.extra["teacher_ids"] = ids
    ctx.extra["teacher_college"] = college
    ctx.counts["teachers"] = n
    ctx.counts["teachers_current"] = int(((position == 0) & ~left).sum())
    ctx.counts["masters_current"] = int(((position == 1) & ~left).sum())
    ctx.counts["directors"] = int((position == 2).sum())
    ctx.counts["teachers_left"] = int(left.sum())


# --- students -------------------------------------------------------------------------------------------------
def _draw_students(ctx: Context, rng: np.random.Generator) -> dict[str, np.ndarray]:
    offers, colleges = ctx.offers, ctx.colleges
    counts = np.stack([offers.admitted_state, offers.admitted_target, offers.admitted_paid], axis=2)
    n_years = len(YEARS)
    flat = counts.reshape(-1)
    idx = np.repeat(np.arange(flat.size), flat)
    offer = idx // (n_years * 3)
    cohort = YEARS[(idx // 3) % n_years]
    funding = idx % 3  # 0 state, 1 target, 2 paid
    n = len(idx)
    college = offers.college[offer]
    form = offers.form[offer]
    level = offers.level[offer]
    field = offers.field_code[offer]
    u = rng.random(n)
    evening = form == "evening"
    g9, g11 = GRADE9_INTAKE, GRADE9_INTAKE + GRADE11_INTAKE
    entry = np.where(evening, np.select([u < 0.30, u < 0.85], [0, 1], 2), np.select([u < g9, u < g11], [0, 1], 2))
    duration = np.where(level == "W", np.where(entry == 0, 3, 2), np.where(entry == 0, 4, 3))
    graduation = cohort + duration
    expel = rng.random(n) < colleges.expulsion_rate[college]
    expel_year = cohort + np.floor(rng.random(n) * duration).astype(int)
    expelled = expel & (expel_year <= CURRENT_YEAR)
    in_programme = ~expelled & (graduation > CURRENT_YEAR)
    leave = in_programme & (rng.random(n) < 0.015)
    leave_year = np.maximum(cohort, CURRENT_YEAR - (rng.random(n) < 0.3))
    graduated = ~expelled & (graduation <= CURRENT_YEAR)
    status = np.select([expelled, graduated, leave], ["expelled", "graduated", "leave"], "studying")
    status_year = np.select([expelled, graduated, leave], [expel_year, graduation, leave_year], CURRENT_YEAR)
    broad = np.array([f[:2] for f in field])
    p_male = np.array([MALE_SHARE.get(b, 0.55) for b in broad])
    p_male = np.where(np.char.startswith(field.astype(str), "1013"), 0.40, p_male)
    female = rng.random(n) >= p_male
    age_at_entry = np.select(
        [entry == 0, entry == 1],
        [16 + rng.choice([-1, 0, 1], n, p=[0.15, 0.75, 0.10]), 18 + rng.choice([-1, 0, 1], n, p=[0.15, 0.7, 0.15])],
        rng.integers(19, 36, n),
    )
    birth_year = cohort - age_at_entry
    sponsor = np.full(n, -1)
    target_idx = np.flatnonzero(funding == 1)
    for c in np.unique(college[target_idx]):
        members = target_idx[college[target_idx] == c]
        pool = colleges.sponsors[c]
        if len(pool):
            sponsor[members] = pool[rng.integers(len(pool), size=len(members))]
        else:  # no enterprise to order: state-funded after all
            funding[members] = 0
    return {
        "offer": offer, "college": college, "cohort": cohort, "funding": funding, "entry": entry,
        "duration": duration, "graduation": graduation, "status": status, "status_year": status_year,
        "female": female, "birth_year": birth_year, "sponsor": sponsor, "form": form, "field": field,
    }


def generate_students(ctx: Context) -> dict[str, np.ndarray]:
    rng = ctx.rng("students")
    s = _draw_students(ctx, rng)
    n = len(s["offer"])
    offers, colleges, ent = ctx.offers, ctx.colleges, ctx.enterprises
    iins = draw_iins(ctx, rng, s["birth_year"], rng.integers(1, 13, n), rng.integers(1, 29, n), s["female"])
    entries = np.array(["grade9", "grade11", "other"])[s["entry"]]
    fundings = np.array(["state", "target", "paid"])[s["funding"]]
    college_ids = colleges.ids[s["college"]]
    specialty_ids = offers.specialty_id[s["offer"]]
    qualification_ids = offers.qualification_id[s["offer"]]
    languages = offers.language[s["offer"]]
    sponsor_ids = np.where(s["sponsor"] >= 0, ent.ids[np.maximum(s["sponsor"], 0)], 0)

    gender = np.where(s["female"], "f", "m")

    def make(start: int, stop: int) -> list[Student]:
        window = slice(start, stop)
        cols = zip(college_ids[window].tolist(), person_keys(iins[window]), gender[window].tolist(),
                   s["birth_year"][window].tolist(), specialty_ids[window].tolist(),
                   qualification_ids[window].tolist(), s["cohort"][window].tolist(), entries[window].tolist(),
                   s["form"][window].tolist(), languages[window].tolist(), fundings[window].tolist(),
                   sponsor_ids[window].tolist(), s["status"][window].tolist(), s["status_year"][window].tolist(),
                   strict=True)
        return [
            Student(organization_id=org, person_key=key, gender=g, birth_year=born, specialty_id=spec,
                    qualification_id=qual, cohort_year=cohort, entry=entry, study_form=form, language=lang,
                    funding=funding, sponsor_id=sponsor or None, status=status, status_year=status_year)
            for (org, key, g, born, spec, qual, cohort, entry, form, lang, funding, sponsor, status,
                 status_year) in cols
        ]

    s["id"] = insert(ctx, Student, n, make, "Students")
    ctx.counts["students"] = n
    ctx.counts["students_studying"] = int((s["status"] == "studying").sum())
    ctx.counts["students_on_leave"] = int((s["status"] == "leave").sum())
    ctx.counts["students_expelled"] = int((s["status"] == "expelled").sum())
    ctx.counts["graduates"] = int((s["status"] == "graduated").sum())
    studying = np.bincount(s["college"][s["status"] == "studying"], minlength=colleges.n)
    ctx.extra["studying_per_college"] = studying
    ctx.extra["sponsor_counts"] = np.bincount(s["sponsor"][s["sponsor"] >= 0], minlength=ent.n)
    return s


# --- outcomes -------------------------------------------------------------------------------------------------
def _calibrate(score: np.ndarray, mask: np.ndarray, target: float, denominator: int) -> float:
    """The intercept ``a`` for which sum(sigmoid(a + score)[mask]) / denominator equals ``target``."""
    lo, hi = -10.0, 10.0
    s = score[mask]
    for _ in range(50):
        mid = (lo + hi) / 2
        if _sigmoid(mid + s).sum() / max(denominator, 1) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


class _EmployerPicker:
    """Draws enterprises of a region (and sector), larger ones more often."""

    def __init__(self, ctx: Context, rng: np.random.Generator) -> None:
        ent = ctx.enterprises
        self.rng = rng
        self.weight = np.sqrt(ent.employees.astype(float))
        self.region = ent.region
        self.sector = ent.sector
        self.pools: dict[tuple[int, str], np.ndarray] = {}

    def _pool(self, region: int, sector: str) -> np.ndarray:
        key = (region, sector)
        if key not in self.pools:
            mask = self.region == region
            if sector:
                mask = mask & (self.sector == sector)
            self.pools[key] = np.flatnonzero(mask)
        return self.pools[key]

    def pick(self, region: np.ndarray, sector: np.ndarray) -> np.ndarray:
        out = np.full(len(region), -1)
        keys = np.char.add(region.astype(str), np.char.add(":", sector.astype(str)))
        for key in np.unique(keys):
            members = np.flatnonzero(keys == key)
            r, sec = key.split(":")
            pool = self._pool(int(r), sec)
            if not len(pool):
                pool = self._pool(int(r), "")
            if not len(pool):
                continue
            cdf = np.cumsum(self.weight[pool])
            out[members] = pool[np.minimum(np.searchsorted(cdf, self.rng.random(len(members)) * cdf[-1]),
                                           len(pool) - 1)]
        return out


def generate_outcomes(ctx: Context, s: dict[str, np.ndarray]) -> None:
    rng = ctx.rng("outcomes")
    colleges, ent = ctx.colleges, ctx.enterprises
    grads = np.flatnonzero(s["status"] == "graduated")
    n = len(grads)
    if not n:
        ctx.counts["graduate_outcomes"] = 0
        return
    college = s["college"][grads]
    year = s["graduation"][grads]
    q = colleges.quality[college, year - YEARS[0]]
    region = colleges.region[college]
    prefix = np.array([r.prefix for r in ctx.regions])[region]
    field = s["field"][grads]
    broad = np.array([f[:2] for f in field])
    male = ~s["female"][grads]
    dual = s["form"][grads] == "dual"
    target = s["funding"][grads] == 1
    private = ~colleges.public[college]
    college_noise = rng.normal(0, 0.2, colleges.n)[college]

    # 12 months: army, further study, work, or none
    military = male & (rng.random(n) < 0.07)
    continuing = ~military & (rng.random(n) < _sigmoid(_logit(0.14) + 0.15 * q + 0.2 * (s["entry"][grads] == 0)))
    rest = ~military & ~continuing
    score = (0.45 * q + np.array([REGION_EMPLOYMENT.get(p, 0.0) for p in prefix])
             + np.array([FIELD_EMPLOYMENT.get(b, 0.0) for b in broad]) + 0.45 * dual + 1.5 * target
             - 0.1 * private + college_noise + rng.normal(0, 0.3, n))
    a = _calibrate(score, rest, 0.60, n)
    employed = rest & (rng.random(n) < _sigmoid(a + score))
    field_score = 0.45 * q + 2.0 * target + 0.6 * dual + 0.5 * college_noise + rng.normal(0, 0.3, n)
    b = _calibrate(field_score, employed, 0.70, int(employed.sum()))
    in_field = employed & (rng.random(n) < _sigmoid(b + field_score))
    status12 = np.select([military, continuing, employed], ["military", "continuing", "employed"], "not_employed")

    # 6 months: most of the employed already were; a few lost a job since
    employed6 = (employed & (rng.random(n) < 0.85)) | ((status12 == "not_employed") & (rng.random(n) < 0.08))
    military6 = military & (rng.random(n) < 0.85)
    status6 = np.select([military6, continuing, employed6], ["military", "continuing", "employed"], "not_employed")
    in_field6 = np.where(employed & employed6 & (rng.random(n) < 0.9), in_field,
                         employed6 & (rng.random(n) < _sigmoid(b + field_score)))

    # employers: sponsor (target order), a partner of the college, or an enterprise of a fitting sector
    picker = _EmployerPicker(ctx, rng)

    wanted = np.full(n, "", dtype="<U1")
    for f in np.unique(field):
        members = np.flatnonzero(field == f)
        options = np.array(field_sectors(str(f)))
        wanted[members] = options[rng.integers(len(options), size=len(members))]

    def employers(is_employed: np.ndarray, fits: np.ndarray) -> np.ndarray:
        sector = np.where(fits, wanted, "")
        chosen = picker.pick(region, sector)
        use_partner = fits & (rng.random(n) < 0.3)
        for c in np.unique(college[use_partner]):
            members = np.flatnonzero(use_partner & (college == c))
            pool = colleges.partners[c]
            if len(pool):
                chosen[members] = pool[rng.integers(len(pool), size=len(members))]
        sponsor = s["sponsor"][grads]
        use_sponsor = target & (sponsor >= 0) & (rng.random(n) < 0.85)
        chosen = np.where(use_sponsor, sponsor, chosen)
        known = is_employed & (rng.random(n) < 0.9)
        return np.where(known, chosen, -1)

    employer12 = employers(employed, in_field)
    fresh6 = employers(employed6, in_field6)
    employer6 = np.where(employed & employed6 & (rng.random(n) < 0.8) & (employer12 >= 0), employer12, fresh6)
    employer6 = np.where(employed6, employer6, -1)

    def sources(status: np.ndarray, employer: np.ndarray) -> np.ndarray:
        u = rng.random(n)
        return np.select(
            [(status == "employed") & (employer >= 0), status == "employed", status == "continuing",
             status == "military", status == "not_employed"],
            [np.select([u < 0.86, u < 0.94], ["pension", "employer"], "college"),
             np.where(u < 0.6, "survey", "college"),
             np.where(u < 0.6, "college", "survey"),
             np.where(u < 0.7, "college", "survey"),
             np.where(u < 0.85, "pension", "survey")],
            "survey",
        )

    source6, source12 = sources(status6, employer6), sources(status12, employer12)
    day6 = (year + 1 - 1970).astype("datetime64[Y]").astype("datetime64[D]") + 4 + rng.integers(0, 26, n)
    day12 = day6 + 181
    as_of = np.datetime64(AS_OF)
    has6 = day6 <= as_of
    has12 = day12 <= as_of
    # one row per graduate and horizon, ordered by student then horizon
    which = np.concatenate([np.flatnonzero(has6), np.flatnonzero(has12)])
    months = np.concatenate([np.full(int(has6.sum()), 6), np.full(int(has12.sum()), 12)])
    order = np.lexsort((months, which))
    which, months = which[order], months[order]
    six = months == 6
    observed = np.where(six, day6[which], day12[which])
    status = np.where(six, status6[which], status12[which])
    fits = np.where(six, in_field6[which], in_field[which])
    employer = np.where(six, employer6[which], employer12[which])
    employer_id = np.where(employer >= 0, ent.ids[np.maximum(employer, 0)], 0)
    source = np.where(six, source6[which], source12[which])
    student_id = s["id"][grads][which]
    total = len(which)

    def make(start: int, stop: int) -> list[GraduateOutcome]:
        cols = zip(student_id[start:stop].tolist(), months[start:stop].tolist(),
                   observed[start:stop].astype(object).tolist(), status[start:stop].tolist(),
                   fits[start:stop].tolist(), employer_id[start:stop].tolist(), source[start:stop].tolist(),
                   strict=True)
        return [
            GraduateOutcome(student_id=sid, months_after=m, observed_on=day, status=st, in_field=f,
                            employer_id=e or None, source=src)
            for sid, m, day, st, f, e, src in cols
        ]

    insert(ctx, GraduateOutcome, total, make, "Graduate outcomes")
    ctx.counts["graduate_outcomes"] = total
    ctx.counts["employed_12_months"] = int((employed & has12).sum())
    ctx.counts["outcomes_12_months"] = int(has12.sum())


# --- the stage ------------------------------------------------------------------------------------------------
def generate(ctx: Context) -> None:
    """Create teachers, students and graduates' outcomes."""
    generate_teachers(ctx)
    students = generate_students(ctx)
    generate_outcomes(ctx, students)


def clear() -> None:
    """Delete outcomes, students and teachers (the large tables in one statement each)."""
    wipe_table(GraduateOutcome)
    wipe_table(Student)
    Teacher.objects.all().delete()
