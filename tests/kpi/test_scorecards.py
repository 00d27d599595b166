"""Scorecards: KPI attainment from platform data, the missing-data rule, determinism, versions, sign-off."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from smarttvet.kpi import scoring, services
from smarttvet.kpi.models import KpiSet, Scorecard, ScorecardEvent


def _card(org, version=None):
    qs = Scorecard.objects.filter(organization=org, year=2025)
    return qs.get(version=version) if version else qs.order_by("-version").first()


def test_attainment_rule_per_kpi():
    up = scoring.KpiRule("x", "increase", threshold=40, target=80, weight=1)
    assert scoring.kpi_attainment(up, 40) == 0
    assert scoring.kpi_attainment(up, 39.9) == 0
    assert scoring.kpi_attainment(up, 60) == 0.5
    assert scoring.kpi_attainment(up, 80) == 1
    assert scoring.kpi_attainment(up, 200) == 1.2
    assert scoring.kpi_attainment(up, None) is None
    down = scoring.KpiRule("d", "decrease", threshold=6, target=2, weight=1)
    assert scoring.kpi_attainment(down, 4) == 0.5
    assert scoring.kpi_attainment(down, 7) == 0
    assert scoring.kpi_attainment(down, 1) == 1.2  # (6 - 1) / 4 = 1.25, capped
    with pytest.raises(ValueError, match="target must lie below"):
        scoring.KpiRule("d", "decrease", threshold=2, target=6, weight=1).check()


def test_missing_data_reweights_and_needs_coverage():
    rules = [scoring.KpiRule("a", "increase", 0, 1, 3), scoring.KpiRule("b", "increase", 0, 1, 1)]
    result = scoring.overall(rules, {"a": 0.5, "b": None}, min_coverage=0.6)
    assert result.attainment == 0.5 and result.coverage == 0.75 and result.used_weights == {"a": 1.0}
    assert scoring.overall(rules, {"a": None, "b": 1.0}, min_coverage=0.6).attainment is None


def test_scorecards_for_leader_and_backbone_directors(computed):
    k = computed
    assert k.summary.created == 4 and k.summary.run_id == k.run.pk
    assert not Scorecard.objects.filter(organization=k.a).exists()  # social league: no KPIs
    lead = _card(k.lead)
    assert lead.director == k.director and lead.director_name == "Aigerim Director"  # in office on 30 June
    assert lead.league == "leaders" and lead.rating_run == k.run and lead.status == Scorecard.Status.PENDING
    rows = {r["code"]: r for r in lead.inputs}
    assert rows["rating_score"]["value"] == 80.0 and rows["rating_score"]["attainment"] == 1.2
    assert rows["employment_12m"]["ref"] == {"run": k.run.pk, "run_year": 2025, "indicator": "employment_12m"}
    assert rows["dropout_rate"]["attainment"] == 1.125  # (6 - 1.5) / (6 - 2)
    assert rows["development_plan"]["value"] == 1.0  # 2 of 2 assessed indicators on track or achieved
    assert rows["development_plan"]["ref"]["plan"] == k.plan.code
    assert rows["knowledge_quality"]["value"] is None and rows["knowledge_quality"]["missing"] == "no_measure"
    # knowledge quality (weight 5 of 100) is missing: reweighted over the other 95
    assert lead.coverage == 0.95
    back = _card(k.back)
    assert back.director is None and back.director_name == ""  # no director: the organisation's scorecard
    back_rows = {r["code"]: r for r in back.inputs}
    assert back_rows["rating_score"]["attainment"] == 0.5 and back_rows["dropout_rate"]["attainment"] == 0.5
    assert back_rows["development_plan"]["missing"] == "no_plan"
    # 85 of 100 weight with data, every KPI at 0.5 -> 0.5
    assert back.attainment == 0.5 and back.coverage == 0.85
    assert _card(k.b).attainment == 0.0
    x = _card(k.x)  # only the composite score: 25 of 100 weight, below the 60 % minimum
    assert x.attainment is None and x.coverage == 0.25


def test_recomputation_is_deterministic_and_verifiable(computed):
    k = computed
    before = {c.pk: (c.inputs_hash, c.attainment) for c in Scorecard.objects.all()}
    again = services.scorecards_compute(actor="test", year=2025)
    assert again.unchanged == 4 and again.created == again.updated == again.new_versions == 0
    assert {c.pk: (c.inputs_hash, c.attainment) for c in Scorecard.objects.all()} == before
    card = _card(k.lead)
    check = services.scorecard_recompute(card)
    assert check["matches"] and check["attainment"] == card.attainment


def test_signed_off_scorecard_is_locked_and_a_change_makes_a_new_version(computed):
    from smarttvet.rating.models import RatingInput

    k = computed
    card = _card(k.lead)
    services.scorecard_decide(actor=k.users["region"], card=card, decision="sign_off", comment="ok")
    card.refresh_from_db()
    assert card.is_locked and card.signed_off_by == k.users["region"]
    # a newer publication of 2025 with another employment value
    from tests.kpi.conftest import groups, published_run, values

    published_run(2025, {k.lead: ("leaders", 80.0, groups(80.0, 70.0), values(70.0, 1.5))})
    summary = services.scorecards_compute(actor="test", year=2025)
    assert summary.new_versions == 1
    card.refresh_from_db()
    assert card.status == Scorecard.Status.SIGNED_OFF and card.version == 1  # the signed-off one is unchanged
    v2 = _card(k.lead)
    assert v2.version == 2 and v2.status == Scorecard.Status.PENDING and v2.attainment < card.attainment
    assert RatingInput.objects.filter(organization=k.lead).count() == 2
    with pytest.raises(ValidationError, match="not the latest"):
        services.scorecard_decide(actor=k.users["ministry"], card=card, decision="return", comment="x")
    actions = list(ScorecardEvent.objects.filter(scorecard__organization=k.lead).order_by("at", "id")
               .values_list("action", flat=True))
    assert actions == ["computed", "signed_off", "computed"]


def test_pending_scorecard_is_updated_in_place(computed):
    from tests.kpi.conftest import groups, published_run, values

    k = computed
    published_run(2025, {k.back: ("backbone", 70.0, groups(57.5, 47.5), values(65.0, 4.0))})
    summary = services.scorecards_compute(actor="test", year=2025)
    assert summary.updated == 1 and summary.new_versions == 0
    card = _card(k.back)
    assert card.version == 1 and card.status == Scorecard.Status.PENDING
    assert {r["code"]: r for r in card.inputs}["rating_score"]["value"] == 70.0


def test_sign_off_rights_and_refusals(computed):
    k = computed
    lead, x = _card(k.lead), _card(k.x)
    for user in ("organization", "teacher", "employer", "org_lead"):
        with pytest.raises(PermissionDenied):
            services.scorecard_decide(actor=k.users[user], card=lead, decision="sign_off")
    with pytest.raises(PermissionDenied):  # Turkistan's department does not supervise an Almaty college
        services.scorecard_decide(actor=k.users["region"], card=x, decision="sign_off")
    with pytest.raises(ValidationError, match="sign_off or return"):
        services.scorecard_decide(actor=k.users["ministry"], card=lead, decision="approve")
    with pytest.raises(ValidationError, match="say why"):
        services.scorecard_decide(actor=k.users["ministry"], card=lead, decision="return", comment=" ")
    lead.refresh_from_db()
    assert lead.status == Scorecard.Status.PENDING and not lead.events.exclude(action="computed").exists()
    services.scorecard_decide(actor=k.users["region_almaty"], card=x, decision="return", comment="check data")
    services.scorecard_decide(actor=k.users["ministry"], card=x, decision="sign_off")
    with pytest.raises(ValidationError, match="already signed off"):
        services.scorecard_decide(actor=k.users["ministry"], card=x, decision="sign_off")


def test_compute_refusals(kpi):
    with pytest.raises(ValidationError) as error:
        services.scorecards_compute(actor="test", year=2024)
    assert "no published rating run of 2024" in str(error.value)
    with pytest.raises(ValidationError):
        services.scorecards_compute(actor="test", year="20x5")
    with pytest.raises(PermissionDenied):
        services.scorecards_compute(actor=kpi.users["region"], year=2025)
    assert not Scorecard.objects.exists()


def test_kpi_set_is_versioned(db):
    stored = services.kpi_set_load(actor="test")
    assert services.kpi_set_load(actor="test") == stored
    assert stored.indicators.count() == 7 and stored.leagues == ["leaders", "backbone"]
    assert all(i.name_kk and i.name_ru and i.name_en for i in stored.indicators.all())
    changed = stored.yaml_text.replace("target: 70", "target: 75")
    with pytest.raises(ValidationError, match="new version"):
        services.kpi_set_load(actor="test", text=changed)
    bad = stored.yaml_text.replace("source: rating.score", "source: rating.nothing")
    with pytest.raises(ValidationError, match="unknown source"):
        services.kpi_set_load(actor="test", text=bad.replace('"2025.1"', '"x"'))
    assert KpiSet.objects.count() == 1
