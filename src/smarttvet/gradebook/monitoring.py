"""The lowest-performing organisations of a school year, ranked fairly, and the year's monitoring list.

* ``rank_lowest(year, n=100, region=None, kind=None)`` reads the stored organisation-level learning
  measures of ``year`` (the composite and its students' SD and count), shrinks each organisation's
  composite toward its group's mean by empirical Bayes (``shrinkage``; the group is the region, and the
  kind of organisation within the region when schools and colleges are ranked together) and ranks by the
  adjusted measure (rank 1 = lowest). For each of the ``n`` flagged organisations it adds the three
  weakest subjects and classes or groups of that year (by their raw composite, with their counts, so that
  a weak subject of 4 students shows as such) and the trend: the composite of every stored year up to
  ``year`` and the change from the previous year. ``naive_differences`` counts the flagged that the naive
  ranking of raw means would not flag. Nothing is written. Three queries, whatever the number of
  organisations.
* ``save_monitoring_list(result, actor, force=False)`` stores the result as the monitoring list of its
  (year, region, kind), in one transaction with one audit row. An existing list is replaced: entries of
  organisations still on the list are updated in place (they keep their ids), the others are deleted and
  the new ones created. If support plans were made from the existing list it is refused
  (``MonitoringListInUse``) unless ``force``: then plans of organisations still on the list stay attached to
  their (updated) entry, and plans of organisations that left the list are kept but detached from it
  (their ``monitoring_entry`` becomes empty) - a plan is a work document and is never deleted here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from smarttvet.accounts import audit
from smarttvet.accounts.scoping import assignments
from smarttvet.core.i18n import pick
from smarttvet.gradebook import shrinkage
from smarttvet.gradebook.models import LearningMeasure, MonitoringEntry, MonitoringList
from smarttvet.registry.models import Organization

METHOD = "empirical-bayes-dersimonian-laird"
KINDS: dict[str, tuple[str, ...]] = {
    "school": (Organization.Kind.SCHOOL,),
    "college": (Organization.Kind.COLLEGE, Organization.Kind.HIGHER_COLLEGE),
}
WEAKEST = 3
BATCH = 1000
_COLUMNS = (
    "organization_id", "organization__bin", "organization__name_kk", "organization__name_ru", "organization__name_en",
    "organization__kind", "organization__region_id", "organization__region__kato", "students", "composite",
    "composite_sd", "change_composite",
)


class MonitoringListInUse(Exception):
    """A saved monitoring list has support plans made from it and cannot be replaced without ``force``."""


@dataclass(frozen=True)
class FlaggedOrganization:
    """One flagged organisation: the measures the ranking saw, its weakest subjects and classes, its trend."""

    organization_id: int
    bin: str
    names: dict
    kind: str
    region_id: int
    region: str  # the region's two KATO digits
    students: int
    raw_measure: float
    adjusted_measure: float
    interval_low: float
    interval_high: float
    rank: int
    naive_rank: int
    weight: float  # share of the group mean in the adjusted measure
    group_mean: float
    weakest_subjects: list = field(default_factory=list)
    weakest_groups: list = field(default_factory=list)
    trend: list = field(default_factory=list)
    change: float | None = None

    @property
    def name(self) -> str:
        return pick(self.names)

    def details(self) -> dict:
        """What ``MonitoringEntry.details`` keeps."""
        return {
            "weakest_subjects": self.weakest_subjects, "weakest_groups": self.weakest_groups,
            "trend": self.trend, "change": self.change, "weight": self.weight, "group_mean": self.group_mean,
        }


@dataclass(frozen=True)
class LowestPerformers:
    """The result of ``rank_lowest``: the flagged organisations (rank order) and every candidate's numbers."""

    year: int
    n: int
    region: object  # registry.Region or None (national)
    kind: str  # "school", "college" or "" (both)
    level: float
    candidates: int
    flagged: list
    naive_differences: int
    parameters: dict
    table: pd.DataFrame  # one row per candidate: organization_id, raw, adjusted, low, high, rank, naive_rank...

    @property
    def size(self) -> int:
        return len(self.flagged)


def _kind_code(kind) -> str:
    kind = (kind or "").strip().lower()
    if kind and kind not in KINDS:
        raise ValueError(f"kind must be school or college, not {kind!r}")
    return kind


def _family(kind: str) -> str:
    for code, kinds in KINDS.items():
        if kind in kinds:
            return code
    return "other"


def _number(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def _weakest(rows: list[dict], label: str) -> list[dict]:
    usable = [r for r in rows if r["composite"] is not None or r["mean_mark"] is not None]
    usable.sort(key=lambda r: (r["composite"] if r["composite"] is not None else r["mean_mark"], r["key"]))
    return [
        {label: r["key"], "composite": r["composite"], "mean_mark": r["mean_mark"],
         "knowledge_quality": r["knowledge_quality"], "students": r["students"], "marks": r["marks"]}
        for r in usable[:WEAKEST]
    ]


def rank_lowest(year: int, *, n: int = 100, region=None, kind: str | None = None,
                level: float = shrinkage.DEFAULT_LEVEL) -> LowestPerformers:
    """Rank the organisations of ``year`` (of ``region`` and ``kind`` if given) by the adjusted composite."""
    year = int(year)
    if isinstance(n, bool) or int(n) < 1:
        raise ValueError(f"n must be a positive whole number, not {n!r}")
    n = int(n)
    kind = _kind_code(kind)
    rows = LearningMeasure.objects.filter(
        year=year, level=LearningMeasure.Level.ORGANIZATION, organization__isnull=False, composite__isnull=False,
        students__gt=0,
    )
    if region is not None:
        rows = rows.filter(organization__region=region)
    if kind:
        rows = rows.filter(organization__kind__in=KINDS[kind])
    frame = pd.DataFrame(list(rows.values(*_COLUMNS).order_by("organization__bin")), columns=list(_COLUMNS))
    regions = frame["organization__region__kato"].str[:2]
    mixed = not kind and frame["organization__kind"].map(_family).nunique() > 1
    groups = (regions + "/" + frame["organization__kind"].map(_family)) if mixed else regions
    result = shrinkage.shrink(
        frame["composite"].to_numpy(float), frame["composite_sd"].to_numpy(float, na_value=np.nan),
        frame["students"].to_numpy(float), groups.to_numpy(str), level=level,
    )
    bins = frame["organization__bin"].to_numpy(str)
    order = np.lexsort((bins, result.raw, result.adjusted))
    naive_order = np.lexsort((bins, result.raw))
    rank = np.empty(len(frame), dtype=int)
    rank[order] = np.arange(1, len(frame) + 1)
    naive_rank = np.empty(len(frame), dtype=int)
    naive_rank[naive_order] = np.arange(1, len(frame) + 1)
    table = pd.DataFrame({
        "organization_id": frame["organization_id"], "bin": bins, "region": regions,
        "kind": frame["organization__kind"], "students": frame["students"], "raw": result.raw,
        "adjusted": result.adjusted, "low": result.low, "high": result.high, "weight": result.weight,
        "rank": rank, "naive_rank": naive_rank,
    }).sort_values("rank", ignore_index=True)

    flagged_rows = order[:n]
    flagged_ids = [int(frame["organization_id"].iat[i]) for i in flagged_rows]
    naive_differences = int(np.sum(naive_rank[flagged_rows] > n))

    parts: dict[int, dict[str, list]] = {oid: {"subject": [], "group": []} for oid in flagged_ids}
    for row in LearningMeasure.objects.filter(
        year=year, level__in=(LearningMeasure.Level.SUBJECT, LearningMeasure.Level.GROUP),
        organization_id__in=flagged_ids,
    ).values("organization_id", "level", "key", "composite", "mean_mark", "knowledge_quality", "students", "marks"):
        parts[row["organization_id"]][row["level"]].append(row)
    trends: dict[int, list[dict]] = {oid: [] for oid in flagged_ids}
    for row in LearningMeasure.objects.filter(
        level=LearningMeasure.Level.ORGANIZATION, organization_id__in=flagged_ids, year__lte=year,
    ).values("organization_id", "year", "composite", "students").order_by("year"):
        trends[row["organization_id"]].append({"year": row["year"], "composite": row["composite"],
                                               "students": row["students"]})

    flagged = []
    for i in flagged_rows:
        oid = int(frame["organization_id"].iat[i])
        trend = trends[oid]
        by_year = {t["year"]: t["composite"] for t in trend}
        if by_year.get(year) is not None and by_year.get(year - 1) is not None:
            change = by_year[year] - by_year[year - 1]
        else:
            change = _number(frame["change_composite"].iat[i])
        flagged.append(FlaggedOrganization(
            organization_id=oid, bin=str(bins[i]),
            names={"kk": frame["organization__name_kk"].iat[i], "ru": frame["organization__name_ru"].iat[i],
                   "en": frame["organization__name_en"].iat[i]},
            kind=str(frame["organization__kind"].iat[i]), region_id=int(frame["organization__region_id"].iat[i]),
            region=str(regions.iat[i]), students=int(frame["students"].iat[i]),
            raw_measure=float(result.raw[i]), adjusted_measure=float(result.adjusted[i]),
            interval_low=float(result.low[i]), interval_high=float(result.high[i]), rank=int(rank[i]),
            naive_rank=int(naive_rank[i]), weight=float(result.weight[i]), group_mean=float(result.group_mean[i]),
            weakest_subjects=_weakest(parts[oid]["subject"], "subject"),
            weakest_groups=_weakest(parts[oid]["group"], "group"), trend=trend, change=change,
        ))
    parameters = {
        "n": n, "level": level, "grouping": "region and kind" if mixed else "region",
        "min_group": shrinkage.DEFAULT_MIN_GROUP, "tau2_min": shrinkage.DEFAULT_TAU2_MIN,
        **({} if not len(frame) else result.parameters()),
    }
    return LowestPerformers(
        year=year, n=n, region=region, kind=kind, level=level, candidates=len(frame), flagged=flagged,
        naive_differences=naive_differences, parameters=parameters, table=table,
    )


# ------------------------------------------------------------------------------------------------ writes
def _plan_model():
    """The plans app's Plan model if it links to monitoring entries (None until it exists)."""
    try:
        model = apps.get_model("plans", "Plan")
        model._meta.get_field("monitoring_entry")
    except (LookupError, FieldDoesNotExist):
        return None
    return model


def _require_may_save(actor, region) -> None:
    """The ministry saves any list, a region's department its region's; a text actor is the command line."""
    if isinstance(actor, str):
        return
    if getattr(actor, "is_superuser", False):
        return
    for assignment in assignments(actor):
        if assignment.role == "ministry":
            return
        if assignment.role == "region" and region is not None and assignment.region_id == region.pk:
            return
    raise PermissionDenied(_("You may not save this monitoring list."))


def _in_use_message(lst: MonitoringList, plans: int) -> str:
    return _("The monitoring list of %(year)s already has %(plans)s support plan(s) made from it; it is not "
             "replaced. Replace it with force (--force on the command line): plans of organisations still on the "
             "list stay with them, the others are detached from the list.") % {"year": lst.year, "plans": plans}


def save_monitoring_list(result: LowestPerformers, actor, *, force: bool = False) -> MonitoringList:
    """Store ``result`` as the monitoring list of its (year, region, kind), replacing an existing one.

    Raises ``MonitoringListInUse`` if support plans were made from the existing list (unless ``force``),
    ``PermissionDenied`` if ``actor`` may not save lists of that scope.
    """
    _require_may_save(actor, result.region)
    created_by = actor if getattr(actor, "is_authenticated", False) else None
    fields = {
        "size": result.size, "method": METHOD, "candidates": result.candidates,
        "naive_differences": result.naive_differences, "parameters": result.parameters, "created_by": created_by,
    }
    plan_model = _plan_model()
    with transaction.atomic():
        lst = (MonitoringList.objects.select_for_update().order_by()  # no ordering: it would join the region
               .filter(year=result.year, region=result.region, kind=result.kind).first())
        kept = removed = 0
        detached: list[int] = []
        replaced = lst is not None
        if lst is None:
            lst = MonitoringList.objects.create(year=result.year, region=result.region, kind=result.kind, **fields)
            existing: dict[int, MonitoringEntry] = {}
        else:
            existing = {e.organization_id: e for e in MonitoringEntry.objects.filter(monitoring_list=lst)}
            plans = []
            if plan_model is not None:
                plans = list(plan_model.objects.filter(monitoring_entry__monitoring_list=lst).order_by()
                             .values_list("pk", "monitoring_entry__organization_id"))
            if plans and not force:
                raise MonitoringListInUse(_in_use_message(lst, len(plans)))
            staying = {f.organization_id for f in result.flagged}
            detached = sorted(pk for pk, oid in plans if oid not in staying)
            if detached:
                plan_model.objects.filter(pk__in=detached).update(monitoring_entry=None)
            for name, value in fields.items():
                setattr(lst, name, value)
            lst.created_at = timezone.now()
            lst.save()
        new, changed = [], []
        for flagged in result.flagged:
            values = {
                "rank": flagged.rank, "naive_rank": flagged.naive_rank, "students": flagged.students,
                "raw_measure": flagged.raw_measure, "adjusted_measure": flagged.adjusted_measure,
                "interval_low": flagged.interval_low, "interval_high": flagged.interval_high,
                "details": flagged.details(),
            }
            entry = existing.pop(flagged.organization_id, None)
            if entry is None:
                new.append(MonitoringEntry(monitoring_list=lst, organization_id=flagged.organization_id, **values))
            else:
                for name, value in values.items():
                    setattr(entry, name, value)
                changed.append(entry)
        if existing:
            try:
                MonitoringEntry.objects.filter(pk__in=[e.pk for e in existing.values()]).delete()
            except ProtectedError as error:  # something else than a plan refers to an entry
                raise MonitoringListInUse(_in_use_message(lst, len(error.protected_objects))) from None
            removed = len(existing)
        if changed:
            MonitoringEntry.objects.bulk_update(changed, [
                "rank", "naive_rank", "students", "raw_measure", "adjusted_measure", "interval_low",
                "interval_high", "details",
            ], batch_size=BATCH)
            kept = len(changed)
        MonitoringEntry.objects.bulk_create(new, batch_size=BATCH)
        audit.record(
            actor=actor, action="update" if replaced else "create", obj=lst,
            target_label=f"monitoring list {result.year} {result.region.prefix if result.region else 'national'} "
                         f"{result.kind or 'all'}",
            changes={
                "year": result.year, "region": result.region.prefix if result.region else None,
                "kind": result.kind, "method": METHOD, "size": result.size, "candidates": result.candidates,
                "naive_differences": result.naive_differences, "entries_added": len(new), "entries_kept": kept,
                "entries_removed": removed, "replaced": replaced, "plans_detached": detached, "force": force,
                "organizations": [f.bin for f in result.flagged],
            },
        )
    return lst
