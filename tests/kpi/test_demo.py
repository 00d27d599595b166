"""The demo's KPI data: scorecards of the published years, deterministic sign-offs, scenarios; idempotent."""

from __future__ import annotations

from collections import Counter

from smarttvet.demo.generator import kpi as demo_kpi
from smarttvet.kpi.models import IncentiveScenario, Scorecard, ScorecardEvent


def _state():
    return (sorted(Scorecard.objects.values_list("organization_id", "year", "version", "status", "inputs_hash")),
            ScorecardEvent.objects.count(),
            sorted(IncentiveScenario.objects.values_list("name", "pool", "threshold", "cap")))


def test_nothing_without_a_published_run(db):
    from smarttvet.accounts.models import AuditEntry
    from smarttvet.kpi.models import KpiSet

    assert demo_kpi.build() == "no published rating run: nothing to do"
    demo_kpi.generate(None)
    assert not Scorecard.objects.exists() and not KpiSet.objects.exists() and not AuditEntry.objects.exists()


def test_build_is_deterministic_and_idempotent(kpi):
    summary = demo_kpi.build()
    assert summary.startswith("2025: 4 scorecards")
    statuses = Counter(Scorecard.objects.values_list("status", flat=True))
    # every fifth organisation (by id) of the latest year is held back; the first of those is returned
    held = sorted(oid for oid in Scorecard.objects.values_list("organization_id", flat=True) if oid % 5 == 0)
    assert statuses["signed_off"] == 4 - len(held)
    assert statuses["returned"] == (1 if held else 0)
    signers = set(ScorecardEvent.objects.filter(action="signed_off").values_list("actor_label", flat=True))
    assert signers <= {"region", "ministry"}  # the world's users: the Turkistan department and the ministry
    turkistan = Scorecard.objects.filter(organization__region=kpi.world.turkistan, status="signed_off")
    assert all(c.signed_off_label == "region" for c in turkistan)
    names = set(IncentiveScenario.objects.values_list("name", flat=True))
    assert names == {"base", "by league", "strict"}
    by_league = IncentiveScenario.objects.get(name="by league")
    assert sum(by_league.league_pools.values()) == by_league.pool == 4 * demo_kpi.PER_ORGANISATION
    before = _state()
    demo_kpi.build()
    assert _state() == before
    demo_kpi.clear()
    assert not Scorecard.objects.exists() and not IncentiveScenario.objects.exists()
