"""Reads of the gradebook analytics, always through the scoping function.

Learning measures and monitoring lists are not public: the ministry sees all of them, a region its own
region's, an organisation its own; other roles see nothing. A region also sees the *national* monitoring
lists, narrowed to its own organisations' entries (``monitoring_entries``).

Every function here runs a fixed number of queries whatever the number of organisations or entries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.http import Http404

from smarttvet.accounts.scoping import ScopePaths, get_visible_or_404, roles, scope_q, visible
from smarttvet.gradebook.models import LearningMeasure, MonitoringEntry, MonitoringList
from smarttvet.registry.models import Organization, Region

Level = LearningMeasure.Level
KINDS = ("school", "college")  # the kinds a monitoring list and the distributions are narrowed to


class OrganizationLearning:
    """The scope of an organisation's learning data, seen from the organisation (``scope_q`` reads ``scope``).

    The organisation's registry record is public; its gradebook is not, so the learning page checks this."""

    scope = ScopePaths(region="region", organization="pk", write_roles=frozenset())


def kind_filter(kind: str, path: str = "organization__kind") -> Q:
    """``school`` or ``college`` (colleges and higher colleges); anything else: no filter."""
    if kind == "school":
        return Q(**{path: Organization.Kind.SCHOOL})
    if kind == "college":
        return Q(**{f"{path}__in": Organization.TVET_KINDS})
    return Q()


def natural_key(text: str) -> tuple:
    """Sort "9A" before "10A" and "term 2" before "term 10"."""
    return tuple(int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", text or ""))


# ---------------------------------------------------------------------------------------- measures
def measure_list(user, *, year: int | None = None, level: str = "", region: Region | None = None,
                 organization_id: int | None = None, key: str | None = None) -> QuerySet[LearningMeasure]:
    """Learning measures the user may read, filtered; ordered by year, level, region, organisation, key."""
    qs = visible(user, LearningMeasure.objects.select_related("region", "organization"))
    if year is not None:
        qs = qs.filter(year=year)
    if level:
        qs = qs.filter(level=level)
    if region is not None:
        qs = qs.filter(region=region)
    if organization_id is not None:
        qs = qs.filter(organization_id=organization_id)
    if key is not None:
        qs = qs.filter(key=key)
    return qs.order_by("-year", "level", "region__kato", "organization_id", "key", "pk")


def learning_organization(user, pk) -> Organization:
    """An organisation whose learning data the user may read; any other one does not exist for them (404)."""
    queryset = Organization.objects.select_related("region").filter(scope_q(user, OrganizationLearning))
    return get_visible_or_404(user, queryset, pk=pk)


def organization_trend(user, organization_id: int) -> list[LearningMeasure]:
    """The organisation-level measures of every year, oldest first."""
    qs = visible(user, LearningMeasure.objects.filter(organization_id=organization_id, level=Level.ORGANIZATION))
    return list(qs.order_by("year"))


def organization_breakdown(user, organization_id: int, year: int) -> dict[str, list[LearningMeasure]]:
    """The year's measures by subject, by class or group and by term (one query)."""
    qs = visible(user, LearningMeasure.objects.filter(
        organization_id=organization_id, year=year, level__in=(Level.SUBJECT, Level.GROUP, Level.TERM)))
    return _split(list(qs))


def _split(rows: list[LearningMeasure]) -> dict[str, list[LearningMeasure]]:
    out: dict[str, list[LearningMeasure]] = {Level.SUBJECT: [], Level.GROUP: [], Level.TERM: []}
    for row in rows:
        if row.level in out:
            out[row.level].append(row)
    out[Level.SUBJECT].sort(key=lambda m: m.key)
    out[Level.GROUP].sort(key=lambda m: natural_key(m.key))
    out[Level.TERM].sort(key=lambda m: natural_key(m.key))
    return out


@dataclass
class OrganizationMeasures:
    year: int | None
    trend: list[LearningMeasure] = field(default_factory=list)
    current: LearningMeasure | None = None
    previous: LearningMeasure | None = None
    subjects: list[LearningMeasure] = field(default_factory=list)
    groups: list[LearningMeasure] = field(default_factory=list)
    terms: list[LearningMeasure] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return [m.year for m in self.trend]


def organization_measures(user, organization_id: int, year: int | None) -> OrganizationMeasures:
    """The organisation's trend over the years and the breakdowns of ``year`` (default: its latest year).

    Two queries: the years (organisation level), then the chosen year's breakdowns."""
    trend = organization_trend(user, organization_id)
    years = [m.year for m in trend]
    if year is None or (year not in years and years):
        year = years[-1] if years else year
    by_year = {m.year: m for m in trend}
    result = OrganizationMeasures(year=year, trend=trend, current=by_year.get(year),
                                  previous=by_year.get(year - 1) if year is not None else None)
    if year is not None:
        parts = organization_breakdown(user, organization_id, year)
        result.subjects, result.groups, result.terms = parts[Level.SUBJECT], parts[Level.GROUP], parts[Level.TERM]
    return result


def measure_years(user, level: str = Level.ORGANIZATION) -> list[int]:
    """The years with measures at ``level`` the user may read, newest first."""
    qs = visible(user, LearningMeasure.objects.filter(level=level))
    return list(qs.order_by("-year").values_list("year", flat=True).distinct())


def organization_distribution(user, year: int, *, region: Region | None = None,
                              kind: str = "") -> QuerySet[LearningMeasure]:
    """The organisation-level rows of ``year`` (within ``region`` and of ``kind`` if given), lowest composite
    first; each with its organisation."""
    qs = visible(user, LearningMeasure.objects.filter(year=year, level=Level.ORGANIZATION))
    if region is not None:
        qs = qs.filter(region=region)
    return (qs.filter(kind_filter(kind)).select_related("organization")
            .order_by("composite", "organization_id"))


def region_overview(user, year: int) -> list[LearningMeasure]:
    """The region-level rows of ``year`` (every region for the ministry, its own for a region), by KATO."""
    qs = visible(user, LearningMeasure.objects.filter(year=year, level=Level.REGION))
    return list(qs.select_related("region").order_by("region__kato", "key"))


# ---------------------------------------------------------------------------------------- monitoring lists
def _monitoring_list_q(user) -> Q:
    """Lists in the user's scope, plus the national lists for a region (its entries only) and, for an
    organisation, the lists it is on."""
    q = scope_q(user, MonitoringList)
    if not q.children:  # everything (the ministry, a superuser)
        return q
    held = roles(user)
    if "region" in held:
        q |= Q(region__isnull=True)
    if "organization" in held:
        q |= Q(pk__in=visible(user, MonitoringEntry.objects.all()).values("monitoring_list_id"))
    return q


def monitoring_lists(user, *, year: int | None = None, kind: str | None = None) -> QuerySet[MonitoringList]:
    """The monitoring lists the user may open, newest year first, national before regional."""
    qs = MonitoringList.objects.filter(_monitoring_list_q(user)).select_related("region")
    if year is not None:
        qs = qs.filter(year=year)
    if kind is not None:
        qs = qs.filter(kind=kind)
    return qs.order_by("-year", "region__kato", "kind", "pk")


def monitoring_list_get(user, pk) -> MonitoringList:
    """One list the user may open; another region's list does not exist for them (404)."""
    # Not ``get_visible_or_404``: that would narrow to the model's own scope again and hide the national lists.
    found = (MonitoringList.objects.filter(_monitoring_list_q(user)).select_related("region", "created_by")
             .filter(pk=pk).first())
    if found is None:
        raise Http404("No monitoring list matches the given query.")
    return found


def monitoring_entries(user, monitoring_list: MonitoringList, *,
                       region: Region | None = None) -> QuerySet[MonitoringEntry]:
    """The list's entries the user may read (a region sees its own organisations' only), by rank."""
    qs = visible(user, MonitoringEntry.objects.filter(monitoring_list=monitoring_list))
    if region is not None:
        qs = qs.filter(organization__region=region)
    return qs.select_related("organization", "organization__region").order_by("rank", "pk")


def organization_entries(user, organization_id: int, *, year: int | None = None) -> list[MonitoringEntry]:
    """The organisation's entries on monitoring lists (of ``year`` if given), newest list first."""
    qs = visible(user, MonitoringEntry.objects.filter(organization_id=organization_id))
    if year is not None:
        qs = qs.filter(monitoring_list__year=year)
    return list(qs.select_related("monitoring_list", "monitoring_list__region")
                .order_by("-monitoring_list__year", "monitoring_list__region__kato", "monitoring_list__kind"))


def plans_for_entries(user, entry_ids) -> dict[int, int]:
    """``{monitoring entry id: support plan id}`` for the entries that have a plan (one query).

    The plans app may not exist yet: then nothing has a plan."""
    entry_ids = list(entry_ids)
    if not entry_ids:
        return {}
    plan_model = _plan_model()
    if plan_model is None:
        return {}
    qs = plan_model.objects.filter(monitoring_entry_id__in=entry_ids)
    try:
        qs = visible(user, qs)
    except TypeError:  # a plan model without a declared scope: the entries were scoped already
        pass
    return {entry_id: plan_id for plan_id, entry_id in qs.order_by("pk").values_list("pk", "monitoring_entry_id")}


def _plan_model():
    """The plans app's Plan model if it links to monitoring entries (None until it exists)."""
    try:
        model = apps.get_model("plans", "Plan")
        model._meta.get_field("monitoring_entry")
    except (LookupError, FieldDoesNotExist):
        return None
    return model
