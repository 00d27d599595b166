"""Reads of the KPI app, always through the scoping selector. A fixed number of queries per page whatever the
number of scorecards."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import get_language

from smarttvet.accounts.scoping import get_visible_or_404, visible
from smarttvet.kpi.models import IncentiveScenario, KpiSet, Scorecard, ScorecardEvent
from smarttvet.registry.selectors import filter_region


@dataclass(frozen=True)
class ScorecardFilters:
    year: int | None = None
    status: str = ""
    league: str = ""
    region: str = ""
    q: str = ""
    all_versions: bool = False


def _name_field() -> str:
    language = (get_language() or "kk")[:2]
    return f"organization__name_{language if language in ('kk', 'ru', 'en') else 'ru'}"


def scorecard_list(user, filters: ScorecardFilters | None = None) -> QuerySet[Scorecard]:
    """The scorecards ``user`` may see: the latest version per organisation and year unless ``all_versions``."""
    f = filters or ScorecardFilters()
    qs = visible(user, Scorecard.objects.select_related("organization", "organization__region", "kpi_set"))
    if f.year:
        qs = qs.filter(year=f.year)
    if not f.all_versions:
        newest = (Scorecard.objects.filter(organization_id=OuterRef("organization_id"), year=OuterRef("year"))
                  .order_by("-version").values("version")[:1])
        qs = qs.filter(version=Subquery(newest))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.league:
        qs = qs.filter(league=f.league)
    if f.region:
        qs = filter_region(qs, f.region, path="organization__region")
    if f.q:
        term = f.q.strip()
        qs = qs.filter(Q(organization__name_kk__icontains=term) | Q(organization__name_ru__icontains=term)
                       | Q(organization__name_en__icontains=term) | Q(organization__bin=term)
                       | Q(director_name__icontains=term))
    return qs.order_by("-year", F("attainment").desc(nulls_last=True), _name_field(), "organization_id", "-version")


def scorecard_get(user, pk) -> Scorecard:
    return get_visible_or_404(user, Scorecard.objects.select_related(
        "organization", "organization__region", "kpi_set", "rating_run", "rating_run__methodology",
        "signed_off_by"), pk=pk)


def scorecard_versions(card: Scorecard) -> list[Scorecard]:
    return list(Scorecard.objects.filter(organization_id=card.organization_id, year=card.year)
                .order_by("-version").only("id", "version", "status", "attainment", "computed_at", "signed_off_at"))


def scorecard_events(card: Scorecard) -> list[ScorecardEvent]:
    return list(ScorecardEvent.objects.filter(scorecard__organization_id=card.organization_id,
                                              scorecard__year=card.year)
                .select_related("scorecard").order_by("at", "id"))


def years(user) -> list[int]:
    return sorted(set(visible(user, Scorecard.objects.all()).values_list("year", flat=True).distinct()),
                  reverse=True)


def kpi_sets() -> list[KpiSet]:
    return list(KpiSet.objects.prefetch_related("indicators").order_by("code", "-created_at", "-id"))


def scenarios(user, year: int | None = None) -> QuerySet[IncentiveScenario]:
    qs = visible(user, IncentiveScenario.objects.all())
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "name")


def status_counts(user, year: int) -> dict[str, int]:
    rows = scorecard_list(user, ScorecardFilters(year=year)).values_list("status", flat=True)
    counts = dict.fromkeys(Scorecard.Status.values, 0)
    for status in rows:
        counts[status] += 1
    return counts
