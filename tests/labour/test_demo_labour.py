"""The labour stage of the demo generator at the small scale: vacancies, needs, growth sectors — realistic and
deterministic, with enough in Turkistan for a gap analysis."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict

import numpy as np
import pytest
from django.db.models import Count, Sum
from django.test import override_settings

from smarttvet.accounts.models import AuditEntry
from smarttvet.demo import generator
from smarttvet.demo.generator import labour as stage
from smarttvet.demo.generator.context import AS_OF
from smarttvet.demo.generator.registry import Classifier
from smarttvet.labour.demand import FILL_FACTOR
from smarttvet.labour.models import EmployerNeed, GrowthSector, SpecialtyOccupation, Vacancy
from smarttvet.people.models import Student
from smarttvet.registry.models import Enterprise, Offer, Region

SEED = 7
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
pytestmark = pytest.mark.django_db


def fingerprint() -> str:
    digest = hashlib.sha256()
    for values in (
        GrowthSector.objects.order_by("region__kato", "sector__code")
        .values_list("region__kato", "sector__code", "since_year", "note"),
        Vacancy.objects.order_by("month", "region__kato", "occupation__code")
        .values_list("month", "region__kato", "occupation__code", "count", "median_wage", "source"),
        EmployerNeed.objects.order_by("enterprise__bin", "specialty__code", "qualification__code", "year")
        .values_list("enterprise__bin", "specialty__code", "qualification__code", "year", "people", "declared_on",
                     "comment"),
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


def turkistan() -> Region:
    return Region.objects.get(kato="610000000")


def monthly_totals() -> dict[dt.date, int]:
    return dict(Vacancy.objects.values_list("month").annotate(n=Sum("count")))


# --- counts and validity --------------------------------------------------------------------------------------
def test_counts_are_recorded_and_plausible(small):
    counts = small["counts"]
    assert counts["vacancies"] == Vacancy.objects.count() > 5_000
    assert counts["employer_needs"] == EmployerNeed.objects.count() > 50
    assert counts["growth_sectors"] == GrowthSector.objects.count()
    assert counts["vacancies_2025"] == Vacancy.objects.filter(month__year=2025).aggregate(n=Sum("count"))["n"]
    # the small dataset's ten regions, each with vacancies every month of 2019-2025
    regions = set(Enterprise.objects.values_list("region_id", flat=True))
    per_region = dict(Vacancy.objects.values_list("region_id").annotate(n=Count("month", distinct=True)))
    assert set(per_region) == regions and set(per_region.values()) == {84}


def test_vacancy_rows_are_valid(small):
    months = Vacancy.objects.values_list("month", flat=True).distinct()
    assert min(months) == dt.date(2019, 1, 1) and max(months) == dt.date(2025, 12, 1)
    assert {m.day for m in months} == {1}
    assert not Vacancy.objects.filter(count=0).exists()  # a month without vacancies has no row
    assert not Vacancy.objects.filter(median_wage__isnull=True).exists()
    assert set(Vacancy.objects.values_list("source", flat=True).distinct()) == {"enbek.kz"}
    # every occupation with vacancies is reached from some specialty
    linked = set(SpecialtyOccupation.objects.values_list("occupation_id", flat=True))
    assert set(Vacancy.objects.values_list("occupation_id", flat=True).distinct()) <= linked


def test_growth_sectors_follow_the_regions_economies(small):
    sectors = defaultdict(set)
    for kato, code in GrowthSector.objects.values_list("region__kato", "sector__code"):
        sectors[kato[:2]].add(code)
    assert all(2 <= len(v) <= 4 for v in sectors.values())
    for mining in ("35", "55", "63"):
        assert {"B", "C"} <= sectors[mining]
    assert "A" in sectors["61"] and "B" in sectors["23"] and "J" in sectors["75"]


def test_needs_are_declared_by_enterprises_for_the_next_years(small):
    needs = EmployerNeed.objects.select_related("qualification")
    assert set(needs.values_list("year", flat=True).distinct()) <= {2026, 2027, 2028, 2029, 2030}
    assert needs.filter(year=2026).exists() and needs.filter(year=2030).exists()
    assert all(dt.date(2025, 1, 1) <= n.declared_on <= AS_OF for n in needs)
    assert all(n.qualification.specialty_id == n.specialty_id for n in needs if n.qualification)
    assert needs.filter(qualification__isnull=False).exists() and needs.filter(qualification__isnull=True).exists()
    declaring = needs.values("enterprise").distinct().count()
    assert 0.08 * Enterprise.objects.count() <= declaring <= 0.4 * Enterprise.objects.count()
    # larger enterprises declare more often
    sizes = dict(Enterprise.objects.values_list("pk", "size"))
    share_large = sum(1 for e in set(needs.values_list("enterprise_id", flat=True)) if sizes[e] == "large") / declaring
    assert share_large > Enterprise.objects.filter(size="large").count() / Enterprise.objects.count()


# --- realism --------------------------------------------------------------------------------------------------
def test_seasonality_peaks_in_spring(small):
    by_month = defaultdict(list)
    for month, n in monthly_totals().items():
        by_month[month.month].append(n)
    spring = np.mean(by_month[4] + by_month[5])
    winter = np.mean(by_month[12] + by_month[1])
    assert spring > 1.2 * winter


def test_the_pandemic_dip_and_the_growth_are_visible(small):
    totals = monthly_totals()
    year = defaultdict(int)
    for month, n in totals.items():
        year[month.year] += n
    assert year[2025] > year[2019] > year[2020]
    assert totals[dt.date(2020, 5, 1)] < 0.8 * totals[dt.date(2019, 5, 1)]


def test_growth_sector_occupations_grow_faster(small):
    ref = stage.Reference(Classifier())
    sectors = {int(pk): set(s) for pk, s in zip(ref.occupation_ids, ref.sectors, strict=True)}
    growth = defaultdict(set)
    for region, code in GrowthSector.objects.values_list("region_id", "sector__code"):
        growth[region].add(code)
    totals = {True: defaultdict(int), False: defaultdict(int)}
    for region, occupation, month, n in Vacancy.objects.filter(month__year__in=(2019, 2025)).values_list(
            "region_id", "occupation_id", "month", "count"):
        totals[bool(sectors[occupation] & growth[region])][month.year] += n
    assert totals[True][2025] / totals[True][2019] > 1.15 * totals[False][2025] / totals[False][2019]


def test_regional_differences(small):
    def per_graduate(kato):
        vacancies = Vacancy.objects.filter(region__kato=kato, month__year=2025).aggregate(n=Sum("count"))["n"]
        graduates = Student.objects.filter(organization__region__kato=kato, status="graduated",
                                           status_year__in=(2023, 2024, 2025)).count() / 3
        return vacancies / graduates

    assert per_graduate("750000000") > per_graduate("610000000")  # Almaty city against Turkistan

    def median_wage(kato):
        return np.median(list(Vacancy.objects.filter(region__kato=kato, month__year=2025)
                              .values_list("median_wage", flat=True)))

    assert median_wage("230000000") > median_wage("750000000") > median_wage("610000000")
    assert median_wage("610000000") > 100_000
    wages_2019 = np.median(list(Vacancy.objects.filter(month__year=2019).values_list("median_wage", flat=True)))
    wages_2025 = np.median(list(Vacancy.objects.filter(month__year=2025).values_list("median_wage", flat=True)))
    assert 1.5 < wages_2025 / wages_2019 < 2.5


# --- Turkistan: enough for a gap analysis -----------------------------------------------------------------------
def turkistan_figures():
    """Per specialty: (people needed a year from 2025's vacancies and 2026's declared needs, graduates a year)."""
    region = turkistan()
    postings = dict(Vacancy.objects.filter(region=region, month__year=2025).values_list("occupation_id")
                    .annotate(n=Sum("count")))
    demand = defaultdict(float)
    for specialty, occupation, share in SpecialtyOccupation.objects.values_list(
            "specialty_id", "occupation_id", "share"):
        demand[specialty] += postings.get(occupation, 0) * share * FILL_FACTOR
    for specialty, people in EmployerNeed.objects.filter(enterprise__region=region, year=2026).values_list(
            "specialty_id").annotate(n=Sum("people")):
        demand[specialty] += people
    graduates = {s: n / 3 for s, n in Student.objects.filter(
        organization__region=region, status="graduated", status_year__in=(2023, 2024, 2025))
        .values_list("specialty_id").annotate(n=Count("id"))}
    return demand, graduates


def test_turkistan_has_specialties_in_deficit_and_in_surplus(small):
    demand, graduates = turkistan_figures()
    taught = [s for s, g in graduates.items() if g > 0]
    assert len(taught) >= 8
    deficit = [s for s in taught if demand[s] > 1.2 * graduates[s]]
    surplus = [s for s in taught if demand[s] < 0.8 * graduates[s]]
    assert len(deficit) >= 3 and len(surplus) >= 3
    assert Vacancy.objects.filter(region=turkistan(), month__year=2025).aggregate(n=Sum("count"))["n"] >= 300


def test_turkistan_has_demand_for_an_occupation_no_college_there_prepares_for(small):
    region = turkistan()
    taught = set(Offer.objects.filter(organization__region=region).values_list("specialty_id", flat=True))
    links = defaultdict(set)
    for specialty, occupation in SpecialtyOccupation.objects.values_list("specialty_id", "occupation_id"):
        links[occupation].add(specialty)
    postings = dict(Vacancy.objects.filter(region=region, month__year=2025).values_list("occupation_id")
                    .annotate(n=Sum("count")))
    without_provider = {o: n for o, n in postings.items() if not links[o] & taught}
    assert without_provider
    # strong enough to recommend opening a specialty: a dozen postings a year or more
    assert max(without_provider.values()) >= 12


# --- determinism and clearing --------------------------------------------------------------------------------
def test_clear_removes_the_stage_and_the_same_seed_gives_the_same_data(small):
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        generator.clear()
        assert not (Vacancy.objects.exists() or EmployerNeed.objects.exists() or GrowthSector.objects.exists())
        assert SpecialtyOccupation.objects.exists()  # reference data stays
        counts = generator.generate(scale="small", seed=SEED, progress=False)
    assert counts == small["counts"]
    assert fingerprint() == small["fingerprint"]
