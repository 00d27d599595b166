"""The roadmap's computed measures against counts taken directly from the records, their breakdowns by region
and organisation, and their query counts."""

from __future__ import annotations

import datetime as dt
import math
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.models import Avg, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from smarttvet.partnership.models import Cluster, Infrastructure, WorldSkillsResult
from smarttvet.people.models import GraduateOutcome, Teacher
from smarttvet.plans import measures
from smarttvet.plans.measures import NATIONAL, ORGANIZATION, REGION, Owner
from smarttvet.rating.indicators import INDICATORS
from smarttvet.rating.models import RatingResult
from smarttvet.registry.models import Organization
from tests import factories as f
from tests.plans import factories as pf
from tests.plans import measure_factories as mf

NOW = timezone.localdate().year
Y = NOW - 1
TVET = list(Organization.TVET_KINDS)
NEW_KEYS = [
    "rating.leader_league", "rating.leagues_working", "rating.region_rank", "governance.corporate",
    "staff.production_specialists", "infrastructure.it_hubs", "infrastructure.fab_labs",
    "infrastructure.technoparks", "infrastructure.business_startup_centres", "partnership.clusters",
    "worldskills.competencies", "employment.rate_12m", "teachers.new_format_certified",
]
NATION = Owner(NATIONAL)


def value(key, owner, year):
    return measures.get(key).values([owner], [year]).get((owner, year))


@pytest.fixture
def records(world):
    """Two regions (Turkistan: a1, b1, a school; Almaty: x1, x2) with every kind of record the measures count,
    and records that must not be counted beside them."""
    t, a = world.turkistan, world.almaty
    r = SimpleNamespace(world=world, t=t, a=a, a1=world.college_a, b1=world.college_b, x1=world.college_other_region)
    r.x2 = f.organization(a, kind="higher_college")
    r.school = f.organization(t, kind="school")
    r.T, r.A = Owner(REGION, t.pk), Owner(REGION, a.pk)
    r.org = {name: Owner(ORGANIZATION, getattr(r, name).pk) for name in ("a1", "b1", "x1", "x2", "school")}
    # rating: an earlier run of Y superseded by a later one, a draft, and a run of Y-1
    mf.rating_run(Y, {r.a1: ("target", 20.0), r.b1: ("leaders", 95.0)},
                  published_at=dt.datetime(Y, 6, 1, tzinfo=dt.UTC))
    r.run = mf.rating_run(Y, {r.a1: ("leaders", 80.0), r.b1: ("backbone", 50.0), r.x1: ("leaders", 70.0),
                              r.x2: ("social", 30.0), r.school: (None, None)},
                          published_at=dt.datetime(Y, 12, 1, tzinfo=dt.UTC))
    mf.rating_run(Y, {r.a1: ("leaders", 99.0), r.b1: ("leaders", 99.0), r.x2: ("leaders", 99.0)}, publish=False)
    r.run_before = mf.rating_run(Y - 1, {r.b1: ("leaders", 60.0), r.a1: ("backbone", 40.0)})
    # governance: the school's board does not count
    for org, fields in ((r.a1, {"has_board_of_trustees": True}), (r.x1, {"has_supervisory_board": True}),
                        (r.x2, {"has_board_of_trustees": True, "has_supervisory_board": True}),
                        (r.school, {"has_board_of_trustees": True})):
        Organization.objects.filter(pk=org.pk).update(**fields)
    # teachers from production (and others that do not count)
    today = timezone.localdate()
    mf.teacher(r.a1)
    mf.teacher(r.a1, since=dt.date(NOW, 1, 1))
    mf.teacher(r.a1, until=dt.date(Y, 6, 30))
    mf.teacher(r.a1, since=today + dt.timedelta(days=1))
    mf.teacher(r.b1, since=dt.date(2010, 9, 1), until=dt.date(Y, 12, 31))
    mf.teacher(r.x1, position="master")
    mf.teacher(r.x1, position="director")
    mf.teacher(r.school)
    mf.teacher(r.x2, production=False)
    # new-format certificates (digital portfolio): two a1 teachers (one twice) valid in Y and NOW; b1's expired
    # before Y; x1's issued in NOW; a school's, a submitted and a superseded one never count
    certified = mf.teacher(r.a1, production=False)
    mf.certificate(certified, dt.date(Y - 2, 5, 1))
    mf.certificate(certified, dt.date(Y, 5, 1))
    mf.certificate(mf.teacher(r.a1, production=False), dt.date(Y, 1, 10), end=dt.date(NOW + 3, 1, 1))
    mf.certificate(mf.teacher(r.b1, production=False), dt.date(Y - 4, 1, 1), end=dt.date(Y - 1, 12, 31))
    mf.certificate(mf.teacher(r.x1, production=False), dt.date(NOW, 1, 1))
    mf.certificate(mf.teacher(r.school, production=False), dt.date(Y, 1, 1))
    mf.certificate(mf.teacher(r.x2, production=False), dt.date(Y, 1, 1), status="submitted")
    mf.certificate(mf.teacher(r.x2, production=False), dt.date(Y, 1, 1), superseded=True)
    # facilities
    for org, kind, year in ((r.a1, "it_hub", Y - 3), (r.x1, "it_hub", Y), (r.x2, "it_hub", NOW),
                            (r.school, "it_hub", Y), (r.a1, "it_hub", NOW + 1), (r.b1, "fab_lab", Y - 1),
                            (r.a1, "technopark", Y), (r.x1, "business_startup_centre", Y - 1),
                            (r.x1, "business_startup_centre", Y), (r.a1, "workshop", Y)):
        mf.facility(org, kind, year)
    # clusters: one in Almaty with a Turkistan college among its colleges
    mf.cluster(t, Y - 2, colleges=[r.a1, r.b1])
    mf.cluster(a, Y, colleges=[r.x1, r.a1])
    mf.cluster(t, NOW)
    mf.cluster(a, NOW + 1, colleges=[r.x2])
    # WorldSkills: national results of Y (and regional ones and another year's that do not count)
    for org, code in ((r.a1, "10"), (r.a1, "17"), (r.a1, "10"), (r.b1, "10"), (r.x1, "39")):
        mf.worldskills(org, Y, code)
    mf.worldskills(r.a1, Y, "99", level="regional")
    mf.worldskills(r.b1, Y - 1, "05")
    # graduates of Y-1 observed at 12 months (and a 6-month outcome that does not count)
    mf.graduates(r.a1, Y - 1, ["employed"] * 4 + ["military", "continuing"])
    mf.graduates(r.b1, Y - 1, ["employed"] * 5)
    mf.graduates(r.x1, Y - 1, ["employed", "employed", "not_employed"])
    mf.graduates(r.a1, Y - 1, ["employed"], months=6)
    return r


# ------------------------------------------------------------------------------------------ the registry
def test_every_roadmap_measure_is_registered_in_three_languages():
    for key in NEW_KEYS:
        measure = measures.get(key)
        assert measure is not None, key
        for language in ("kk", "ru", "en"):
            assert measure.names[language] and measure.units[language], (key, language)
    assert {"gradebook.composite", "gradebook.knowledge_quality", "gradebook.success_rate"} <= set(measures.MEASURES)


def test_new_format_certified_teachers_count_verified_valid_certificates_once(records):
    r = records
    key = "teachers.new_format_certified"
    assert measures.get(key).available and key in dict(measures.choices())
    assert value(key, NATION, Y) == 2 and value(key, r.T, Y) == 2 and value(key, r.A, Y) == 0
    assert value(key, r.org["a1"], Y) == 2 and value(key, r.org["b1"], Y) == 0
    assert value(key, NATION, Y - 1) == 2  # b1's (valid until 31 December Y-1) and a1's first one
    assert value(key, NATION, NOW) == 3 and value(key, r.org["x1"], NOW) == 1
    assert value(key, r.org["school"], Y) == 0 and value(key, r.org["x2"], Y) == 0
    assert value(key, NATION, NOW + 1) is None  # no count for a year ahead
    assert measures.breakdown(key, NATION, NOW, by=REGION) == [(r.t.pk, 2.0), (r.a.pk, 1.0)]
    assert measures.breakdown(key, r.T, Y, by=ORGANIZATION) == [(r.a1.pk, 2.0)]


# ------------------------------------------------------------------------------------------ rating
def test_leader_league_counts_the_latest_published_run_of_the_year(records):
    r = records
    leaders = RatingResult.objects.filter(run=r.run, league="leaders")
    for owner, records_of in ((NATION, leaders), (r.T, leaders.filter(organization__region=r.t)),
                              (r.A, leaders.filter(organization__region=r.a)),
                              (r.org["a1"], leaders.filter(organization=r.a1)),
                              (r.org["b1"], leaders.filter(organization=r.b1))):
        assert value("rating.leader_league", owner, Y) == records_of.count()
    assert value("rating.leader_league", NATION, Y) == 2
    assert value("rating.leader_league", NATION, Y - 1) == 1  # b1 in the run of Y-1
    assert value("rating.leader_league", NATION, Y - 2) is None  # no run of that year nor before
    # before a year's rating is published, the latest earlier run stands for it
    assert value("rating.leader_league", NATION, Y + 1) == value("rating.leader_league", NATION, Y) == 2
    assert measures.breakdown("rating.leader_league", NATION, Y, by=REGION) == sorted([(r.t.pk, 1.0),
                                                                                       (r.a.pk, 1.0)])
    assert set(measures.breakdown("rating.leader_league", NATION, Y, by=ORGANIZATION)) == {(r.a1.pk, 1.0),
                                                                                            (r.x1.pk, 1.0)}


def test_leagues_working_counts_distinct_leagues_with_members(records):
    r = records
    leagues = RatingResult.objects.filter(run=r.run, league__isnull=False)

    def distinct(qs):
        return len(set(qs.values_list("league", flat=True)))

    assert value("rating.leagues_working", NATION, Y) == distinct(leagues) == 3
    assert value("rating.leagues_working", r.T, Y) == distinct(leagues.filter(organization__region=r.t)) == 2
    assert value("rating.leagues_working", r.A, Y) == distinct(leagues.filter(organization__region=r.a)) == 2
    assert value("rating.leagues_working", r.org["school"], Y) == 0
    assert sorted(measures.breakdown("rating.leagues_working", NATION, Y, by=REGION)) == sorted(
        [(r.t.pk, 2.0), (r.a.pk, 2.0)])


def test_region_rank_ranks_regions_by_the_mean_score_of_their_organisations(records):
    r = records
    means = dict(RatingResult.objects.filter(run=r.run, score__isnull=False).values("organization__region")
                 .annotate(mean=Avg("score")).order_by().values_list("organization__region", "mean"))
    assert means == {r.t.pk: 65.0, r.a.pk: 50.0}
    assert value("rating.region_rank", r.T, Y) == 1
    assert value("rating.region_rank", r.A, Y) == 2
    assert value("rating.region_rank", NATION, Y) is None  # a region's measure only
    assert value("rating.region_rank", r.org["a1"], Y) is None
    assert value("rating.region_rank", r.A, Y - 1) is None  # no rated organisation of Almaty then
    assert value("rating.region_rank", r.T, Y - 1) == 1
    assert measures.breakdown("rating.region_rank", NATION, Y, by=REGION) == [(r.t.pk, 1.0), (r.a.pk, 2.0)]
    assert measures.breakdown("rating.region_rank", r.T, Y, by=ORGANIZATION) == [(r.a1.pk, 80.0), (r.b1.pk, 50.0)]


def test_equal_means_share_the_better_rank(world):
    mf.rating_run(Y, {world.college_a: ("leaders", 60.0), world.college_other_region: ("leaders", 60.0)})
    ranks = measures.get("rating.region_rank").values(
        [Owner(REGION, world.turkistan.pk), Owner(REGION, world.almaty.pk)], [Y])
    assert set(ranks.values()) == {1.0}


# ------------------------------------------------------------------------------------------ registry, staff
def test_corporate_governance_counts_tvet_organisations_with_a_board_now(records):
    r = records
    boards = Organization.objects.filter(kind__in=TVET).filter(Q(has_board_of_trustees=True)
                                                               | Q(has_supervisory_board=True))
    assert value("governance.corporate", NATION, NOW) == boards.count() == 3
    assert value("governance.corporate", r.T, NOW) == boards.filter(region=r.t).count() == 1
    assert value("governance.corporate", r.A, NOW) == boards.filter(region=r.a).count() == 2
    assert value("governance.corporate", r.org["school"], NOW) == 0
    assert value("governance.corporate", NATION, Y) is None  # the flags keep no history


def _production(day, **where):
    return (Teacher.objects.filter(from_production=True, organization__kind__in=TVET,
                                   position__in=["teacher", "master"], employed_from__lte=day, **where)
            .filter(Q(employed_until__isnull=True) | Q(employed_until__gte=day)).count())


def test_production_specialists_are_current_teachers_and_masters_from_production(records):
    r = records
    today, end_of_y = timezone.localdate(), dt.date(Y, 12, 31)
    key = "staff.production_specialists"
    assert value(key, NATION, NOW) == _production(today) == 3
    assert value(key, NATION, Y) == _production(end_of_y) == 3
    assert value(key, r.T, NOW) == _production(today, organization__region=r.t) == 2
    assert value(key, r.org["b1"], Y) == 1 and value(key, r.org["b1"], NOW) == 0
    assert value(key, r.org["a1"], Y) == _production(end_of_y, organization=r.a1) == 1
    assert value(key, NATION, NOW + 1) is None  # the future has no actuals


# ------------------------------------------------------------------------------------------ partnership
@pytest.mark.parametrize(("key", "kind"), [("infrastructure.it_hubs", "it_hub"), ("infrastructure.fab_labs", "fab_lab"),
                                           ("infrastructure.technoparks", "technopark"),
                                           ("infrastructure.business_startup_centres", "business_startup_centre")])
def test_facilities_opened_by_the_year(records, key, kind):
    r = records
    facilities = Infrastructure.objects.filter(kind=kind, organization__kind__in=TVET)
    for year in (Y - 1, Y, NOW):
        opened = facilities.filter(opened_year__lte=year)
        assert value(key, NATION, year) == opened.count()
        assert value(key, r.T, year) == opened.filter(organization__region=r.t).count()
        assert value(key, r.A, year) == opened.filter(organization__region=r.a).count()
        assert value(key, r.org["x1"], year) == opened.filter(organization=r.x1).count()
    assert value(key, NATION, NOW + 1) is None


def test_it_hubs_by_hand(records):
    assert [value("infrastructure.it_hubs", NATION, year) for year in (Y - 1, Y, NOW)] == [1, 2, 3]
    assert value("infrastructure.it_hubs", records.org["school"], Y) == 0  # schools are not counted


def test_clusters_founded_by_the_year(records):
    r = records
    key = "partnership.clusters"
    for year in (Y - 1, Y, NOW):
        founded = Cluster.objects.filter(year_founded__lte=year)
        assert value(key, NATION, year) == founded.count()
        assert value(key, r.T, year) == founded.filter(region=r.t).count()
        assert value(key, r.A, year) == founded.filter(region=r.a).count()
        assert value(key, r.org["a1"], year) == founded.filter(colleges=r.a1).count()
    assert [value(key, NATION, year) for year in (Y - 1, Y, NOW)] == [1, 2, 3]
    assert value(key, r.org["a1"], Y) == 2  # a Turkistan college of an Almaty cluster
    assert sorted(measures.breakdown(key, NATION, Y, by=ORGANIZATION)) == sorted(
        [(r.a1.pk, 2.0), (r.b1.pk, 1.0), (r.x1.pk, 1.0)])


def test_worldskills_competencies_of_the_national_championship(records):
    r = records
    key = "worldskills.competencies"
    national = WorldSkillsResult.objects.filter(level="national", year=Y)

    def distinct(qs):
        return len(set(qs.values_list("competence_code", flat=True)))

    assert value(key, NATION, Y) == distinct(national) == 3
    assert value(key, r.T, Y) == distinct(national.filter(organization__region=r.t)) == 2
    assert value(key, r.A, Y) == distinct(national.filter(organization__region=r.a)) == 1
    assert value(key, r.org["a1"], Y) == 2
    assert value(key, r.org["x2"], Y) == 0
    assert value(key, NATION, Y - 1) == 1
    assert value(key, NATION, Y - 2) is None  # no national championship results
    assert measures.breakdown(key, NATION, Y, by=REGION) == [(r.t.pk, 2.0), (r.a.pk, 1.0)]


# ------------------------------------------------------------------------------------------ employment
def _employed_rate(**where):
    outcomes = GraduateOutcome.objects.filter(months_after=12, student__status="graduated",
                                              student__status_year=Y - 1, **where)
    n = outcomes.count()
    return 100 * outcomes.filter(status="employed").count() / n if n >= 5 else None


def test_employment_rate_is_the_ratings_employment_12m(records):
    r = records
    key = "employment.rate_12m"
    assert value(key, NATION, Y) == pytest.approx(_employed_rate()) == pytest.approx(100 * 11 / 14)
    assert value(key, r.T, Y) == pytest.approx(_employed_rate(student__organization__region=r.t))
    assert value(key, r.A, Y) is None  # 3 graduates observed
    rating = INDICATORS["employment_12m"](Y)
    for name in ("a1", "b1", "x1"):
        org = getattr(r, name)
        expected = _employed_rate(student__organization=org)
        computed = value(key, r.org[name], Y)
        if expected is None:
            assert computed is None and math.isnan(rating[org.pk])
        else:
            assert computed == pytest.approx(expected) == pytest.approx(rating[org.pk])
    assert value(key, NATION, Y + 5) is None
    assert measures.breakdown(key, NATION, Y, by=ORGANIZATION) == [(r.b1.pk, 100.0),
                                                                   (r.a1.pk, pytest.approx(400 / 6))]
    assert measures.breakdown(key, NATION, Y, by=REGION) == [(r.t.pk, pytest.approx(900 / 11))]


# ------------------------------------------------------------------------------------------ breakdowns
def _year_of(key):
    return NOW if key == "governance.corporate" else Y


@pytest.mark.parametrize("key", [k for k in NEW_KEYS if measures.get(k).additive])
def test_additive_breakdowns_sum_to_the_whole(records, key):
    measure = measures.get(key)
    year = _year_of(key)
    for by in sorted(measure.additive):
        whole = value(key, NATION, year)
        assert whole, (key, by)
        assert sum(v for _id, v in measures.breakdown(key, NATION, year, by=by)) == pytest.approx(whole)
    if ORGANIZATION in measure.additive:
        for region in (records.T, records.A):
            parts = measures.breakdown(key, region, year, by=ORGANIZATION)
            assert sum(v for _id, v in parts) == pytest.approx(value(key, region, year))
            assert {pk for pk, _v in parts} <= set(Organization.objects.filter(region_id=region.id)
                                                   .values_list("pk", flat=True))


def test_breakdowns_list_only_contributors_largest_first(records):
    parts = measures.breakdown("infrastructure.business_startup_centres", NATION, Y, by=ORGANIZATION)
    assert parts == [(records.x1.pk, 2.0)]
    assert measures.breakdown("rating.leader_league", NATION, Y - 2, by=REGION) == []


def test_what_cannot_break_down_is_refused(records):
    with pytest.raises(ValueError, match="does not break down"):
        measures.breakdown("infrastructure.it_hubs", records.org["a1"], Y, by=ORGANIZATION)
    with pytest.raises(ValueError, match="does not break down"):
        measures.breakdown("infrastructure.it_hubs", records.T, Y, by=REGION)
    with pytest.raises(ValueError, match="region or organization"):
        measures.breakdown("infrastructure.it_hubs", NATION, Y, by="district")
    with pytest.raises(ValueError, match="unknown measure"):
        measures.breakdown("no.such", NATION, Y)


def test_the_gradebook_measures_break_down_too(world):
    pf.measure(world.college_a, 2025, 0.5)
    pf.measure(world.college_b, 2025, 0.7)
    pf.region_measure(world.turkistan, 2025, 0.6)
    assert measures.breakdown("gradebook.composite", NATION, 2025, by=REGION) == [(world.turkistan.pk, 0.6)]
    assert measures.breakdown("gradebook.composite", Owner(REGION, world.turkistan.pk), 2025,
                              by=ORGANIZATION) == [(world.college_b.pk, 0.7), (world.college_a.pk, 0.5)]


# ------------------------------------------------------------------------------------------ queries
def _queries(call) -> int:
    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx.captured_queries)


def _all_owners(r):
    return [NATION, r.T, r.A, *r.org.values()]


def _more_records(r):
    """Five more organisations in each region, each with every kind of record."""
    for region in (r.t, r.a):
        for _ in range(5):
            org = f.organization(region, has_board_of_trustees=True)
            mf.certificate(mf.teacher(org), dt.date(Y, 3, 1))
            mf.facility(org, "it_hub", Y)
            mf.facility(org, "fab_lab", Y)
            mf.worldskills(org, Y, "41")
            mf.graduates(org, Y - 1, ["employed"] * 5)
            mf.cluster(region, Y, colleges=[org])


@pytest.mark.parametrize("key", NEW_KEYS)
def test_query_counts_do_not_grow_with_owners_or_records(records, key):
    r = records
    years = [Y - 1, Y, NOW]
    measure = measures.get(key)
    one = _queries(lambda: measure.values([NATION], years))
    many = _queries(lambda: measure.values(_all_owners(r), years))
    parts = _queries(lambda: measures.breakdown(key, NATION, _year_of(key), by=ORGANIZATION))
    _more_records(r)
    owners = _all_owners(r) + [Owner(ORGANIZATION, pk) for pk in Organization.objects.values_list("pk", flat=True)]
    assert _queries(lambda: measure.values(owners, years)) == many
    assert _queries(lambda: measures.breakdown(key, NATION, _year_of(key), by=ORGANIZATION)) == parts
    assert one <= many <= 3 and parts <= 3


def test_many_indicators_cost_one_compute_per_measure(records):
    r = records
    one_each = [(key, NATION, Y) for key in NEW_KEYS]
    every = [(key, owner, year) for key in NEW_KEYS for owner in _all_owners(r) for year in (Y - 1, Y, NOW)]
    assert _queries(lambda: measures.compute_many(one_each)) <= _queries(lambda: measures.compute_many(every)) \
        <= 2 * len(NEW_KEYS)
