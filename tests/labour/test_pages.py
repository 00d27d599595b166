"""Labour-market pages: the heatmap, a region's gap, recommendations and vacancies, a specialty in a region and
graduate employment — public aggregates for everyone, organisation-level employment and enterprise-level needs
in scope only, bad query strings harmless, exports, and query counts that do not grow with the data."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.labour.page_fixtures import grow_labour, labour_world  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

ROLES = ["ministry", "region", "organization", "teacher", "employer"]


def _client(client, client_as, lw, role):
    return client if role == "anonymous" else client_as(lw.users[role])


def _urls(lw) -> dict[str, str]:
    kato = lw.turkistan.kato
    return {
        "heatmap": "/en/labour/",
        "region": f"/en/labour/regions/{kato}/",
        "specialty": f"/en/labour/regions/{kato}/specialties/{lw.expand.code}/",
        "employment": "/en/labour/employment/",
    }


# ---------------------------------------------------------------------------------------- access
@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_the_pages_are_public(labour_world, client, client_as, role):  # noqa: F811
    c = _client(client, client_as, labour_world, role)
    for name, url in _urls(labour_world).items():
        assert c.get(url).status_code == 200, (role, name)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_pages_answer_in_each_language(labour_world, client, lang):  # noqa: F811
    for url in _urls(labour_world).values():
        response = client.get(url.replace("/en/", f"/{lang}/"))
        assert response.status_code == 200 and f'<html lang="{lang}">' in response.content.decode()


def test_navigation_has_a_labour_market_section(labour_world, client):  # noqa: F811
    text = client.get("/en/").content.decode()
    assert "Labour market" in text and 'href="/en/labour/"' in text and 'href="/en/labour/employment/"' in text


# ---------------------------------------------------------------------------------------- heatmap
def test_heatmap_colours_region_by_broad_field_and_drills_down(labour_world, client):  # noqa: F811
    lw = labour_world
    page = client.get("/en/labour/?horizon=3")
    text = page.content.decode()
    assert page.context["horizon"] == 3 and page.context["first_year"] == 2026 and page.context["last_year"] == 2028
    assert 'data-chart="labour-heatmap"' in text and 'id="labour-heatmap-data"' in text
    rows = {row["kato"]: row for row in page.context["rows"]}
    fields = [f["code"] for f in page.context["fields"]]
    turkistan = {fields[i]: cell for i, cell in enumerate(rows[lw.turkistan.kato]["cells"]) if cell}
    open_field, expand_field, reduce_field = (lw.open.field.code[:2], lw.expand.field.code[:2],
                                              lw.reduce.field.code[:2])
    assert turkistan[open_field]["ratio"] == 0 and turkistan[open_field]["band"] == "deficit-strong"
    assert turkistan[open_field]["demand"] == pytest.approx(180, abs=1)  # 10 postings × 12 × 0.5 × 3 years
    assert turkistan[reduce_field]["ratio"] is None and turkistan[reduce_field]["band"] == "no-demand"
    assert turkistan[reduce_field]["supply"] == 60
    assert turkistan[expand_field]["band"] == "deficit-strong"
    assert turkistan[expand_field]["url"] == f"/en/labour/regions/{lw.turkistan.kato}/?horizon=3&field={expand_field}"
    assert f'href="/en/labour/regions/{lw.turkistan.kato}/?horizon=3&amp;field={expand_field}"' in text
    chart = page.context["chart"]
    assert len(chart["regions"]) == 20 and chart["fields"] == fields
    # the world's own specialty is taught without demand too
    assert (fields.index(reduce_field), chart["regions"].index(lw.turkistan.name)) in {
        tuple(c["value"][:2]) for c in chart["no_demand"]}
    assert (fields.index(open_field), chart["regions"].index(lw.turkistan.name), 0.0) in {
        tuple(c["value"]) for c in chart["cells"]}
    # a shorter horizon: fewer years, less demand
    one = client.get("/en/labour/?horizon=1")
    cell = {fields[i]: c for i, c in enumerate({r["kato"]: r for r in one.context["rows"]}[lw.turkistan.kato]["cells"])
            if c}[open_field]
    assert one.context["last_year"] == 2026 and cell["demand"] == pytest.approx(60, abs=1)


@pytest.mark.parametrize("horizon", ["0", "6", "abc", "", "-1", "3.5", "99999999999", "%00"])
def test_a_bad_horizon_falls_back_to_three_years(labour_world, client, horizon):  # noqa: F811
    for url in ("/en/labour/", f"/en/labour/regions/{labour_world.turkistan.kato}/",
                f"/en/labour/regions/{labour_world.turkistan.kato}/specialties/{labour_world.expand.code}/"):
        page = client.get(url, {"horizon": horizon, "field": "zz"})
        assert page.status_code == 200 and page.context["horizon"] == 3, url


def test_pages_without_any_data(db, client):
    from smarttvet.registry.models import Specialty

    page = client.get("/en/labour/")
    assert page.status_code == 200 and "No demand or supply figures yet" in page.content.decode()
    region = client.get("/en/labour/regions/61/")
    assert region.status_code == 200 and region.context["rows"] == [] and region.context["vacancy_chart"] is None
    code = Specialty.objects.order_by("code").first().code
    assert client.get(f"/en/labour/regions/61/specialties/{code}/").status_code == 200
    for by in ("organization", "specialty", "region", "cohort"):
        employment = client.get(f"/en/labour/employment/?by={by}")
        assert employment.status_code == 200 and employment.context["rows"] == []
    for url in ("/api/v1/labour/heatmap", "/api/v1/labour/regions/61/gap", "/api/v1/labour/regions/61/recommendations",
                "/api/v1/labour/employment?by=region", "/api/v1/labour/vacancies"):
        assert client.get(url).status_code == 200, url


# ---------------------------------------------------------------------------------------- region
def test_region_page_shows_gap_recommendations_vacancies_and_needs(labour_world, client_as):  # noqa: F811
    lw = labour_world
    page = client_as(lw.users["region"]).get(f"/en/labour/regions/{lw.turkistan.kato}/")
    text = page.content.decode()
    rows = {row["specialty_code"]: row for row in page.context["rows"]}
    assert {lw.open.code, lw.expand.code, lw.reduce.code} <= set(rows)
    assert rows[lw.open.code]["providers"] == 0 and rows[lw.open.code]["supply"] == 0
    assert rows[lw.expand.code]["declared"] == 5 and rows[lw.expand.code]["supply"] == pytest.approx(10)
    assert rows[lw.expand.code]["employment_rate_12m"] == 80 and rows[lw.expand.code]["employment_n"] == 10
    assert rows[lw.reduce.code]["employment_rate_12m"] == 20 and rows[lw.reduce.code]["ratio"] is None
    actions = {row["specialty_code"]: row["recommendation"] for row in page.context["recommendations"]}
    assert actions[lw.open.code] == "open" and actions[lw.expand.code] == "expand"
    assert actions[lw.reduce.code] == "reduce"
    first = page.context["recommendations"][0]
    assert first["recommendation"] == "open" and "No provider in the region" in first["reason"]
    assert "action-open" in text and "employment at 12 months 20% of 10 graduates" in text
    # vacancies: 48 months of history, the forecast to the end of 2028, the backtest's error
    chart = page.context["vacancy_chart"]
    assert chart["months"][0] == "2021-01" and chart["months"][47] == "2024-12" and chart["months"][-1] == "2028-12"
    assert chart["history"][0] == 18 and chart["history"][48] is None and chart["forecast"][48] is not None
    assert page.context["backtest"]["origins"] == 3 and page.context["backtest"]["wape"] is not None
    assert 'data-chart="labour-vacancies"' in text and "Backtest error" in text
    # growth sectors, declared needs (summary and, for the region, enterprise by enterprise), allocation link
    assert [g.sector.code for g in page.context["growth_sectors"]] == ["C"] and "Mining and metallurgy" in text
    needs = page.context["needs"]
    assert needs.total == 5 and needs.by_specialty[0]["by_year"] == [5, 0, 0]
    assert needs.by_specialty[0]["enterprises"] == 1 and [n.enterprise for n in needs.own] == [lw.enterprise_a]
    assert 'href="/en/labour/allocations/new/"' in text


@pytest.mark.parametrize("role,own_needs,allocate", [
    ("anonymous", False, False), ("ministry", True, True), ("region", True, True), ("organization", False, False),
    ("teacher", False, False), ("employer", True, False),
])
def test_region_page_scopes_needs_and_the_allocation_link(
        labour_world, client, client_as, role, own_needs, allocate):  # noqa: F811
    lw = labour_world
    page = _client(client, client_as, lw, role).get(f"/en/labour/regions/{lw.turkistan.kato}/")
    assert page.context["needs"].total == 5  # the summary is public
    assert bool(page.context["needs"].own) is own_needs
    assert (lw.enterprise_a.name in page.content.decode()) is own_needs
    assert page.context["may_allocate"] is allocate


def test_region_page_narrowed_to_a_broad_field(labour_world, client):  # noqa: F811
    lw = labour_world
    field = lw.expand.field.code[:2]
    page = client.get(f"/en/labour/regions/{lw.turkistan.kato}/?field={field}&horizon=2")
    assert page.context["field"].code == field and page.context["horizon"] == 2
    assert {row["specialty_code"] for row in page.context["rows"]} == {lw.expand.code}
    assert [row["specialty_code"] for row in page.context["recommendations"]] == [lw.expand.code]
    assert page.context["years"] == [2026, 2027]


def test_region_codes(labour_world, client):  # noqa: F811
    lw = labour_world
    assert client.get("/en/labour/regions/61/").context["region"] == lw.turkistan
    assert client.get("/en/labour/regions/KZ-61/").context["region"] == lw.turkistan
    for bad in ("99", "abc", "999999999", "KZ-XX"):
        assert client.get(f"/en/labour/regions/{bad}/").status_code == 404, bad
    assert client.get("/en/labour/regions/61/specialties/00000000/").status_code == 404
    assert client.get("/en/labour/regions/61/specialties/abc/").status_code == 404
    assert client.get(f"/en/labour/regions/99/specialties/{lw.expand.code}/").status_code == 404


def test_region_gap_export(labour_world, client):  # noqa: F811
    lw = labour_world
    response = client.get(f"/en/labour/regions/{lw.turkistan.kato}/?export=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert lines[0][:8] == ["specialty_code", "specialty_name", "demand", "supply", "gap", "ratio",
                            "employment_rate_12m", "employment_n"]
    assert lw.open.code in {line[0] for line in lines[1:]}
    xlsx = client.get(f"/en/labour/regions/{lw.turkistan.kato}/?export=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(f"/en/labour/regions/{lw.turkistan.kato}/?export=pdf").status_code == 404


# ---------------------------------------------------------------------------------------- specialty in a region
EMPLOYMENT_SEEN = {
    # role: (college A's rate visible, college B's)
    "anonymous": (False, False), "ministry": (True, True), "region": (True, True), "organization": (True, False),
    "teacher": (False, False), "employer": (False, False),
}


@pytest.mark.parametrize("role", list(EMPLOYMENT_SEEN))
def test_specialty_page_shows_organisation_employment_in_scope_only(labour_world, client, client_as, role):  # noqa: F811
    lw = labour_world
    c = _client(client, client_as, lw, role)
    page = c.get(f"/en/labour/regions/{lw.turkistan.kato}/specialties/{lw.expand.code}/")
    (college,) = page.context["organizations"]
    assert college["id"] == lw.college_a.pk and college["enrolled"] == 10 and college["supply"] == pytest.approx(10)
    assert college["offers"] is True
    assert college["employment_visible"] is EMPLOYMENT_SEEN[role][0]
    if college["employment_visible"]:
        assert college["employment_rate_12m"] == 80 and college["employment_n"] == 10
    else:
        assert college["employment_rate_12m"] is None and college["employment_n"] == 0
        assert "not in your scope" in page.content.decode()
    reduce_page = c.get(f"/en/labour/regions/{lw.turkistan.kato}/specialties/{lw.reduce.code}/")
    (college_b,) = reduce_page.context["organizations"]
    assert college_b["id"] == lw.college_b.pk and college_b["employment_visible"] is EMPLOYMENT_SEEN[role][1]


def test_specialty_page_lists_occupations_with_their_vacancies(labour_world, client):  # noqa: F811
    lw = labour_world
    page = client.get(f"/en/labour/regions/{lw.turkistan.kato}/specialties/{lw.open.code}/")
    assert page.context["organizations"] == [] and page.context["gap"]["providers"] == 0
    (occupation,) = page.context["occupations"]
    assert occupation["occupation"] == lw.occupation_open and occupation["postings"] == 120  # 10 × 12 months
    assert occupation["share"] == 1.0 and str(page.context["last_month"]) == "2024-12-01"
    other = client.get(f"/en/labour/regions/{lw.almaty.kato}/specialties/{lw.open.code}/")
    assert other.status_code == 200 and other.context["gap"] is None
    assert other.context["occupations"][0]["postings"] == 0


# ---------------------------------------------------------------------------------------- employment
ORGANISATIONS_SEEN = {
    "anonymous": set(), "ministry": {"college_a", "college_b", "college_other_region"},
    "region": {"college_a", "college_b"}, "organization": {"college_a"}, "teacher": set(), "employer": set(),
}


@pytest.mark.parametrize("role", list(ORGANISATIONS_SEEN))
def test_employment_by_organisation_is_scoped(labour_world, client, client_as, role):  # noqa: F811
    lw = labour_world
    page = _client(client, client_as, lw, role).get("/en/labour/employment/?by=organization")
    seen = {row["key"] for row in page.context["rows"]}
    assert seen == {getattr(lw, name).pk for name in ORGANISATIONS_SEEN[role]}
    assert page.context["scoped_out"] is (role in ("anonymous", "teacher", "employer"))
    if role == "anonymous":
        assert "Log in, or group by specialty" in page.content.decode()


def test_employment_rates_at_6_and_12_months(labour_world, client_as):  # noqa: F811
    lw = labour_world
    page = client_as(lw.users["ministry"]).get(f"/en/labour/employment/?by=organization&region={lw.turkistan.kato}")
    rows = {row["key"]: row for row in page.context["rows"]}
    assert set(rows) == {lw.college_a.pk, lw.college_b.pk}  # the world's graduate is college A's too
    a = rows[lw.college_a.pk]
    assert a["twelve"]["n"] == 11 and a["twelve"]["employed"] == 9
    assert a["six"]["n"] == 10 and a["six"]["employed_rate"] == 50 and a["six"]["continuing_rate"] == 10
    assert a["six"]["sources"] == [{"key": "survey", "count": 10, "share": 100}]
    b = rows[lw.college_b.pk]
    assert b["twelve"]["employed_rate"] == 20 and b["twelve"]["military_rate"] == 20 and b["six"] is None
    assert page.context["total_twelve"]["n"] == 21
    assert page.context["chart"]["labels"] and 'data-chart="labour-employment"' in page.content.decode()


def test_employment_by_specialty_region_and_cohort_is_public(labour_world, client):  # noqa: F811
    lw = labour_world
    by_specialty = client.get("/en/labour/employment/?by=specialty")
    rows = {row["code"]: row for row in by_specialty.context["rows"]}
    assert rows[lw.expand.code]["twelve"]["n"] == 16 and rows[lw.expand.code]["twelve"]["employed"] == 11
    by_region = client.get("/en/labour/employment/?by=region")
    assert {row["code"] for row in by_region.context["rows"]} == {lw.turkistan.kato, lw.almaty.kato}
    by_cohort = client.get("/en/labour/employment/?by=cohort&cohort=2024")
    assert [row["code"] for row in by_cohort.context["rows"]] == ["2024"] and by_cohort.context["cohort"] == 2024
    assert by_cohort.context["cohorts"] == [2024, 2023]


@pytest.mark.parametrize("query", ["by=castle", "cohort=abc", "cohort=1999", "cohort=99999999999", "by=&cohort=",
                                   "export=", "page=-1"])
def test_employment_bad_query_strings_never_fail(labour_world, client, query):  # noqa: F811
    page = client.get(f"/en/labour/employment/?{query}")
    assert page.status_code == 200 and page.context["by"] in ("organization",) and page.context["cohort"] is None


def test_employment_unknown_region_is_404(labour_world, client):  # noqa: F811
    assert client.get("/en/labour/employment/?region=99").status_code == 404


def test_employment_export(labour_world, client_as):  # noqa: F811
    lw = labour_world
    client = client_as(lw.users["region"])
    response = client.get("/en/labour/employment/?by=organization&export=csv")
    assert response.status_code == 200 and "graduate-employment-organization" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert lines[0][:5] == ["group", "code", "name", "months_after", "n"]
    assert {line[1] for line in lines[1:]} == {lw.college_a.bin, lw.college_b.bin}
    assert {(line[1], line[3]) for line in lines[1:]} >= {(lw.college_a.bin, "6"), (lw.college_a.bin, "12")}
    xlsx = client.get("/en/labour/employment/?by=specialty&export=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get("/en/labour/employment/?export=pdf").status_code == 404


# ---------------------------------------------------------------------------------------- query counts
def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


@pytest.mark.parametrize("role", ["anonymous", "ministry", "region", "organization", "employer"])
def test_query_counts_do_not_grow_with_regions_and_specialties(
        labour_world, grow_labour, client, client_as, role):  # noqa: F811
    lw = labour_world
    c = _client(client, client_as, lw, role)
    urls = [*_urls(lw).values(), "/en/labour/employment/?by=specialty", "/en/labour/employment/?by=region",
            f"/en/labour/regions/{lw.turkistan.kato}/?field={lw.expand.field.code[:2]}"]
    for url in urls:  # warm the session and the caches
        c.get(url)
    before = {url: _count(c, url) for url in urls}
    grow_labour(6)
    after = {url: _count(c, url) for url in urls}
    assert after == before
    heatmap = c.get("/en/labour/")
    assert sum(1 for row in heatmap.context["rows"] if any(row["cells"])) == 8
    assert len(c.get(f"/en/labour/regions/{lw.turkistan.kato}/").context["rows"]) >= 9
