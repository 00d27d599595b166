"""Every page answers in the three languages, and keeps a constant number of queries as data grows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/{lang}/", "/{lang}/registry/regions/", "/{lang}/registry/organizations/",
                "/{lang}/registry/specialties/", "/{lang}/registry/enterprises/"]
PRIVATE_PAGES = ["/{lang}/people/teachers/", "/{lang}/people/students/", "/{lang}/people/graduates/",
                 "/{lang}/accounts/audit/"]


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_every_page_answers_in_each_language(world, client_as, lang):
    client = client_as(world.users["ministry"])
    pages = [*PUBLIC_PAGES, *PRIVATE_PAGES, f"/{{lang}}/registry/organizations/{world.college_a.pk}/",
             f"/{{lang}}/registry/organizations/{world.college_a.pk}/edit/"]
    for page in pages:
        response = client.get(page.format(lang=lang))
        assert response.status_code == 200, page
        assert f'<html lang="{lang}">' in response.content.decode()


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_anonymous_visitors_get_the_public_pages(world, client, lang):
    for page in [*PUBLIC_PAGES, "/{lang}/accounts/login/", f"/{{lang}}/registry/organizations/{world.college_a.pk}/"]:
        assert client.get(page.format(lang=lang)).status_code == 200, page
    for page in PRIVATE_PAGES:
        assert client.get(page.format(lang=lang)).status_code == 302, page


def test_language_changes_the_text(world, client):
    assert "Ұйымдар" in client.get("/kk/registry/organizations/").content.decode()
    assert "Организации" in client.get("/ru/registry/organizations/").content.decode()
    assert "Organisations" in client.get("/en/registry/organizations/").content.decode()


def test_root_redirects_to_kazakh_by_default(db, client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/kk/"


def _grow(world, n):
    for _ in range(n):
        org = f.organization(world.turkistan)
        f.offer(org)
        t = f.teacher(org)
        s = f.student(org, cohort_year=2019, status="graduated", status_year=2022)
        f.graduate_outcome(s)
        f.enterprise(world.turkistan)
        assert t


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("url", [
    "/en/", "/en/registry/regions/", "/en/registry/organizations/", "/en/registry/organizations/?region=61",
    "/en/registry/specialties/", "/en/registry/enterprises/", "/en/people/teachers/", "/en/people/students/",
    "/en/people/graduates/", "/en/accounts/audit/", "/en/registry/organizations/{org}/",
])
def test_query_count_does_not_grow_with_the_data(world, client_as, url):
    client = client_as(world.users["ministry"])
    url = url.format(org=world.college_a.pk)
    small = _count(client, url)
    _grow(world, 30)
    assert _count(client, url) == small


def test_organizations_list_paginates(world, client):
    for _ in range(60):
        f.organization(world.almaty)
    page = client.get("/en/registry/organizations/?region=75")
    assert len(page.context["page"].object_list) == 50
    assert page.context["page"].paginator.count == 61
    second = client.get("/en/registry/organizations/?region=75&page=2")
    assert len(second.context["page"].object_list) == 11


@pytest.mark.parametrize("url", ["/en/registry/organizations/", "/en/registry/enterprises/",
                                 "/en/people/teachers/", "/en/people/students/", "/en/people/graduates/"])
def test_list_pages_export_csv_and_xlsx(world, client_as, url):
    client = client_as(world.users["region"])
    csv_response = client.get(url + "?export=csv")
    assert csv_response.status_code == 200 and "text/csv" in csv_response["Content-Type"]
    xlsx = client.get(url + "?export=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(url + "?export=pdf").status_code == 404


def test_organization_card_shows_counts_and_offers(world, client):
    page = client.get(f"/en/registry/organizations/{world.college_a.pk}/")
    counts = page.context["counts"]
    assert counts["studying"] == 1 and counts["graduated"] == 1 and counts["teachers"] == 1
    assert len(page.context["offers"]) == 1


def test_dashboard_employment_uses_the_latest_class_observed_at_12_months(world, client):
    newer = f.student(world.college_a, cohort_year=2021, status="graduated", status_year=2024)
    f.graduate_outcome(newer, months_after=6, status="not_employed", in_field=False)
    employment = client.get("/en/").context["figures"]["employment"]
    assert employment == {"employed": 1, "total": 1, "year": 2023, "rate": 100.0}


def test_organization_card_names_the_languages(world, client):
    assert "Kazakh, Russian" in client.get(f"/en/registry/organizations/{world.college_a.pk}/").content.decode()
