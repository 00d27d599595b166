"""Demo data for director KPIs and incentive funding.

Scorecards are computed from the demo's published rating runs, which ``make demo`` publishes *after*
``smarttvet demo`` (``rating run --year 2024/2025 --publish``): so ``generate`` builds them only when published runs
already exist (a later regeneration), and ``make demo`` runs ``smarttvet kpi demo`` after the ratings. Both call
:func:`build`:

* the scorecards of every year with a published run of the KPI set's methodology (``services.scorecards_compute``);
* sign-offs, deterministic: the Turkistan department (user ``region``) signs off its organisations' scorecards,
  the ministry (user ``ministry``) the others' - except, in the latest year, every fifth organisation (by id),
  which stays awaiting sign-off, and the first of those, which is returned with a comment;
* three incentive scenarios of the latest year: a base one (20 million tenge per scorecard, threshold 0.5, cap
  30 million per organisation), one split by league (a leader's scorecard weighs 1.5 times a backbone one) and
  a stricter one (threshold 0.7).

Idempotent: computing again changes nothing; signed-off scorecards stay signed off; scenarios are replaced.
``clear`` deletes scorecards, their history and scenarios (the KPI set is reference data and stays).
"""

from __future__ import annotations

PER_ORGANISATION = 20_000_000  # tenge of the demo pool per scorecard of the year (the pool follows the scale)
CAP = 30_000_000  # tenge per organisation: a few of the best-attaining directors reach it


def scenarios(counts: dict[str, int]) -> list[tuple[str, dict]]:
    """The demo scenarios for the scorecards of the year (``{league: count}``): a base one, one split by league
    (a leader's scorecard weighs 1.5 times a backbone one) and a stricter one."""
    n = sum(counts.values())
    pool = PER_ORGANISATION * max(n, 1)
    weighted = 1.5 * counts.get("leaders", 0) + counts.get("backbone", 0)
    leaders = int(pool * 1.5 * counts.get("leaders", 0) / weighted) if weighted else pool // 2
    return [
        ("base", dict(pool=pool, threshold=0.5, cap=CAP)),
        ("by league", dict(pool=pool, threshold=0.5, cap=CAP, league_pools=f"1={leaders},2={pool - leaders}")),
        ("strict", dict(pool=pool, threshold=0.7, cap=CAP)),
    ]


ACTOR = "demo generator"


def _user(username: str):
    from smarttvet.accounts.models import User

    return User.objects.filter(username=username).first()


def build() -> str:
    """Scorecards, sign-offs and scenarios (see the module's description); a one-line summary."""
    from smarttvet.kpi import services
    from smarttvet.kpi.models import Scorecard
    from smarttvet.rating.models import RatingRun

    years = sorted(set(RatingRun.objects.filter(status=RatingRun.Status.PUBLISHED,
                                                methodology__code=services.default_spec()["methodology"])
                       .values_list("year", flat=True)))
    if not years:
        return "no published rating run: nothing to do"  # and nothing written, not even the KPI set
    kpi_set = services.kpi_set_load(actor=ACTOR)
    ministry, region = _user("ministry") or ACTOR, _user("region")
    region_id = region.role_assignments.filter(role="region").values_list("region_id", flat=True).first() \
        if region else None
    counts = []
    for year in years:
        summary = services.scorecards_compute(actor=ACTOR, year=year)
        pending = list(Scorecard.objects.filter(pk__in=summary.scorecards, status=Scorecard.Status.PENDING)
                       .select_related("organization").order_by("organization_id"))
        held = [c for c in pending if year == years[-1] and c.organization_id % 5 == 0]
        for card in pending:
            if card in held:
                continue
            signer = region if region is not None and card.organization.region_id == region_id else ministry
            services.scorecard_decide(actor=signer, card=card, decision="sign_off",
                                      comment="Demo: checked against the published rating.")
        returned = Scorecard.objects.filter(year=year, status=Scorecard.Status.RETURNED).exists()
        if held and not returned:
            first = held[0]
            if first.status == Scorecard.Status.PENDING:
                services.scorecard_decide(actor=ministry, card=first, decision="return",
                                          comment="Demo: the development plan's actuals are to be confirmed.")
        counts.append(f"{year}: {summary.total} scorecards")
    latest = years[-1]
    from django.db.models import Count

    by_league = dict(Scorecard.objects.filter(year=latest, version=1).values_list("league")
                     .annotate(n=Count("id")).order_by())
    chosen = scenarios(by_league)
    for name, values in chosen:
        params = services.check_params(year=latest, leagues=list(kpi_set.leagues), **values)
        services.scenario_save(actor=ministry, name=name, params=params)
    return "; ".join(counts) + f"; {len(chosen)} incentive scenarios of {latest}"


def generate(ctx) -> None:
    """Build the KPI data when published rating runs exist already (see the module's description)."""
    build()


def clear() -> None:
    from smarttvet.kpi.services import kpi_clear_for_demo

    kpi_clear_for_demo()
