"""Synthetic gradebook marks and attendance, vectorised: 100 million marks in minutes, deterministic for a seed.

Pure module (no Django): the demo (``smarttvet demo gradebook``), the benchmarks and the tests use it. The
caller passes the organisations (:class:`Organizations`: BIN, region, kind, rural flag and a latent quality per
school year, about standard normal, higher is better) and a budget of marks; :class:`Synthetic` plans who is
taught what and :meth:`Synthetic.partitions` yields one pyarrow Table per (dataset, year, region) with exactly
the contract's columns (``contract.schema(dataset, partitions=False)``), sorted by organisation, student and
date, so that a writer streams partitions with bounded memory.

How the data come about
-----------------------
* **Organisations.** Each has a realistic enrolment drawn from its BIN: rural schools 10-150 pupils, town
  schools a few hundred to 1,500, some city schools 1,000-2,500, colleges a few hundred to 2,000 students.
* **Students and classes.** Schools have grades 1-11 (a class of about 25 per letter: ``9A``, ``9B``...),
  colleges courses 1-4 in groups such as ``SV-22-1`` (specialty, year of entry, number). A cohort keeps its
  pseudonymous students from year to year as it moves up (``S`` + 13 digits: a keyed bijection of a structured
  number, never an IIN). When the budget is smaller than the whole population would produce, a *sample* of
  each cohort is simulated (at least one student per organisation and year), and the number of subjects per
  class and of current marks per subject and term follow the budget (up to about 400 marks a student a year).
* **Latent score.** ``organisation + class + subject + organisation x subject + student + noise``:
  the organisation's effect is ``ORG_SD * quality + RURAL_SHIFT`` for rural ones (see :meth:`Synthetic.effect`,
  the truth the analytics should recover), classes ``CLASS_SD``, students ``STUDENT_SD``; the noise is largest
  for current marks and smallest for year marks. Scores map to marks by fixed cut points: on the five-point
  scale about 3 % twos, 30 % threes, 40 % fours and 27 % fives.
* **Marks.** Kinds ``current`` (five-point, on distinct school days of a term), ``summative`` (one per
  student, subject and term, near the term's end, on the ten-point scale at schools and the hundred-point scale
  at colleges), ``term`` (five-point, the term's last school day, only for terms finished by ``as_of``) and
  ``year`` (five-point, the last school day, only once the year is over). Dates are school days (Monday to
  Friday without holidays and breaks) inside :func:`contract.year_bounds`; no two rows share a contract key.
* **Attendance.** About ``attendance_ratio`` rows per mark (one per student and school day), 4-8 lessons a day
  by age; whole-day or partial absences, unexcused more often for weaker students, classes and organisations.
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from scipy.special import ndtri

from smarttvet.gradebook import contract

# --- subjects -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    code: str
    first: int  # first grade (schools) or course (colleges) that studies it
    last: int
    difficulty: float  # shift of the latent score: negative is harder


SCHOOL_SUBJECTS: tuple[Subject, ...] = (
    Subject("KAZ_LANG", 1, 11, 0.05),
    Subject("KAZ_LIT", 5, 11, 0.10),
    Subject("RUS_LANG", 2, 11, 0.0),
    Subject("ENG", 1, 11, -0.05),
    Subject("MATH", 1, 6, -0.10),
    Subject("ALG", 7, 11, -0.20),
    Subject("GEOM", 7, 11, -0.25),
    Subject("INF", 3, 11, 0.10),
    Subject("NAT_SCI", 1, 6, 0.10),
    Subject("PHYS", 7, 11, -0.20),
    Subject("CHEM", 8, 11, -0.20),
    Subject("BIO", 7, 11, 0.0),
    Subject("HIST_KZ", 5, 11, 0.05),
    Subject("GEOG", 7, 11, 0.05),
)
COLLEGE_SUBJECTS: tuple[Subject, ...] = (
    Subject("PROF_KAZ", 1, 2, 0.05),
    Subject("PROF_RUS", 1, 2, 0.0),
    Subject("PROF_ENG", 1, 3, -0.10),
    Subject("PHIL", 2, 3, 0.05),
    Subject("ECON", 2, 3, 0.0),
    Subject("ICT_PROF", 1, 2, 0.05),
    Subject("SAFETY", 2, 4, 0.15),
    Subject("PROF_MOD", 1, 4, -0.10),
    Subject("IND_TRAIN", 2, 4, 0.20),
)
SUBJECTS = SCHOOL_SUBJECTS + COLLEGE_SUBJECTS
KIND_NAMES = ("school", "college")
GRADES = 11  # school grades; colleges use the first 4 slots (courses)
COURSES = 4
CLASS_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# College group codes (specialty abbreviations): welding, car repair, catering, software, accounting, nursing,
# electrical, construction, teaching, tourism.
GROUP_CODES = ("SV", "AT", "PK", "PO", "BU", "MS", "EL", "ST", "PD", "TR")
CLASS_SIZE = 25

# --- the latent model -----------------------------------------------------------------------------------------
ORG_SD = 0.35
RURAL_SHIFT = -0.08
CLASS_SD = 0.20
ORG_SUBJECT_SD = 0.15
STUDENT_SD = 0.55
NOISE_SD = {"current": 0.70, "summative": 0.55, "term": 0.35, "year": 0.25}
FIVE_POINT_CUTS = np.array([-3.3, -1.8, -0.35, 0.75])  # latent score -> 1..5
KIND_CODES = {"current": 0, "term": 1, "year": 2, "summative": 3}
KINDS = pa.array(["current", "term", "year", "summative"], pa.string())
COLLEGE_SURVIVAL = np.array([1.0, 0.93, 0.86, 0.55])  # share of an entry cohort still studying by course
COLLEGE_ENTRY_SHARE = 0.30
COHORT_BASE = 1990  # cohort numbers are stored in 6 bits from here
LAMBDA_MIN = 2.0  # fewest current marks per subject and term the planner aims for before dropping subjects
FULL_DENSITY = 400.0  # marks a student gets in a full year at full density
# Lessons a day (inclusive range) for school grades 1-11 and college courses 1-4.
SCHOOL_LESSONS = np.array([(4, 5)] * 4 + [(5, 7)] * 5 + [(6, 8)] * 2)
COLLEGE_LESSONS = np.array([(4, 8)] * GRADES)
ROW_GROUP = 262_144

# --- hashing: stable pseudo-random numbers from integers -------------------------------------------------------
_U64 = np.uint64


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser (a bijection of uint64)."""
    with np.errstate(over="ignore"):
        x = x + _U64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> _U64(30))) * _U64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> _U64(27))) * _U64(0x94D049BB133111EB)
    return x ^ (x >> _U64(31))


def _hash(*parts) -> np.ndarray:
    """A uint64 hash of integer arrays (broadcast together) and integer constants."""
    h = np.zeros((), dtype=np.uint64)
    for part in parts:
        value = np.asarray(part)
        if value.dtype != np.uint64:
            value = value.astype(np.int64).astype(np.uint64)
        h = _mix(np.atleast_1d(h ^ value))
    return h


def _uniform(*parts) -> np.ndarray:
    return ((_hash(*parts) >> _U64(11)).astype(np.float64) + 0.5) * 2.0**-53


def _normal(*parts) -> np.ndarray:
    return ndtri(_uniform(*parts))


def _stage(name: str) -> int:
    return zlib.crc32(name.encode())


_MASK40 = _U64((1 << 40) - 1)


def _mix40(x: np.ndarray) -> np.ndarray:
    """A bijection of 40-bit numbers (odd multipliers and xor-shifts modulo 2**40)."""
    with np.errstate(over="ignore"):
        x = (x * _U64(0x9E3779B97F4B)) & _MASK40
        x ^= x >> _U64(19)
        x = (x * _U64(0xBF58476D1CE5)) & _MASK40
        x ^= x >> _U64(21)
        x = (x * _U64(0x94D049BB1331)) & _MASK40
        x ^= x >> _U64(17)
    return x


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


# --- the school calendar --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Calendar:
    """School days of one school year (up to ``as_of``), as indexes into ``days`` (days since 1970-01-01)."""

    days: np.ndarray  # int32, every school day of the year
    start: np.ndarray  # (4,) index of each term's first school day
    length: np.ndarray  # (4,) school days of each term
    available: np.ndarray  # (4,) school days of each term up to as_of
    done: np.ndarray  # (4,) bool: the term's last school day is on or before as_of
    year_done: bool
    usable: int  # school days up to as_of

    @property
    def last(self) -> np.ndarray:
        return self.start + self.length - 1


def _breaks(year: int) -> list[tuple[dt.date, dt.date]]:
    """Holidays and school breaks of school year ``year`` (the usual Kazakhstan calendar, fixed dates)."""
    y0, y1 = year - 1, year
    d = dt.date
    return [
        (d(y0, 10, 25), d(y0, 10, 25)),  # Republic Day
        (d(y0, 10, 28), d(y0, 11, 3)),  # autumn break
        (d(y0, 12, 16), d(y0, 12, 17)),  # Independence Day
        (d(y0, 12, 30), d(y1, 1, 8)),  # winter break
        (d(y1, 3, 8), d(y1, 3, 8)),  # International Women's Day
        (d(y1, 3, 19), d(y1, 3, 29)),  # spring break with Nauryz
        (d(y1, 5, 1), d(y1, 5, 1)),
        (d(y1, 5, 7), d(y1, 5, 9)),
    ]


def calendar(year: int, as_of: dt.date | None = None) -> Calendar:
    first, _ = contract.year_bounds(year)
    last = dt.date(year, 5, 25)
    holidays = [np.arange(np.datetime64(a), np.datetime64(b) + 1) for a, b in _breaks(year)]
    all_days = np.arange(np.datetime64(first), np.datetime64(last) + 1)
    days = all_days[np.is_busday(all_days, weekmask="1111100", holidays=np.concatenate(holidays))]
    months = days.astype("datetime64[M]").astype(int) % 12 + 1
    terms = np.select([np.isin(months, (9, 10)), np.isin(months, (11, 12)), months <= 3], [0, 1, 2], 3)
    start = np.searchsorted(terms, np.arange(4), side="left")
    length = np.bincount(terms, minlength=4)
    epoch = days.astype(np.int64).astype(np.int32)
    if as_of is None:
        available, usable = length.copy(), len(days)
    else:
        cutoff = np.datetime64(as_of)
        usable = int(np.searchsorted(days, cutoff, side="right"))
        available = np.clip(usable - start, 0, length)
    done = available == length
    return Calendar(days=epoch, start=start, length=length, available=available, done=done,
                    year_done=bool(done.all()), usable=usable)


# --- the input ------------------------------------------------------------------------------------------------
_REGION = re.compile(r"^\d{2}$")


@dataclass(frozen=True)
class Organizations:
    """The organisations to generate for, aligned arrays; ``quality[year]`` is the latent quality in that year."""

    bins: np.ndarray  # str
    regions: np.ndarray  # 2-digit KATO prefix
    kinds: np.ndarray  # "school" or "college"
    rural: np.ndarray  # bool
    quality: Mapping[int, np.ndarray]

    @classmethod
    def build(cls, bins: Sequence[str], regions: Sequence[str], kinds: Sequence[str], rural: Sequence[bool],
              quality: Mapping[int, Sequence[float]]) -> Organizations:
        n = len(bins)
        arrays = {
            "bins": np.asarray(list(bins), dtype=str), "regions": np.asarray(list(regions), dtype=str),
            "kinds": np.asarray(list(kinds), dtype=str), "rural": np.asarray(list(rural), dtype=bool),
        }
        q = {int(y): np.asarray(list(v), dtype=float) for y, v in quality.items()}
        for name, value in [*arrays.items(), *((f"quality[{y}]", v) for y, v in q.items())]:
            if len(value) != n:
                raise ValueError(f"{name} has {len(value)} entries for {n} organisations")
        if n and len(set(arrays["bins"].tolist())) != n:
            raise ValueError("organisations repeat a BIN")
        bad_kind = sorted(set(arrays["kinds"].tolist()) - set(KIND_NAMES))
        if bad_kind:
            raise ValueError(f"unknown kind(s) {bad_kind}: use school or college")
        bad_region = sorted({r for r in arrays["regions"].tolist() if not _REGION.match(r)})
        if bad_region:
            raise ValueError(f"regions must be 2-digit KATO prefixes, got {bad_region[:5]}")
        if n >= 1 << 16:
            raise ValueError(f"at most {(1 << 16) - 1} organisations, got {n}")
        return cls(quality=q, **arrays)

    @property
    def n(self) -> int:
        return len(self.bins)


REGION_POPULATION = {  # millions, 2025 (for sample_organizations)
    "10": 0.60, "11": 0.79, "15": 0.92, "19": 1.50, "23": 0.70, "27": 0.69, "31": 1.22, "33": 0.70, "35": 1.13,
    "39": 0.83, "43": 0.83, "47": 0.78, "55": 0.75, "59": 0.53, "61": 2.10, "62": 0.22, "63": 0.72, "71": 1.40,
    "75": 2.20, "79": 1.20,
}
CITY_REGIONS = frozenset({"71", "75", "79"})


def sample_organizations(seed: int, *, schools: int = 7_859, colleges: int = 741, years: Iterable[int] = (2025,),
                         regions: Sequence[str] | None = None) -> Organizations:
    """A national-like set of organisations without a database (benchmarks and tests): valid BINs, regions by
    population, about 70 % of schools outside the cities rural, and a latent quality per year (base + trend +
    yearly wobble, about standard normal)."""
    from smarttvet.core.identifiers import complete_with_check_digit

    prefixes = list(regions or REGION_POPULATION)
    weights = np.array([REGION_POPULATION.get(p, 1.0) for p in prefixes])
    rng = np.random.default_rng([seed, _stage("sample_organizations")])
    n = schools + colleges
    kinds = np.array(["school"] * schools + ["college"] * colleges)
    region = np.asarray(prefixes)[rng.choice(len(prefixes), size=n, p=weights / weights.sum())]
    city = np.isin(region, list(CITY_REGIONS))
    rural = ~city & (rng.random(n) < np.where(kinds == "school", 0.72, 0.22))
    bins: list[str] = []
    used: set[str] = set()
    while len(bins) < n:
        year, month, serial = int(rng.integers(96, 125)) % 100, int(rng.integers(1, 13)), int(rng.integers(100_000))
        body = f"{year:02d}{month:02d}40{serial:05d}"
        number = complete_with_check_digit(body)
        if number and number not in used:
            used.add(number)
            bins.append(number)
    base, trend = rng.normal(size=n), rng.normal(size=n)
    quality = {int(y): base + 0.04 * trend * (int(y) - 2022) + 0.08 * rng.normal(size=n) for y in sorted(years)}
    return Organizations.build(bins, region, kinds, rural, quality)


# --- the output -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Partition:
    dataset: str  # "marks" or "attendance"
    year: int
    region: str
    table: pa.Table


@dataclass
class _Students:
    """The simulated students of one (year, region), sorted by organisation BIN then pseudonym."""

    bins: pa.Array  # the region's BINs in order; org_local indexes them
    org: np.ndarray  # index into Organizations
    org_local: np.ndarray
    slot: np.ndarray  # grade - 1 or course - 1
    college: np.ndarray
    group: np.ndarray  # index into groups
    groups: pa.Array
    group_key: np.ndarray  # per group: a hash identifying the class
    group_slot: np.ndarray
    group_college: np.ndarray
    pseudonyms: pa.Array
    latent: np.ndarray  # organisation + class + student effect


def parse_count(text: str | int) -> int:
    """``2000000``, ``2_000_000``, ``2,000,000``, ``2M``, ``500k`` -> a positive integer (ValueError otherwise)."""
    if isinstance(text, int) and not isinstance(text, bool):
        value = text
    else:
        raw = str(text).strip().replace("_", "").replace(",", "")
        match = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmMgGbB]?)", raw)
        if not match:
            raise ValueError(f"{text!r} is not a positive integer")
        factor = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9, "b": 10**9}[match.group(2).lower()]
        number = float(match.group(1)) * factor
        if not match.group(2) and "." in match.group(1) or number != int(number):
            raise ValueError(f"{text!r} is not a positive integer")
        value = int(number)
    if value <= 0:
        raise ValueError(f"{text!r} is not a positive integer")
    return value


class Synthetic:
    """The plan of a synthetic gradebook (who studies what, how many marks) and its partitions.

    ``rows`` marks in all, shared among ``years`` by the school days each has had by ``as_of`` (all of them
    when ``as_of`` is None); about ``attendance_ratio`` attendance rows per mark. ``seed`` drives everything
    but the organisations' quality, which the caller passes.
    """

    def __init__(self, orgs: Organizations, *, rows: int, years: Iterable[int], seed: int,
                 as_of: dt.date | None = None, attendance_ratio: float = 0.2) -> None:
        self.orgs = orgs
        self.years = sorted({int(y) for y in years})
        if not self.years:
            raise ValueError("no school years given")
        if rows <= 0:
            raise ValueError(f"rows must be positive, got {rows}")
        if attendance_ratio < 0:
            raise ValueError("attendance_ratio must not be negative")
        missing = [y for y in self.years if y not in orgs.quality]
        if missing:
            raise ValueError(f"no latent quality for year(s) {missing}")
        for y in self.years:
            if not max(contract.FIRST_YEAR, COHORT_BASE + GRADES) <= y <= COHORT_BASE + 63:
                raise ValueError(f"year {y} is outside {max(contract.FIRST_YEAR, COHORT_BASE + GRADES)}-"
                                 f"{COHORT_BASE + 63}")
            if as_of is not None and contract.year_bounds(y)[0] > as_of:
                raise ValueError(f"school year {y} has not started by {as_of.isoformat()}")
        if orgs.n == 0:
            raise ValueError("no organisations")
        self.seed = int(seed)
        self.rows = int(rows)
        self.as_of = as_of
        self.attendance_ratio = float(attendance_ratio)
        self._seed_key = _U64(int(_hash(self.seed, _stage("seed"))[0]))
        self._keys = _hash(np.array([int(b) if b.isdigit() else zlib.crc32(b.encode()) for b in orgs.bins],
                                    dtype=np.uint64), self._seed_key)
        self._college = orgs.kinds == "college"
        self.calendars = {y: calendar(y, as_of) for y in self.years}
        self._plan()

    # -- planning ------------------------------------------------------------------------------------------------
    def _org_uniform(self, stage: str, *extra) -> np.ndarray:
        return _uniform(self._keys, _stage(stage), *extra)

    def _sizes(self) -> np.ndarray:
        u1, u2, u3 = (self._org_uniform(s) for s in ("size1", "size2", "size3"))
        z = ndtri(u1)
        rural_school = np.clip(np.exp(np.log(60) + 0.6 * z), 10, 150)
        town_school = np.clip(np.exp(np.log(650) + 0.45 * z), 200, 1500)
        city_school = 1000 + 1500 * u2
        college = np.clip(np.exp(np.log(550) + 0.5 * z), 120, 2000)
        big = u3 < 0.15
        school = np.where(self.orgs.rural, rural_school, np.where(big, city_school, town_school))
        return np.where(self._college, college, school)

    def _entry_size(self, org: np.ndarray, cohort: np.ndarray) -> np.ndarray:
        """Real size of a cohort when it entered grade 1 or course 1 (a deterministic function of org and cohort)."""
        share = np.where(self._college[org], COLLEGE_ENTRY_SHARE, 1.0 / GRADES)
        return self.size[org] * share * np.exp(0.15 * _normal(self._keys[org], _stage("cohort"), cohort))

    def _classes(self, org: np.ndarray, cohort: np.ndarray) -> np.ndarray:
        return np.clip(np.rint(self._entry_size(org, cohort) / CLASS_SIZE), 1, len(CLASS_LETTERS)).astype(np.int64)

    def _simulated(self, year: int, fraction: float) -> np.ndarray:
        """(organisations, GRADES) simulated students in ``year`` by grade or course."""
        n = self.orgs.n
        org = np.repeat(np.arange(n), GRADES).reshape(n, GRADES)
        slot = np.tile(np.arange(GRADES), (n, 1))
        cohort = year - slot
        valid = ~self._college[:, None] | (slot < COURSES)
        survival = np.where(self._college[:, None], COLLEGE_SURVIVAL[np.minimum(slot, COURSES - 1)], 1.0)
        real = self._entry_size(org, cohort) * survival * valid
        u = _uniform(self._keys[org], _stage("sample"), cohort)
        count = np.floor(real * fraction + u).astype(np.int64) * valid
        count = np.minimum(count, np.ceil(real).astype(np.int64))
        empty = count.sum(axis=1) == 0
        if empty.any():  # at least one student per organisation and year
            rows = np.nonzero(empty)[0]
            count[rows, np.argmax(real[rows], axis=1)] = 1
        return count

    def _plan(self) -> None:
        self.size = self._sizes()
        self.effects = {y: ORG_SD * self.orgs.quality[y] + RURAL_SHIFT * self.orgs.rural for y in self.years}
        # The budget is shared among the years by the school days each has had by as_of (a year in progress
        # gets its part so far); the sample of students is sized on a full year's share.
        elapsed = {y: self.calendars[y].usable / max(len(self.calendars[y].days), 1) for y in self.years}
        full_year = self.rows / max(sum(elapsed.values()), 1e-9)
        self.budget = {y: full_year * elapsed[y] for y in self.years}
        marks_per_real = full_year / float(self.size.sum())
        density = float(np.clip(np.sqrt(marks_per_real * FULL_DENSITY), 40.0, 450.0))
        self.fraction = min(1.0, marks_per_real / density)
        self.students = {y: self._simulated(y, self.fraction) for y in self.years}
        self._eligible = np.zeros((2, GRADES, len(SUBJECTS)), dtype=bool)
        for j, s in enumerate(SUBJECTS):
            kind = 1 if j >= len(SCHOOL_SUBJECTS) else 0
            self._eligible[kind, s.first - 1:s.last, j] = True
        eligible = self._eligible.sum(axis=2)
        kind_index = self._college.astype(int)

        def pairs(year: int, s: int) -> int:
            return int((self.students[year] * np.minimum(eligible[kind_index], s)).sum())

        def lam(year: int, s: int) -> float:
            cal = self.calendars[year]
            n_ss = pairs(year, s)
            fixed = n_ss * (2 * int(cal.done.sum()) + int(cal.year_done))
            share = float((cal.available / cal.length).sum())
            if n_ss == 0 or share == 0:
                return 0.0
            return (self.budget[year] - fixed) / (n_ss * share)

        best = 1
        for s in range(1, int(eligible.max()) + 1):
            if min(lam(y, s) for y in self.years) >= LAMBDA_MIN:
                best = s
        self.subjects_per_class = best
        self.current_rate = {y: max(lam(y, best), 0.0) for y in self.years}
        self.attendance_rate = {}
        for y in self.years:
            total = int(self.students[y].sum())
            self.attendance_rate[y] = self.budget[y] * self.attendance_ratio / total if total else 0.0
        regions = sorted(set(self.orgs.regions.tolist()))
        self.regions = regions
        self._by_region = {}
        for region in regions:
            idx = np.nonzero(self.orgs.regions == region)[0]
            self._by_region[region] = idx[np.argsort(self.orgs.bins[idx], kind="stable")]

    # -- what the analytics should find -----------------------------------------------------------------------------
    def effect(self, year: int) -> np.ndarray:
        """The true organisation effect on the latent score in ``year`` (aligned with ``orgs.bins``)."""
        return self.effects[int(year)]

    def effects_table(self) -> pa.Table:
        """organization, region, kind, year, quality, effect, size (real enrolment), students (simulated)."""
        parts = []
        for y in self.years:
            parts.append(pa.table({
                "organization": pa.array(self.orgs.bins, pa.string()),
                "region": pa.array(self.orgs.regions, pa.string()),
                "kind": pa.array(self.orgs.kinds, pa.string()),
                "year": pa.array(np.full(self.orgs.n, y, dtype=np.int16)),
                "quality": pa.array(self.orgs.quality[y]),
                "effect": pa.array(self.effects[y]),
                "size": pa.array(np.rint(self.size).astype(np.int32)),
                "students": pa.array(self.students[y].sum(axis=1).astype(np.int32)),
            }))
        return pa.concat_tables(parts)

    def expected_rows(self, dataset: str = "marks") -> int:
        """About how many rows :meth:`partitions` yields for ``dataset`` (the budget, unless floors push it up)."""
        if dataset == "attendance":
            return int(round(self.rows * self.attendance_ratio))
        total = 0.0
        kind_index = self._college.astype(int)
        eligible = self._eligible.sum(axis=2)
        for y in self.years:
            cal = self.calendars[y]
            n_ss = float((self.students[y] * np.minimum(eligible[kind_index], self.subjects_per_class)).sum())
            share = float((cal.available / cal.length).sum())
            total += n_ss * (2 * int(cal.done.sum()) + int(cal.year_done) + self.current_rate[y] * share)
        return int(round(total))

    # -- generation ------------------------------------------------------------------------------------------------
    def partitions(self, datasets: Iterable[str] = ("marks", "attendance")) -> Iterator[Partition]:
        """One Partition per (year, region, dataset), in that order; each holds the contract's columns."""
        datasets = [d for d in contract.DATASETS if d in set(datasets)]
        for year in self.years:
            for region in self.regions:
                students = self._students(year, region)
                for dataset in datasets:
                    make = self._marks if dataset == "marks" else self._attendance
                    yield Partition(dataset, year, region, make(year, region, students))

    def _rng(self, year: int, region: str, dataset: str) -> np.random.Generator:
        return np.random.default_rng([self.seed, year, int(region), _stage(dataset)])

    def _students(self, year: int, region: str) -> _Students:
        idx = self._by_region[region]
        counts = self.students[year][idx].ravel()
        pair = np.repeat(np.arange(len(counts)), counts)
        org_local = pair // GRADES
        slot = pair % GRADES
        k = np.arange(len(pair)) - np.repeat(np.cumsum(counts) - counts, counts)
        org = idx[org_local]
        cohort = year - slot
        number = ((org.astype(np.uint64) << _U64(24)) | ((cohort - COHORT_BASE).astype(np.uint64) << _U64(18))
                  | k.astype(np.uint64))
        pseudonym = _mix40(number ^ (self._seed_key & _MASK40))
        order = np.lexsort((pseudonym, org_local))
        org_local, slot, k, org, cohort, number, pseudonym = (
            a[order] for a in (org_local, slot, k, org, cohort, number, pseudonym))
        cls = k % self._classes(org, cohort)
        # Groups: (organisation, cohort, class number), named per year.
        group_id = (org_local.astype(np.int64) * 128 + (cohort - COHORT_BASE)) * 32 + cls
        unique, first, inverse = np.unique(group_id, return_index=True, return_inverse=True)
        g_org, g_cohort, g_cls, g_slot = org[first], cohort[first], cls[first], slot[first]
        g_college = self._college[g_org]
        g_key = _hash(self._keys[g_org], _stage("class"), g_cohort, g_cls)
        code = (g_key % _U64(len(GROUP_CODES))).astype(np.int64)
        names = [
            f"{GROUP_CODES[c]}-{(co - 1) % 100:02d}-{n + 1}" if col else f"{s + 1}{CLASS_LETTERS[n]}"
            for col, s, n, co, c in zip(g_college.tolist(), g_slot.tolist(), g_cls.tolist(), g_cohort.tolist(),
                                        code.tolist(), strict=True)
        ]
        class_effect = CLASS_SD * _normal(g_key, _stage("class effect"))
        latent = (self.effects[year][org] + class_effect[inverse]
                  + STUDENT_SD * _normal(number, self._seed_key, _stage("student")))
        text = pc.cast(pa.array(pseudonym + _U64(10**13), pa.uint64()), pa.string())
        pseudonyms = pc.binary_join_element_wise("S", pc.utf8_slice_codeunits(text, 1), "")
        return _Students(
            bins=pa.array(self.orgs.bins[idx], pa.string()), org=org, org_local=org_local, slot=slot,
            college=self._college[org], group=inverse.astype(np.int64), groups=pa.array(names, pa.string()),
            group_key=g_key, group_slot=g_slot, group_college=g_college, pseudonyms=pseudonyms, latent=latent,
        )

    def _marks(self, year: int, region: str, st: _Students) -> pa.Table:
        rng = self._rng(year, region, "marks")
        cal = self.calendars[year]
        n_subjects = len(SUBJECTS)
        # Each class studies its first S eligible subjects in a class-specific random order.
        eligible = self._eligible[st.group_college.astype(int), st.group_slot]  # (groups, subjects)
        priority = _uniform(st.group_key[:, None], _stage("subjects"), np.arange(n_subjects)[None, :])
        priority = np.where(eligible, priority, 2.0)
        rank = np.argsort(np.argsort(priority, axis=1), axis=1)
        chosen = eligible & (rank < self.subjects_per_class)
        ss_student, ss_subject = np.nonzero(chosen[st.group])
        # Latent score of each (student, subject): + subject difficulty + organisation x subject.
        region_orgs = self._by_region[region]
        org_subject = ORG_SUBJECT_SD * _normal(self._keys[region_orgs][:, None], _stage("org subject"),
                                               np.arange(n_subjects)[None, :])
        difficulty = np.array([s.difficulty for s in SUBJECTS])
        base = (st.latent[ss_student] + difficulty[ss_subject]
                + org_subject[st.org_local[ss_student], ss_subject])
        n_ss = len(ss_student)
        parts_ss, parts_day, parts_kind, parts_z = [], [], [], []

        def add(ss: np.ndarray, day: np.ndarray, kind: str) -> None:
            parts_ss.append(ss)
            parts_day.append(day)
            parts_kind.append(np.full(len(ss), KIND_CODES[kind], dtype=np.int8))
            parts_z.append(base[ss] + NOISE_SD[kind] * rng.standard_normal(len(ss)))

        done = np.nonzero(cal.done)[0]
        if len(done):
            ss = np.repeat(np.arange(n_ss), len(done))
            term = np.tile(done, n_ss)
            add(ss, cal.last[term], "term")
            add(ss, cal.last[term] - rng.integers(0, 10, size=len(ss)), "summative")
        if cal.year_done:
            add(np.arange(n_ss), np.full(n_ss, cal.last[3]), "year")
        share = cal.available / cal.length
        counts = rng.poisson(self.current_rate[year] * share, size=(n_ss, 4))
        counts = np.minimum(counts, cal.available[None, :]).ravel()
        if counts.sum():
            pair = np.repeat(np.arange(len(counts)), counts)
            ss, term = pair // 4, pair % 4
            k = np.arange(len(pair)) - np.repeat(np.cumsum(counts) - counts, counts)
            width = cal.available[term] // counts[pair]
            day = cal.start[term] + k * width + (rng.random(len(pair)) * width).astype(np.int64)
            add(ss, day, "current")
        ss = np.concatenate(parts_ss)
        day = np.concatenate(parts_day)
        kind = np.concatenate(parts_kind)
        z = np.concatenate(parts_z)
        for parts in (parts_ss, parts_day, parts_kind, parts_z):
            parts.clear()
        student = ss_student[ss]
        subject = ss_subject[ss]
        order = np.argsort(((student.astype(np.int64) * 512 + day) * 32 + subject) * 4 + kind)
        student, subject, day, kind, z = student[order], subject[order], day[order], kind[order], z[order]
        college = st.college[student]
        summative = kind == KIND_CODES["summative"]
        five = (1 + np.searchsorted(FIVE_POINT_CUTS, z)).astype(np.int16)
        ten = np.clip(np.rint(6.3 + 1.9 * z), 1, 10).astype(np.int16)
        hundred = np.clip(np.rint(70 + 15 * z), 0, 100).astype(np.int16)
        mark = np.where(summative, np.where(college, hundred, ten), five)
        scale = np.where(summative, np.where(college, 100, 10), 5).astype(np.int16)
        return pa.Table.from_arrays([
            st.bins.take(st.org_local[student].astype(np.int32)),
            st.pseudonyms.take(student.astype(np.int32)),
            st.groups.take(st.group[student].astype(np.int32)),
            _SUBJECT_CODES.take(subject.astype(np.int32)),
            pa.array(cal.days[day]).view(pa.date32()),
            pa.array(mark),
            pa.array(scale),
            KINDS.take(kind.astype(np.int32)),
        ], schema=_MARKS)

    def _attendance(self, year: int, region: str, st: _Students) -> pa.Table:
        rng = self._rng(year, region, "attendance")
        cal = self.calendars[year]
        n_students = len(st.org)
        counts = np.minimum(rng.poisson(self.attendance_rate[year], size=n_students), cal.usable)
        student = np.repeat(np.arange(n_students), counts)
        k = np.arange(len(student)) - np.repeat(np.cumsum(counts) - counts, counts)
        width = cal.usable // np.maximum(counts, 1)[student]
        day = k * width + (rng.random(len(student)) * width).astype(np.int64)
        low = np.where(st.college, COLLEGE_LESSONS[st.slot, 0], SCHOOL_LESSONS[st.slot, 0])[student]
        high = np.where(st.college, COLLEGE_LESSONS[st.slot, 1], SCHOOL_LESSONS[st.slot, 1])[student]
        lessons = low + (rng.random(len(student)) * (high - low + 1)).astype(np.int64)
        z = st.latent[student]
        p_full = _sigmoid(-3.2 - 0.9 * z)
        u = rng.random(len(student))
        full = u < p_full
        partial = ~full & (u < p_full + 0.05)
        missed = np.where(full, lessons, np.where(partial, 1 + (rng.random(len(student)) * (lessons - 1)).astype(
            np.int64), 0))
        unexcused = rng.random(len(student)) < _sigmoid(-1.2 - 1.6 * z)
        absent_unexcused = np.where(unexcused, missed, 0)
        return pa.Table.from_arrays([
            st.bins.take(st.org_local[student].astype(np.int32)),
            st.pseudonyms.take(student.astype(np.int32)),
            st.groups.take(st.group[student].astype(np.int32)),
            pa.array(cal.days[day]).view(pa.date32()),
            pa.array(lessons.astype(np.int16)),
            pa.array((missed - absent_unexcused).astype(np.int16)),
            pa.array(absent_unexcused.astype(np.int16)),
        ], schema=_ATTENDANCE)


_SUBJECT_CODES = pa.array([s.code for s in SUBJECTS], pa.string())
_MARKS = contract.schema("marks", partitions=False)
_ATTENDANCE = contract.schema("attendance", partitions=False)


# --- writing --------------------------------------------------------------------------------------------------
def write_parquet(table: pa.Table, path: Path | str, *, row_group_size: int = ROW_GROUP) -> None:
    """One Parquet file, zstd-compressed, in row groups small enough for pruning by organisation."""
    pq.write_table(table, str(path), row_group_size=row_group_size, compression="zstd")


def stream(partitions: Iterable[Partition], write: Callable[[Partition], None], *,
           advance: Callable[[int], None] | None = None, background: bool = True) -> dict[str, int]:
    """Call ``write`` on each partition (in a background thread while the next one is generated, holding at
    most two partitions in memory) and return the rows written per dataset."""
    counts: dict[str, int] = {name: 0 for name in contract.DATASETS}

    def done(part: Partition) -> None:
        counts[part.dataset] += part.table.num_rows
        if advance:
            advance(part.table.num_rows)

    if not background:
        for part in partitions:
            write(part)
            done(part)
        return counts
    pending: list[tuple[Future, Partition]] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="gradebook-writer") as pool:
        for part in partitions:
            while len(pending) >= 2:
                future, finished = pending.pop(0)
                future.result()
                done(finished)
            pending.append((pool.submit(write, part), part))
        for future, finished in pending:
            future.result()
            done(finished)
    return counts


def write_folder(root: Path | str, synthetic: Synthetic, *, datasets: Iterable[str] = ("marks", "attendance"),
                 advance: Callable[[int], None] | None = None) -> dict[str, int]:
    """Write the partitions straight into ``root/<dataset>/year=Y/region=R/data.parquet`` (benchmarks, tests).

    The platform's store writes through ``store.staging_dir`` and ``store.swap_in`` instead (see the demo).
    """
    root = Path(root)

    def write(part: Partition) -> None:
        folder = root / part.dataset / f"year={part.year}" / f"region={part.region}"
        folder.mkdir(parents=True, exist_ok=True)
        write_parquet(part.table, folder / "data.parquet")

    return stream(synthetic.partitions(datasets), write, advance=advance)


__all__ = ["COLLEGE_SUBJECTS", "SCHOOL_SUBJECTS", "SUBJECTS", "Calendar", "Organizations", "Partition", "Synthetic",
           "calendar", "parse_count", "sample_organizations", "stream", "write_folder", "write_parquet"]
