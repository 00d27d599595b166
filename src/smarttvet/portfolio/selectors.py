"""Reads of portfolios: a teacher's records and summary, the verification queue, the staff overview and the
national and regional dashboards. A constant number of queries each, whatever the number of teachers."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from smarttvet.accounts.scoping import visible
from smarttvet.people.models import Teacher
from smarttvet.portfolio import rules
from smarttvet.portfolio.kinds import KINDS
from smarttvet.portfolio.models import Record

IN_FORCE = Q(status=Record.Status.VERIFIED, superseded_at__isnull=True)
ITEM_FIELDS = ("teacher_id", "kind", "code", "start_date", "end_date", "hours", "details")


def today() -> dt.date:
    return timezone.localdate()


def _item(row) -> rules.Item:
    _teacher, kind, code, start, end, hours, details = row
    return rules.Item(kind=kind, code=code or "", start=start, end=end, hours=hours, details=details or {})


def profiles(teachers: list[Teacher]) -> dict[int, rules.Profile]:
    """The rules' view of each teacher: the HR dates and the records in force (one query)."""
    items: dict[int, list[rules.Item]] = defaultdict(list)
    ids = [t.pk for t in teachers]
    for start in range(0, len(ids), 900):
        rows = Record.objects.filter(IN_FORCE, teacher_id__in=ids[start:start + 900]).values_list(*ITEM_FIELDS)
        for row in rows:
            items[row[0]].append(_item(row))
    return {t.pk: rules.Profile(employed_from=t.employed_from, items=tuple(items.get(t.pk, ())),
                                from_production=t.from_production) for t in teachers}


def evaluate(teacher: Teacher, as_of: dt.date | None = None) -> rules.Evaluation:
    as_of = as_of or today()
    return rules.evaluate(profiles([teacher])[teacher.pk], as_of)


@dataclass
class KindGroup:
    key: str
    label: str
    records: list


def portfolio(teacher: Teacher) -> list[KindGroup]:
    """The teacher's records by kind: per record (lineage) its latest version, with the version in force when the
    latest is not verified yet. Two queries (records with their evidence)."""
    rows = list(Record.objects.filter(teacher=teacher).prefetch_related("evidence").order_by("lineage", "version"))
    by_lineage: dict = {}
    for record in rows:
        by_lineage.setdefault(record.lineage, []).append(record)
    groups = {key: KindGroup(key, str(kind.label), []) for key, kind in KINDS.items()}
    for versions in by_lineage.values():
        latest = versions[-1]
        latest.in_force_version = next((v for v in reversed(versions) if v.in_force and v is not latest), None)
        latest.versions = versions
        groups[latest.kind].records.append(latest)
    for group in groups.values():
        group.records.sort(key=lambda r: (r.start_date or dt.date.min, r.pk), reverse=True)
    return list(groups.values())


def queue(user):
    """Submitted records the user may verify (their organisations), oldest first."""
    from smarttvet.portfolio.access import _trusted, organization_ids

    records = Record.objects.filter(status=Record.Status.SUBMITTED).select_related("teacher__organization")
    if not _trusted(user):
        records = records.filter(teacher__organization_id__in=organization_ids(user))
    return records.order_by("submitted_at", "id")


@dataclass
class StaffRow:
    teacher: Teacher
    evaluation: rules.Evaluation
    close: bool
    pending: int


def staff(organization, as_of: dt.date | None = None) -> tuple[list[StaffRow], rules.StaffIndicators]:
    """Every current teacher and master of the organisation with the rules' evaluation (three queries)."""
    as_of = as_of or today()
    teachers = list(Teacher.objects.filter(organization=organization, employed_until__isnull=True)
                    .exclude(position=Teacher.Position.DIRECTOR).order_by("full_name"))
    found = profiles(teachers)
    pending = dict(Record.objects.filter(teacher__organization=organization, status=Record.Status.SUBMITTED)
                   .values("teacher_id").annotate(n=Count("id")).order_by().values_list("teacher_id", "n"))
    current_rules = rules.load(on=as_of)
    rows = []
    for teacher in teachers:
        evaluation = rules.evaluate(found[teacher.pk], as_of, current_rules)
        close = rules.is_close(evaluation, current_rules)
        rows.append(StaffRow(teacher, evaluation, close, pending.get(teacher.pk, 0)))
    indicators = rules.staff_indicators((found[r.teacher.pk], r.evaluation) for r in rows
                                        if r.teacher.position in (Teacher.Position.TEACHER, Teacher.Position.MASTER))
    return rows, indicators


# ------------------------------------------------------------------------------------------------ aggregates
def _valid_certificates(as_of: dt.date, current_rules: rules.Rules):
    """Verified new-format certificates valid on ``as_of`` (no end date: valid ``certificate_valid_years``)."""
    earliest = rules.add_years(as_of, -current_rules.certificate_valid_years)
    return Record.objects.filter(IN_FORCE, kind="certification", code="new_format", start_date__lte=as_of).filter(
        Q(end_date__gte=as_of) | Q(end_date__isnull=True, start_date__gte=earliest))


def certified_teachers(as_of: dt.date, *, region: int | None = None):
    """``[(region id, organisation id, certified teachers)]`` on ``as_of`` (one grouped query)."""
    current_rules = rules.load(on=as_of)
    records = _valid_certificates(as_of, current_rules)
    if region is not None:
        records = records.filter(teacher__organization__region_id=region)
    rows = (records.values("teacher__organization__region_id", "teacher__organization_id")
            .annotate(n=Count("teacher_id", distinct=True)).order_by())
    return [(r["teacher__organization__region_id"], r["teacher__organization_id"], r["n"]) for r in rows]


def current_categories(teachers):
    """``teachers`` annotated with ``verified_category``: the code of the latest verified category record."""
    latest = (Record.objects.filter(IN_FORCE, kind="category", teacher_id=OuterRef("pk"))
              .order_by("-start_date", "-id").values("code")[:1])
    return teachers.annotate(verified_category=Subquery(latest))


@dataclass
class Dashboard:
    as_of: dt.date
    target: int
    certified: int
    by_region: list  # [(region, certified, teachers, {category: n})]
    categories: list  # [(code, label)]
    trained: int  # teachers with verified new-format professional development

    @property
    def progress(self) -> float:
        return round(100 * self.certified / self.target, 1) if self.target else 0.0


def dashboard(user, *, region=None, as_of: dt.date | None = None) -> Dashboard:
    """Certification progress against the national target and categories by region (or, for a region, by
    organisation). Four queries."""
    from smarttvet.registry.models import Organization, Region

    as_of = as_of or today()
    current_rules = rules.load(on=as_of)
    teachers = Teacher.objects.filter(employed_until__isnull=True,
                                      position__in=[Teacher.Position.TEACHER, Teacher.Position.MASTER])
    teachers = visible(user, teachers)
    group = "organization_id" if region is not None else "organization__region_id"
    if region is not None:
        teachers = teachers.filter(organization__region=region)
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = (current_categories(teachers).values(group, "verified_category").annotate(n=Count("id")).order_by())
    for row in rows:
        counts[row[group]][row["verified_category"] or "none"] += row["n"]
    certified: dict[int, int] = defaultdict(int)
    for region_id, organization_id, n in certified_teachers(as_of, region=region.pk if region is not None else None):
        certified[organization_id if region is not None else region_id] += n
    trained = (Record.objects.filter(IN_FORCE, kind="course", details__new_format=True,
                                   teacher__in=teachers).values("teacher_id").distinct().count())
    if region is not None:
        names = {o.pk: o for o in Organization.objects.filter(pk__in=list(counts))}
    else:
        names = {r.pk: r for r in Region.objects.filter(pk__in=list(counts) + list(certified))}
    by_region = []
    for key in sorted(set(counts) | set(certified), key=lambda k: str(names.get(k, k))):
        if key not in names:
            continue
        by_category = counts.get(key, {})
        by_region.append((names[key], certified.get(key, 0), sum(by_category.values()), dict(by_category)))
    from smarttvet.portfolio.kinds import CATEGORIES

    total_certified = sum(certified.values()) if (region is not None or not _limited(user)) else sum(
        c for _o, c, _t, _b in by_region)
    categories = [("none", str(_("No category"))), *[(c, str(label)) for c, label in CATEGORIES]]
    return Dashboard(as_of=as_of, target=current_rules.target, certified=total_certified, by_region=by_region,
                     categories=categories, trained=trained)


def _limited(user) -> bool:
    from smarttvet.portfolio.access import is_national

    return not is_national(user)
