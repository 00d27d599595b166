"""The labour-market part of the demo: growth sectors, monthly vacancies 2019-2025, employers' declared needs.

How the numbers come about:

* **Growth sectors.** 2-4 per region from its development programme (:data:`GROWTH`): mining and
  metallurgy (B, C) in Karaganda, Pavlodar, East Kazakhstan, Ulytau and Abai; oil and gas in Atyrau,
  Mangystau, West Kazakhstan, Aktobe and Kyzylorda; agriculture in the north and the south; IT, finance,
  construction and health in the cities; tourism in Turkistan, Almaty region, Akmola and Mangystau.
* **Which occupations a region has vacancies for.** Those reached (through the specialty-occupation
  mapping of the reference data) from the specialties its colleges teach, plus 2-5 occupations whose
  specialties no college of the region teaches, picked by the region's economy (growth sectors first) —
  so "open a specialty" recommendations exist.
* **How many.** Vacancies are sized against the dataset's own graduates, so that the gap analysis is
  balanced at every scale: per region, a year's vacancies weighted by the shares of the specialties its
  colleges teach and converted to people with the gap analysis's ``FILL_FACTOR`` (one hire per two postings,
  :mod:`smarttvet.labour.demand`) come to :data:`DEMAND_RATIO` of its yearly graduates (estimated from the
  offers' admissions of 2020-2022), times its labour market: ×1.15 in the cities, from ×1.19 in Pavlodar to
  ×0.86 in Turkistan. Within that total, half of an occupation's level follows the graduates of the
  specialties that serve it and half the region's economy (the sectors the occupation works in, weighed by
  the region's enterprise mix, growth sectors ×1.3), times lognormal noise and ×2 for occupations in
  shortage (20%, 40% in a growth sector) — so some specialties are in deficit and some in surplus.
  An occupation without a provider gets the economy's half raised by half again, between a cap (its main
  specialty would fill at most :data:`NO_PROVIDER_CAP` of the region's demand) and, for the strongest one,
  a floor of :data:`OPEN_PEOPLE` people a year (more than a study group; a fifth of the region's demand in a
  region too small for that). At national scale that is about 48,000 vacancies a month (the national labour
  exchange lists about 136,000 a month in all occupations, FACTS.md).
* **Monthly series** January 2019 - December 2025, Poisson counts around ``level × trend × season × shock``:
  demand grows about 3% a year (4% in the cities), 7 points more in the region's growth sectors from the
  programme's first year, and clerical occupations shrink 3% a year; a spring peak (April-May about +20%,
  December-January about -20%), twice as strong in agriculture and construction, with a summer peak for
  teachers; the pandemic cut April-June 2020 by 40% and July-September 2020 by 15%; a common regional shock
  per month (±5%). Months without vacancies have no row.
* **Wages.** The median offered monthly wage of the occupation's group in 2025 (:data:`WAGE_2025`), times
  the region's level (Atyrau ×1.45, Turkistan ×0.82), growing about 11% a year in nominal terms, with noise;
  rounded to 1,000 tenge.
* **Employers' declared needs** for 2026-2030: about a fifth of enterprises (larger ones and those in a
  growth sector more often) declare 1-3 specialties that fit their sector, sometimes a qualification, for
  the next 1-5 years; people a year grow with the enterprise's size (scaled to the dataset's students per
  enterprise), declared during 2025.

Random streams: ``labour-vacancies`` and ``labour-needs``; growth sectors are fixed per region.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from smarttvet.core.progress import progress_bar
from smarttvet.core.tabular import insert_rows
from smarttvet.demo.generator.context import AS_OF, YEARS, Context, insert, wipe_table
from smarttvet.demo.generator.people import REGION_EMPLOYMENT
from smarttvet.demo.generator.registry import field_sectors, sector_weights
from smarttvet.labour.demand import FILL_FACTOR
from smarttvet.labour.models import (
    Allocation,
    AllocationLine,
    EmployerNeed,
    GrowthSector,
    Occupation,
    SpecialtyOccupation,
    Vacancy,
)
from smarttvet.registry.models import EconomicSector

FIRST_MONTH = dt.date(2019, 1, 1)
N_MONTHS = 84  # January 2019 - December 2025
NEED_YEARS = (2026, 2027, 2028, 2029, 2030)
# People needed a year (a year's vacancies weighted by the occupations' shares, times the gap analysis's
# FILL_FACTOR: one hire per two postings) per yearly graduate of the region, before its labour-market factor.
DEMAND_RATIO = 0.95
MIX_SUPPLY = 0.5  # the part of an occupation's level that follows the graduates of its specialties
LEVEL_NOISE = 0.35
# Occupations in shortage: this chance (more in a growth sector), their level times the factor.
SHORTAGE, SHORTAGE_GROWTH, SHORTAGE_FACTOR = 0.2, 0.4, 2.0
NO_PROVIDER_BOOST = 1.5
# The strongest occupation without a provider in a region needs at least this many people a year from its main
# specialty (more than a study group of 25), or this share of the region's demand where that is less.
OPEN_PEOPLE = 36.0
OPEN_SHARE = 0.2
NO_PROVIDER_CAP = 0.025  # ... and none fills more than this share of the region's demand (or the floor)

# Growth sectors per region: OKED section, first year of the programme, note.
GROWTH: dict[str, tuple[tuple[str, int, str], ...]] = {
    "10": (("B", 2022, "Горнодобывающая промышленность новой области"), ("C", 2022, "Металлургия и переработка"),
           ("A", 2023, "Животноводство и переработка мяса")),
    "11": (("A", 2021, "Зерновое хозяйство и переработка"), ("C", 2021, "Пищевая промышленность"),
           ("I", 2022, "Туризм: Бурабай")),
    "15": (("B", 2020, "Добыча хрома, нефти и газа"), ("C", 2020, "Ферросплавы и химическая промышленность"),
           ("H", 2022, "Транзитная логистика")),
    "19": (("A", 2021, "Садоводство и тепличное хозяйство"), ("I", 2022, "Туризм: Алаколь, Капшагай"),
           ("F", 2023, "Строительство города Алатау")),
    "23": (("B", 2019, "Нефтегазодобыча"), ("C", 2019, "Нефтегазохимия"),
           ("F", 2020, "Строительство нефтегазохимических объектов")),
    "27": (("B", 2020, "Газоконденсатные месторождения"), ("A", 2022, "Животноводство"),
           ("C", 2023, "Машиностроение")),
    "31": (("C", 2020, "Химическая промышленность: фосфорные удобрения"), ("A", 2021, "Орошаемое земледелие"),
           ("H", 2022, "Транзитные коридоры")),
    "33": (("A", 2023, "Сельское хозяйство и переработка"), ("I", 2023, "Туризм"),
           ("H", 2023, "Логистика: Хоргос")),
    "35": (("B", 2019, "Угольная и горнорудная промышленность"), ("C", 2019, "Чёрная и цветная металлургия"),
           ("D", 2021, "Энергетика")),
    "39": (("A", 2020, "Зерновое хозяйство"), ("C", 2020, "Автомобилестроение и переработка"),
           ("B", 2022, "Железорудные и бокситовые месторождения")),
    "43": (("A", 2021, "Рисоводство"), ("B", 2020, "Нефтедобыча"), ("C", 2023, "Строительные материалы")),
    "47": (("B", 2019, "Нефтегазодобыча"), ("H", 2020, "Морские порты Актау и Курык"),
           ("I", 2022, "Туризм на Каспии")),
    "55": (("C", 2019, "Алюминий, ферросплавы, нефтепереработка"), ("B", 2019, "Угольная промышленность"),
           ("D", 2020, "Электроэнергетика")),
    "59": (("A", 2020, "Зерновое и молочное хозяйство"), ("C", 2021, "Пищевая промышленность и машиностроение")),
    "61": (("A", 2020, "Хлопководство, садоводство и тепличное хозяйство"), ("I", 2021, "Туризм: Туркестан"),
           ("C", 2022, "Лёгкая промышленность: текстильный кластер"),
           ("F", 2021, "Строительство административного центра")),
    "62": (("B", 2022, "Добыча медных руд"), ("C", 2022, "Медеплавильное производство")),
    "63": (("B", 2019, "Добыча полиметаллов и золота"), ("C", 2019, "Цветная металлургия"),
           ("D", 2021, "Гидроэнергетика")),
    "71": (("F", 2019, "Строительство"), ("J", 2020, "Информационные технологии: Astana Hub"),
           ("Q", 2021, "Здравоохранение"), ("H", 2022, "Транспорт и логистика")),
    "75": (("J", 2019, "Информационные технологии"), ("K", 2020, "Финансовые услуги"),
           ("I", 2021, "Туризм и гостеприимство"), ("Q", 2022, "Здравоохранение")),
    "79": (("C", 2020, "Нефтепереработка, фармацевтика, лёгкая промышленность"), ("F", 2021, "Строительство"),
           ("G", 2022, "Торговля и логистика")),
}

# OKED sections an occupation works in, where the fields of its specialties say otherwise or too little.
OCCUPATION_SECTORS: dict[str, tuple[str, ...]] = {
    "6": ("A",), "2132": ("A",), "3142": ("A",), "3143": ("A",), "3240": ("A",), "5164": ("A", "S"),
    "8341": ("A",), "8332": ("H", "A"), "8322": ("H",), "8311": ("H",), "8312": ("H",), "4323": ("H",),
    "7231": ("G",), "7233": ("C", "A", "B"), "7232": ("H",), "3221": ("Q",), "5321": ("Q",), "2240": ("Q",),
    "3258": ("Q",), "5311": ("P",), "2342": ("P",), "2341": ("P",), "2320": ("P",), "2354": ("P", "R"),
    "5411": ("O",), "3119": ("O", "M"), "5113": ("I", "N"), "4221": ("N", "I"), "4224": ("I",), "5151": ("I",),
    "8113": ("B",), "8111": ("B",), "8112": ("B",), "3121": ("B",), "3117": ("B", "C"), "8342": ("F", "B"),
    "8343": ("F", "C"), "7126": ("F", "D"), "8182": ("D",), "3131": ("D",), "7413": ("D",),
}
# Relative size of an occupation's demand, by ISCO sub-major group (the first two digits).
GROUP_SIZE = {
    "21": 0.5, "22": 1.0, "23": 1.2, "24": 0.6, "25": 0.8, "26": 0.4, "31": 1.0, "32": 1.2, "33": 0.9,
    "34": 0.6, "35": 0.8, "41": 0.6, "42": 0.6, "43": 0.9, "44": 0.4, "51": 1.2, "52": 1.5, "53": 0.8,
    "54": 0.4, "61": 1.0, "62": 0.3, "71": 1.5, "72": 1.4, "73": 0.3, "74": 1.2, "75": 0.8, "81": 0.9,
    "82": 0.6, "83": 1.3,
}
# Median offered monthly wage in 2025, tenge: by sub-major group, then individual unit groups.
WAGE_2025 = {
    "21": 380_000, "22": 250_000, "23": 230_000, "24": 300_000, "25": 450_000, "26": 250_000, "31": 330_000,
    "32": 210_000, "33": 260_000, "34": 220_000, "35": 320_000, "41": 200_000, "42": 190_000, "43": 210_000,
    "44": 180_000, "51": 200_000, "52": 180_000, "53": 150_000, "54": 230_000, "61": 170_000, "62": 160_000,
    "71": 300_000, "72": 330_000, "73": 200_000, "74": 320_000, "75": 200_000, "81": 420_000, "82": 250_000,
    "83": 320_000,
    "3117": 480_000, "3121": 520_000, "3134": 500_000, "3135": 450_000, "3131": 380_000, "3434": 300_000,
    "7212": 380_000, "8113": 520_000, "8311": 400_000, "2512": 550_000, "3221": 220_000,
}
WAGE_GROWTH = 1.11
REGION_WAGE = {
    "10": 0.92, "11": 0.92, "15": 1.05, "19": 0.95, "23": 1.45, "27": 1.05, "31": 0.85, "33": 0.85,
    "35": 1.05, "39": 0.92, "43": 0.95, "47": 1.35, "55": 1.00, "59": 0.88, "61": 0.82, "62": 1.15,
    "63": 1.00, "71": 1.25, "75": 1.25, "79": 0.92,
}
# Monthly seasonal profile (January first), spring peak; teachers are hired in summer.
SEASON = np.array([0.80, 0.92, 1.08, 1.20, 1.22, 1.10, 1.00, 1.02, 1.05, 1.00, 0.90, 0.76])
SEASON_TEACHERS = np.array([0.85, 0.90, 0.95, 1.00, 1.10, 1.30, 1.35, 1.30, 0.95, 0.80, 0.75, 0.75])
STRONG_SEASON = ("6", "71", "8341", "8342", "3142", "2132", "3112", "3123", "7411", "5113")
TEACHERS = ("23", "5311")
NEED_COMMENTS = (
    "Расширение производства", "Открытие нового цеха", "Замена работников, уходящих на пенсию",
    "Новый инвестиционный проект", "Для работы вахтовым методом", "Под целевую подготовку в колледже",
    "Ввод новой линии", "Сезонный рост объёмов",
)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _starts(code: str, prefixes: tuple[str, ...]) -> bool:
    return any(code.startswith(p) for p in prefixes)


def _lookup(table: dict[str, object], code: str, default):
    for length in (4, 3, 2, 1):
        if code[:length] in table:
            return table[code[:length]]
    return default


class Reference:
    """The occupations and the specialty-occupation mapping in the database, as arrays in code order."""

    def __init__(self, classifier) -> None:
        rows = list(Occupation.objects.order_by("code").values_list("pk", "code"))
        if not rows:
            raise ValueError("the occupations are empty: load the labour reference data first (smarttvet migrate)")
        self.occupation_ids = np.array([pk for pk, _ in rows], np.int64)
        self.codes = [code for _, code in rows]
        position = {pk: i for i, (pk, _) in enumerate(rows)}
        spec_position = {sid: i for i, sid in enumerate(classifier.specialty_ids)}
        self.share = np.zeros((len(classifier.specialty_ids), len(rows)))  # specialty × occupation
        links = SpecialtyOccupation.objects.order_by("specialty__code", "occupation__code").values_list(
            "specialty_id", "occupation_id", "share")
        for sid, oid, share in links:
            if sid in spec_position and oid in position:
                self.share[spec_position[sid], position[oid]] = share
        served = self.share.sum(axis=0)
        self.linked = served > 0
        self.served = np.where(self.linked, served, 1.0)
        self.main = np.where(self.linked, np.argmax(self.share, axis=0), -1)  # the specialty with the highest share
        self.best_share = np.where(self.linked, self.share.max(axis=0), 1.0)
        # the sectors each occupation works in: overrides, else the fields of its main specialty
        self.sectors: list[tuple[str, ...]] = []
        for j, code in enumerate(self.codes):
            found = _lookup(OCCUPATION_SECTORS, code, None)
            if found is None:
                found = field_sectors(classifier.codes[self.main[j]][:4]) if self.main[j] >= 0 else ("G", "C", "F")
            self.sectors.append(found)

    @property
    def n(self) -> int:
        return len(self.codes)


# --- growth sectors -------------------------------------------------------------------------------------------
def generate_growth_sectors(ctx: Context) -> dict[int, dict[str, int]]:
    """Insert the regions' growth sectors; returns, per region index, sector letter -> first year."""
    sector_pk = dict(EconomicSector.objects.values_list("code", "pk"))
    growth: dict[int, dict[str, int]] = {}
    rows = []
    for ri, region in enumerate(ctx.regions):
        growth[ri] = {}
        for letter, since, note in GROWTH.get(region.prefix, ()):
            if letter in sector_pk:
                growth[ri][letter] = since
                rows.append(GrowthSector(region_id=region.pk, sector_id=sector_pk[letter], since_year=since,
                                         note=note))
    insert(ctx, GrowthSector, len(rows), lambda a, b: rows[a:b], "Growth sectors")
    ctx.counts["growth_sectors"] = len(rows)
    return growth


# --- vacancies ------------------------------------------------------------------------------------------------
def yearly_graduates(ctx: Context, n_specialties: int, classifier) -> tuple[np.ndarray, np.ndarray]:
    """Expected graduates a year around 2025 (from the offers' admissions of 2020-2022) and whether any college
    offers the specialty, both region × specialty."""
    offers = ctx.offers
    result = np.zeros((len(ctx.regions), n_specialties))
    offered = np.zeros(result.shape, bool)
    if offers is None or not offers.n:
        return result, offered
    spec_position = {sid: i for i, sid in enumerate(classifier.specialty_ids)}
    cohorts = [list(YEARS).index(y) for y in (2020, 2021, 2022) if y in YEARS]
    admitted = (offers.admitted_state + offers.admitted_target + offers.admitted_paid)[:, cohorts].mean(axis=1)
    region = ctx.colleges.region[offers.college]
    spec = np.array([spec_position[int(s)] for s in offers.specialty_id], int)
    np.add.at(result, (region, spec), admitted * 0.92)
    offered[region, spec] = True
    return result, offered


def _economy(ctx: Context, ref: Reference, growth: dict[int, dict[str, int]], rng) -> np.ndarray:
    """Relative demand for each occupation in each region from the economy alone (region × occupation)."""
    letters = list(EconomicSector.objects.order_by("code").values_list("code", flat=True))
    index = {c: k for k, c in enumerate(letters)}
    national = np.mean([sector_weights(p, letters) for p in sorted(GROWTH)], axis=0)
    affinity = np.zeros((ref.n, len(letters)))
    for j, sectors in enumerate(ref.sectors):
        weights = 0.5 ** np.arange(len(sectors))  # the most typical sector first
        for letter, w in zip(sectors, weights / weights.sum(), strict=True):
            affinity[j, index[letter]] += w
    size = np.array([_lookup(GROUP_SIZE, c, 0.8) for c in ref.codes]) * np.exp(rng.normal(0, 0.3, ref.n))
    econ = np.zeros((len(ctx.regions), ref.n))
    for ri, region in enumerate(ctx.regions):
        relative = sector_weights(region.prefix, letters) / national
        for letter in growth.get(ri, {}):
            relative[index[letter]] *= 1.3
        econ[ri] = size * (affinity @ relative)
    return econ


def _trend(ctx: Context, ref: Reference, pairs_region: np.ndarray, pairs_occ: np.ndarray,
           growth: dict[int, dict[str, int]]) -> np.ndarray:
    """Level multiplier per pair and month, 1 in 2025 (pairs × months)."""
    years = 2019 + np.arange(N_MONTHS) // 12
    city = np.array([ctx.regions[r].is_city for r in pairs_region])
    clerical = np.array([ref.codes[j].startswith("4") for j in pairs_occ])
    base = 0.03 + 0.01 * city - 0.06 * clerical  # clerical: -3% (-2% in the cities)
    # extra growth in a growth sector the occupation works in, from the programme's first year
    since = np.full(len(pairs_region), 9999)
    for k, (r, j) in enumerate(zip(pairs_region.tolist(), pairs_occ.tolist(), strict=True)):
        years_in = [growth[r][s] for s in ref.sectors[j] if s in growth.get(r, {})]
        if years_in:
            since[k] = min(years_in)
    rate = base[:, None] + 0.07 * (years[None, :] >= since[:, None])  # yearly growth rate in each month
    monthly = np.log1p(rate) / 12
    # the level of each month: the growth of the months after it taken off, then the year 2025 averaging 1
    after = np.cumsum(monthly[:, ::-1], axis=1)[:, ::-1] - monthly
    level = np.exp(-after)
    return level / level[:, -12:].mean(axis=1, keepdims=True)


def _season(ref: Reference, pairs_occ: np.ndarray) -> np.ndarray:
    """Seasonal factor per pair and calendar month (pairs × 12)."""
    strong = np.array([_starts(c, STRONG_SEASON) for c in ref.codes])[pairs_occ]
    teachers = np.array([_starts(c, TEACHERS) for c in ref.codes])[pairs_occ]
    amplitude = np.where(strong, 2.0, 1.0)
    profile = 1 + amplitude[:, None] * (SEASON[None, :] - 1)
    return np.where(teachers[:, None], SEASON_TEACHERS[None, :], profile)


def _shock(rng, n_regions: int) -> np.ndarray:
    """Common monthly shocks per region: the pandemic and an AR(1) wobble (regions × months)."""
    months = np.arange(N_MONTHS)
    covid = np.ones(N_MONTHS)
    covid[(months >= 15) & (months <= 17)] = 0.6  # April-June 2020
    covid[(months >= 18) & (months <= 20)] = 0.85  # July-September 2020
    wobble = np.zeros((n_regions, N_MONTHS))
    eps = rng.normal(0, 0.04, (n_regions, N_MONTHS))
    for t in range(N_MONTHS):
        wobble[:, t] = (0.6 * wobble[:, t - 1] if t else 0) + eps[:, t]
    return covid[None, :] * np.exp(wobble)


def vacancy_levels(ctx: Context, ref: Reference, classifier, growth: dict[int, dict[str, int]], rng):
    """Yearly vacancies in 2025 per region × occupation (0 where the region has none)."""
    graduates, offered = yearly_graduates(ctx, len(classifier.specialty_ids), classifier)  # region × specialty
    econ = _economy(ctx, ref, growth, rng)
    # each specialty's graduates shared among its occupations in proportion to the shares
    per_spec = ref.share / np.maximum(ref.share.sum(axis=1, keepdims=True), 1e-12)
    supply_level = (graduates @ per_spec) / ref.served[None, :]  # region × occupation, balanced demand
    levels = np.zeros_like(supply_level)
    for ri, region in enumerate(ctx.regions):
        total = graduates[ri].sum()
        if total <= 0:
            continue
        provided = (offered[ri].astype(float) @ (ref.share > 0)) > 0  # some college teaches a specialty for it
        candidates = np.flatnonzero(~provided & ref.linked)
        k = min(len(candidates), 2 + int(rng.integers(0, 4)))
        chosen = np.zeros(ref.n, bool)
        if k:
            boost = np.array([4.0 if set(ref.sectors[j]) & set(growth.get(ri, {})) else 1.0 for j in candidates])
            w = econ[ri, candidates] * boost
            chosen[rng.choice(candidates, size=k, replace=False, p=w / w.sum())] = True
        kept = provided | chosen
        econ_level = np.where(kept, econ[ri], 0.0)
        econ_level = total * econ_level / econ_level.sum() / ref.served
        noise = np.exp(rng.normal(0, LEVEL_NOISE, ref.n))
        in_growth = np.array([bool(set(sectors) & set(growth.get(ri, {}))) for sectors in ref.sectors])
        noise *= np.where(rng.random(ref.n) < np.where(in_growth, SHORTAGE_GROWTH, SHORTAGE), SHORTAGE_FACTOR, 1.0)
        # people a year (before the fill factor), the provided occupations calibrated to the region's target
        target = (DEMAND_RATIO * math.exp(0.5 * REGION_EMPLOYMENT.get(region.prefix, 0.0))
                  * (1.15 if region.is_city else 1.0) * total)
        people = np.where(provided, (MIX_SUPPLY * supply_level[ri] + (1 - MIX_SUPPLY) * econ_level) * noise, 0.0)
        taught_share = offered[ri].astype(float) @ ref.share  # the part of each occupation the taught specialties fill
        people *= target / max(float((people * taught_share).sum()), 1e-9)
        if chosen.any():
            # without a provider: the economy's half, raised; what its main specialty would fill stays between
            # a floor for the strongest one (enough to open a specialty) and a cap (a new specialty starts small)
            extra = (1 - MIX_SUPPLY) * econ_level * NO_PROVIDER_BOOST * noise * target / total
            filled = np.where(chosen, extra * ref.best_share, 0.0)
            floor = min(OPEN_PEOPLE, OPEN_SHARE * target)
            filled = np.where(chosen, np.minimum(filled, max(floor, NO_PROVIDER_CAP * target)), 0.0)
            strongest = int(np.argmax(filled))
            filled[strongest] = max(filled[strongest], floor)
            people = np.where(chosen, filled / ref.best_share, people)
        levels[ri] = people / FILL_FACTOR  # postings a year
    return levels


def generate_vacancies(ctx: Context, ref: Reference, classifier, growth: dict[int, dict[str, int]]) -> None:
    rng = ctx.rng("labour-vacancies")
    levels = vacancy_levels(ctx, ref, classifier, growth, rng)
    pairs_region, pairs_occ = np.nonzero(levels > 0)
    n = len(pairs_region)
    lam = (levels[pairs_region, pairs_occ] / 12)[:, None] * _trend(ctx, ref, pairs_region, pairs_occ, growth)
    lam *= np.tile(_season(ref, pairs_occ), N_MONTHS // 12)
    lam *= _shock(rng, len(ctx.regions))[pairs_region]
    counts = rng.poisson(lam)
    # wages
    base = np.array([_lookup(WAGE_2025, c, 250_000) for c in ref.codes], float)[pairs_occ]
    regional = np.array([REGION_WAGE.get(ctx.regions[r].prefix, 1.0) for r in pairs_region])
    fixed = np.exp(rng.normal(0, 0.08, n))
    years = 2019 + np.arange(N_MONTHS) // 12
    growth_path = WAGE_GROWTH ** (years - 2025)
    wages = (base * regional * fixed)[:, None] * growth_path[None, :] * np.exp(rng.normal(0, 0.06, (n, N_MONTHS)))
    wages = (np.round(wages / 1000) * 1000).astype(np.int64)

    keep_pair, keep_month = np.nonzero(counts > 0)
    months = [dt.date(2019 + t // 12, t % 12 + 1, 1) for t in range(N_MONTHS)]
    region_pk = np.array([r.pk for r in ctx.regions], np.int64)
    region_ids = region_pk[pairs_region][keep_pair].tolist()
    occupation_ids = ref.occupation_ids[pairs_occ][keep_pair].tolist()
    month_list = [months[t] for t in keep_month.tolist()]
    count_list = counts[keep_pair, keep_month].tolist()
    wage_list = wages[keep_pair, keep_month].tolist()
    rows = [
        {"month": m, "region_id": r, "occupation_id": o, "count": c, "median_wage": w, "source": "enbek.kz"}
        for m, r, o, c, w in zip(month_list, region_ids, occupation_ids, count_list, wage_list, strict=True)
    ]
    with progress_bar("Vacancies", len(rows), enabled=ctx.progress) as advance:
        insert_rows(Vacancy, rows, advance)
    ctx.counts["vacancies"] = len(rows)
    ctx.counts["vacancies_2025"] = int(counts[:, -12:].sum())
    ctx.counts["vacancy_series"] = n


# --- employers' declared needs -------------------------------------------------------------------------------
def generate_needs(ctx: Context, classifier, growth: dict[int, dict[str, int]]) -> None:
    rng = ctx.rng("labour-needs")
    ent = ctx.enterprises
    if ent is None or not ent.n:
        ctx.counts["employer_needs"] = 0
        return
    employees = ent.employees.astype(float)
    in_growth = np.array([s in growth.get(int(r), {}) for r, s in zip(ent.region, ent.sector, strict=True)])
    p = _sigmoid(-1.9 + 0.45 * np.log(employees / 50)) * np.where(in_growth, 1.5, 1.0)
    declares = rng.random(ent.n) < np.clip(p, 0, 0.9)
    # specialties fitting each sector, weighted by national popularity
    by_sector: dict[str, np.ndarray] = {}
    pop = np.sqrt(classifier.popularity)
    sectors_of = [field_sectors(code[:4]) for code in classifier.codes]
    for letter in sorted(set(ent.sector.tolist())):
        fit = np.array([1.0 if letter in s[:2] else (0.3 if letter in s else 0.0) for s in sectors_of])
        by_sector[letter] = fit * pop
    per_student = ctx.totals.get("studying", 0) / max(ent.n, 1)
    scale = min(1.0, per_student / (562_000 / 18_000))
    first_day = dt.date(2025, 2, 1)
    span = (AS_OF - dt.timedelta(days=6) - first_day).days
    rows = []
    for e in np.flatnonzero(declares).tolist():
        w = by_sector.get(str(ent.sector[e]))
        if w is None or w.sum() <= 0:
            w = pop
        k = min(int(np.count_nonzero(w)), 1 + int(rng.binomial(2, 0.35)))
        chosen = rng.choice(len(w), size=k, replace=False, p=w / w.sum())
        declared = first_day + dt.timedelta(days=int(rng.integers(0, span)))
        horizon = int(rng.choice([1, 2, 3, 4, 5], p=[0.15, 0.2, 0.25, 0.15, 0.25]))
        comment = NEED_COMMENTS[int(rng.integers(len(NEED_COMMENTS)))] if rng.random() < 0.35 else ""
        base = employees[e] * 0.01 * math.exp(rng.normal(0, 0.5)) * (1.3 if in_growth[e] else 1.0) * scale / k
        for s in chosen.tolist():
            quals = classifier.quals[s]
            qualification = None
            if rng.random() < 0.4:
                workers = [q for q, level in quals if level == "W"] or [q for q, _ in quals]
                qualification = workers[int(rng.integers(len(workers)))]
            people = np.maximum(1, np.round(base * np.exp(rng.normal(0, 0.25, horizon)) * 1.05 ** np.arange(horizon)))
            for year, n_people in zip(NEED_YEARS[:horizon], np.minimum(people, 80).astype(int).tolist(), strict=True):
                rows.append(EmployerNeed(
                    enterprise_id=int(ent.ids[e]), specialty_id=int(classifier.specialty_ids[s]),
                    qualification_id=qualification, year=year, people=n_people, declared_on=declared,
                    comment=comment,
                ))
    insert(ctx, EmployerNeed, len(rows), lambda a, b: rows[a:b], "Employers' needs")
    ctx.counts["employer_needs"] = len(rows)
    ctx.counts["enterprises_declaring_needs"] = int(declares.sum())


# --- the stage ------------------------------------------------------------------------------------------------
def generate(ctx: Context) -> None:
    """Create growth sectors, monthly vacancies 2019-2025 and employers' declared needs for 2026-2030."""
    classifier = ctx.extra.get("classifier")
    if classifier is None or ctx.colleges is None:
        return
    ref = Reference(classifier)
    growth = generate_growth_sectors(ctx)
    generate_vacancies(ctx, ref, classifier, growth)
    generate_needs(ctx, classifier, growth)


def clear() -> None:
    """Delete every record of this stage, and the allocations computed on the generated offers."""
    for model in (AllocationLine, Allocation, EmployerNeed, Vacancy, GrowthSector):
        wipe_table(model)
