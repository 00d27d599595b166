import pytest

from smarttvet.registry.models import Organization
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_regions_lists_all_twenty_with_trilingual_names(client):
    regions = client.get("/api/v1/regions").json()
    assert len(regions) == 20
    assert {r["iso_code"] for r in regions} >= {"KZ-10", "KZ-33", "KZ-62", "KZ-71", "KZ-75", "KZ-79"}
    abai = next(r for r in regions if r["iso_code"] == "KZ-10")
    assert abai["kato"] == "100000000" and abai["name_kk"] == "Абай облысы" and abai["name_en"] == "Abai Region"


@pytest.mark.parametrize("code", ["610000000", "61", "KZ-61", "kz-61"])
def test_organizations_page_through_one_region(world, client, code):
    for _ in range(5):
        f.organization(world.turkistan)
    first = client.get(f"/api/v1/organizations?region={code}&page_size=3").json()
    second = client.get(f"/api/v1/organizations?region={code}&page_size=3&page=2").json()
    assert first["count"] == 7
    ids = [o["id"] for o in first["items"] + second["items"]]
    assert len(ids) == len(set(ids)) == 6
    assert all(o["region"]["kato"] == "610000000" for o in first["items"] + second["items"])


def test_filters_combine(world, client):
    f.organization(world.turkistan, ownership="private", settlement="rural")
    rows = client.get("/api/v1/organizations?region=61&ownership=private&settlement=rural").json()["items"]
    assert len(rows) == 1 and rows[0]["ownership"] == "private"
    specialty = world.college_a.offers.first().specialty.code
    assert client.get(f"/api/v1/organizations?specialty={specialty}").json()["count"] == 3
    assert client.get(f"/api/v1/organizations?q={world.college_a.bin}").json()["items"][0]["id"] == world.college_a.pk


def test_an_unknown_region_gives_an_empty_list_not_everything(world, client):
    assert client.get("/api/v1/organizations?region=99").json()["count"] == 0


@pytest.mark.parametrize("query", ["kind=castle", "page=0", "page_size=-1", "ownership=state"])
def test_bad_query_values_answer_422_with_a_readable_body(world, client, query):
    response = client.get(f"/api/v1/organizations?{query}")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] and isinstance(body["detail"], list)
    assert body["detail"][0]["loc"][-1] in query


def test_unknown_organization_is_404_with_a_body(db, client):
    response = client.get("/api/v1/organizations/999999")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_api_lists_export_in_the_import_format(world, client, fmt):
    response = client.get(f"/api/v1/organizations/export?format={fmt}&region=61")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        text = body.decode("utf-8-sig").splitlines()
        assert text[0].startswith("bin,name_kk,name_ru,name_en,kind")
        assert len(text) == 1 + Organization.objects.filter(region=world.turkistan).count()
    else:
        assert body[:2] == b"PK"


def test_people_export_is_scoped(world, client_as):
    response = client_as(world.users["organization"]).get("/api/v1/students/export?format=csv")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert all(line.startswith(world.college_a.bin) for line in lines[1:]) and len(lines) == 3


def test_bad_export_format_is_refused(world, client):
    assert client.get("/api/v1/organizations/export?format=pdf").status_code == 422


def test_openapi_and_docs_are_served(db, client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/organizations" in schema["paths"] and "/api/v1/regions" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200
