"""Labour-market API: the heatmap, a region's gap and recommendations, employment (scoped per organisation),
monthly vacancies; 422 naming a bad parameter, 404 for an unknown region, never a 500; constant query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.labour.page_fixtures import grow_labour, labour_world  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

API = "/api/v1/labour"


def _client(client, client_as, lw, role):
    return client if role == "anonymous" else client_as(lw.users[role])


def test_heatmap(labour_world, client):  # noqa: F811
    lw = labour_world
    response = client.get(f"{API}/heatmap", {"horizon": 2}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.json()
    assert body["horizon"] == 2 and body["base_year"] == 2025 and body["years"] == [2026, 2027]
    cells = {(c["region"], c["broad_field"]): c for c in body["cells"]}
    cell = cells[(lw.turkistan.kato, lw.open.field.code[:2])]
    assert cell["demand"] == pytest.approx(120, abs=1) and cell["supply"] == 0 and cell["ratio"] == 0
    assert cell["region_name"] == lw.turkistan.name_en  # in the request's language
    ru = client.get(f"{API}/heatmap", {"horizon": 2}, HTTP_ACCEPT_LANGUAGE="ru").json()
    assert lw.turkistan.name_ru in {c["region_name"] for c in ru["cells"]}
    reduce = cells[(lw.turkistan.kato, lw.reduce.field.code[:2])]
    assert reduce["ratio"] is None and reduce["supply"] == 60 and reduce["employment_rate_12m"] == 20
    assert {f["code"] for f in body["fields"]} >= {lw.open.field.code[:2], lw.expand.field.code[:2]}
    assert client.get(f"{API}/heatmap").json()["horizon"] == 3  # the default


@pytest.mark.parametrize("horizon", ["0", "6", "abc", "-1", "2.5", "99999999999999999999"])
def test_a_bad_horizon_is_422_naming_it(labour_world, client, horizon):  # noqa: F811
    kato = labour_world.turkistan.kato
    for url in (f"{API}/heatmap", f"{API}/regions/{kato}/gap", f"{API}/regions/{kato}/recommendations"):
        response = client.get(url, {"horizon": horizon})
        assert response.status_code == 422, url
        assert any(error["loc"][-1] == "horizon" for error in response.json()["detail"]), response.json()


def test_region_gap(labour_world, client):  # noqa: F811
    lw = labour_world
    body = client.get(f"{API}/regions/KZ-61/gap", {"horizon": 3}).json()
    assert body["region"]["kato"] == lw.turkistan.kato and body["years"] == [2026, 2027, 2028]
    rows = {row["specialty_code"]: row for row in body["rows"]}
    assert rows[lw.expand.code]["declared"] == 5 and rows[lw.expand.code]["employment_rate_12m"] == 80
    assert rows[lw.expand.code]["employment_n"] == 10 and rows[lw.expand.code]["providers"] == 1
    assert rows[lw.open.code]["gap"] == pytest.approx(180, abs=1) and rows[lw.open.code]["ratio"] == 0
    assert rows[lw.reduce.code]["ratio"] is None and rows[lw.reduce.code]["gap"] == -60


def test_region_recommendations(labour_world, client):  # noqa: F811
    lw = labour_world
    body = client.get(f"{API}/regions/{lw.turkistan.kato}/recommendations", HTTP_ACCEPT_LANGUAGE="en").json()
    actions = {row["specialty_code"]: row for row in body["rows"]}
    assert actions[lw.open.code]["recommendation"] == "open" and actions[lw.open.code]["rule"] == "open_unmet_demand"
    assert actions[lw.expand.code]["recommendation"] == "expand"
    assert actions[lw.reduce.code]["recommendation"] == "reduce"
    assert actions[lw.reduce.code]["employment_rate_12m"] == 20 and actions[lw.reduce.code]["supply_per_year"] == 20
    assert "Oversupply of 20 a year" in actions[lw.reduce.code]["reason"]
    kazakh = client.get(f"{API}/regions/{lw.turkistan.kato}/recommendations").json()  # the default language
    reduce_kk = next(row for row in kazakh["rows"] if row["specialty_code"] == lw.reduce.code)
    assert "Жылына 20 артық ұсыныс" in reduce_kk["reason"]
    assert actions[lw.reduce.code]["reason_en"].startswith("Oversupply of 20 a year")
    assert body["counts"]["open"] == 1 and body["counts"]["reduce"] == 1 and body["rows"][0]["recommendation"] == "open"
    ru = client.get(f"{API}/regions/{lw.turkistan.kato}/recommendations", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert [r["recommendation"] for r in ru["rows"]] == [r["recommendation"] for r in body["rows"]]


@pytest.mark.parametrize("kato", ["99", "abc", "000000000", "KZ-ZZ"])
def test_unknown_region_is_404(labour_world, client, kato):  # noqa: F811
    for url in (f"{API}/regions/{kato}/gap", f"{API}/regions/{kato}/recommendations"):
        assert client.get(url).status_code == 404, url
    assert client.get(f"{API}/employment", {"region": kato}).status_code == 404
    assert client.get(f"{API}/vacancies", {"region": kato}).status_code == 404


ORGANISATIONS_SEEN = {
    "anonymous": set(), "ministry": {"college_a", "college_b", "college_other_region"},
    "region": {"college_a", "college_b"}, "organization": {"college_a"}, "teacher": set(), "employer": set(),
}


@pytest.mark.parametrize("role", list(ORGANISATIONS_SEEN))
def test_employment_by_organisation_is_scoped(labour_world, client, client_as, role):  # noqa: F811
    lw = labour_world
    body = _client(client, client_as, lw, role).get(f"{API}/employment", {"by": "organization"}).json()
    assert {row["key"] for row in body["rows"]} == {getattr(lw, name).pk for name in ORGANISATIONS_SEEN[role]}
    # aggregates are public whoever asks
    by_region = _client(client, client_as, lw, role).get(f"{API}/employment", {"by": "region"}).json()
    assert {row["code"] for row in by_region["rows"]} == {lw.turkistan.kato, lw.almaty.kato}


def test_employment_figures(labour_world, client_as):  # noqa: F811
    lw = labour_world
    body = client_as(lw.users["ministry"]).get(f"{API}/employment",
                                               {"by": "organization", "region": "61", "cohort": 2024}).json()
    assert body["cohort"] == 2024 and body["region"]["kato"] == lw.turkistan.kato and body["cohorts"] == [2023, 2024]
    rows = {row["key"]: row for row in body["rows"]}
    a = rows[lw.college_a.pk]
    assert a["code"] == lw.college_a.bin and a["twelve"]["n"] == 10 and a["twelve"]["employed_rate"] == 80
    assert a["twelve"]["in_field_rate"] == 60 and a["six"]["employed_rate"] == 50
    assert a["twelve"]["sources"] == [{"key": "pension", "count": 10, "share": 100}]
    b = rows[lw.college_b.pk]
    assert b["six"] is None and b["twelve"]["not_employed_rate"] == 60
    assert body["total_twelve"]["n"] == 20 and body["total_twelve"]["employed"] == 10
    empty = client_as(lw.users["ministry"]).get(f"{API}/employment", {"by": "specialty", "cohort": 2010}).json()
    assert empty["cohort"] == 2010 and empty["rows"] == [] and empty["total_twelve"] is None


@pytest.mark.parametrize("query", [{"by": "castle"}, {"cohort": "abc"}, {"cohort": "1999"}, {"by": ""}])
def test_employment_bad_parameters_are_422(labour_world, client, query):  # noqa: F811
    response = client.get(f"{API}/employment", query)
    assert response.status_code == 422
    assert {error["loc"][-1] for error in response.json()["detail"]} == set(query)


def test_vacancies(labour_world, client):  # noqa: F811
    lw = labour_world
    body = client.get(f"{API}/vacancies", {"region": lw.turkistan.kato}).json()
    assert len(body["months"]) == 48 and body["months"][0] == {"month": "2021-01-01", "count": 18, "median_wage": None}
    one = client.get(f"{API}/vacancies", {"region": "61", "occupation": "7002"}).json()
    assert one["occupation"] == "7002" and {m["count"] for m in one["months"]} == {8}
    country = client.get(f"{API}/vacancies").json()
    assert country["region"] is None and country["months"][0]["count"] == 23
    for bad in ("abc", "12345"):
        response = client.get(f"{API}/vacancies", {"occupation": bad})
        assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "occupation"
    unknown = client.get(f"{API}/vacancies", {"occupation": "9999"})
    assert unknown.status_code == 422 and "occupation" in unknown.json()["errors"]


def test_the_allocation_router_is_mounted(labour_world, client, client_as):  # noqa: F811
    assert client_as(labour_world.users["ministry"]).get(f"{API}/allocations").status_code == 200


def _count(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(ctx)


@pytest.mark.parametrize("role", ["anonymous", "ministry", "region", "organization"])
def test_query_counts_do_not_grow(labour_world, grow_labour, client, client_as, role):  # noqa: F811
    lw = labour_world
    c = _client(client, client_as, lw, role)
    calls = [(f"{API}/heatmap", None), (f"{API}/regions/61/gap", None), (f"{API}/regions/61/recommendations", None),
             (f"{API}/employment", {"by": "organization"}), (f"{API}/employment", {"by": "specialty"}),
             (f"{API}/employment", {"by": "region"}), (f"{API}/vacancies", {"region": "61"})]
    for url, params in calls:
        c.get(url, params or {})
    before = [_count(c, url, params) for url, params in calls]
    grow_labour(6)
    after = [_count(c, url, params) for url, params in calls]
    assert after == before
    assert len(c.get(f"{API}/heatmap").json()["cells"]) > 10
