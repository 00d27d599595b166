"""A cluster's pipeline and employment results on constructed data: the 100% case, partial employment, who counts,
and a constant number of queries however many clusters."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smarttvet.partnership import selectors
from tests import factories as f
from tests.partnership.conftest import cluster, graduate, other_specialty, school

pytestmark = pytest.mark.django_db


def test_all_graduates_employed_is_100_percent(world):
    w = world
    anchor_2 = f.enterprise(w.turkistan)
    elsewhere = f.enterprise(w.turkistan)
    pupils = school(w.turkistan)
    made = cluster(w.turkistan, colleges=[w.college_a, w.college_b], anchors=[w.enterprise_a, anchor_2],
                   founded=2021, schools=[(pupils, {2023: 20, 2024: 25, 2025: 31})])
    for employer in (w.enterprise_a, w.enterprise_a, anchor_2, anchor_2, elsewhere):
        graduate(w.college_a, year=2023, employer=employer, months=(6, 12))
    graduate(w.college_b, year=2024, employer=anchor_2)
    graduate(w.college_b, year=2025, months=())  # not observed yet
    f.student(w.college_a)  # studying
    result = selectors.cluster_results([made])[made.pk]
    assert result.employment_rate == 100.0
    assert (result.graduates, result.observed, result.employed, result.at_members) == (8, 7, 7, 6)
    # the world's own graduate of 2023 (employed at enterprise A) counts too: 1 + 5 + 1 graduates observed
    assert result.member_rate == pytest.approx(100 * 6 / 7)
    assert result.member_share_of_employed == pytest.approx(100 * 6 / 7)
    assert (result.pupils, result.pupils_year) == (31, 2025)
    assert result.students == 2  # the world's target-order student and the new one
    assert (result.colleges, result.enterprises, result.specialties, result.schools) == (2, 2, 1, 1)
    assert [(y.year, y.graduates, y.observed, y.employed) for y in result.by_year] == [
        (2023, 6, 6, 6), (2024, 1, 1, 1), (2025, 1, 0, 0)]
    assert [s["stage"] for s in result.funnel()] == ["pupils", "students", "graduates", "observed", "employed",
                                                     "at_members"]


def test_partial_employment_counts_military_and_study_as_not_employed(world):
    w = world
    made = cluster(w.turkistan, colleges=[w.college_a], anchors=[w.enterprise_a], founded=2021)
    for status in ("employed", "employed", "military", "continuing", "not_employed"):
        graduate(w.college_a, year=2024, status=status, employer=w.enterprise_a)
    result = selectors.cluster_results([made.pk])[made.pk]
    assert (result.observed, result.employed) == (6, 3)  # with the world's graduate of 2023
    assert result.employment_rate == 50.0
    assert result.in_field == 3


def test_who_counts(world):
    """Only the cluster's colleges and specialties, graduates since its founding, outcomes at 12 months."""
    w = world
    made = cluster(w.turkistan, colleges=[w.college_a], anchors=[w.enterprise_a], founded=2024)
    graduate(w.college_a, year=2024, employer=w.enterprise_a)                        # counts
    graduate(w.college_a, year=2023, status="not_employed")                          # before the founding
    graduate(w.college_b, year=2024, status="not_employed")                          # another college
    graduate(w.college_a, year=2024, status="not_employed", spec=other_specialty())  # another specialty
    graduate(w.college_a, year=2024, status="not_employed", months=(6,))             # only at 6 months
    result = selectors.cluster_results([made])[made.pk]
    assert (result.graduates, result.observed, result.employed) == (2, 1, 1)
    assert result.employment_rate is None  # fewer than 5 observed: no rate, the counts stand


def test_an_empty_cluster_has_zero_counts(world):
    made = cluster(world.almaty, founded=2022, specialties=[])
    result = selectors.cluster_results([made])[made.pk]
    assert (result.students, result.graduates, result.observed, result.pupils) == (0, 0, 0, 0)
    assert result.employment_rate is None and result.by_year == []
    assert selectors.cluster_results([]) == {}


def _queries(clusters) -> int:
    with CaptureQueriesContext(connection) as captured:
        selectors.cluster_results(clusters)
    return len(captured)


def test_queries_do_not_grow_with_the_clusters(world):
    w = world
    one = [cluster(w.turkistan, colleges=[w.college_a], anchors=[w.enterprise_a], schools=[(school(w.turkistan),
                                                                                            {2025: 10})])]
    single = _queries(one)
    many = one + [cluster(w.turkistan, colleges=[w.college_a, w.college_b], anchors=[w.enterprise_a],
                          schools=[(school(w.turkistan), {2024: 5, 2025: 8})], name=f"C{i}") for i in range(8)]
    for i in range(5):
        graduate(w.college_b, year=2022 + i % 3, employer=w.enterprise_a)
    assert _queries(many) == single <= 7
