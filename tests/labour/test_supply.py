"""Supply: history, programme lengths, dropout hazards and expected graduates (``smarttvet.labour.supply``)."""

import pytest

from smarttvet.labour import supply
from tests.labour import factories as f

ORG, REGION, S1, S2, S3, Q1, Q2, Q3 = 1, 61, 11, 12, 13, 101, 102, 103


def row(cohort, status, status_year, n, *, spec=S1, qual=Q1, code="3W00000001", entry="grade9", org=ORG,
        region=REGION):
    return dict(organization_id=org, region_id=region, specialty_id=spec, qualification_id=qual,
                qualification_code=code, entry=entry, cohort_year=cohort, status=status, status_year=status_year, n=n)


def frame(*rows):
    return supply.students_frame(rows)


# One specialty with a 3-year programme after grade 9 and a hand-computable hazard (see the comments).
BASE_ROWS = [
    row(2019, "graduated", 2022, 100),  # on the roll 2019-2021: nothing in the window 2022-2024
    row(2021, "graduated", 2024, 100),  # on the roll 2021-2023: 2022, 2023 -> 200 student-years
    row(2022, "expelled", 2023, 10),    # on the roll 2022-2023 -> 20, expelled in the window: 10
    row(2023, "studying", 2025, 90),    # on the roll 2023-2025: 2023, 2024 -> 180
]
HAZARD = 10 / 400


def test_base_year_is_the_studying_students_status_year():
    assert supply.base_year(frame(*BASE_ROWS)) == 2025
    assert supply.base_year(frame(row(2019, "graduated", 2022, 5))) == 2022
    assert supply.base_year(frame()) is None


def test_programme_length_is_the_median_span_of_graduates_with_fallbacks():
    students = frame(*BASE_ROWS,
                     row(2022, "graduated", 2024, 8, entry="grade11"),   # 2 years after grade 11
                     row(2021, "graduated", 2024, 1, entry="grade11"),   # one slow student does not move the median
                     row(2024, "studying", 2025, 10, spec=S2, qual=Q2, code="3W00000002"),  # same level and entry
                     row(2024, "studying", 2025, 10, spec=S3, qual=Q3, code="4S00000003", entry="other"))
    lengths = supply.programme_lengths(students).set_index(["specialty_id", "entry"])
    assert lengths.loc[(S1, "grade9"), "length"] == 3 and lengths.loc[(S1, "grade9"), "basis"] == "specialty"
    assert lengths.loc[(S1, "grade11"), "length"] == 2 and lengths.loc[(S1, "grade11"), "basis"] == "specialty"
    assert lengths.loc[(S2, "grade9"), "length"] == 3 and lengths.loc[(S2, "grade9"), "basis"] == "level"
    assert lengths.loc[(S3, "other"), "basis"] == "all" and lengths.loc[(S3, "other"), "length"] == 3
    no_graduates = supply.programme_lengths(frame(row(2024, "studying", 2025, 3)))
    assert no_graduates["length"].tolist() == [supply.DEFAULT_LENGTH] and no_graduates["basis"].tolist() == ["default"]


def test_dropout_hazard_is_expulsions_per_student_year_with_fallbacks():
    students = frame(*BASE_ROWS, row(2024, "studying", 2025, 20, spec=S2, qual=Q2),
                     row(2023, "studying", 2025, 500, spec=S3, region=75, org=2))
    hazards = supply.dropout_hazards(students).set_index(["region_id", "specialty_id"])
    assert hazards.loc[(REGION, S1), "hazard"] == pytest.approx(HAZARD)
    assert hazards.loc[(REGION, S1), "exposure"] == 400 and hazards.loc[(REGION, S1), "basis"] == "specialty"
    # S2 has 20 student-years (2024): too few, so its region's rate
    assert hazards.loc[(REGION, S2), "basis"] == "region"
    assert hazards.loc[(REGION, S2), "hazard"] == pytest.approx(10 / 420)
    # region 75 has no expulsion: its own rate, 0
    assert hazards.loc[(75, S3), "hazard"] == 0.0


def test_expected_graduates_from_current_students_and_intake():
    students = frame(*BASE_ROWS,
                     row(2024, "studying", 2025, 50),   # graduates 2027 after one more year at risk
                     row(2023, "leave", 2025, 4),       # one year late: 2027
                     row(2021, "studying", 2025, 2),    # overdue: next June
                     row(2025, "studying", 2025, 30))   # this year's admission: 2028, and repeats every year
    projection = supply.project_graduates(students, horizon=4)
    assert list(projection.columns) == supply.PROJECTION_COLUMNS
    by_year = projection.set_index("year")
    assert by_year["horizon"].tolist() == [1, 2, 3, 4] and by_year.index.tolist() == [2026, 2027, 2028, 2029]
    # the added students add exposure: 50 (2024) + 4 x 2 (2023-2024) + 2 x 3 (2022-2024) student-years
    survive = 1 - 10 / (400 + 50 + 8 + 6)
    assert by_year.loc[2026, "from_current"] == pytest.approx(90 + 2)
    assert by_year.loc[2027, "from_current"] == pytest.approx((50 + 4) * survive)
    assert by_year.loc[2028, "from_current"] == pytest.approx(30 * survive ** 2)
    assert by_year.loc[2029, "from_current"] == 0
    assert by_year.loc[2029, "from_intake"] == pytest.approx(30 * survive ** 3)  # admitted 2026, 3 years at risk
    assert by_year.loc[[2026, 2027, 2028], "from_intake"].sum() == 0
    assert (by_year["expected"] == by_year["from_current"] + by_year["from_intake"]).all()
    without = supply.project_graduates(students, horizon=4, intake=False).set_index("year")
    assert without["from_intake"].sum() == 0 and without.loc[2028, "expected"] == pytest.approx(30 * survive ** 2)
    with pytest.raises(ValueError, match="horizon"):
        supply.project_graduates(students, horizon=6)


def test_history_counts_admitted_enrolled_graduated_expelled():
    students = frame(row(2021, "graduated", 2024, 5), row(2022, "expelled", 2023, 2), row(2023, "studying", 2025, 3))
    table = supply.history(students).set_index("year")
    assert table["admitted"].to_dict() == {2021: 5, 2022: 2, 2023: 3, 2024: 0, 2025: 0}
    # on the roll: graduates 2021-2023, expelled 2022-2023, studying 2023-2025
    assert table["enrolled"].to_dict() == {2021: 5, 2022: 7, 2023: 10, 2024: 3, 2025: 3}
    assert table["graduated"].to_dict() == {2021: 0, 2022: 0, 2023: 0, 2024: 5, 2025: 0}
    assert table["expelled"].to_dict() == {2021: 0, 2022: 0, 2023: 2, 2024: 0, 2025: 0}


@pytest.mark.django_db
def test_loader_reads_the_database_in_one_query(django_assert_max_num_queries):
    region = f.region("61")
    college, other = f.organization(region), f.organization(f.region("75"))
    spec = f.specialties(1)[0]
    f.students(college, spec, 12, cohort=2020, status="graduated", status_year=2023)
    f.students(college, spec, 7, cohort=2023, status="studying")
    f.students(other, spec, 3, cohort=2024, status="studying")
    with django_assert_max_num_queries(1):
        students = supply.load_students()
    assert students["n"].sum() == 22 and set(students["region_id"]) == {region.pk, other.region_id}
    with django_assert_max_num_queries(1):
        regional = supply.load_students(region)
    assert regional["n"].sum() == 19
    projection = supply.project_graduates(regional, horizon=2)
    assert projection.loc[projection["year"] == 2026, "expected"].sum() == pytest.approx(7)  # 3-year programme
    # Many more enrolments: still one query.
    for cohort in range(2019, 2025):
        f.students(f.organization(region), spec, 4, cohort=cohort, status="graduated", status_year=cohort + 3)
    with django_assert_max_num_queries(1):
        supply.load_students()
