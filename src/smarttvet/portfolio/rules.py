"""The portfolio rules: professional-development hours, category eligibility, new-format certification and the
staff indicators, computed from a teacher's VERIFIED records only.

Pure: no Django import, no database. The numbers live in versioned data files (``rules/<version>.yaml``); the
latest version whose ``valid_from`` is not after the evaluation day applies. The method is documented in
``docs/methodology/portfolio.{en,ru,kk}.md``.

Windows are inclusive: "in the last 3 years" on day D counts a record dated D minus 3 years (same day and month)
up to D. A course or internship is dated by its end (its start when it has no end); other records by their date.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

RULES_DIR = Path(__file__).with_name("rules")
CATEGORY_ORDER = ("none", "intern", "teacher", "moderator", "expert", "researcher", "master")
HIGHER = ("expert", "researcher", "master")
LEVEL_ORDER = ("organization", "city", "region", "national", "international")
REQUIREMENT_KEYS = ("previous", "experience_years", "years_in_category", "test_pass", "pd_hours", "publications",
                    "open_lessons", "student_results")
OPTION_KEYS = ("open_lesson_level", "student_result_level")
INFERRED = frozenset({"experience_years", "years_in_category", "pd_hours", "publications", "open_lessons",
                      "student_results"})
NEW_FORMAT_STATUSES = ("certified", "expired", "ready", "in_training", "none")


class RulesError(ValueError):
    """A rules file that cannot be used."""


@dataclass(frozen=True)
class Rules:
    version: str
    valid_from: dt.date
    pd_window_years: int
    attestation_period_years: int
    test_valid_years: int
    internship_window_years: int
    categories: dict[str, dict]
    target: int
    certificate_valid_years: int
    programme_hours: int
    close_to_next: int


def _parse(data: dict, source: str) -> Rules:
    try:
        categories = data["categories"]
        for name, spec in categories.items():
            if name not in CATEGORY_ORDER[2:]:
                raise RulesError(f"{source}: unknown category {name!r}")
            unknown = set(spec) - set(REQUIREMENT_KEYS) - set(OPTION_KEYS)
            if unknown:
                raise RulesError(f"{source}: category {name}: unknown requirements {sorted(unknown)}")
            for key in ("open_lesson_level", "student_result_level"):
                if key in spec and spec[key] not in LEVEL_ORDER:
                    raise RulesError(f"{source}: category {name}: {key} must be one of {LEVEL_ORDER}")
            if "previous" in spec and spec["previous"] not in CATEGORY_ORDER:
                raise RulesError(f"{source}: category {name}: unknown previous category {spec['previous']!r}")
        new_format = data["new_format"]
        valid_from = data["valid_from"]
        if not isinstance(valid_from, dt.date):
            valid_from = dt.date.fromisoformat(str(valid_from))
        return Rules(
            version=str(data["version"]), valid_from=valid_from, pd_window_years=int(data["pd_window_years"]),
            attestation_period_years=int(data["attestation_period_years"]),
            test_valid_years=int(data["test_valid_years"]),
            internship_window_years=int(data["internship_window_years"]), categories=dict(categories),
            target=int(new_format["target"]), certificate_valid_years=int(new_format["certificate_valid_years"]),
            programme_hours=int(new_format["programme_hours"]), close_to_next=int(data.get("close_to_next", 1)),
        )
    except (KeyError, TypeError) as exc:
        raise RulesError(f"{source}: missing or malformed {exc}") from exc


@functools.cache
def all_versions() -> tuple[Rules, ...]:
    """Every rules file, oldest first."""
    found = []
    for path in sorted(RULES_DIR.glob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            rules = _parse(yaml.safe_load(handle), path.name)
        if rules.version != path.stem:
            raise RulesError(f"{path.name}: version {rules.version!r} does not match the file name")
        found.append(rules)
    if not found:
        raise RulesError(f"no rules file in {RULES_DIR}")
    return tuple(sorted(found, key=lambda r: (r.valid_from, r.version)))


def load(version: str | None = None, *, on: dt.date | None = None) -> Rules:
    """The rules of ``version``, else the latest valid on ``on`` (else the latest)."""
    versions = all_versions()
    if version is not None:
        for rules in versions:
            if rules.version == version:
                return rules
        raise RulesError(f"no rules version {version!r}")
    if on is not None:
        valid = [r for r in versions if r.valid_from <= on]
        if valid:
            return valid[-1]
    return versions[-1]


# ----------------------------------------------------------------------------------------------- inputs
@dataclass(frozen=True)
class Item:
    """One verified record, reduced to what the rules read."""

    kind: str
    code: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    hours: int | None = None
    details: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def day(self) -> dt.date | None:
        return (self.end or self.start) if self.kind in ("course", "internship") else self.start


@dataclass(frozen=True)
class Profile:
    employed_from: dt.date | None
    items: tuple[Item, ...] = ()
    from_production: bool = False


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _in_window(day: dt.date | None, as_of: dt.date, years: int) -> bool:
    return day is not None and add_years(as_of, -years) <= day <= as_of


def _rank(category: str) -> int:
    return CATEGORY_ORDER.index(category) if category in CATEGORY_ORDER else 0


# ----------------------------------------------------------------------------------------------- outputs
@dataclass(frozen=True)
class Requirement:
    key: str
    needed: object
    actual: object
    met: bool
    inferred: bool


@dataclass(frozen=True)
class CategoryCheck:
    category: str
    held: bool
    requirements: tuple[Requirement, ...]

    @property
    def missing(self) -> tuple[Requirement, ...]:
        return tuple(r for r in self.requirements if not r.met)

    @property
    def eligible(self) -> bool:
        return not self.held and not self.missing


@dataclass(frozen=True)
class Evaluation:
    as_of: dt.date
    rules_version: str
    category: str  # from the latest verified category record ("none" without one)
    category_since: dt.date | None
    category_valid_until: dt.date | None
    attestation_due: bool  # the category's validity ended (or ends within a year)
    experience_years: float
    pd_hours: int
    new_format_hours: int
    test_score: int | None
    publications: int
    open_lessons: int
    student_results: int
    internship_recent: bool
    new_format: str  # one of NEW_FORMAT_STATUSES
    certified_until: dt.date | None
    checks: tuple[CategoryCheck, ...]

    @property
    def next_check(self) -> CategoryCheck | None:
        return next((c for c in self.checks if not c.held), None)

    @property
    def higher(self) -> bool:
        return self.category in HIGHER

    @property
    def certified(self) -> bool:
        return self.new_format == "certified"


def _current_category(items: Sequence[Item], as_of: dt.date, rules: Rules):
    awards = sorted((i for i in items if i.kind == "category" and i.start and i.start <= as_of and i.code),
                    key=lambda i: (i.start, _rank(i.code)))
    if not awards:
        return "none", None, None
    last = awards[-1]
    until = last.end or add_years(last.start, rules.attestation_period_years)
    return last.code, last.start, until


def _count(items: Sequence[Item], kind: str, as_of: dt.date, years: int, min_level: str | None = None) -> int:
    floor = LEVEL_ORDER.index(min_level) if min_level in LEVEL_ORDER else 0
    return sum(1 for i in items if i.kind == kind and _in_window(i.day, as_of, years)
               and (min_level is None or (i.code in LEVEL_ORDER and LEVEL_ORDER.index(i.code) >= floor)))


def evaluate(profile: Profile, as_of: dt.date, rules: Rules | None = None) -> Evaluation:
    """Everything the rules say about one teacher on ``as_of`` from the teacher's verified records."""
    rules = rules or load(on=as_of)
    items = [i for i in profile.items if i.start is None or i.start <= as_of]
    window = rules.pd_window_years
    category, since, until = _current_category(items, as_of, rules)
    courses = [i for i in items if i.kind == "course" and _in_window(i.day, as_of, window)]
    pd_hours = sum(i.hours or 0 for i in courses)
    new_format_hours = sum(i.hours or 0 for i in courses if i.details.get("new_format"))
    tests = [i.details.get("score") for i in items if i.kind == "test"
             and _in_window(i.start, as_of, rules.test_valid_years) and isinstance(i.details.get("score"), int)]
    test_score = max(tests) if tests else None
    experience = ((as_of - profile.employed_from).days / 365.25) if profile.employed_from else 0.0
    checks = []
    for name in CATEGORY_ORDER[2:]:
        spec = rules.categories.get(name)
        if spec is None:
            continue
        window_items = {
            "publications": _count(items, "publication", as_of, window),
            "open_lessons": _count(items, "open_lesson", as_of, window, spec.get("open_lesson_level")),
            "student_results": _count(items, "student_result", as_of, window, spec.get("student_result_level")),
        }
        requirements = []
        for key in REQUIREMENT_KEYS:
            if key not in spec:
                continue
            needed = spec[key]
            if key == "previous":
                actual, met = category, _rank(category) >= _rank(needed)
            elif key == "experience_years":
                met = bool(profile.employed_from) and add_years(profile.employed_from, int(needed)) <= as_of
                actual = round(experience, 1)
            elif key == "years_in_category":
                met = since is not None and add_years(since, int(needed)) <= as_of
                actual = round((as_of - since).days / 365.25, 1) if since else 0
            elif key == "test_pass":
                actual, met = test_score, test_score is not None and test_score >= int(needed)
            elif key == "pd_hours":
                actual, met = pd_hours, pd_hours >= int(needed)
            else:
                actual = window_items[key]
                met = actual >= int(needed)
            requirements.append(Requirement(key, needed, actual, bool(met), key in INFERRED))
        checks.append(CategoryCheck(name, _rank(category) >= _rank(name), tuple(requirements)))
    certificates = [i for i in items if i.kind == "certification" and i.code == "new_format" and i.start]
    certified_until = None
    status = "none"
    if certificates:
        certified_until = max(i.end or add_years(i.start, rules.certificate_valid_years) for i in certificates)
        status = "certified" if certified_until >= as_of else "expired"
    if status != "certified":
        if new_format_hours >= rules.programme_hours:
            status = "ready"
        elif new_format_hours > 0 and status == "none":
            status = "in_training"
    internship = any(i.kind == "internship" and _in_window(i.day, as_of, rules.internship_window_years)
                     for i in items)
    return Evaluation(
        as_of=as_of, rules_version=rules.version, category=category, category_since=since,
        category_valid_until=until, attestation_due=bool(until and until <= add_years(as_of, 1)),
        experience_years=round(experience, 1), pd_hours=pd_hours, new_format_hours=new_format_hours,
        test_score=test_score, publications=_count(items, "publication", as_of, window),
        open_lessons=_count(items, "open_lesson", as_of, window),
        student_results=_count(items, "student_result", as_of, window), internship_recent=internship,
        new_format=status, certified_until=certified_until, checks=tuple(checks),
    )


# ----------------------------------------------------------------------------------------------- staff
@dataclass(frozen=True)
class StaffIndicators:
    staff: int
    higher: int
    internship: int
    certified: int
    production: int

    def share(self, part: int) -> float | None:
        return round(100 * part / self.staff, 1) if self.staff else None

    @property
    def higher_share(self) -> float | None:
        return self.share(self.higher)

    @property
    def internship_share(self) -> float | None:
        return self.share(self.internship)

    @property
    def certified_share(self) -> float | None:
        return self.share(self.certified)


def staff_indicators(rows: Iterable[tuple[Profile, Evaluation]]) -> StaffIndicators:
    """The staff indicators of a set of teachers: how many in the higher categories (expert, researcher, master
    by their verified category), with an industry internship in the window, certified in the new format, and
    specialists from production (the HR record)."""
    staff = higher = internship = certified = production = 0
    for profile, evaluation in rows:
        staff += 1
        higher += evaluation.higher
        internship += evaluation.internship_recent
        certified += evaluation.certified
        production += profile.from_production
    return StaffIndicators(staff, higher, internship, certified, production)


def is_close(evaluation: Evaluation, rules: Rules | None = None) -> bool:
    """Whether the teacher is within ``close_to_next`` missing requirements of the next category."""
    rules = rules or load(version=evaluation.rules_version)
    nxt = evaluation.next_check
    return nxt is not None and 0 < len(nxt.missing) <= rules.close_to_next
