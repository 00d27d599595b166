"""Director KPIs and incentive funding API under /api/v1/kpi/. Thin: selectors read, services write. Every route
needs a login (401 otherwise). Scorecards are scoped (outside the scope: 404); payments of a year list only the
organisations in the caller's scope; scenarios are the ministry's (403 for others); bad input answers 422 with
the errors by field."""

import datetime as dt

from ninja import Field, Query, Router, Schema
from ninja.security import django_auth

from smarttvet.accounts.scoping import scope_q
from smarttvet.core.pagination import PageNumberPagination, paginate
from smarttvet.kpi import access, present, selectors, services
from smarttvet.kpi.models import Scorecard

router = Router(tags=["kpi"], auth=django_auth)


class OrganizationRef(Schema):
    id: int
    bin: str
    name_kk: str
    name_ru: str
    name_en: str
    region_id: int


class ScorecardOut(Schema):
    id: int
    organization: OrganizationRef
    year: int
    version: int
    league: str
    director_name: str = Field(description="empty: no director on record, the organisation's own scorecard")
    attainment: float | None = Field(description="overall attainment (1 = every KPI at its target); null: "
                                                 "too few KPIs with data")
    coverage: float = Field(description="share of the KPI weight with data")
    status: str = Field(description="pending, signed_off or returned")
    rating_run_id: int
    kpi_set: str
    computed_at: dt.datetime
    signed_off_at: dt.datetime | None

    @staticmethod
    def resolve_kpi_set(obj) -> str:
        return str(obj.kpi_set)


class KpiRowOut(Schema):
    code: str
    source: str
    value: float | None
    missing: str = Field(description="why there is no value (a code), empty when there is one")
    direction: str
    threshold: float
    target: float
    weight: float
    used_weight: float | None = Field(description="the weight after rescaling over the KPIs with data")
    attainment: float | None
    ref: dict = Field(description="where the value came from: rating run, pillar, indicator, measure or plan")


class EventOut(Schema):
    at: dt.datetime
    version: int
    action: str
    actor: str
    role: str
    comment: str


class ScorecardDetailOut(ScorecardOut):
    inputs_hash: str
    kpis: list[KpiRowOut]
    recomputed_matches: bool = Field(description="the stored inputs give the stored attainment again")
    history: list[EventOut]


class ScorecardFilterIn(Schema):
    year: int | None = None
    status: Scorecard.Status | None = None
    league: str = ""
    region: str = Field("", description="KATO code, 2-digit KATO prefix or ISO code")
    all_versions: bool = False


class DecisionIn(Schema):
    decision: str = Field(description="sign_off or return")
    comment: str = ""


class PaymentOut(Schema):
    organization_id: int
    bin: str
    league: str
    scorecard_id: int
    scorecard_version: int
    attainment: float | None
    eligible: bool
    reason: str = Field(description="why nothing is paid (a code): no_attainment, below_threshold, no_pool, "
                                    "not_signed_off")
    base_share: float
    before_rounding: float
    capped: bool
    amount: int = Field(description="whole tenge")
    explanation: str


class PaymentsOut(Schema):
    year: int
    scenario: str
    pool: int
    threshold: float
    cap: int | None
    league_pools: dict[str, int] | None
    total_paid: int = Field(description="over every organisation, also outside the caller's scope")
    unspent: int
    payments: list[PaymentOut] = Field(description="the organisations in the caller's scope")


class ScenarioIn(Schema):
    year: int
    pool: int = Field(description="whole tenge, not negative")
    threshold: float = 0.5
    cap: int | None = None
    league_pools: dict[str, int] | None = Field(None, description="{league code or number: tenge}; must sum to "
                                                                  "the pool")
    include_unsigned: bool = False
    save_as: str | None = Field(None, description="store the parameters under this name")


class ScenarioOut(Schema):
    id: int
    year: int
    name: str
    pool: int
    threshold: float
    cap: int | None
    league_pools: dict
    include_unsigned: bool


class ErrorOut(Schema):
    detail: str


def _payments(result, scenario_name: str, user) -> dict:
    visible_ids = set()
    if result.rows:
        from smarttvet.registry.models import Organization

        ids = [r.card.organization_id for r in result.rows]
        visible_ids = set(Organization.objects.filter(pk__in=ids).filter(_org_scope(user))
                          .values_list("pk", flat=True))
    p = result.params
    return {
        "year": p.year, "scenario": scenario_name, "pool": p.pool, "threshold": p.threshold, "cap": p.cap,
        "league_pools": p.league_pools, "total_paid": result.total, "unspent": result.allocation.unspent,
        "payments": [{
            "organization_id": r.card.organization_id, "bin": r.card.organization.bin, "league": r.card.league,
            "scorecard_id": r.card.pk, "scorecard_version": r.card.version, "attainment": r.payment.attainment,
            "eligible": not r.reason, "reason": r.reason, "base_share": float(r.payment.base_share),
            "before_rounding": float(r.payment.before_rounding), "capped": r.payment.capped,
            "amount": r.payment.amount, "explanation": present.explanation(r, p),
        } for r in result.rows if r.card.organization_id in visible_ids],
    }


def _org_scope(user):
    """Organisations whose scorecards ``user`` may read (the scorecard's scope, by organisation)."""
    from django.db.models import Q

    q = scope_q(user, Scorecard)
    if not q:  # everything
        return Q()
    ids = Scorecard.objects.filter(q).values("organization_id")
    return Q(pk__in=ids)


@router.get("/scorecards", response=list[ScorecardOut], summary="KPI scorecards in the caller's scope (the latest "
            "version per organisation and year unless all_versions)")
@paginate(PageNumberPagination)
def list_scorecards(request, filters: Query[ScorecardFilterIn]):
    return selectors.scorecard_list(request.user, selectors.ScorecardFilters(
        year=filters.year, status=filters.status or "", league=filters.league, region=filters.region,
        all_versions=filters.all_versions))


def _detail(card: Scorecard) -> Scorecard:
    check = services.scorecard_recompute(card)
    card.kpis = card.inputs
    card.recomputed_matches = check["matches"]
    card.history = [{"at": e.at, "version": e.scorecard.version, "action": e.action, "actor": e.actor_label,
                     "role": e.role, "comment": e.comment} for e in selectors.scorecard_events(card)]
    return card


@router.get("/scorecards/{scorecard_id}", response=ScorecardDetailOut,
            summary="One scorecard: each KPI's value, source, threshold, target, weight and attainment; history")
def get_scorecard(request, scorecard_id: int):
    return _detail(selectors.scorecard_get(request.user, scorecard_id))


@router.post("/scorecards/{scorecard_id}/decision", response={200: ScorecardDetailOut, 403: ErrorOut},
             summary="Sign off or return a scorecard (the supervising body: the ministry, or the region)")
def decide(request, scorecard_id: int, payload: DecisionIn):
    card = selectors.scorecard_get(request.user, scorecard_id)
    card = services.scorecard_decide(actor=request.user, card=card, decision=payload.decision,
                                     comment=payload.comment)
    return _detail(selectors.scorecard_get(request.user, card.pk))


@router.get("/payments", response=PaymentsOut,
            summary="Incentive payments of a year under a named scenario, for the organisations in scope")
def payments(request, year: int, scenario: str):
    from smarttvet.kpi.models import IncentiveScenario

    stored = IncentiveScenario.objects.filter(year=year, name=scenario).first()
    if stored is None:
        from django.core.exceptions import ValidationError

        raise ValidationError({"scenario": [f"no scenario {scenario!r} of {year}"]})
    result = services.allocation_for(services.scenario_params(stored))
    return _payments(result, stored.name, request.user)


@router.get("/scenarios", response=list[ScenarioOut], summary="Stored incentive scenarios (the ministry)")
def list_scenarios(request, year: int | None = None):
    access.require_ministry(request.user)
    return list(selectors.scenarios(request.user, year))


@router.post("/scenarios/run", response={200: PaymentsOut, 403: ErrorOut},
             summary="Compute the payments of a year under the given parameters (and store them as a named "
                     "scenario with save_as); the ministry")
def run_scenario(request, payload: ScenarioIn):
    access.require_ministry(request.user)
    params = services.check_params(year=payload.year, pool=payload.pool, threshold=payload.threshold,
                                   cap=payload.cap, league_pools=payload.league_pools,
                                   include_unsigned=payload.include_unsigned)
    if payload.save_as is not None:
        services.check_name(payload.save_as)
    result = services.allocation_for(params)
    name = ""
    if payload.save_as is not None:
        name = services.scenario_save(actor=request.user, name=payload.save_as, params=params).name
    return _payments(result, name, request.user)
