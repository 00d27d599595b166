"""The TVET indicators derived from platform records (``smarttvet.rating.indicators``).

Each derivation function is checked on hand-built records with exact values, below its minimum
denominator (NaN), against records of the wrong year or kind, and for the number of queries (the gradebook
indicator in more detail in ``test_gradebook_indicators.py``); the packaged
``tvet.yaml`` must match the registry of functions, and on the small demo its leagues must all be used.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smarttvet.rating import indicators
from smarttvet.rating.engine import Dataset, compute, load_methodology
from smarttvet.rating.indicators import INDICATORS, derive, indicator_table

YEAR = 2025
TVET_YAML = Path(indicators.__file__).resolve().parent / "methodologies" / "tvet.yaml"

pytestmark = pytest.mark.django_db


# --- small builders (on top of tests/factories.py) -------------------------------------------------------------
def graduate(org, *, status="employed", in_field=False, employer=None, year=YEAR - 1, months=12):
    """A graduate of ``year`` with one outcome ``months`` after graduating."""
    from tests import factories as f

    student = f.student(org, cohort_year=year - 3, status="graduated", status_year=year)
    observed = dt.date(year + 1, 7, 1) if months == 12 else dt.date(year + 1, 1, 10)
    f.graduate_outcome(student, months_after=months, observed_on=observed, status=status, in_field=in_field,
                       employer=employer)
    return student


def students(org, n, **fields):
    from tests import factories as f

    defaults = {"cohort_year": YEAR - 2, "status": "studying", "status_year": YEAR}
    defaults.update(fields)
    return [f.student(org, **defaults) for _ in range(n)]


def agreement(org, enterprise, kind="partnership", signed=dt.date(2020, 1, 1), expires=None):
    from smarttvet.partnership.models import EmployerAgreement

    return EmployerAgreement.objects.create(organization=org, enterprise=enterprise, kind=kind, signed_on=signed,
                                            expires_on=expires)


def worldskills(org, year, level, award, code="10", name="Welding"):
    from smarttvet.partnership.models import WorldSkillsResult

    return WorldSkillsResult.objects.create(organization=org, year=year, competence_code=code, competence_name=name,
                                            level=level, award=award)


def international(org, kind, since, until=None, country="DE", name="Berufskolleg Essen-Nord"):
    from smarttvet.partnership.models import InternationalPartnership

    return InternationalPartnership.objects.create(organization=org, country=country, partner_name=name, kind=kind,
                                                   since=since, until=until)


def facility(org, kind, opened, area=None):
    from smarttvet.partnership.models import Infrastructure

    return Infrastructure.objects.create(organization=org, kind=kind, opened_year=opened, area_m2=area)


def finance(org, year, state, extra, endowment=0):
    from smarttvet.partnership.models import FinanceYear

    return FinanceYear.objects.create(organization=org, year=year, state_funding_tenge=state,
                                      extra_budgetary_income_tenge=extra, endowment_assets_tenge=endowment)


def assessment(org, year, specialty, assessed, passed):
    from smarttvet.partnership.models import QualificationAssessment

    return QualificationAssessment.objects.create(organization=org, year=year, specialty=specialty,
                                                  assessed=assessed, passed=passed)


def learning_measure(org, *, year=YEAR, students, knowledge_quality, level="organization", key=""):
    from smarttvet.gradebook.models import LearningMeasure

    return LearningMeasure.objects.create(year=year, level=level, region=org.region, organization=org, key=key,
                                          students=students, marks=100 * students, mean_mark=0.7,
                                          knowledge_quality=knowledge_quality, success_rate=0.95)


def value(code: str, org) -> float:
    return float(derive(code, YEAR).loc[org.pk])


def is_nan(code: str, org) -> bool:
    return math.isnan(value(code, org))


# --- a college with every kind of record, and a small one ----------------------------------------------------------
@pytest.fixture
def colleges(world):
    """``a``: a college with records of every kind for 2025 (and decoys of other years); ``b``: too small."""
    from smarttvet.registry.models import Specialty
    from tests import factories as f

    a = f.organization(world.turkistan, has_board_of_trustees=True, has_supervisory_board=False)
    b = f.organization(world.almaty, kind="higher_college", has_supervisory_board=True)
    e1, e2, e3, e4 = (f.enterprise(world.turkistan) for _ in range(4))

    # graduates of 2024 at 12 months: 6 employed (3 in field), 1 continuing, 1 not employed -> 8 observed;
    # employers of the employed: 2 at E1 (partner), 1 at E3 (agreement signed after the observation),
    # 2 at E4 (no agreement), 1 unknown
    for employer, in_field in ((e1, True), (e1, True), (e3, True), (e4, False), (e4, False), (None, False)):
        graduate(a, employer=employer, in_field=in_field)
    graduate(a, status="continuing")
    graduate(a, status="not_employed")
    graduate(a, year=2023)                       # an older cohort: not counted
    graduate(a, months=6, status="not_employed")  # a 6-month record only: not counted
    for _ in range(4):                            # b: 4 observed, below the minimum
        graduate(b)

    # students of 2024-25: 10 studying (5 dual, 2 target order), 2 expelled in 2025, 8 graduating in June 2025
    students(a, 5, study_form="dual")
    students(a, 2, funding="target", sponsor=e1)
    students(a, 3)
    students(a, 2, status="expelled", status_year=YEAR)
    graduating = students(a, 8, cohort_year=YEAR - 3, status="graduated", status_year=YEAR)
    students(a, 3, cohort_year=YEAR)                            # admitted in 2025: not yet
    students(a, 2, status="expelled", status_year=YEAR - 1)     # left before the year
    students(b, 10)

    # staff on 1 October 2024: 4 teachers and 1 master, one of whom leaves in March 2025
    f.teacher(a, category="expert", from_production=True)
    f.teacher(a, category="master")
    f.teacher(a, category="moderator")
    f.teacher(a, category="teacher", employed_until=dt.date(2025, 3, 31))
    f.teacher(a, position="master", category="researcher")
    f.teacher(a, position="director", category="master")                                  # not teaching staff
    f.teacher(a, category="expert", employed_from=dt.date(2024, 11, 1))                    # hired after the census
    f.teacher(a, category="expert", employed_until=dt.date(2024, 6, 30))                   # left before
    f.teacher(b, category="expert")
    f.teacher(b, category="none")

    # agreements in force during 2024-25: 1, 3 and 5 (2 enterprises)
    agreement(a, e1)                                                                          # 1
    agreement(a, e2, "dual_training", dt.date(2023, 9, 1), dt.date(2024, 6, 30))             # 2 ended
    agreement(a, e2, "dual_training", dt.date(2024, 9, 1), dt.date(2025, 6, 30))             # 3
    agreement(a, e3, "target_order", dt.date(2025, 9, 1))                                    # 4 later
    agreement(a, e1, "sponsorship", dt.date(2024, 1, 1), dt.date(2024, 12, 31))              # 5

    worldskills(a, 2025, "national", "gold")                       # 3 x 3 = 9
    worldskills(a, 2024, "regional", "silver", "34", "Cooking")    # 2 x 1 = 2
    worldskills(a, 2024, "international", "medallion")             # 0.5 x 6 = 3
    worldskills(a, 2024, "regional", "participant", "29", "Hairdressing")  # 0
    worldskills(a, 2023, "national", "gold")                       # too old

    international(a, "exchange", dt.date(2020, 5, 1))
    international(a, "joint_programme", dt.date(2024, 1, 1), dt.date(2024, 8, 31))   # ended before
    international(a, "joint_programme", dt.date(2025, 2, 1), country="KR", name="Incheon Polytechnic College")
    international(a, "accreditation", dt.date(2025, 7, 15), name="ASIIN")           # after the year
    international(b, "accreditation", dt.date(2023, 3, 1), name="FIBAA")

    facility(a, "workshop", 2000, 100)
    facility(a, "workshop", 2025, 60)
    facility(a, "workshop", 2010)          # unknown area
    facility(a, "workshop", 2026, 500)     # not yet open
    facility(a, "fab_lab", 2024, 300)
    facility(a, "mini_enterprise", 2010, 80)
    facility(a, "mini_enterprise", 2015, 80)
    facility(a, "it_hub", 2026, 200)       # not yet open

    finance(a, YEAR, 900_000_000, 100_000_000, 40_000_000)
    finance(a, YEAR - 1, 800_000_000, 0, 0)

    specialty_1, specialty_2 = Specialty.objects.order_by("code")[:2]
    assessment(a, YEAR, specialty_1, 5, 4)
    assessment(a, YEAR, specialty_2, 1, 1)
    assessment(a, YEAR - 1, specialty_1, 10, 0)
    assessment(b, YEAR, specialty_1, 4, 4)
    learning_measure(a, students=25, knowledge_quality=0.64)
    learning_measure(a, year=YEAR - 1, students=25, knowledge_quality=0.1)              # another school year
    learning_measure(a, level="subject", key="PROF_KAZ", students=25, knowledge_quality=0.2)  # not the whole
    learning_measure(b, students=19, knowledge_quality=0.9)                                # 19 students < 20
    school = f.organization(world.turkistan, kind="school")
    finance(school, YEAR, 1, 1)
    learning_measure(school, students=300, knowledge_quality=0.5)
    return {"a": a, "b": b, "school": school, "graduating": graduating}


# --- graduate outcomes -------------------------------------------------------------------------------------------
def test_employment_12m(colleges):
    assert value("employment_12m", colleges["a"]) == 75.0  # 6 of 8
    assert is_nan("employment_12m", colleges["b"])          # 4 observed < 5


def test_employment_in_field_12m(colleges):
    assert value("employment_in_field_12m", colleges["a"]) == 50.0  # 3 of 6 employed
    assert is_nan("employment_in_field_12m", colleges["b"])


def test_positive_destinations_12m(colleges):
    assert value("positive_destinations_12m", colleges["a"]) == 87.5  # 7 of 8
    assert is_nan("positive_destinations_12m", colleges["b"])


def test_partner_employment_share(colleges):
    assert value("partner_employment_share", colleges["a"]) == 40.0  # 2 of 5 with a known employer
    assert is_nan("partner_employment_share", colleges["b"])


# --- learning quality ---------------------------------------------------------------------------------------------
def test_qualification_pass_rate(colleges):
    assert value("qualification_pass_rate", colleges["a"]) == pytest.approx(100 * 5 / 6)
    assert is_nan("qualification_pass_rate", colleges["b"])  # 4 assessed < 5


def test_qualification_coverage(colleges):
    assert value("qualification_coverage", colleges["a"]) == 75.0  # 6 assessed of 8 graduating
    assert is_nan("qualification_coverage", colleges["b"])         # no graduates in 2025


def test_qualification_coverage_is_capped_at_100(colleges):
    from smarttvet.partnership.models import QualificationAssessment

    QualificationAssessment.objects.filter(organization=colleges["a"], year=YEAR).update(assessed=20, passed=10)
    assert value("qualification_coverage", colleges["a"]) == 100.0


def test_dropout_rate(colleges):
    assert value("dropout_rate", colleges["a"]) == 10.0  # 2 of 20
    assert is_nan("dropout_rate", colleges["b"])         # 10 students < 20


def test_knowledge_quality(colleges):
    assert value("knowledge_quality", colleges["a"]) == 64.0  # 100 x the stored share of good marks
    assert is_nan("knowledge_quality", colleges["b"])          # 19 students with a mark < 20


# --- teaching staff ---------------------------------------------------------------------------------------------
def test_staff_shares(colleges):
    a, b = colleges["a"], colleges["b"]
    assert value("higher_category_share", a) == 60.0      # expert, master, researcher of 5
    assert value("production_specialists_share", a) == 20.0
    assert value("masters_share", a) == 20.0
    for code in ("higher_category_share", "production_specialists_share", "masters_share", "staff_retention"):
        assert is_nan(code, b), code  # 2 staff: below the minimum


def test_students_per_teacher(colleges):
    assert value("students_per_teacher", colleges["a"]) == 4.0  # 20 students, 5 staff
    assert is_nan("students_per_teacher", colleges["b"])


def test_staff_retention(colleges):
    assert value("staff_retention", colleges["a"]) == 80.0  # 4 of the 5 employed on 1 September 2024


# --- partnership with business ---------------------------------------------------------------------------------------
def test_student_shares(colleges):
    a, b = colleges["a"], colleges["b"]
    assert value("dual_training_share", a) == 25.0   # 5 of 20
    assert value("target_order_share", a) == 10.0    # 2 of 20
    assert is_nan("dual_training_share", b)
    assert is_nan("target_order_share", b)


def test_agreements(colleges):
    a, b = colleges["a"], colleges["b"]
    assert value("agreements_per_100_students", a) == 15.0  # 3 in force per 20 students
    assert value("partner_enterprises", a) == 2.0
    assert value("partner_enterprises", b) == 0.0           # a count: no record is 0, never missing
    assert is_nan("agreements_per_100_students", b)


# --- innovation and infrastructure ------------------------------------------------------------------------------------
def test_infrastructure(colleges):
    a, b = colleges["a"], colleges["b"]
    assert value("innovation_facilities", a) == 2.0        # Fab Lab, mini-enterprise (the IT hub opens in 2026)
    assert value("workshop_area_per_student", a) == 8.0    # 160 m² / 20
    assert value("innovation_facilities", b) == 0.0
    assert is_nan("workshop_area_per_student", b)


def test_worldskills(colleges):
    a, b = colleges["a"], colleges["b"]
    assert value("worldskills_points", a) == 14.0
    assert value("worldskills_competencies", a) == 3.0     # 10, 34, 29
    assert value("worldskills_points", b) == 0.0
    assert value("worldskills_competencies", b) == 0.0


# --- internationalisation --------------------------------------------------------------------------------------------
def test_international(colleges):
    a, b = colleges["a"], colleges["b"]
    assert value("international_partners", a) == 2.0      # the exchange and the 2025 joint programme
    assert value("joint_programmes", a) == 1.0
    assert value("international_accreditation", a) == 0.0  # accredited only after June 2025
    assert value("international_accreditation", b) == 1.0
    assert value("international_partners", b) == 0.0       # an accreditation is not a partnership


# --- governance and finance ------------------------------------------------------------------------------------------
def test_governance(colleges):
    a, b = colleges["a"], colleges["b"]
    assert value("board_of_trustees", a) == 1.0
    assert value("supervisory_board", a) == 0.0
    assert value("supervisory_board", b) == 1.0


def test_finance(colleges):
    a, b = colleges["a"], colleges["b"]
    assert value("extra_budgetary_share", a) == 10.0      # 100m of 1,000m
    assert value("endowment_per_student", a) == 2000.0    # 40,000 thousand tenge / 20 students
    assert is_nan("extra_budgetary_share", b)             # no finance reported
    assert is_nan("endowment_per_student", b)


# --- the table ---------------------------------------------------------------------------------------------------
def test_table_covers_every_tvet_organisation_of_every_region_and_no_school(world, colleges):
    from smarttvet.registry.models import Organization

    table = indicator_table(YEAR)
    tvet = sorted(Organization.objects.filter(kind__in=["college", "higher_college"]).values_list("pk", flat=True))
    assert list(table.index) == tvet
    assert table.index.name == "organization_id"
    assert colleges["school"].pk not in table.index
    assert {world.college_a.pk, world.college_other_region.pk} <= set(table.index)  # national: no scope
    assert list(table.columns) == list(INDICATORS)
    assert all(dtype == np.float64 for dtype in table.dtypes)
    # the table and the single derivations agree
    for code in INDICATORS:
        pd.testing.assert_series_equal(table[code], derive(code, YEAR), check_names=False)


def test_a_function_accepts_the_year_or_shared_source_data(colleges):
    data = indicators.SourceData(YEAR)
    by_year = INDICATORS["employment_12m"](YEAR)
    shared = INDICATORS["employment_12m"](data)
    pd.testing.assert_series_equal(by_year, shared)
    assert by_year.name == "employment_12m"


def test_unknown_indicator_and_bad_year(db):
    with pytest.raises(KeyError, match="no derivation function"):
        derive("nonsense", YEAR)
    with pytest.raises(TypeError):
        indicators.SourceData("2025")


def test_empty_database_gives_an_empty_table(db):
    table = indicator_table(YEAR)
    assert table.empty
    assert list(table.columns) == list(INDICATORS)


def _populate(world, n: int) -> None:
    """``n`` colleges, each with a record of every kind."""
    from smarttvet.registry.models import Specialty
    from tests import factories as f

    specialty = Specialty.objects.order_by("code").first()
    enterprise = world.enterprise_a
    for i in range(n):
        org = f.organization(world.turkistan if i % 2 else world.almaty)
        graduate(org, employer=enterprise)
        students(org, 2, study_form="dual")
        f.teacher(org, category="expert")
        agreement(org, enterprise)
        worldskills(org, YEAR, "regional", "gold")
        international(org, "exchange", dt.date(2021, 1, 1))
        facility(org, "workshop", 2001, 90)
        finance(org, YEAR, 1_000_000, 100_000)
        assessment(org, YEAR, specialty, 6, 5)
        learning_measure(org, students=30, knowledge_quality=0.6)


def _queries(year: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        indicator_table(year)
    return len(captured.captured_queries)


def test_the_number_of_queries_does_not_grow_with_the_organisations(world):
    _populate(world, 3)
    few = _queries(YEAR)
    _populate(world, 27)
    many = _queries(YEAR)
    assert few == many
    assert many <= 12


def test_every_function_documents_its_formula():
    for code, function in INDICATORS.items():
        assert function.__doc__ and len(function.__doc__.strip()) > 40, code
        assert function.__name__ == code


# --- the methodology -----------------------------------------------------------------------------------------------
def test_tvet_yaml_validates_and_matches_the_derivations():
    methodology = load_methodology(TVET_YAML)
    assert methodology.code == "tvet"
    assert 20 <= len(methodology.indicators) <= 40
    assert set(methodology.indicator_codes) == set(INDICATORS)
    assert methodology.indicator_codes == tuple(INDICATORS)  # the table's columns follow the methodology
    assert methodology.league_codes == ("leaders", "backbone", "social", "target")
    assert (methodology.scale.min, methodology.scale.max) == (0.0, 100.0)
    for item in methodology.indicators:
        names = item.names
        assert names.kk and names.ru and names.en and len({names.kk, names.ru, names.en}) == 3, item.code
        assert item.normalisation.method in ("goalposts", "target"), item.code
    weights = {m.code: m.weight for m in methodology.index.members}
    assert weights["graduate_outcomes"] == max(weights.values())
    assert weights["business_partnership"] == sorted(weights.values())[-2]


def test_small_demo_uses_all_four_leagues(db):
    call_command("demo", "--scale", "small", "--seed", "7", "--no-progress", stdout=io.StringIO())
    methodology = load_methodology(TVET_YAML)
    table = indicator_table(YEAR)
    assert len(table) >= 36
    dataset = Dataset(tuple(str(pk) for pk in table.index), methodology.indicator_codes,
                      table[list(methodology.indicator_codes)].to_numpy())
    result = compute(methodology, dataset)
    assert result.rated.mean() >= 0.9
    leagues = Counter(result.league(row) for row in range(len(result.units)) if result.rated[row])
    assert set(leagues) == {"leaders", "backbone", "social", "target"}
    assert leagues["leaders"] < leagues["backbone"] < leagues["social"]
    # the gate holds for every leader
    employment = table["employment_12m"].to_numpy()
    for row in range(len(result.units)):
        if result.league(row) == "leaders":
            assert employment[row] >= 65
