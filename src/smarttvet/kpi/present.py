"""Texts a person reads about scorecards and payments, in the active language (pages, API, XLSX, CLI)."""

from __future__ import annotations

from fractions import Fraction

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smarttvet.kpi import incentives
from smarttvet.kpi.services import NOT_SIGNED_OFF

MISSING = {
    "not_rated": gettext_lazy("the organisation was not rated in the run"),
    "no_group": gettext_lazy("the run has no score of this pillar"),
    "no_indicator": gettext_lazy("the indicator was missing in the run"),
    "no_measure": gettext_lazy("the measure has no value for the year"),
    "no_plan": gettext_lazy("no active development plan covers the year"),
    "no_plan_data": gettext_lazy("no plan indicator has a target and an actual of the year"),
}

REASONS = {
    incentives.NO_ATTAINMENT: gettext_lazy("no overall attainment: too few KPIs with data"),
    incentives.BELOW_THRESHOLD: gettext_lazy("attainment below the threshold"),
    incentives.NO_POOL: gettext_lazy("the league has no pool"),
    NOT_SIGNED_OFF: gettext_lazy("the scorecard is not signed off yet"),
}


def league_names(versions) -> dict[tuple[int, str], str]:
    """``{(methodology version id, league code): name in the active language}`` of rating methodology versions
    (a version whose YAML does not parse names nothing: the code is shown instead)."""
    from smarttvet.rating.present import league_names as names_of

    result = {}
    for version in versions:
        try:
            names = names_of(version.methodology)
        except Exception:  # noqa: BLE001 - a stored methodology that no longer parses: show the codes
            continue
        result.update({(version.pk, code): name for code, name in names.items() if name})
    return result


def label_leagues(cards) -> None:
    """Set ``league_label`` on each scorecard: the league's name in its run's methodology (two queries)."""
    from smarttvet.rating.models import MethodologyVersion, RatingRun

    cards = list(cards)
    run_ids = {c.rating_run_id for c in cards}
    run_version = dict(RatingRun.objects.filter(pk__in=run_ids).values_list("pk", "methodology_id")) if run_ids \
        else {}
    names = league_names(MethodologyVersion.objects.filter(pk__in=set(run_version.values()))) if run_version else {}
    for card in cards:
        card.league_label = names.get((run_version.get(card.rating_run_id), card.league), card.league)


def spec_league_names(methodology_code: str, leagues) -> dict[str, str]:
    """``{league code: name in the active language}`` for the KPI set's leagues, from the newest stored version of
    its rating methodology (the code itself when none is stored or it names nothing)."""
    from smarttvet.rating.models import MethodologyVersion

    newest = MethodologyVersion.objects.filter(code=methodology_code).order_by("-created_at", "-pk")[:1]
    names = {code: name for (_v, code), name in league_names(newest).items()}
    return {code: names.get(code, code) for code in leagues}


def missing_text(code: str) -> str:
    return str(MISSING.get(code, code))


def reason_text(code: str) -> str:
    return str(REASONS.get(code, code))


def source_text(source: str) -> str:
    kind, _sep, arg = source.partition(":")
    labels = {
        "rating.score": _("rating: composite score"),
        "rating.group": _("rating: pillar %(code)s") % {"code": arg},
        "rating.indicator": _("rating: indicator %(code)s") % {"code": arg},
        "measure": _("measure %(code)s") % {"code": arg},
        "plan.on_track_share": _("development plan: indicators achieved or on track"),
    }
    return labels.get(kind, source)


def tenge(value: int | Fraction | float) -> str:
    """A sum in tenge with thin spaces between thousands (fractions to two decimals)."""
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f")
    return f"{float(value):,.2f}".replace(",", "\u202f")


def percent(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def explanation(row, params) -> str:
    """One organisation's payment explained: attainment, eligibility, base share, cap and redistribution,
    rounding."""
    p = row.payment
    parts = [_("Attainment %(a)s.") % {"a": percent(p.attainment)}]
    if row.reason:
        parts.append(_("Not eligible: %(reason)s.") % {"reason": reason_text(row.reason)})
        if row.reason == incentives.BELOW_THRESHOLD:
            parts.append(_("The threshold is %(t)s.") % {"t": percent(params.threshold)})
        parts.append(_("Payment 0 tenge."))
        return " ".join(parts)
    parts.append(_("Eligible (threshold %(t)s).") % {"t": percent(params.threshold)})
    parts.append(_("Base share of the pool in proportion to attainment: %(base)s tenge.")
                 % {"base": tenge(p.base_share)})
    if p.capped:
        parts.append(_("Capped at %(cap)s tenge; %(cut)s tenge went to the others.")
                     % {"cap": tenge(params.cap), "cut": tenge(-p.redistribution)})
    elif p.redistribution > 0:
        parts.append(_("Plus %(gain)s tenge redistributed from capped organisations.")
                     % {"gain": tenge(p.redistribution)})
    if p.rounded_up:
        parts.append(_("Rounded up to whole tenge (largest remainder)."))
    elif p.rounding:
        parts.append(_("Rounded down to whole tenge."))
    parts.append(_("Payment %(amount)s tenge.") % {"amount": tenge(p.amount)})
    return " ".join(parts)
