"""Engine objects turned into plain data for the API and the pages (no database access).

``explanation_data`` and ``what_if_data`` give JSON-able dicts; ``methodology_outline`` describes a
methodology in plain words (indicators with their effective weights, groups, leagues, formulas), in the
active language.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from smarttvet.rating.engine import Explanation, Methodology, WhatIf
from smarttvet.rating.engine.aggregate import compile_structure


def language() -> str:
    code = (get_language() or "kk")[:2]
    return code if code in ("kk", "ru", "en") else "en"


def league_names(methodology: Methodology, lang: str | None = None) -> dict[str, str]:
    lang = lang or language()
    return {league.code: league.names.get(lang) for league in methodology.leagues}


def indicator_names(methodology: Methodology, lang: str | None = None) -> dict[str, str]:
    lang = lang or language()
    return {indicator.code: indicator.names.get(lang) for indicator in methodology.indicators}


def group_names(methodology: Methodology, lang: str | None = None) -> dict[str, str]:
    lang = lang or language()
    return {group.code: group.names.get(lang) if group.names else group.code for group in methodology.groups}


def _number(value: float | None) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def explanation_data(explanation: Explanation) -> dict:
    def comparison(c):
        if c is None:
            return None
        def gap(g):
            return {"indicator": g.indicator, "value": _number(g.value), "reference": _number(g.reference),
                    "impact": _number(g.impact)}

        return {"league": c.league, "n_units": c.n_units, "helps": [gap(g) for g in c.helps],
                "hurts": [gap(g) for g in c.hurts]}

    return {
        "rated": explanation.rated,
        "coverage": explanation.coverage,
        "league": explanation.league,
        "next_league": explanation.next_league,
        "own_league": comparison(explanation.own),
        "next_league_comparison": comparison(explanation.above),
        "required_changes": [
            {"indicator": c.indicator, "current": _number(c.current), "required": _number(c.required),
             "change": _number(c.change), "reachable": c.reachable,
             "note": None if c.reachable else "not reachable by this indicator alone"}
            for c in explanation.changes
        ],
    }


def what_if_data(organization_id: int, result: WhatIf) -> dict:
    def outcome(o):
        return {"score": _number(o.score), "rank": o.rank, "league": o.league}

    return {"organization_id": organization_id, "changes": result.changes, "before": outcome(result.before),
            "after": outcome(result.after), "n_rated": int(result.result.statistics.n_rated)}


# ---------------------------------------------------------------------------------------- methodology in words
@dataclass(frozen=True)
class IndicatorLine:
    code: str
    name: str
    unit: str
    direction: str
    group: str
    weight_in_group: float
    weight_in_index: float
    transform: str
    winsorisation: str
    normalisation: str
    missing: str

    @property
    def weight_in_index_percent(self) -> float:
        return 100 * self.weight_in_index


def _fmt(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def normalisation_words(indicator) -> str:
    spec = indicator.normalisation
    positive = indicator.direction == "positive"
    if spec.method == "goalposts":
        low, high = (spec.min, spec.max) if positive else (spec.max, spec.min)
        return _("goalposts: (value − %(worst)s) / (%(best)s − %(worst)s), cut to 0–1") % {
            "worst": _fmt(low), "best": _fmt(high)}
    if spec.method == "target":
        return _("distance to target: 1 at %(target)s or better, 0 at %(floor)s or worse, linear between") % {
            "target": _fmt(spec.target), "floor": _fmt(spec.floor)}
    if spec.method == "minmax":
        return _("min-max over the rated organisations: the best gets 1, the worst 0")
    if spec.method == "zscore":
        return _("z-score: distance from the mean in standard deviations")
    if spec.method == "rank":
        return _("rank among the rated organisations, scaled to 0–1")
    return spec.method


def missing_words(policy: str) -> str:
    return {
        "fail": _("required: an organisation without it cannot be rated"),
        "zero": _("counted as the worst value (0)"),
        "mean": _("replaced by the mean of the rated organisations"),
        "reweight": _("left out; its weight goes to the other members of its group"),
    }.get(policy, policy)


def methodology_outline(methodology: Methodology, lang: str | None = None) -> dict:
    """Indicators with their groups and weights, groups, leagues and formulas, in plain words."""
    lang = lang or language()
    structure = compile_structure(methodology)
    codes = structure.node_codes
    weights = structure.nominal_weights
    parent = structure.parent
    p = structure.n_indicators

    def index_weight(node: int) -> float:
        weight = 1.0
        while node != structure.root:
            weight *= float(weights[node])
            node = int(parent[node])
        return weight

    names = group_names(methodology, lang)
    indicators = []
    for j, indicator in enumerate(methodology.indicators):
        group_code = codes[int(parent[j])]
        w = indicator.winsorisation
        if w.method == "none":
            winsor = "—"
        elif w.method == "auto":
            winsor = _("automatic when skewed (skew > %(skew)s, kurtosis > %(kurtosis)s)") % {
                "skew": _fmt(w.skew or 2), "kurtosis": _fmt(w.kurtosis or 3.5)}
        else:
            winsor = _("clamped to the %(lower)s–%(upper)s quantiles") % {"lower": _fmt(w.lower),
                                                                           "upper": _fmt(w.upper)}
        indicators.append(IndicatorLine(
            code=indicator.code, name=indicator.names.get(lang), unit=indicator.unit,
            direction=_("higher is better") if indicator.direction == "positive" else _("lower is better"),
            group=names.get(group_code, group_code) if group_code != codes[-1] else "—",
            weight_in_group=float(weights[j]), weight_in_index=index_weight(j),
            transform=_("natural logarithm") if indicator.transform == "log" else "—",
            winsorisation=winsor, normalisation=normalisation_words(indicator),
            missing=missing_words(indicator.missing),
        ))
    groups = []
    for k, group in enumerate((*methodology.groups, methodology.index)):
        node = p + k
        members = structure.members[k]
        groups.append({
            "code": group.code if group is not methodology.index else (group.code or methodology.code),
            "name": (group.names.get(lang) if group.names else methodology.names.get(lang)),
            "is_index": group is methodology.index,
            "aggregation": group.aggregation,
            "formula": (_("weighted arithmetic mean of its members") if group.aggregation == "arithmetic"
                        else _("weighted geometric mean of its members")),
            "weight_in_index": index_weight(node) if node != structure.root else 1.0,
            "members": [{"code": codes[m], "weight": float(weights[m]),
                         "name": names.get(codes[m]) or indicator_names(methodology, lang).get(codes[m], codes[m])}
                        for m in members],
        })
    leagues = []
    for position, league in enumerate(methodology.leagues):
        conditions = []
        if league.min_score is not None:
            conditions.append(_("score at least %(score)s") % {"score": _fmt(league.min_score)})
        if league.top_share is not None:
            conditions.append(_("among the top %(share)s%% of the rated organisations") % {
                "share": _fmt(round(league.top_share * 100, 2))})
        for gate in league.gates:
            name = indicator_names(methodology, lang).get(gate.indicator, gate.indicator)
            if gate.at_least is not None:
                conditions.append(_("%(indicator)s at least %(value)s") % {"indicator": name,
                                                                            "value": _fmt(gate.at_least)})
            if gate.at_most is not None:
                conditions.append(_("%(indicator)s at most %(value)s") % {"indicator": name,
                                                                           "value": _fmt(gate.at_most)})
        if not conditions:
            conditions.append(_("every other rated organisation") if position == len(methodology.leagues) - 1
                              else _("no condition"))
        leagues.append({"code": league.code, "name": league.names.get(lang), "conditions": conditions})
    scale = methodology.scale
    return {
        "name": methodology.names.get(lang),
        "code": methodology.code,
        "version": methodology.version or "",
        "description": methodology.description or "",
        "scale_min": scale.min,
        "scale_max": scale.max,
        "decimals": scale.decimals,
        "minimum_coverage": methodology.minimum_coverage,
        "indicators": indicators,
        "groups": groups,
        "leagues": leagues,
        "uncertainty": methodology.uncertainty,
    }


BAR_WIDTH = 120  # px of the rank-interval and probability bars (SVG user units)


def score_decimals(methodology) -> int:
    """Decimals to show scores with: the methodology's rounding (ranks use it), at most 2."""
    decimals = methodology.scale.decimals
    return 2 if decimals is None else min(decimals, 2)


def league_positions(methodology) -> dict[str, int]:
    return {code: position for position, code in enumerate(methodology.league_codes)}


def league_row(result, n_rated: int, leagues: dict[str, int], names: dict[str, str]) -> dict:
    """A league-table row with the SVG geometry of its rank interval and league-probability bar."""
    row = {"result": result, "organization": result.organization, "league_name": names.get(result.league or "", ""),
           "league_index": leagues.get(result.league or "", None), "interval": None, "probabilities": []}
    span = max(n_rated - 1, 1)
    if result.rank is not None and result.rank_p05 is not None and result.rank_p95 is not None:
        x1 = (result.rank_p05 - 1) / span * BAR_WIDTH
        x2 = (result.rank_p95 - 1) / span * BAR_WIDTH
        row["interval"] = {"x": round(x1, 2), "width": round(max(x2 - x1, 2.0), 2),
                           "dot": round((result.rank - 1) / span * BAR_WIDTH, 2),
                           "p05": result.rank_p05, "p95": result.rank_p95, "median": result.rank_median}
    x = 0.0
    for code, p in result.probability_items():
        width = p * BAR_WIDTH
        if width > 0:
            row["probabilities"].append({"x": round(x, 2), "width": round(width, 2), "code": code,
                                         "index": leagues.get(code, 0), "name": names.get(code, code),
                                         "percent": round(100 * p)})
        x += width
    return row


def radar_data(methodology, result, medians: dict) -> dict:
    """Pillars (the index's members) of the organisation against its league's median."""
    groups = group_names(methodology)
    indicators = indicator_names(methodology)
    scale = methodology.scale
    pillars, own, median = [], [], []
    for member in methodology.index.members:
        code = member.code
        if code in groups:
            value = result.groups.get(code)
            reference = medians.get(code)
        else:
            normalised = result.normalised.get(code)
            value = None if normalised is None else scale.min + scale.span * normalised
            reference = None
        pillars.append({"name": groups.get(code) or indicators.get(code, code), "max": scale.max,
                        "min": scale.min})
        own.append(value)
        median.append(reference)
    return {"indicators": pillars, "own": own, "median": median}


def input_value(value: float | None) -> str:
    """A raw value as the what-if form shows it (a posted value equal to it counts as unchanged)."""
    if value is None:
        return ""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def input_step(low, high) -> str:
    if low is None or high is None or high <= low:
        return "any"
    return f"{(high - low) / 100:.6g}"
