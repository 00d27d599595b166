"""Rating pages: league table, leagues by region, the organisation's card and what-if, the methodology,
run comparison and the ministry's runs page. Thin: selectors read, services write and compute."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smarttvet.accounts.scoping import get_visible_or_404
from smarttvet.core.cache import cached
from smarttvet.rating import access, exports, present, selectors, services
from smarttvet.rating.models import MethodologyVersion, PublishedRunError, RatingRun
from smarttvet.registry.models import Organization, Region

PER_PAGE = 50
CACHEABLE_PARAMS = frozenset({"run", "region", "kind", "league", "sort", "page"})
BAR_WIDTH = present.BAR_WIDTH


def _query_without(request, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def league_table(request):
    g = request.GET
    run = selectors.choose_run(request.user, g.get("run"))
    filters = selectors.ResultFilters(region=g.get("region", ""), kind=g.get("kind", ""), league=g.get("league", ""),
                                      sort=g.get("sort", "rank") if g.get("sort") in selectors.SORTS else "rank",
                                      q=g.get("q", ""))
    context = {"run": run, "filters": filters, "runs": selectors.run_list(request.user)[:50],
               "regions": Region.objects.order_by("kato"), "kinds": Organization.Kind.choices,
               "sorts": [("rank", _("Rank")), ("-score", _("Score")), ("name", _("Name"))], "bar_width": BAR_WIDTH}
    if run is None:
        return render(request, "rating/league_table.html", context)
    methodology = run.methodology.methodology
    names = present.league_names(methodology)
    results = selectors.result_list(request.user, run, filters)
    fmt = g.get("export")
    if fmt:
        if fmt not in ("csv", "xlsx"):
            raise Http404("This list cannot be exported in that format.")
        return exports.league_table_response(run, results, fmt)
    counts = run.league_counts
    context["leagues"] = [{"code": code, "name": names[code], "count": counts.get(code, 0), "index": i}
                          for i, code in enumerate(methodology.league_codes)]
    query = _query_without(request, "page")

    def results_html() -> str:
        page = Paginator(results, PER_PAGE).get_page(g.get("page"))
        leagues = present.league_positions(methodology)
        n_rated = int(run.summary.get("n_rated", 0))
        return render_to_string("rating/_league_results.html", {
            **context, "page": page, "query": query, "exportable": True,
            "rows": [present.league_row(result, n_rated, leagues, names) for result in page],
            "not_rated": int(run.summary.get("not_rated", 0)), "n_rated": n_rated,
            "histogram": {"counts": run.summary.get("histogram", {}).get("counts", []),
                          "edges": run.summary.get("histogram", {}).get("edges", [])},
            "methodology_name": methodology.names.get(present.language()),
            "decimals": present.score_decimals(methodology),
        }, request=request)

    # A published run's table is the same for everyone: its rendered rows are cached (publication-day load)
    # under the run, the page and filters, the language and the data version (any audited write, e.g. a
    # renamed organisation or a new publication, changes it). Searches are not cached (unbounded keys).
    if run.status == RatingRun.Status.PUBLISHED and not filters.q and set(g) <= CACHEABLE_PARAMS:
        html = cached("league-results", (run.pk, query, g.get("page", ""), get_language()), results_html)
    else:
        html = results_html()
    context["results_html"] = mark_safe(html)  # noqa: S308 - rendered by our own template just above
    return render(request, "rating/league_table.html", context)


def regions(request):
    run = selectors.choose_run(request.user, request.GET.get("run"))
    context = {"run": run, "runs": selectors.run_list(request.user)[:50]}
    if run is not None:
        methodology = run.methodology.methodology
        names = present.league_names(methodology)
        counts = selectors.league_counts_by_region(run)
        rows = []
        for region in Region.objects.order_by("kato"):
            by_league = counts.get(region.pk, {})
            rows.append({"region": region, "counts": [by_league.get(code, 0) for code in methodology.league_codes],
                         "not_rated": by_league.get(None, 0), "total": sum(by_league.values())})
        context.update(
            rows=rows,
            leagues=[{"code": c, "name": names[c], "index": i} for i, c in enumerate(methodology.league_codes)],
            chart={"labels": [row["region"].name for row in rows],
                   "series": [{"name": names[code], "index": i, "data": [row["counts"][i] for row in rows]}
                              for i, code in enumerate(methodology.league_codes)]},
        )
    return render(request, "rating/regions.html", context)


def _card_details(run, organization, result, methodology) -> dict:
    """What only the organisation, its region and the ministry see: inputs, contributions, explanation."""
    names = present.indicator_names(methodology)
    inputs = selectors.result_inputs(run, organization.pk) or {}
    explanation = services.organization_explanation(run, organization)
    loaded_raw = services.indicator_ranges(run)
    indicators = []
    for indicator in methodology.indicators:
        code = indicator.code
        low, high = loaded_raw.get(code, (None, None))
        indicators.append({
            "code": code, "name": names[code], "unit": indicator.unit, "raw": inputs.get(code),
            "input": present.input_value(inputs.get(code)),
            "normalised": result.normalised.get(code), "contribution": result.contributions.get(code),
            "imputed": code in (result.imputed or []), "positive": indicator.direction == "positive",
            "min": low, "max": high, "step": present.input_step(low, high),
        })
    league_names = present.league_names(methodology)

    def gaps(comparison):
        if comparison is None:
            return None
        return {"league": league_names.get(comparison.league, comparison.league), "n": comparison.n_units,
                "helps": [{"name": names[g.indicator], "impact": g.impact, "value": g.value, "reference": g.reference}
                          for g in comparison.helps],
                "hurts": [{"name": names[g.indicator], "impact": g.impact, "value": g.value, "reference": g.reference}
                          for g in comparison.hurts]}

    changes = [{"name": names[c.indicator], "unit": methodology.indicator(c.indicator).unit, "current": c.current,
                "required": c.required, "change": c.change, "reachable": c.reachable} for c in explanation.changes]
    next_league = explanation.next_league
    score_gap = None
    if next_league is not None and result.score is not None:
        threshold = next(league.min_score for league in methodology.leagues if league.code == next_league)
        if threshold is not None:
            score_gap = max(threshold - result.score, 0.0)
    return {"indicators": indicators, "own": gaps(explanation.own), "above": gaps(explanation.above),
            "reachable": [c for c in changes if c["reachable"]],
            "unreachable": [c["name"] for c in changes if not c["reachable"]],
            "next_league": league_names.get(next_league) if next_league else None, "score_gap": score_gap}


def card(request, pk: int):
    organization = get_visible_or_404(request.user, Organization.objects.select_related("region"), pk=pk)
    run = selectors.choose_run(request.user, request.GET.get("run"))
    if run is not None and run.is_published and not request.user.is_authenticated:
        # What the public sees of a published run is the same for every visitor: its body is cached under the
        # organisation, the run, the language and the data version (a publication or an edit changes it).
        body = cached("card-body", (organization.pk, run.pk, get_language()),
                      lambda: _card_body(request, organization, run))
        return render(request, "rating/card.html", {"organization": organization, "run": run,
                                                    "body_html": mark_safe(body)})  # noqa: S308 - our template
    return render(request, "rating/card.html", {"organization": organization, "run": run,
                                                "body_html": mark_safe(_card_body(request, organization, run))})


def _card_body(request, organization, run) -> str:
    context = {"organization": organization, "run": run, "runs": selectors.run_list(request.user)[:50]}
    if run is None:
        return render_to_string("rating/_card_body.html", context, request=request)
    methodology = run.methodology.methodology
    result = run.results.filter(organization=organization).first()
    league_names = present.league_names(methodology)
    history = selectors.organization_history(request.user, organization.pk, methodology.code)
    context.update(
        result=result, methodology=methodology, league_names=league_names,
        league_name=league_names.get(result.league) if result and result.league else None,
        league_index=present.league_positions(methodology).get(result.league) if result and result.league else None,
        history=[{"year": h.run.year, "score": h.score, "rank": h.rank,
                  "league": league_names.get(h.league or "", h.league), "run": h.run} for h in history],
        history_chart={"years": [h.run.year for h in history], "scores": [h.score for h in history]},
        scale=methodology.scale, decimals=present.score_decimals(methodology),
    )
    if result is not None:
        medians = selectors.league_group_medians(run, result.league)
        context["radar"] = present.radar_data(methodology, result, medians)
        context["radar"]["labels"] = {"own": organization.name,
                                      "median": _("Median of the league") if result.league else ""}
        context["groups"] = [{"name": present.group_names(methodology).get(code, code), "score": score,
                              "median": medians.get(code)} for code, score in result.groups.items()]
        context["inspect"] = access.may_inspect(request.user, organization)
        if context["inspect"]:
            context["details"] = _card_details(run, organization, result, methodology)
    return render_to_string("rating/_card_body.html", context, request=request)


@require_POST
def what_if(request, pk: int):
    organization = get_visible_or_404(request.user, Organization.objects.select_related("region"), pk=pk)
    if not access.may_inspect(request.user, organization):
        raise PermissionDenied(_("Only the organisation itself, its region and the ministry may simulate its rating."))
    run = selectors.choose_run(request.user, request.POST.get("run"))
    if run is None:
        raise Http404("No rating run.")
    methodology = run.methodology.methodology
    inputs = selectors.result_inputs(run, organization.pk) or {}
    changes = {}
    for indicator in methodology.indicators:
        field = f"v_{indicator.code}"
        if field in request.POST:
            raw = request.POST[field].strip()
            if raw == present.input_value(inputs.get(indicator.code)):
                continue  # as shown: unchanged
            changes[indicator.code] = raw if raw != "" else None
    context = {"organization": organization, "run": run, "league_names": present.league_names(methodology),
               "decimals": present.score_decimals(methodology)}
    if not changes:
        context["unchanged"] = True
        return render(request, "rating/_what_if_result.html", context)
    try:
        outcome = services.organization_what_if(run, organization, changes)
    except ValidationError as error:
        names = present.indicator_names(methodology)
        context["errors"] = [
            f"{names.get(field.removeprefix('changes.'), field)}: {'; '.join(messages_)}"
            for field, messages_ in error.message_dict.items()
        ]
    else:
        context["outcome"] = outcome
        context["changed"] = [
            {"name": present.indicator_names(methodology)[code], "before": inputs.get(code), "after": value}
            for code, value in outcome.changes.items() if inputs.get(code) != value
        ]
        context["n_rated"] = outcome.result.statistics.n_rated
    return render(request, "rating/_what_if_result.html", context)


def methodology(request):
    version = None
    raw = request.GET.get("version")
    if raw:
        try:
            version = MethodologyVersion.objects.filter(pk=int(raw)).first()
        except ValueError:
            version = None
        if version is None:
            raise Http404("No such methodology version.")
    run = selectors.default_run(request.user)
    if version is None:
        version = run.methodology if run is not None else MethodologyVersion.objects.order_by("-created_at").first()
    context = {"version": version, "versions": selectors.methodology_list()}
    if version is not None:
        outline = present.methodology_outline(version.methodology)
        context["outline"] = outline
        if run is not None and run.methodology_id == version.pk:
            summary = run.summary
            names = present.indicator_names(version.methodology)
            context["run"] = run
            sensitivity = {s["indicator"]: s for s in summary.get("sensitivity", [])}
            context["has_sensitivity"] = bool(sensitivity)
            context["checks"] = [{"name": names.get(code, code), "share": share, "sensitivity": sensitivity.get(code)}
                                 for code, share in summary.get("availability", {}).items()]
            context["redundant"] = [{"first": names.get(p["first"], p["first"]),
                                     "second": names.get(p["second"], p["second"]), "r": p["correlation"]}
                                    for p in summary.get("redundant_pairs", [])]
    return render(request, "rating/methodology.html", context)


def compare(request):
    runs = list(selectors.run_list(request.user)[:100])
    by_id = {run.pk: run for run in runs}

    def pick(name: str) -> RatingRun | None:
        raw = request.GET.get(name)
        if not raw:
            return None
        try:
            return by_id.get(int(raw)) or selectors.run_get(request.user, int(raw))
        except ValueError:
            raise Http404("No such rating run.") from None

    run_b = pick("b") or selectors.default_run(request.user)
    run_a = pick("a")
    if run_a is None and run_b is not None:
        older = [r for r in runs if r.pk != run_b.pk and r.methodology.code == run_b.methodology.code
                 and (r.is_published or not run_b.is_published)]
        older.sort(key=lambda r: (r.year != run_b.year - 1, -r.year, -r.created_at.timestamp()))
        run_a = older[0] if older else None
    context = {"runs": runs, "run_a": run_a, "run_b": run_b}
    if run_a is not None and run_b is not None:
        comparison = selectors.run_comparison(run_a, run_b)
        names_b = present.league_names(run_b.methodology.methodology)
        names_a = present.league_names(run_a.methodology.methodology)
        moved = [m for m in comparison["moves"] if m.direction != 0]
        moved.sort(key=lambda m: (-m.direction, m.rank_b or 10**9))
        show = request.GET.get("show", "moved")
        listed = comparison["moves"] if show == "all" else moved
        page = Paginator(listed, PER_PAGE).get_page(request.GET.get("page"))
        organizations = Organization.objects.select_related("region").in_bulk([m.organization_id for m in page])
        league_codes = list(run_b.methodology.methodology.league_codes)
        extra = [c for c in run_a.methodology.methodology.league_codes if c not in league_codes]
        codes = [*league_codes, *extra, None]

        def label(code):
            if code is None:
                return _("not rated")
            return names_b.get(code) or names_a.get(code) or code

        context.update(
            comparison=comparison, page=page, show=show, query=_query_without(request, "page"),
            rows=[{"move": m, "organization": organizations.get(m.organization_id), "from": label(m.league_a),
                   "to": label(m.league_b)} for m in page],
            matrix={"codes": [label(c) for c in codes],
                    "rows": [{"label": label(a), "cells": [comparison["matrix"].get((a, b), 0) for b in codes]}
                             for a in codes]},
        )
    return render(request, "rating/compare.html", context)


def runs(request):
    page = Paginator(selectors.run_list(request.user), PER_PAGE).get_page(request.GET.get("page"))
    methodologies = sorted({p.stem for p in services.METHODOLOGY_DIR.glob("*.yaml")})
    return render(request, "rating/runs.html", {
        "page": page, "query": "", "is_ministry": access.is_ministry(request.user),
        "methodologies": methodologies, "default_methodology": services.DEFAULT_METHODOLOGY,
        "default_seed": services.DEFAULT_SEED,
    })


@login_required
@require_POST
def run_create(request):
    if not access.is_ministry(request.user):
        raise PermissionDenied(_("Only the ministry may create, publish or delete rating runs."))
    p = request.POST
    try:
        run = services.rating_run_create(actor=request.user, year=p.get("year", ""),
                                         methodology_code=p.get("methodology", services.DEFAULT_METHODOLOGY),
                                         uncertainty=p.get("uncertainty") or 0,
                                         seed=p.get("seed") or services.DEFAULT_SEED)
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            messages.error(request, f"{field}: {'; '.join(problems)}")
        return redirect("rating:runs")
    messages.success(request, _("Draft run #%(id)s computed. Check it, then publish it.") % {"id": run.pk})
    return redirect(f"{reverse('rating:league_table')}?run={run.pk}")


@login_required
@require_POST
def run_publish(request, pk: int):
    run = selectors.run_get(request.user, pk)
    try:
        services.rating_run_publish(actor=request.user, run=run)
    except PublishedRunError:
        messages.error(request, _("This run is already published; a published run never changes."))
    else:
        messages.success(request, _("Run #%(id)s is published.") % {"id": run.pk})
    return redirect("rating:runs")


@login_required
@require_POST
def run_delete(request, pk: int):
    run = selectors.run_get(request.user, pk)
    try:
        services.rating_run_delete(actor=request.user, run=run)
    except PublishedRunError:
        messages.error(request, _("A published run cannot be changed or deleted."))
    else:
        messages.success(request, _("Draft run #%(id)s deleted.") % {"id": pk})
    return redirect("rating:runs")
