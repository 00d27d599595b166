"""Reads of the rating app, always through the scoping selector (drafts are the ministry's only).

Every function here runs a fixed number of queries whatever the number of organisations.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import get_language

from smarttvet.accounts.scoping import get_visible_or_404, visible
from smarttvet.core.cache import cached
from smarttvet.rating.models import MethodologyVersion, RatingResult, RatingRun
from smarttvet.registry.selectors import region_by_code

SORTS = ("rank", "-score", "name")


def run_list(user, *, status: str = "", year: int | None = None) -> QuerySet[RatingRun]:
    """The runs ``user`` may see, newest first."""
    qs = visible(user, RatingRun.objects.select_related("methodology"))
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-created_at", "-id")


def run_get(user, pk) -> RatingRun:
    """One run ``user`` may see (404 otherwise: a draft does not exist for the public)."""
    return get_visible_or_404(user, RatingRun.objects.select_related("methodology", "created_by", "published_by"),
                              pk=pk)


def default_run(user) -> RatingRun | None:
    """The latest published run (by year, then publication); for the ministry without one, its latest draft."""
    runs = visible(user, RatingRun.objects.select_related("methodology"))
    published = runs.filter(status=RatingRun.Status.PUBLISHED).order_by("-year", "-published_at", "-id").first()
    if published is not None:
        return published
    return runs.order_by("-year", "-created_at", "-id").first()


def choose_run(user, raw_pk) -> RatingRun | None:
    """The run asked for in a query string (404 if not visible), or the default one."""
    if raw_pk not in (None, ""):
        try:
            pk = int(raw_pk)
        except (TypeError, ValueError):
            from django.http import Http404

            raise Http404("No such rating run.") from None
        return run_get(user, pk)
    return default_run(user)


def methodology_list() -> QuerySet[MethodologyVersion]:
    return MethodologyVersion.objects.annotate(
        run_count=Count("runs"),
        published_count=Count("runs", filter=Q(runs__status=RatingRun.Status.PUBLISHED)),
    ).order_by("code", "-created_at", "-id")


@dataclass(frozen=True)
class ResultFilters:
    region: str = ""
    kind: str = ""
    league: str = ""
    sort: str = "rank"
    q: str = ""


def name_field(language: str | None = None) -> str:
    language = (language or get_language() or "kk")[:2]
    return f"organization__name_{language if language in ('kk', 'ru', 'en') else 'ru'}"


def result_list(user, run: RatingRun, filters: ResultFilters | None = None) -> QuerySet[RatingResult]:
    """The run's results, filtered and sorted; not-rated organisations come last in every order."""
    f = filters or ResultFilters()
    qs = visible(user, RatingResult.objects.filter(run=run)).select_related("organization", "organization__region")
    if f.region:
        region = region_by_code(f.region)
        qs = qs.filter(organization__region=region) if region else qs.none()
    if f.kind:
        qs = qs.filter(organization__kind=f.kind)
    if f.league == "none":
        qs = qs.filter(league__isnull=True)
    elif f.league:
        qs = qs.filter(league=f.league)
    if f.q:
        term = f.q.strip()
        qs = qs.filter(Q(organization__name_kk__icontains=term) | Q(organization__name_ru__icontains=term)
                       | Q(organization__name_en__icontains=term) | Q(organization__bin=term))
    name = name_field()
    if f.sort == "-score":
        order = [F("score").desc(nulls_last=True), name, "organization_id"]
    elif f.sort == "name":
        order = [name, "organization_id"]
    else:
        order = [F("rank").asc(nulls_last=True), name, "organization_id"]
    return qs.order_by(*order)


def result_get(user, run: RatingRun, organization_id: int) -> RatingResult:
    return get_visible_or_404(
        user, RatingResult.objects.filter(run=run).select_related("organization", "organization__region"),
        organization_id=organization_id,
    )


def stored_result_rows(run: RatingRun) -> list[dict]:
    """The stored results in the form and order of ``services.rating_run_recompute``."""
    fields = ("organization_id", "rated", "coverage", "score", "rank", "league", "groups", "normalised", "imputed",
              "contributions", "rank_p05", "rank_median", "rank_p95", "league_probabilities")
    return list(RatingResult.objects.filter(run=run).order_by("organization_id").values(*fields))


def league_counts_by_region(run: RatingRun) -> dict[int, dict[str | None, int]]:
    """``{region id: {league code or None (not rated): count}}`` in one grouped query."""
    counts: dict[int, dict[str | None, int]] = {}
    rows = (RatingResult.objects.filter(run=run).values_list("organization__region_id", "league")
            .annotate(n=Count("id")).order_by())
    for region_id, league, n in rows:
        counts.setdefault(region_id, {})[league] = n
    return counts


def league_group_medians(run: RatingRun, league: str | None) -> dict[str, float | None]:
    """Median group (pillar) scores of the organisations in ``league`` (one query, then cached: a run's stored
    results never change, so the run's id is the whole cache version)."""
    if not league:
        return {}
    return cached("league-medians", (run.pk, league), lambda: _league_group_medians(run, league),
                  version=f"run{run.pk}")


def _league_group_medians(run: RatingRun, league: str) -> dict[str, float | None]:
    values: dict[str, list[float]] = {}
    for groups in RatingResult.objects.filter(run=run, league=league).values_list("groups", flat=True):
        for code, value in (groups or {}).items():
            if value is not None:
                values.setdefault(code, []).append(value)
    return {code: statistics.median(v) if v else None for code, v in values.items()}


def organization_history(user, organization_id: int, methodology_code: str) -> list[RatingResult]:
    """This organisation's results in the published runs of one methodology, one per year (the latest
    published run of each year), oldest year first."""
    qs = visible(user, RatingResult.objects.filter(organization_id=organization_id,
                                                   run__status=RatingRun.Status.PUBLISHED,
                                                   run__methodology__code=methodology_code))
    rows = qs.select_related("run", "run__methodology").order_by("run__year", "run__published_at", "run_id")
    by_year = {row.run.year: row for row in rows}  # later publications of a year replace earlier ones
    return [by_year[year] for year in sorted(by_year)]


@dataclass(frozen=True)
class Move:
    organization_id: int
    league_a: str | None
    league_b: str | None
    rank_a: int | None
    rank_b: int | None
    direction: int  # +1 up a league (or more), -1 down, 0 same


def run_comparison(run_a: RatingRun, run_b: RatingRun) -> dict:
    """Who moved up or down a league from ``run_a`` to ``run_b`` (organisations in both runs).

    League order is ``run_b``'s methodology's (best first); a league unknown to it, or "not rated",
    ranks below every league. Two grouped reads, whatever the number of organisations.
    """
    order = {code: position for position, code in enumerate(run_b.methodology.methodology.league_codes)}
    bottom = len(order)

    def level(code: str | None) -> int:
        return order.get(code, bottom) if code is not None else bottom + 1

    a = {oid: (league, rank) for oid, league, rank in
         RatingResult.objects.filter(run=run_a).values_list("organization_id", "league", "rank")}
    b = {oid: (league, rank) for oid, league, rank in
         RatingResult.objects.filter(run=run_b).values_list("organization_id", "league", "rank")}
    moves: list[Move] = []
    matrix: dict[tuple[str | None, str | None], int] = {}
    for oid in sorted(set(a) & set(b)):
        (league_a, rank_a), (league_b, rank_b) = a[oid], b[oid]
        matrix[(league_a, league_b)] = matrix.get((league_a, league_b), 0) + 1
        change = level(league_a) - level(league_b)
        moves.append(Move(oid, league_a, league_b, rank_a, rank_b, (change > 0) - (change < 0)))
    return {
        "moves": moves,
        "up": sum(1 for m in moves if m.direction > 0),
        "down": sum(1 for m in moves if m.direction < 0),
        "same": sum(1 for m in moves if m.direction == 0),
        "only_a": len(set(a) - set(b)),
        "only_b": len(set(b) - set(a)),
        "matrix": matrix,
    }


def result_inputs(run: RatingRun, organization_id: int) -> dict[str, float | None] | None:
    """The raw indicator values the run used for one organisation."""
    from smarttvet.rating.models import RatingInput

    return RatingInput.objects.filter(run=run, organization_id=organization_id).values_list(
        "values", flat=True).first()
