"""The partnership stage of the demo generator at the small scale: deterministic, valid, realistic, quality-driven."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from django.db.models import Count, F, Sum
from django.test import override_settings

from smarttvet.accounts.models import AuditEntry
from smarttvet.demo import generator
from smarttvet.demo.generator import latent
from smarttvet.demo.generator import partnership as stage
from smarttvet.demo.models import DemoDataset
from smarttvet.partnership.models import (
    EmployerAgreement,
    FinanceYear,
    Infrastructure,
    InternationalPartnership,
    QualificationAssessment,
    WorldSkillsResult,
)
from smarttvet.registry.models import Organization

SEED = 7
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
pytestmark = pytest.mark.django_db


def fingerprint() -> str:
    digest = hashlib.sha256()
    for values in (
        EmployerAgreement.objects.order_by("organization__bin", "enterprise__bin", "kind", "signed_on")
        .values_list("organization__bin", "enterprise__bin", "kind", "signed_on", "expires_on"),
        WorldSkillsResult.objects.order_by("organization__bin", "year", "competence_code", "level", "award")
        .values_list("organization__bin", "year", "competence_code", "level", "award"),
        InternationalPartnership.objects.order_by("organization__bin", "since", "partner_name")
        .values_list("organization__bin", "country", "partner_name", "kind", "since", "until"),
        Infrastructure.objects.order_by("organization__bin", "kind", "opened_year", "area_m2")
        .values_list("organization__bin", "kind", "opened_year", "area_m2"),
        FinanceYear.objects.order_by("organization__bin", "year")
        .values_list("organization__bin", "year", "state_funding_tenge", "extra_budgetary_income_tenge",
                     "endowment_assets_tenge"),
        QualificationAssessment.objects.order_by("organization__bin", "year", "specialty__code")
        .values_list("organization__bin", "year", "specialty__code", "assessed", "passed"),
    ):
        for row in values:
            digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def small(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        generator.clear()
        counts = generator.generate(scale="small", seed=SEED, progress=False)
        yield {"counts": counts, "fingerprint": fingerprint()}
        generator.clear()
        AuditEntry.objects.filter(target_type="demo.demodataset").delete()


def tvet():
    return Organization.objects.filter(kind__in=Organization.TVET_KINDS)


def quality(org_ids, year: int = 2025) -> np.ndarray:
    bins = dict(Organization.objects.filter(pk__in=list(org_ids)).values_list("pk", "bin"))
    return np.array([latent.organization_quality(SEED, bins[pk], year) for pk in org_ids])


def spearman(x, y) -> float:
    return float(np.corrcoef(np.argsort(np.argsort(x)), np.argsort(np.argsort(y)))[0, 1])


def per_college(queryset, expression) -> dict[int, float]:
    return dict(queryset.values("organization_id").annotate(v=expression).values_list("organization_id", "v"))


def test_every_table_is_filled_for_colleges_only(small):
    counts = small["counts"]
    for model, key in ((EmployerAgreement, "employer_agreements"), (WorldSkillsResult, "worldskills_results"),
                       (InternationalPartnership, "international_partnerships"), (Infrastructure, "infrastructure"),
                       (FinanceYear, "finance_years"), (QualificationAssessment, "qualification_assessments")):
        assert model.objects.exists(), model.__name__
        assert model.objects.count() == counts[key]
        assert not model.objects.exclude(organization__kind__in=Organization.TVET_KINDS).exists(), model.__name__
    dataset = DemoDataset.objects.get()
    assert dataset.counts["employer_agreements"] == counts["employer_agreements"]


def test_years_and_finance_rows(small):
    assert set(FinanceYear.objects.values_list("year", flat=True)) == set(stage.YEARS)
    assert FinanceYear.objects.count() == tvet().count() * len(stage.YEARS)
    assert set(WorldSkillsResult.objects.values_list("year", flat=True)) == set(stage.YEARS)
    assert set(QualificationAssessment.objects.values_list("year", flat=True)) <= set(stage.YEARS)


def test_records_are_valid(small):
    assert not QualificationAssessment.objects.filter(passed__gt=F("assessed")).exists()
    assert not EmployerAgreement.objects.filter(expires_on__lt=F("signed_on")).exists()
    assert not InternationalPartnership.objects.filter(until__lt=F("since")).exists()
    for model in (EmployerAgreement, WorldSkillsResult, InternationalPartnership, Infrastructure, FinanceYear,
                  QualificationAssessment):
        for obj in model.objects.all()[:50]:
            obj.full_clean()
            assert str(obj)


def test_realistic_shapes(small):
    # Fab Labs and IT hubs are rare (the roadmap's 5 nationally: one each at this scale), workshops everywhere
    assert Infrastructure.objects.filter(kind="fab_lab").count() == 1
    assert Infrastructure.objects.filter(kind="it_hub").count() == 1
    assert Infrastructure.objects.filter(kind="workshop").values("organization").distinct().count() == tvet().count()
    # international accreditation is rare
    accredited = InternationalPartnership.objects.filter(kind="accreditation").values("organization").distinct()
    assert 1 <= accredited.count() <= 0.1 * tvet().count()
    # extra-budgetary income: typically 5-30% of all income at public colleges
    rows = FinanceYear.objects.filter(year=2025, organization__ownership="public").values_list(
        "state_funding_tenge", "extra_budgetary_income_tenge")
    shares = np.array([e / (s + e) for s, e in rows])
    assert 0.05 <= np.median(shares) <= 0.30
    # funding per state-funded student rose to the 2025-26 level
    assert stage.STATE_RATE[2025] > stage.STATE_RATE[2024] == 437_000
    # every WorldSkills competence is named and national winners came through regional championships
    national = WorldSkillsResult.objects.filter(level="national")
    assert national.exists()
    assert national.values("year", "competence_code").annotate(n=Count("id")).filter(n__gt=10).count() == 0
    assert WorldSkillsResult.objects.filter(year=2025).values("competence_code").distinct().count() <= len(
        stage.COMPETENCIES)


def test_latent_quality_drives_the_records(small):
    ids = sorted(tvet().values_list("pk", flat=True))
    q = quality(ids)
    agreements = per_college(EmployerAgreement.objects.all(), Count("id"))
    partners = per_college(InternationalPartnership.objects.all(), Count("id"))
    passed = per_college(QualificationAssessment.objects.all(), Sum("passed"))
    assessed = per_college(QualificationAssessment.objects.all(), Sum("assessed"))
    pass_rate = np.array([passed.get(pk, 0) / max(assessed.get(pk, 0), 1) for pk in ids])
    assert spearman(q, [agreements.get(pk, 0) for pk in ids]) > 0.3
    assert spearman(q, pass_rate) > 0.3
    assert np.mean(q[[partners.get(pk, 0) > 0 for pk in ids]]) > np.mean(q)
    # the colleges that reached a national or international championship are the better ones
    finalists = set(WorldSkillsResult.objects.filter(level__in=["national", "international"], year__gte=2024)
                    .values_list("organization_id", flat=True))
    reached = np.array([pk in finalists for pk in ids])
    assert reached.any() and not reached.all()
    assert np.mean(q[reached]) > np.mean(q[~reached])
    # innovative facilities are at better colleges
    innovative = set(Infrastructure.objects.filter(kind__in=Infrastructure.INNOVATIVE)
                     .values_list("organization_id", flat=True))
    assert np.mean(q[[pk in innovative for pk in ids]]) > np.mean(q[[pk not in innovative for pk in ids]])


def test_deterministic(small):
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        generator.generate(scale="small", seed=SEED, progress=False, force=True)
    assert fingerprint() == small["fingerprint"]


def test_clear_removes_the_records(small):
    stage.clear()
    for model in (EmployerAgreement, WorldSkillsResult, InternationalPartnership, Infrastructure, FinanceYear,
                  QualificationAssessment):
        assert not model.objects.exists()
