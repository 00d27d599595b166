"""The registry part of the demo: enterprises, TVET organisations (with branches), schools, offers, state orders.

How the numbers come about:

* organisations, schools and enterprises are shared out among the regions by population
  (:mod:`.scales`); enterprises' sectors follow each region's economy (mining and metallurgy in
  Karaganda, Ulytau, East Kazakhstan, Pavlodar and Abai; oil and gas in Atyrau, Mangystau, West
  Kazakhstan, Aktobe and Kyzylorda; agriculture in the north and south; services, IT and trade in
  the three cities);
* about 57% of colleges are public; branches keep their parent's ownership;
* the hidden quality (:mod:`.latent`) raises the chance of being a higher college, of having a board
  of trustees, a supervisory board and an endowment fund, of dual training and target orders, and
  the number of partner enterprises;
* each college teaches 3-15 offers (a qualification in a language and a form) chosen by national
  popularity (catering, car repair and welding first), the college's profile and the region's
  economy; admissions for 2019-2025 are planned per offer and funding (state order ≈70%, target
  order ≈2% with a sponsor enterprise of the same region, the rest paid); state-order places for
  2022-2025 are the state-funded admissions plus a few unfilled places.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

from smarttvet.core.identifiers import complete_with_check_digit
from smarttvet.demo.generator import latent, names, scales
from smarttvet.demo.generator.context import (
    CURRENT_YEAR,
    STATE_ORDER_YEARS,
    YEARS,
    Colleges,
    Context,
    Enterprises,
    Offers,
    RegionInfo,
    insert,
    wipe_table,
)
from smarttvet.registry.models import (
    EconomicSector,
    Enterprise,
    Offer,
    Organization,
    Qualification,
    Region,
    StateOrder,
)

# --- regions' character -------------------------------------------------------------------------------------
OIL = frozenset({"23", "47", "27", "15", "43"})
MINING = frozenset({"35", "62", "63", "55", "10"})
AGRICULTURE = frozenset({"11", "39", "59", "55", "61", "31", "19", "33", "43"})
CITIES = frozenset({"71", "75", "79"})
# Share of Russian-language instruction (more in the north and in the cities).
RUSSIAN_SHARE = {
    "10": 0.35, "11": 0.55, "15": 0.30, "19": 0.25, "23": 0.15, "27": 0.30, "31": 0.20, "33": 0.25,
    "35": 0.60, "39": 0.65, "43": 0.08, "47": 0.15, "55": 0.60, "59": 0.70, "61": 0.08, "62": 0.30,
    "63": 0.55, "71": 0.35, "75": 0.50, "79": 0.20,
}
# Share of colleges located in villages (oblasts only).
RURAL_COLLEGES = 0.22
RURAL_SCHOOLS = 0.72

SECTOR_BASE = {
    "A": 0.12, "B": 0.03, "C": 0.14, "D": 0.03, "E": 0.02, "F": 0.12, "G": 0.16, "H": 0.07, "I": 0.06,
    "J": 0.04, "K": 0.02, "L": 0.01, "M": 0.04, "N": 0.03, "O": 0.01, "P": 0.03, "Q": 0.04, "R": 0.01,
    "S": 0.02,
}


def sector_weights(prefix: str, codes: list[str]) -> np.ndarray:
    """Weights of the OKED sections (in ``codes`` order) for enterprises of one region."""
    w = {c: SECTOR_BASE.get(c, 0.005) for c in codes}

    def scale(letter: str, factor: float) -> None:
        if letter in w:
            w[letter] *= factor

    if prefix in OIL:
        scale("B", 7.0), scale("H", 1.3), scale("F", 1.2), scale("D", 1.2)
    if prefix in MINING:
        scale("B", 6.0), scale("C", 1.8), scale("D", 1.4)
    if prefix in (OIL | MINING) - AGRICULTURE:  # deserts and steppe mining towns farm little
        scale("A", 0.4)
    if prefix in AGRICULTURE:
        scale("A", 2.5), scale("C", 1.1)
    if prefix in CITIES:
        for letter, factor in (("G", 1.5), ("I", 1.6), ("J", 3.5), ("K", 2.5), ("L", 2.0), ("M", 1.8),
                               ("N", 1.5), ("A", 0.1), ("B", 0.2), ("R", 1.5)):
            scale(letter, factor)
    values = np.array([w[c] for c in codes], dtype=float)
    return values / values.sum()


# ISCED-F field prefix -> OKED sections where its graduates work (most typical first).
FIELD_SECTORS: dict[str, tuple[str, ...]] = {
    "01": ("P",), "02": ("R", "J"), "03": ("M", "N", "O"), "04": ("G", "K", "M", "N"), "042": ("O", "M"),
    "05": ("M", "B", "E"), "06": ("J", "K", "G"), "07": ("C", "F", "D"), "0711": ("C", "B"), "0712": ("E",),
    "0713": ("D", "C", "F"), "0714": ("J", "C"), "0715": ("C", "B", "F"), "0716": ("G", "H"), "072": ("C",),
    "0724": ("B",), "073": ("F",), "08": ("A", "C"), "09": ("Q",), "10": ("S", "I"), "101": ("I", "S", "R"),
    "1013": ("I",), "1014": ("R",), "1015": ("I", "N"), "102": ("E", "Q"), "103": ("N", "O"), "104": ("H",),
}


def field_sectors(field_code: str) -> tuple[str, ...]:
    for length in (4, 3, 2):
        found = FIELD_SECTORS.get(field_code[:length])
        if found:
            return found
    return ("G", "C", "F")


# College profiles: ISCED-F prefixes they teach most, base weight, weight for private colleges.
PROFILES: dict[str, tuple[tuple[str, ...], float, float]] = {
    "multidisciplinary": ((), 9.0, 1.0),
    "polytechnic": (("07",), 10.0, 0.5),
    "technical": (("07",), 5.0, 0.5),
    "industrial": (("0715", "0713", "072"), 3.0, 0.3),
    "construction": (("073", "0713", "0715"), 3.0, 0.6),
    "agrarian": (("08",), 5.0, 0.3),
    "agrotechnical": (("08", "0716"), 3.0, 0.3),
    "oil_gas": (("0724", "0711", "0713"), 0.4, 0.3),
    "mining": (("0724", "0715", "0713"), 0.4, 0.3),
    "medical": (("09",), 6.0, 2.5),
    "pedagogical": (("01",), 4.0, 1.8),
    "humanitarian": (("04", "01", "06"), 4.0, 2.5),
    "economic": (("04",), 3.0, 2.5),
    "service": (("10",), 4.0, 1.2),
    "transport": (("104", "0716"), 1.5, 0.5),
    "digital": (("06",), 1.5, 1.5),
    "music": (("0215",), 0.8, 0.3),
    "arts": (("02",), 1.0, 0.5),
}


def _profile_region_factor(profile: str, prefix: str, rural: bool) -> float:
    factor = 1.0
    if profile == "oil_gas":
        factor *= 10.0 if prefix in OIL else 0.1
    if profile == "mining":
        factor *= 10.0 if prefix in MINING else 0.1
    if profile in ("agrarian", "agrotechnical"):
        factor *= (2.0 if prefix in AGRICULTURE else 1.0) * (3.0 if rural else 1.0) * (0.1 if prefix in CITIES else 1)
    if profile == "digital" and prefix in CITIES:
        factor *= 3.0
    if rural and profile in ("digital", "music", "arts", "medical", "economic"):
        factor *= 0.2
    return factor


def _matches(code: str, prefixes: tuple[str, ...]) -> bool:
    return any(code.startswith(p) for p in prefixes)


def specialty_popularity(code: str, name_en: str, name_ru: str) -> float:
    """National popularity of a specialty: catering, car repair and welding are the largest (FACTS.md)."""
    text = f"{name_en} {name_ru}".lower()
    if "weld" in text or "свар" in text:
        return 10.0
    if code.startswith("1013") and ("catering" in text or "питани" in text):
        return 22.0
    if code.startswith("0716") and ("motor vehicle" in text or "автомоб" in text):
        return 14.0
    for prefix, weight in (("0913", 5.0), ("0912", 3.0), ("0716", 2.5), ("1013", 2.0), ("0411", 2.5),
                           ("0613", 2.5), ("0612", 2.0), ("0732", 2.0), ("0713", 1.5), ("0113", 2.0),
                           ("0112", 2.0), ("0811", 1.5), ("1012", 2.0), ("1041", 1.5)):
        if code.startswith(prefix):
            return weight
    return 1.0


def _specialty_region_factor(code: str, prefix: str) -> float:
    factor = 1.0
    if prefix in OIL and _matches(code, ("0724", "0711")):
        factor *= 2.5
    if prefix in MINING and _matches(code, ("0724", "0715", "0713")):
        factor *= 2.0
    if prefix in AGRICULTURE and code.startswith("08"):
        factor *= 1.8
    if prefix in CITIES:
        factor *= 1.5 if _matches(code, ("06", "04", "10", "02")) else (0.3 if code.startswith("08") else 1.0)
    return factor


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


# --- reference data -----------------------------------------------------------------------------------------
def load_regions() -> list[RegionInfo]:
    return [
        RegionInfo(pk=r.pk, prefix=r.kato[:2], kind=r.kind, population=float(r.population_millions),
                   name_kk=r.name_kk, name_ru=r.name_ru, name_en=r.name_en)
        for r in Region.objects.order_by("kato")
    ]


class Classifier:
    """The specialties and qualifications in the database, as the generator needs them."""

    def __init__(self) -> None:
        rows = list(
            Qualification.objects.order_by("specialty__code", "code").values_list(
                "id", "level", "specialty_id", "specialty__code", "specialty__name_en", "specialty__name_ru",
                "specialty__name_kk",
            )
        )
        if not rows:
            raise ValueError("the specialty classifier is empty: load it first (smarttvet migrate)")
        by_specialty: dict[int, dict] = {}
        for qid, level, sid, code, name_en, name_ru, name_kk in rows:
            entry = by_specialty.setdefault(sid, {"code": code, "name_en": name_en, "name_ru": name_ru,
                                                  "name_kk": name_kk, "quals": []})
            entry["quals"].append((qid, level))
        self.specialty_ids = list(by_specialty)
        self.codes = [by_specialty[s]["code"] for s in self.specialty_ids]
        self.names_ru = [by_specialty[s]["name_ru"] for s in self.specialty_ids]
        self.names_kk = [by_specialty[s]["name_kk"] for s in self.specialty_ids]
        self.quals = [by_specialty[s]["quals"] for s in self.specialty_ids]
        self.popularity = np.array([
            specialty_popularity(by_specialty[s]["code"], by_specialty[s]["name_en"], by_specialty[s]["name_ru"])
            for s in self.specialty_ids
        ])

    def has_field(self, prefixes: tuple[str, ...]) -> bool:
        return not prefixes or any(_matches(code, prefixes) for code in self.codes)


# --- counts per region ----------------------------------------------------------------------------------------
def plan(scale: scales.Scale, all_regions: list[RegionInfo]) -> tuple[list[RegionInfo], dict[str, dict[str, int]],
                                                                     dict[str, int]]:
    """The regions of the dataset, the counts of each region, and the totals of people."""
    if scale.regions:
        regions = [r for r in all_regions if r.prefix in scale.regions]
    else:
        regions = list(all_regions)
    pop = {r.prefix: r.population for r in regions}
    city = {r.prefix: r.is_city for r in regions}
    colleges = scales.share_out(
        scale.tvet_organizations, {k: scales.college_weight(v) for k, v in pop.items()},
        {k: scale.minimum_colleges.get(k, 2 if scale.regions else 5) for k in pop},
    )
    heads_weight = {k: max(colleges[k] - 2, 0) * scales.college_weight(pop[k]) for k in pop}
    branches = scales.share_out(scale.branches, heads_weight)
    schools = scales.share_out(scale.schools, {k: scales.school_weight(v, city[k]) for k, v in pop.items()},
                               1 if scale.regions else 50)
    enterprises = scales.share_out(scale.enterprises, {k: scales.enterprise_weight(v, city[k]) for k, v in pop.items()},
                                   8 if scale.regions else 100)
    per_region = {k: {"colleges": colleges[k], "branches": branches[k], "schools": schools[k],
                      "enterprises": enterprises[k]} for k in pop}
    totals = {"studying": scale.studying_students, "teachers": scale.teachers, "masters": scale.masters}
    if scale.only_region:
        share = per_region[scale.only_region]["colleges"] / scale.tvet_organizations
        totals = {k: round(v * share) for k, v in totals.items()}
        regions = [r for r in regions if r.prefix == scale.only_region]
        per_region = {scale.only_region: per_region[scale.only_region]}
    return regions, per_region, totals


# --- identifiers ----------------------------------------------------------------------------------------------
def draw_bins(rng: np.random.Generator, years: np.ndarray, branch: np.ndarray, used: set[str]) -> list[str]:
    """Valid, unique BINs: registration year and month, 4 (legal entity), 0/1 (head/branch), serial, check digit."""
    n = len(years)
    out: list[str] = [""] * n
    pending = np.arange(n)
    while len(pending):
        months = rng.integers(1, 13, size=len(pending))
        serials = rng.integers(0, 100_000, size=len(pending))
        still = []
        for k, i in enumerate(pending):
            body = f"{int(years[i]) % 100:02d}{int(months[k]):02d}4{1 if branch[i] else 0}{int(serials[k]):05d}"
            number = complete_with_check_digit(body)
            if number is None or number in used:
                still.append(i)
                continue
            used.add(number)
            out[i] = number
        pending = np.array(still, dtype=int)
    return out


def _coordinate(rng: np.random.Generator, lat: float, lon: float, spread: float) -> tuple[float, float]:
    la = float(np.clip(lat + rng.normal(0, spread), 40.6, 55.4))
    lo = float(np.clip(lon + rng.normal(0, spread * 1.4), 46.6, 87.3))
    return round(la, 5), round(lo, 5)


def _languages(rng: np.random.Generator, prefix: str, bilingual_bonus: float = 0.0) -> str:
    r = RUSSIAN_SHARE.get(prefix, 0.3)
    u = rng.random()
    only_ru = r * 0.45
    both = 0.25 + r * 0.5 + bilingual_bonus
    if u < only_ru:
        return "ru"
    if u < only_ru + both:
        return "kk;ru"
    return "kk"


class _Places:
    """Where an organisation is: a town or district, or a village near a district centre."""

    def __init__(self, region: RegionInfo, rng: np.random.Generator) -> None:
        self.region = region
        self.rng = rng
        self.places = names.PLACES[region.prefix]

    def pick(self, rural: bool) -> dict:
        rng, region = self.rng, self.region
        street = names.STREETS[rng.integers(len(names.STREETS))]
        house = int(rng.integers(1, 180))
        if region.is_city:
            district = self.places[rng.integers(len(self.places))]
            city = names.CITY_NAMES[region.prefix]
            lat, lon = _coordinate(rng, district[4], district[5], 0.02)
            return {"town": city, "place": (city[0], city[1], city[3]), "rural": False, "lat": lat, "lon": lon,
                    "address": f"г. {city[1]}, {district[1]}, ул. {street}, {house}"}
        index = 0 if rng.random() < 0.55 else int(rng.integers(len(self.places)))
        town = self.places[index]
        if not rural:
            lat, lon = _coordinate(rng, town[4], town[5], 0.03)
            return {"town": town[:4], "place": (town[0], town[1], town[3]), "rural": False, "lat": lat,
                    "lon": lon, "address": f"{region.name_ru}, г. {town[1]}, ул. {street}, {house}"}
        village = names.VILLAGES[rng.integers(len(names.VILLAGES))]
        lat, lon = _coordinate(rng, town[4], town[5], 0.25)
        return {"town": town[:4], "place": village, "rural": True, "lat": lat, "lon": lon,
                "address": f"{region.name_ru}, {town[2]} район, с. {village[1]}, ул. {street}, {house}"}


# --- enterprises ----------------------------------------------------------------------------------------------
def _enterprise_names(rng: np.random.Generator, prefixes: list[str], sectors: np.ndarray,
                      large: np.ndarray) -> list[str]:
    used: set[str] = set()
    out = []
    for prefix, sector, is_large in zip(prefixes, sectors, large, strict=True):
        key = ("B-oil" if prefix in OIL else "B-mining") if sector == "B" else sector
        words = names.SECTOR_WORDS.get(key, names.SECTOR_WORDS["N"])
        roots = names.ENTERPRISE_ROOTS.get(prefix, names.GENERAL_ROOTS)
        root = roots[rng.integers(len(roots))] if rng.random() < 0.7 else names.GENERAL_ROOTS[
            rng.integers(len(names.GENERAL_ROOTS))]
        word = words[rng.integers(len(words))]
        joint = (" ", "-", " ")[rng.integers(3)]
        if sector in ("E", "Q", "P", "O") and rng.random() < 0.5:
            legal = "ГКП на ПХВ"
        elif rng.random() < (0.35 if is_large else 0.04):
            legal = "АО"
        else:
            legal = "ТОО"
        base = f"{root}{joint}{word}"
        name = f"{legal} «{base}»"
        if name in used:
            suffix = names.NAME_SUFFIXES[rng.integers(len(names.NAME_SUFFIXES))]
            name = f"{legal} «{base} {suffix}»"
            number = 2
            while name in used:
                name = f"{legal} «{base} {suffix}-{number}»"
                number += 1
        used.add(name)
        out.append(name)
    return out


def generate_enterprises(ctx: Context, per_region: dict[str, dict[str, int]]) -> Enterprises:
    rng = ctx.rng("enterprises")
    sector_rows = list(EconomicSector.objects.order_by("code").values_list("code", "pk"))
    codes = [c for c, _ in sector_rows]
    sector_pk = dict(sector_rows)
    region_idx, sectors = [], []
    for i, region in enumerate(ctx.regions):
        n = per_region[region.prefix]["enterprises"]
        region_idx.append(np.full(n, i))
        sectors.append(rng.choice(codes, size=n, p=sector_weights(region.prefix, codes)))
    region_arr = np.concatenate(region_idx) if region_idx else np.zeros(0, int)
    sector_arr = np.concatenate(sectors) if sectors else np.zeros(0, str)
    n = len(region_arr)
    size = rng.choice(4, size=n, p=[0.25, 0.40, 0.22, 0.13])  # micro, small, medium, large
    employees = np.select(
        [size == 0, size == 1, size == 2],
        [rng.integers(3, 16, n), rng.integers(16, 101, n), rng.integers(101, 251, n)],
        np.clip(np.round(np.exp(rng.normal(math.log(700), 0.9, n))), 251, 30_000).astype(int),
    )
    reg_years = rng.integers(1996, 2025, size=n)
    bins = draw_bins(rng, reg_years, np.zeros(n, bool), ctx.used_bins)
    prefixes = [ctx.regions[i].prefix for i in region_arr]
    labels = _enterprise_names(rng, prefixes, sector_arr, size == 3)
    size_names = np.array(["micro", "small", "medium", "large"])[size]
    region_pk = [r.pk for r in ctx.regions]

    def make(start: int, stop: int) -> list[Enterprise]:
        return [
            Enterprise(bin=bins[i], name=labels[i], region_id=region_pk[region_arr[i]],
                       sector_id=sector_pk[sector_arr[i]], size=size_names[i], employees=int(employees[i]))
            for i in range(start, stop)
        ]

    table = Enterprises(bins=bins, region=region_arr, sector=sector_arr, employees=employees)
    table.ids = insert(ctx, Enterprise, n, make, "Enterprises")
    ctx.counts["enterprises"] = n
    return table


# --- colleges -------------------------------------------------------------------------------------------------
INTAKE_GROWTH = 1.03
# Admitted after grade 9 / 11 / otherwise. Grade-9 entrants study a year longer, so among students
# studying these intake shares become ≈73.6% and ≈22.5% (FACTS.md).
GRADE9_INTAKE, GRADE11_INTAKE = 0.68, 0.28


def _studying_factor(level: np.ndarray, growth: float) -> np.ndarray:
    """Expected students studying in 2025-26 per student admitted in 2025, by qualification level.

    Worker qualifications take 3 years after grade 9 and 2 after grade 11; specialist ones 4 and 3.
    Intake grows by ``growth`` a year; about 5% drop out or are on leave.
    """
    g9 = GRADE9_INTAKE
    w = 1 + 1 / growth + g9 / growth**2
    s = 1 + 1 / growth + 1 / growth**2 + g9 / growth**3
    return np.where(level == "W", w, s) * 0.95


def generate_colleges(ctx: Context, per_region: dict[str, dict[str, int]], totals: dict[str, int],
                      classifier: Classifier) -> Colleges:
    rng = ctx.rng("colleges")
    seed = ctx.seed
    rows: list[dict] = []
    for ri, region in enumerate(ctx.regions):
        counts = per_region[region.prefix]
        n, n_branch = counts["colleges"], counts["branches"]
        is_branch = np.zeros(n, bool)
        is_branch[rng.choice(n, size=n_branch, replace=False)] = True
        for b in is_branch:
            rows.append({"region": ri, "branch": bool(b)})
    n = len(rows)
    branch = np.array([r["branch"] for r in rows], bool)
    region_arr = np.array([r["region"] for r in rows], int)
    heads = np.flatnonzero(~branch)
    # ownership: exactly 57% of head organisations are public; a branch belongs to a head of its region
    # (80%) or of another one, and keeps the head's ownership
    public = np.zeros(n, bool)
    public[rng.choice(heads, size=round(0.57 * len(heads)), replace=False)] = True
    parent = np.full(n, -1)
    for i in np.flatnonzero(branch):
        same = heads[region_arr[heads] == region_arr[i]]
        pool = same if len(same) and rng.random() < 0.8 else heads
        parent[i] = pool[rng.integers(len(pool))]
        public[i] = public[parent[i]]
    founded = np.where(public, rng.integers(1930, 2001, n), rng.integers(1992, 2023, n))
    founded = np.where(branch, np.minimum(np.maximum(rng.integers(2000, 2023, n), founded[parent] + 1), 2024),
                       founded)
    reg_years = np.clip(np.maximum(founded, 1996) + rng.integers(0, 4, n), 1996, 2024)
    bins = draw_bins(rng, reg_years, branch, ctx.used_bins)
    quality = np.array([[latent.organization_quality(seed, b, int(y)) for y in YEARS] for b in bins]).reshape(
        n, len(YEARS))
    q = quality[:, CURRENT_YEAR - YEARS[0]]

    # higher colleges: about 9% of heads, mostly the better ones
    score = q + rng.normal(0, 0.6, n)
    higher = np.zeros(n, bool)
    k_higher = max(1, round(0.09 * len(heads)))
    higher[heads[np.argsort(-score[heads])[:k_higher]]] = True
    rural = np.array([not ctx.regions[r].is_city and rng.random() < RURAL_COLLEGES for r in region_arr])

    # profiles
    available = [p for p, (prefixes, _w, _pw) in PROFILES.items() if classifier.has_field(prefixes)]
    profiles = []
    for i in range(n):
        prefix = ctx.regions[region_arr[i]].prefix
        w = np.array([PROFILES[p][1] * (PROFILES[p][2] if not public[i] else 1.0)
                      * _profile_region_factor(p, prefix, bool(rural[i])) for p in available])
        profiles.append(available[rng.choice(len(available), p=w / w.sum())])
    for i in np.flatnonzero(branch):
        profiles[i] = profiles[parent[i]]
    languages = [_languages(rng, ctx.regions[r].prefix) for r in region_arr]

    # size: studying students
    size = np.exp(rng.normal(0, 0.55, n)) * np.where(branch, 0.45, 1.0) * np.where(public, 1.3, 0.65) \
        * np.where(higher, 1.4, 1.0) * np.where(rural, 0.8, 1.0)
    studying = np.maximum(np.round(totals["studying"] * size / size.sum()), 25).astype(int)

    # funding, forms, expulsion: driven by quality with noise
    state = np.where(public, np.clip(rng.normal(0.86, 0.08, n), 0.4, 0.98), np.clip(rng.normal(0.38, 0.18, n), 0, 0.9))
    has_target = rng.random(n) < _sigmoid(-0.6 + 0.9 * q) * np.where(public, 1.0, 0.3)
    for ri in range(len(ctx.regions)):  # every region has target orders at its best college
        members = np.flatnonzero(region_arr == ri)
        if len(members):
            has_target[members[np.argmax(q[members])]] = True
    target = np.where(has_target, np.clip(0.05 * np.exp(0.3 * q + rng.normal(0, 0.3, n)), 0.015, 0.15), 0.0)
    state = np.clip(state, 0, 1 - target)
    has_dual = rng.random(n) < _sigmoid(1.0 + 0.9 * q)
    dual = np.where(has_dual, np.clip(0.23 * np.exp(0.25 * q + rng.normal(0, 0.35, n)), 0.05, 0.6), 0.0)
    has_evening = rng.random(n) < np.where(public, 0.14, 0.28)
    evening = np.where(has_evening, rng.uniform(0.12, 0.4, n), 0.0)
    expulsion = _sigmoid(_logit(0.075) - 0.35 * q + rng.normal(0, 0.25, n))

    table = Colleges(
        bins=bins, region=region_arr, public=public, branch=branch, higher=higher, rural=rural, profile=profiles,
        languages=languages, quality=quality, studying_target=studying, state_share=state, target_share=target,
        dual_share=dual, evening_share=evening, expulsion_rate=expulsion,
    )
    ctx.extra["college_parent"] = parent
    ctx.extra["college_founded"] = founded
    return table


def _college_partners(ctx: Context, classifier_fields: list[set[str]]) -> None:
    """Partner enterprises of each college (more for better colleges); sponsors of target orders among them."""
    rng = ctx.rng("partners")
    colleges, ent = ctx.colleges, ctx.enterprises
    q = colleges.quality_in(CURRENT_YEAR)
    by_region: dict[int, np.ndarray] = {r: np.flatnonzero(ent.region == r) for r in range(len(ctx.regions))}
    size_w = np.sqrt(ent.employees.astype(float))
    colleges.partners, colleges.sponsors = [], []
    for i in range(colleges.n):
        pool = by_region.get(int(colleges.region[i]), np.zeros(0, int))
        if not len(pool):
            colleges.partners.append(np.zeros(0, int))
            colleges.sponsors.append(np.zeros(0, int))
            continue
        wanted = {s for f in classifier_fields[i] for s in field_sectors(f)}
        w = size_w[pool] * np.where(np.isin(ent.sector[pool], list(wanted)), 5.0, 1.0)
        scale = math.sqrt(colleges.studying_target[i] / 750)
        m = int(np.clip(rng.poisson(max(0.5, 6 * math.exp(0.45 * q[i]) * scale)), 1, len(pool)))
        chosen = pool[rng.choice(len(pool), size=m, replace=False, p=w / w.sum())]
        colleges.partners.append(chosen)
        if colleges.target_share[i] > 0:
            k = int(np.clip(1 + rng.poisson(0.5 + 0.6 * max(q[i], 0.0)), 1, m))
            colleges.sponsors.append(chosen[:k])
        else:
            colleges.sponsors.append(np.zeros(0, int))


def _offers_of_college(rng: np.random.Generator, i: int, colleges: Colleges, classifier: Classifier,
                       prefix: str) -> list[tuple[int, int, str, str, float]]:
    """(specialty index, qualification index, language, form, weight) for one college, 3 to 15 offers."""
    profile_prefixes = PROFILES[colleges.profile[i]][0]
    affinity = np.array([(8.0 if _matches(c, profile_prefixes) else 0.4) if profile_prefixes else 1.0
                         for c in classifier.codes])
    region_factor = np.array([_specialty_region_factor(c, prefix) for c in classifier.codes])
    weights = classifier.popularity * affinity * region_factor
    n_spec_avail = len(classifier.codes)
    size_rel = colleges.studying_target[i] / 750
    k = int(np.clip(round(1.5 + 3 * math.sqrt(size_rel) + rng.normal(0, 1)), 2, 7))
    k = min(k, n_spec_avail)
    chosen = rng.choice(n_spec_avail, size=k, replace=False, p=weights / weights.sum())
    langs = colleges.languages[i].split(";")
    r = RUSSIAN_SHARE.get(prefix, 0.3)
    programmes: list[tuple[int, int, float]] = []
    for s in chosen:
        quals = classifier.quals[s]
        n_q = 2 if len(quals) > 1 and rng.random() < 0.35 else 1
        for qi in rng.choice(len(quals), size=n_q, replace=False):
            programmes.append((int(s), int(qi), float(weights[s] * math.exp(rng.normal(0, 0.4)))))
    offers: list[tuple[int, int, str, str, float]] = []
    for s, qi, w in programmes:
        if len(langs) > 1 and rng.random() < 0.6:
            offer_langs = langs
        elif len(langs) > 1:
            offer_langs = ["ru" if rng.random() < r else "kk"]
        else:
            offer_langs = langs
        for lang in offer_langs:
            offers.append((s, qi, lang, "full_time", w / len(offer_langs)))
    full = list(offers)
    if colleges.dual_share[i] > 0:
        n_dual = max(1, int(rng.binomial(len(full), 0.5)))
        for j in rng.choice(len(full), size=n_dual, replace=False):
            s, qi, lang, _form, w = full[j]
            offers.append((s, qi, lang, "dual", w))
    if colleges.evening_share[i] > 0:
        s, qi, lang, _form, w = full[rng.integers(len(full))]
        offers.append((s, qi, lang, "evening", w))
    if len(offers) > 15:  # keep the needed forms, drop extra full-time/dual variants
        keep_forms = {"dual", "evening"}
        essential = [o for o in offers if o[3] in keep_forms][:4]
        rest = [o for o in offers if o not in essential]
        offers = rest[: 15 - len(essential)] + essential
    # top up to 3 with other languages or forms of the programmes taught (tiny classifiers)
    existing = {(o[0], o[1], o[2], o[3]) for o in offers}
    for s, qi, _w in programmes:
        for lang in ("kk", "ru"):
            for form in ("full_time", "dual", "evening"):
                if len(offers) >= 3:
                    break
                if (s, qi, lang, form) not in existing:
                    offers.append((s, qi, lang, form, programmes[0][2] * 0.3))
                    existing.add((s, qi, lang, form))
    return offers


def generate_offers(ctx: Context, classifier: Classifier) -> Offers:
    rng = ctx.rng("offers")
    colleges = ctx.colleges
    rows: list[tuple[int, int, int, str, str, float]] = []
    for i in range(colleges.n):
        prefix = ctx.regions[colleges.region[i]].prefix
        college_offers = _offers_of_college(rng, i, colleges, classifier, prefix)
        langs = set(colleges.languages[i].split(";"))
        extra_langs = {o[2] for o in college_offers} - langs
        if extra_langs:
            colleges.languages[i] = ";".join(sorted(langs | extra_langs))
        forms = {o[3] for o in college_offers}
        if "dual" not in forms:
            colleges.dual_share[i] = 0.0
        if "evening" not in forms:
            colleges.evening_share[i] = 0.0
        # the college's share of each form, shared among the offers of that form by weight
        share = {"dual": colleges.dual_share[i], "evening": colleges.evening_share[i]}
        share["full_time"] = 1.0 - share["dual"] - share["evening"]
        totals = defaultdict(float)
        for o in college_offers:
            totals[o[3]] += o[4]
        for s, qi, lang, form, w in college_offers:
            rows.append((i, s, qi, lang, form, share[form] * w / totals[form]))
    n = len(rows)
    college = np.array([r[0] for r in rows], int)
    spec_idx = np.array([r[1] for r in rows], int)
    qual_pos = [r[2] for r in rows]
    specialty_id = np.array([classifier.specialty_ids[s] for s in spec_idx], np.int64)
    qualification_id = np.array([classifier.quals[s][qp][0] for s, qp in zip(spec_idx, qual_pos, strict=True)],
                                np.int64)
    level = np.array([classifier.quals[s][qp][1] for s, qp in zip(spec_idx, qual_pos, strict=True)])
    field_code = np.array([classifier.codes[s][:4] for s in spec_idx])
    language = np.array([r[3] for r in rows])
    form = np.array([r[4] for r in rows])
    share = np.array([r[5] for r in rows])

    # admissions plan: expected 2025 intake so that the studying total comes out right, growing 3% a year
    intake_2025 = colleges.studying_target[college] * share / _studying_factor(level, INTAKE_GROWTH)
    growth = INTAKE_GROWTH ** (YEARS - CURRENT_YEAR)
    year_noise = np.exp(rng.normal(0, 0.12, (n, len(YEARS))))
    admitted = rng.poisson(intake_2025[:, None] * growth[None, :] * year_noise)
    p_state = colleges.state_share[college] * np.where(form == "evening", 0.5, 1.0)
    p_target = colleges.target_share[college] * np.where(form == "evening", 0.0, 1.0)
    p_target = np.where([len(colleges.sponsors[c]) > 0 for c in college], p_target, 0.0)
    admitted_state = rng.binomial(admitted, p_state[:, None])
    rest = admitted - admitted_state
    p_t_given_rest = np.where(p_state < 1, p_target / np.maximum(1 - p_state, 1e-9), 0.0)
    admitted_target = rng.binomial(rest, np.clip(p_t_given_rest, 0, 1)[:, None])
    # a college with target orders has at least one target-order student (move one from its largest offer)
    has_sponsor = np.array([len(colleges.sponsors[c]) > 0 for c in range(colleges.n)])
    per_college = np.bincount(college, weights=admitted_target.sum(axis=1), minlength=colleges.n)
    for c in np.flatnonzero(has_sponsor & (colleges.target_share > 0) & (per_college == 0)):
        members = np.flatnonzero((college == c) & (form != "evening"))
        if not len(members):
            continue
        o = members[np.argmax(admitted[members].sum(axis=1))]
        y = int(np.argmax(admitted[o]))
        if admitted[o, y] == 0:
            continue
        if rest[o, y] == 0:  # no paid place to convert: take a state-funded one
            admitted_state[o, y] -= 1
        admitted_target[o, y] += 1
    admitted_paid = admitted - admitted_state - admitted_target
    # licensed capacity: the students of the four cohorts that can be studying, with a margin, in 25s
    current = admitted[:, -4:].sum(axis=1)
    capacity = np.maximum(25, np.ceil(current * rng.uniform(1.1, 1.4, n) / 25) * 25).astype(int)

    table = Offers(
        college=college, specialty_id=specialty_id, qualification_id=qualification_id, level=level,
        field_code=field_code, language=language, form=form, capacity=capacity,
        admitted_state=admitted_state, admitted_target=admitted_target, admitted_paid=admitted_paid,
    )
    return table


def _insert_colleges(ctx: Context) -> None:
    rng = ctx.rng("college-names")
    colleges, offers = ctx.colleges, ctx.offers
    parent = ctx.extra["college_parent"]
    founded = ctx.extra["college_founded"]
    q = colleges.quality_in(CURRENT_YEAR)
    capacity = np.zeros(colleges.n, int)
    np.add.at(capacity, offers.college, offers.capacity)
    capacity = (np.round(capacity * rng.uniform(0.9, 1.15, colleges.n) / 50) * 50).astype(int)
    capacity = np.maximum(capacity, 50)
    board = rng.random(colleges.n) < _sigmoid(np.where(colleges.public, 1.2, -0.5) + 0.8 * q)
    supervisory = rng.random(colleges.n) < _sigmoid(-2.6 + 1.0 * q + 0.5 * colleges.higher)
    endowment = rng.random(colleges.n) < _sigmoid(-3.2 + 1.0 * q + 0.4 * colleges.higher)
    places = {r.prefix: _Places(r, rng) for r in ctx.regions}
    used_names: set[str] = set()
    used_places: dict[int, tuple] = {}
    objects: list[Organization | None] = [None] * colleges.n
    order = list(np.flatnonzero(~colleges.branch)) + list(np.flatnonzero(colleges.branch))
    for i in order:
        region = ctx.regions[colleges.region[i]]
        where = places[region.prefix].pick(bool(colleges.rural[i]))
        for _attempt in range(8):  # a branch is somewhere else than its parent
            if not colleges.branch[i] or where["place"] != used_places.get(int(parent[i])):
                break
            where = places[region.prefix].pick(bool(colleges.rural[i]) or _attempt > 3)
        used_places[int(i)] = where["place"]
        if colleges.branch[i]:
            p = objects[parent[i]]
            label = names.branch_names((p.name_kk, p.name_ru, p.name_en), where["place"])
            if label[1] in used_names:
                label = tuple(f"{x} ({y})" for x, y in zip(label, where["place"], strict=True))
        else:
            brand = None
            if not colleges.public[i]:
                brand = names.PRIVATE_BRANDS[rng.integers(len(names.PRIVATE_BRANDS))]
            label = names.college_names(town=where["town"], profile=colleges.profile[i],
                                        higher=bool(colleges.higher[i]), brand=brand)
            number = 2
            while label[1] in used_names:
                label = names.college_names(town=where["town"], profile=colleges.profile[i],
                                            higher=bool(colleges.higher[i]), brand=brand, number=number)
                number += 1
        used_names.add(label[1])
        objects[i] = Organization(
            bin=colleges.bins[i], name_kk=label[0], name_ru=label[1], name_en=label[2],
            kind=Organization.Kind.HIGHER_COLLEGE if colleges.higher[i] else Organization.Kind.COLLEGE,
            ownership="public" if colleges.public[i] else "private", region_id=region.pk,
            settlement="rural" if colleges.rural[i] else "urban", address=where["address"],
            latitude=where["lat"], longitude=where["lon"], languages=colleges.languages[i],
            founded_year=int(founded[i]), capacity=int(capacity[i]),
            has_board_of_trustees=bool(board[i]), has_supervisory_board=bool(supervisory[i]),
            has_endowment_fund=bool(endowment[i]),
        )
    heads = [i for i in order if not colleges.branch[i]]
    branches = [i for i in order if colleges.branch[i]]
    ids = np.zeros(colleges.n, np.int64)
    head_ids = insert(ctx, Organization, len(heads), lambda a, b: [objects[i] for i in heads[a:b]], "Colleges")
    ids[heads] = head_ids
    for i in branches:
        objects[i].parent_id = int(ids[parent[i]])
    if branches:
        ids[branches] = insert(ctx, Organization, len(branches), lambda a, b: [objects[i] for i in branches[a:b]],
                               "Branches")
    colleges.ids = ids
    ctx.counts["organizations"] = colleges.n
    ctx.counts["higher_colleges"] = int(colleges.higher.sum())
    ctx.counts["branches"] = len(branches)
    ctx.counts["public_organizations"] = int(colleges.public.sum())


def _insert_offers(ctx: Context) -> None:
    offers, colleges = ctx.offers, ctx.colleges

    def make(start: int, stop: int) -> list[Offer]:
        return [
            Offer(organization_id=int(colleges.ids[offers.college[i]]), specialty_id=int(offers.specialty_id[i]),
                  qualification_id=int(offers.qualification_id[i]), language=str(offers.language[i]),
                  form=str(offers.form[i]), licensed_capacity=int(offers.capacity[i]))
            for i in range(start, stop)
        ]

    offers.ids = insert(ctx, Offer, offers.n, make, "Offers")
    ctx.counts["offers"] = offers.n
    rng = ctx.rng("state-orders")
    rows = []
    for year in STATE_ORDER_YEARS:
        admitted = offers.admitted_state[:, year - YEARS[0]]
        slack = np.round(admitted * rng.uniform(0, 0.08, offers.n)).astype(int)
        places = admitted + slack
        for i in np.flatnonzero(places > 0):
            rows.append((int(offers.ids[i]), year, int(places[i])))
    insert(ctx, StateOrder, len(rows),
           lambda a, b: [StateOrder(offer_id=o, year=y, places=p) for o, y, p in rows[a:b]], "State orders")
    ctx.counts["state_orders"] = len(rows)


# --- schools --------------------------------------------------------------------------------------------------
def generate_schools(ctx: Context, per_region: dict[str, dict[str, int]]) -> None:
    rng = ctx.rng("schools")
    specs = []
    for ri, region in enumerate(ctx.regions):
        for _ in range(per_region[region.prefix]["schools"]):
            specs.append(ri)
    n = len(specs)
    founded = rng.integers(1925, 2025, n)
    reg_years = np.clip(np.maximum(founded, 1996) + rng.integers(0, 6, n), 1996, 2024)
    bins = draw_bins(rng, reg_years, np.zeros(n, bool), ctx.used_bins)
    places = {r.prefix: _Places(r, rng) for r in ctx.regions}
    type_weights = np.array([t[0] for t in names.SCHOOL_TYPES])
    numbers: dict[tuple, int] = defaultdict(int)
    objects = []
    for i, ri in enumerate(specs):
        region = ctx.regions[ri]
        rural = not region.is_city and rng.random() < RURAL_SCHOOLS
        where = places[region.prefix].pick(rural)
        key = (region.prefix, where["place"])
        numbers[key] += 1 + int(rng.integers(0, 3))
        kind = 0 if rural else int(rng.choice(len(type_weights), p=type_weights / type_weights.sum()))
        label = names.school_names(place=where["place"], rural=rural, number=numbers[key], kind=kind)
        q = latent.organization_quality(ctx.seed, bins[i], CURRENT_YEAR)
        private = rng.random() < (0.10 if region.is_city else 0.03)
        capacity = int(rng.integers(60, 900)) if rural else int(rng.integers(500, 3200))
        objects.append(Organization(
            bin=bins[i], name_kk=label[0], name_ru=label[1], name_en=label[2], kind=Organization.Kind.SCHOOL,
            ownership="private" if private else "public", region_id=region.pk,
            settlement="rural" if rural else "urban", address=where["address"], latitude=where["lat"],
            longitude=where["lon"], languages=_languages(rng, region.prefix, -0.15),
            founded_year=int(founded[i]), capacity=round(capacity, -1),
            has_board_of_trustees=bool(rng.random() < _sigmoid(0.8 + 0.6 * q)),
            has_supervisory_board=bool(rng.random() < 0.01), has_endowment_fund=bool(rng.random() < 0.02),
        ))
    ids = insert(ctx, Organization, n, lambda a, b: objects[a:b], "Schools")
    ctx.extra["school_ids"] = ids
    ctx.extra["school_bins"] = bins
    ctx.counts["schools"] = n


# --- the stage ------------------------------------------------------------------------------------------------
def generate(ctx: Context) -> None:
    """Create enterprises, colleges (with branches), offers, state orders and schools."""
    classifier = Classifier()
    ctx.extra["classifier"] = classifier
    ctx.counts["regions"] = len(ctx.regions)
    ctx.enterprises = generate_enterprises(ctx, ctx.per_region)
    ctx.colleges = generate_colleges(ctx, ctx.per_region, ctx.totals, classifier)
    # fields a college is likely to teach, to pick partners that hire its graduates
    profile_fields = [set(PROFILES[p][0]) or {"07", "10", "04"} for p in ctx.colleges.profile]
    _college_partners(ctx, profile_fields)
    ctx.offers = generate_offers(ctx, classifier)
    _insert_colleges(ctx)
    _insert_offers(ctx)
    generate_schools(ctx, ctx.per_region)


def clear() -> None:
    """Delete the registry's generated data: state orders, offers, organisations, enterprises.

    Reference data (regions, sectors, fields, specialties, qualifications) stays.
    """
    wipe_table(StateOrder)
    wipe_table(Offer)
    Organization.objects.filter(parent__isnull=False).delete()
    Organization.objects.all().delete()
    Enterprise.objects.all().delete()


