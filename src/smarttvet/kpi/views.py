"""KPI pages: scorecards (list, one scorecard with its inputs, versions and history, the sign-off form), the KPI
sets, and the ministry's incentive funding (parameters, payments with explanations, XLSX, named scenarios and
their side-by-side comparison). Thin: selectors read, services write.

Login required. A scorecard outside the user's scope does not exist (404); the sign-off form is the supervising
body's (403 for others); the incentive pages are the ministry's (403 for others).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from smarttvet.kpi import access, exports, present, selectors, services
from smarttvet.kpi.models import IncentiveScenario, Scorecard
from smarttvet.registry.models import Region

PER_PAGE = 50
MAX_COMPARED = 6


def _int(value) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) == 4 else None


@login_required
def scorecard_list(request):
    g = request.GET
    years = selectors.years(request.user)
    year = _int(g.get("year")) or (years[0] if years else None)
    status = g.get("status", "")
    filters = selectors.ScorecardFilters(
        year=year, status=status if status in Scorecard.Status.values else "", league=g.get("league", "")[:64],
        region=g.get("region", ""), q=g.get("q", "")[:100])
    cards = selectors.scorecard_list(request.user, filters)
    page = Paginator(cards, PER_PAGE).get_page(g.get("page"))
    present.label_leagues(page.object_list)
    query = g.copy()
    query.pop("page", None)
    spec = services.default_spec()
    may_compute = access.is_ministry(request.user)
    return render(request, "kpi/scorecard_list.html", {
        "page": page, "query": query.urlencode(), "filters": filters, "years": years, "year": year,
        "statuses": Scorecard.Status.choices, "regions": Region.objects.order_by("kato"),
        "counts": selectors.status_counts(request.user, year) if year else {},
        "may_compute": may_compute,
        "leagues": present.spec_league_names(spec["methodology"], spec["leagues"]).items(),
        "compute_years": _rating_years(spec["methodology"]) if may_compute else [],
    })


def _rating_years(methodology_code: str) -> list[int]:
    from smarttvet.rating.models import RatingRun

    return sorted(set(RatingRun.objects.filter(status=RatingRun.Status.PUBLISHED,
                                               methodology__code=methodology_code)
                      .values_list("year", flat=True)), reverse=True)


@login_required
@require_POST
def scorecards_compute(request):
    access.require_ministry(request.user)
    try:
        summary = services.scorecards_compute(actor=request.user, year=request.POST.get("year", ""))
    except ValidationError as error:
        for problems in error.message_dict.values():
            for problem in problems:
                messages.error(request, problem)
        return redirect(reverse("kpi:list"))
    messages.success(request, _("%(year)s: %(total)s scorecards - %(created)s new, %(updated)s updated, "
                                "%(versions)s new versions, %(unchanged)s unchanged.")
                     % {"year": summary.year, "total": summary.total, "created": summary.created,
                        "updated": summary.updated, "versions": summary.new_versions,
                        "unchanged": summary.unchanged})
    return redirect(f"{reverse('kpi:list')}?year={summary.year}")


def _kpi_rows(card: Scorecard) -> list[dict]:
    names = {i.code: i for i in card.kpi_set.indicators.all()}
    rows = []
    for row in card.inputs:
        indicator = names.get(row["code"])
        rows.append({**row, "name": indicator.name if indicator else row["code"],
                     "unit": indicator.unit if indicator else "", "source_text": present.source_text(row["source"]),
                     "missing_text": present.missing_text(row["missing"]) if row.get("missing") else "",
                     "percent": None if row["attainment"] is None else round(100 * row["attainment"], 1),
                     "used_percent": None if row.get("used_weight") is None else round(100 * row["used_weight"], 1)})
    return rows


@login_required
def scorecard_detail(request, pk: int):
    card = selectors.scorecard_get(request.user, pk)
    versions = selectors.scorecard_versions(card)
    rows = _kpi_rows(card)
    present.label_leagues([card])
    role = access.supervising_role(request.user, card.organization)
    may_decide = role is not None and not card.is_locked and versions and versions[0].pk == card.pk
    check = services.scorecard_recompute(card)
    chart = {"labels": [r["name"] for r in rows], "values": [r["percent"] for r in rows],
             "missing": [bool(r.get("missing")) for r in rows]}
    return render(request, "kpi/scorecard_detail.html", {
        "card": card, "rows": rows, "versions": versions, "events": selectors.scorecard_events(card),
        "may_decide": may_decide, "role": role, "check": check, "chart": chart,
        "latest": versions[0] if versions else card,
    })


@login_required
@require_POST
def scorecard_decide(request, pk: int):
    card = selectors.scorecard_get(request.user, pk)
    try:
        services.scorecard_decide(actor=request.user, card=card, decision=request.POST.get("decision", ""),
                                  comment=request.POST.get("comment", ""))
    except ValidationError as error:
        for problems in error.message_dict.values():
            for problem in problems:
                messages.error(request, problem)
    else:
        messages.success(request, _("Decision recorded."))
    return redirect(reverse("kpi:detail", args=[card.pk]))


@login_required
def kpi_sets(request):
    return render(request, "kpi/sets.html", {"sets": selectors.kpi_sets()})


# ---------------------------------------------------------------------------------------- incentives
class IncentivesForm(forms.Form):
    year = forms.CharField(label=gettext_lazy("Year"), max_length=4)
    pool = forms.CharField(label=gettext_lazy("Pool, tenge"), max_length=24)
    league_pools = forms.CharField(label=gettext_lazy("Pools per league"), max_length=200, required=False,
                                   help_text=gettext_lazy("For example 1=600000000,2=400000000 (1 = leaders, "
                                                          "2 = backbone); they must sum to the pool"))
    threshold = forms.CharField(label=gettext_lazy("Attainment threshold"), max_length=10, initial="0.5")
    cap = forms.CharField(label=gettext_lazy("Cap per organisation, tenge"), max_length=24, required=False)
    include_unsigned = forms.BooleanField(label=gettext_lazy("Include scorecards not signed off"), required=False)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["params"] = services.check_params(
                year=data["year"], pool=data["pool"], threshold=data.get("threshold"), cap=data.get("cap"),
                league_pools=data.get("league_pools"), include_unsigned=data.get("include_unsigned", False))
            data["result"] = services.allocation_for(data["params"])
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                name = name.split(".")[0]
                for problem in problems:
                    self.add_error(name if name in self.fields else None, problem)
        return data


def _form_from_scenario(scenario: IncentiveScenario) -> dict:
    order = {code: n for n, code in enumerate(services.default_spec()["leagues"], start=1)}
    pools = ",".join(f"{order.get(k, k)}={v}" for k, v in (scenario.league_pools or {}).items())  # 1=..., as typed
    return {"year": str(scenario.year), "pool": str(scenario.pool), "threshold": str(scenario.threshold),
            "cap": "" if scenario.cap is None else str(scenario.cap), "league_pools": pools,
            "include_unsigned": scenario.include_unsigned}


@login_required
def incentives(request):
    """GET with parameters: the payments; POST ``save``: store the parameters as a named scenario."""
    access.require_ministry(request.user)
    source = request.POST if request.method == "POST" else request.GET
    scenario_id = request.GET.get("scenario", "")
    if request.method == "GET" and scenario_id.isdigit():
        scenario = selectors.scenarios(request.user).filter(pk=int(scenario_id)).first()
        form = IncentivesForm(_form_from_scenario(scenario)) if scenario else IncentivesForm()
    else:
        form = IncentivesForm(source) if "pool" in source else IncentivesForm(initial=_initial(request.user))
    result = None
    if form.is_bound and form.is_valid():
        result = form.cleaned_data["result"]
        if request.method == "POST":
            try:
                services.scenario_save(actor=request.user, name=request.POST.get("name", ""),
                                       params=form.cleaned_data["params"])
            except ValidationError as error:
                for problems in error.message_dict.values():
                    for problem in problems:
                        messages.error(request, problem)
            else:
                messages.success(request, _("Scenario saved."))
                return redirect(f"{reverse('kpi:incentives')}?year={result.params.year}")
    if result:
        present.label_leagues([r.card for r in result.rows])
    rows = [{"row": r, "explanation": present.explanation(r, result.params),
             "reason": present.reason_text(r.reason) if r.reason else ""} for r in result.rows] if result else []
    query = request.GET.copy()
    year = _int(request.GET.get("year")) or (result.params.year if result else None)
    return render(request, "kpi/incentives.html", {
        "form": form, "result": result, "rows": rows, "query": query.urlencode(),
        "scenarios": _named_pools(selectors.scenarios(request.user, year)), "year": year,
    })


def _named_pools(scenarios) -> list:
    """The scenarios, each with ``named_pools``: its pools per league as (league name, amount)."""
    scenarios = list(scenarios)
    spec = services.default_spec()
    names = present.spec_league_names(spec["methodology"], spec["leagues"])
    for scenario in scenarios:
        scenario.named_pools = [(names.get(code, code), amount) for code, amount in scenario.league_pools.items()]
    return scenarios


def _initial(user) -> dict:
    years = selectors.years(user)
    return {"year": str(years[0]) if years else "", "threshold": "0.5"}


def _xlsx(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def incentives_xlsx(request):
    access.require_ministry(request.user)
    form = IncentivesForm(request.GET)
    if not form.is_valid():
        return HttpResponse(_("Invalid parameters: %(errors)s") % {"errors": form.errors.as_text()}, status=400,
                            content_type="text/plain; charset=utf-8")
    result = form.cleaned_data["result"]
    language = (request.LANGUAGE_CODE or "ru")[:2]
    return _xlsx(exports.payments_xlsx(result, language), f"kpi-incentives-{result.params.year}-{language}.xlsx")


@login_required
def compare(request):
    """Named scenarios of a year side by side (``?scenario=ID`` repeated; ``&export=xlsx`` for the file)."""
    access.require_ministry(request.user)
    ids = [int(v) for v in request.GET.getlist("scenario") if v.isdigit()][:MAX_COMPARED]
    chosen = list(selectors.scenarios(request.user).filter(pk__in=ids).order_by("year", "name"))
    if len({s.year for s in chosen}) > 1:
        messages.error(request, _("Compare scenarios of one year."))
        chosen = [s for s in chosen if s.year == chosen[0].year]
    results = []
    for scenario in chosen:
        try:
            results.append((scenario, services.allocation_for(services.scenario_params(scenario))))
        except ValidationError as error:
            for problems in error.message_dict.values():
                for problem in problems:
                    messages.error(request, f"{scenario.name}: {problem}")
    if request.GET.get("export") == "xlsx" and results:
        language = (request.LANGUAGE_CODE or "ru")[:2]
        body = exports.payments_xlsx(results[0][1], language,
                                     comparison=[(s.name, r) for s, r in results])
        return _xlsx(body, f"kpi-scenarios-{results[0][1].params.year}-{language}.xlsx")
    table = []
    if results:
        present.label_leagues([r.card for r in results[0][1].rows])
        amounts = [{r.card.organization_id: r.payment.amount for r in res.rows} for _s, res in results]
        for row in results[0][1].rows:
            table.append({"card": row.card, "attainment": row.payment.attainment,
                          "amounts": [a.get(row.card.organization_id, 0) for a in amounts]})
    chart = {"names": [s.name for s, _r in results], "totals": [r.total for _s, r in results],
             "pools": [r.params.pool for _s, r in results], "paid": [r.paid_count for _s, r in results]}
    query = request.GET.copy()
    query.pop("export", None)
    return render(request, "kpi/compare.html", {
        "results": results, "table": table, "chart": chart, "query": query.urlencode(),
        "year": chosen[0].year if chosen else None,
    })


@login_required
@require_POST
def scenario_delete(request, pk: int):
    access.require_ministry(request.user)
    scenario = selectors.scenarios(request.user).filter(pk=pk).first()
    if scenario is None:
        raise PermissionDenied(_("Only the ministry does this."))
    year = scenario.year
    services.scenario_delete(actor=request.user, scenario=scenario)
    messages.success(request, _("Scenario deleted."))
    return redirect(f"{reverse('kpi:incentives')}?year={year}")
