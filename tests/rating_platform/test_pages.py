"""Rating pages: three languages, drafts hidden from the public, details for the own scope only, constant
query counts, pagination, exports, and the what-if simulator (nothing stored)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smarttvet.rating import services
from smarttvet.rating.models import RatingInput, RatingResult, RatingRun

pytestmark = pytest.mark.django_db

PAGES = ["/{lang}/ratings/", "/{lang}/ratings/regions/", "/{lang}/ratings/methodology/", "/{lang}/ratings/compare/",
         "/{lang}/ratings/runs/", "/{lang}/ratings/organizations/{org}/"]


def _count(client, url):
    client.get(url)  # warm the per-process caches (parsed methodology, loaded run)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("role", ["ministry", "region", "organization", "teacher", None])
def test_every_rating_page_answers_in_each_language(rated_world, client, client_as, lang, role):
    if role:
        client = client_as(rated_world.users[role])
    for page in PAGES:
        url = page.format(lang=lang, org=rated_world.college_a.pk)
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'<html lang="{lang}">' in response.content.decode()


def test_pages_before_any_run(world, rating_setup, client):
    for page in PAGES:
        assert client.get(page.format(lang="en", org=world.college_a.pk)).status_code == 200


def test_league_names_follow_the_language(rated_world, client):
    russian = client.get("/ru/ratings/").content.decode()
    assert "Лидеры" in russian
    assert not re.search(r'(x|width)="[0-9]+,[0-9]', russian)  # SVG numbers are never localised
    assert "Көшбасшылар" in client.get("/kk/ratings/").content.decode()
    assert "Leaders" in client.get("/en/ratings/").content.decode()


def test_the_public_sees_published_runs_only(rated_world, client, client_as):
    draft = services.rating_run_create(actor=rated_world.users["ministry"], year=2025, seed=1)
    assert client.get(f"/en/ratings/?run={draft.pk}").status_code == 404
    assert client.get(f"/en/ratings/organizations/{rated_world.college_a.pk}/?run={draft.pk}").status_code == 404
    assert client.get(f"/en/ratings/regions/?run={draft.pk}").status_code == 404
    # the default run is the latest published one, not the newer draft
    assert client.get("/en/ratings/").context["run"] == rated_world.run_2025
    region = client_as(rated_world.users["region"])
    assert region.get(f"/en/ratings/?run={draft.pk}").status_code == 404
    ministry = client_as(rated_world.users["ministry"])
    page = ministry.get(f"/en/ratings/?run={draft.pk}")
    assert page.status_code == 200 and "draft" in page.content.decode()


def test_card_details_only_for_the_own_scope(rated_world, client, client_as):
    url = f"/en/ratings/organizations/{rated_world.college_a.pk}/"
    public = client.get(url)
    assert public.status_code == 200 and "details" not in public.context
    assert "card-radar-data" in public.content.decode()
    own = client_as(rated_world.users["organization"]).get(url)
    assert own.context["details"]["indicators"] and 'name="v_employment"' in own.content.decode()
    other = client_as(rated_world.users["organization"]).get(
        f"/en/ratings/organizations/{rated_world.college_b.pk}/")
    assert "details" not in other.context
    region = client_as(rated_world.users["region"]).get(url)
    assert "details" in region.context
    far_region = client_as(rated_world.users["region"]).get(
        f"/en/ratings/organizations/{rated_world.college_other_region.pk}/")
    assert "details" not in far_region.context


def test_card_shows_history_across_published_years(rated_world, client):
    page = client.get(f"/en/ratings/organizations/{rated_world.college_a.pk}/")
    assert [h["year"] for h in page.context["history"]] == [2024, 2025]
    assert "card-history-data" in page.content.decode()


def _what_if(client, world, org, data):
    payload = {"run": world.run_2025.pk, **data}
    return client.post(f"/en/ratings/organizations/{org.pk}/what-if/", payload, HTTP_HX_REQUEST="true")


def test_what_if_form_returns_the_new_outcome_and_stores_nothing(rated_world, client_as):
    client = client_as(rated_world.users["organization"])
    before = (RatingRun.objects.count(), RatingResult.objects.count(), RatingInput.objects.count())
    response = _what_if(client, rated_world, rated_world.college_a, {"v_employment": "99", "v_dual": "55"})
    assert response.status_code == 200
    outcome = response.context["outcome"]
    assert outcome.after.score > outcome.before.score
    assert 'id="what-if-score"' in response.content.decode()
    assert (RatingRun.objects.count(), RatingResult.objects.count(), RatingInput.objects.count()) == before


def test_what_if_form_reports_bad_values(rated_world, client_as):
    client = client_as(rated_world.users["organization"])
    response = _what_if(client, rated_world, rated_world.college_a, {"v_employment": "lots"})
    assert response.status_code == 200
    assert any("Graduate employment" in e and "not a number" in e for e in response.context["errors"])
    response = _what_if(client, rated_world, rated_world.college_a, {"v_partners": "-3"})
    assert any("Partner enterprises" in e for e in response.context["errors"])


def test_what_if_of_another_organisation_is_forbidden(rated_world, client, client_as):
    other = client_as(rated_world.users["organization"])
    assert _what_if(other, rated_world, rated_world.college_b, {"v_employment": "90"}).status_code == 403
    assert _what_if(client, rated_world, rated_world.college_b, {"v_employment": "90"}).status_code == 403


def test_league_table_filters_sorts_and_paginates(rated_world, client, grow):
    grow(60)
    run = services.rating_run_create(actor=rated_world.users["ministry"], year=2025, seed=3)
    services.rating_run_publish(actor=rated_world.users["ministry"], run=run)
    first = client.get("/en/ratings/")
    assert first.context["run"] == run
    assert len(first.context["rows"]) == 50 and first.context["page"].paginator.count == 72
    second = client.get("/en/ratings/?page=2")
    assert len(second.context["rows"]) == 22
    ranks = [row["result"].rank for row in first.context["rows"] if row["result"].rank]
    assert ranks == sorted(ranks)
    leaders = client.get("/en/ratings/?league=leaders").context["rows"]
    assert leaders and all(row["result"].league == "leaders" for row in leaders)
    almaty = client.get(f"/en/ratings/?region={rated_world.almaty.kato}").context["rows"]
    assert almaty and all(row["organization"].region_id == rated_world.almaty.pk for row in almaty)
    scores = [row["result"].score for row in client.get("/en/ratings/?sort=-score").context["rows"]
              if row["result"].score is not None]
    assert scores == sorted(scores, reverse=True)


def test_league_table_exports(rated_world, client):
    csv_response = client.get("/en/ratings/?export=csv&league=leaders")
    assert csv_response.status_code == 200 and "text/csv" in csv_response["Content-Type"]
    body = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    header, *rows = body.strip().splitlines()
    assert header.startswith("rank,organization_bin,") and "p_leaders" in header
    assert len(rows) == rated_world.run_2025.league_counts["leaders"]
    xlsx = client.get("/en/ratings/?export=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get("/en/ratings/?export=pdf").status_code == 404


def test_leagues_by_region_counts(rated_world, client):
    page = client.get("/en/ratings/regions/")
    rows = {row["region"].pk: row for row in page.context["rows"]}
    assert rows[rated_world.turkistan.pk]["total"] + rows[rated_world.almaty.pk]["total"] == 12
    total_by_league = [sum(row["counts"][i] for row in rows.values()) for i in range(4)]
    assert total_by_league == list(rated_world.run_2025.league_counts.values())


def test_run_comparison_counts_moves(rated_world, client):
    page = client.get(f"/en/ratings/compare/?a={rated_world.run_2024.pk}&b={rated_world.run_2025.pk}")
    comparison = page.context["comparison"]
    assert comparison["up"] + comparison["down"] + comparison["same"] == 12
    assert len(page.context["rows"]) == comparison["up"] + comparison["down"]
    default = client.get("/en/ratings/compare/")
    assert default.context["run_a"] == rated_world.run_2024 and default.context["run_b"] == rated_world.run_2025


def test_methodology_page_describes_the_stored_yaml(rated_world, client):
    page = client.get("/en/ratings/methodology/")
    text = page.content.decode()
    assert "Graduate employment" in text and "goalposts" in text and "among the top 20% of the rated" in text
    weights = {i.code: i.weight_in_index for i in page.context["outline"]["indicators"]}
    assert weights["employment"] == pytest.approx(0.5 * 2 / 3)
    assert sum(weights.values()) == pytest.approx(1.0)


def test_ministry_creates_and_publishes_from_the_runs_page(world, rating_setup, client_as):
    ministry = client_as(world.users["ministry"])
    response = ministry.post("/en/ratings/runs/new/", {"year": "2025", "methodology": "tvet", "uncertainty": "20",
                                                       "seed": "5"})
    assert response.status_code == 302
    run = RatingRun.objects.get()
    assert run.status == "draft" and run.uncertainty_draws == 20
    ministry.post(f"/en/ratings/runs/{run.pk}/publish/")
    run.refresh_from_db()
    assert run.is_published
    assert ministry.post(f"/en/ratings/runs/{run.pk}/delete/").status_code == 302
    assert RatingRun.objects.filter(pk=run.pk).exists()


def test_only_the_ministry_creates_runs_from_the_page(world, rating_setup, client_as):
    region = client_as(world.users["region"])
    assert region.post("/en/ratings/runs/new/", {"year": "2025"}).status_code == 403
    assert not RatingRun.objects.exists()


@pytest.mark.parametrize("url", ["/en/ratings/", "/en/ratings/?region=61&sort=-score", "/en/ratings/regions/",
                                 "/en/ratings/organizations/{org}/", "/en/ratings/compare/",
                                 "/en/ratings/methodology/", "/en/ratings/runs/"])
@pytest.mark.parametrize("role", ["ministry", "organization", None])
def test_query_count_does_not_grow_with_the_organisations(world, rating_setup, grow, client, client_as, url, role):
    if role:
        client = client_as(world.users[role])
    ministry = world.users["ministry"]
    url = url.format(org=world.college_a.pk)

    def publish_two_years():
        for year in (2024, 2025):
            run = services.rating_run_create(actor=ministry, year=year, uncertainty=20, seed=1)
            services.rating_run_publish(actor=ministry, run=run)

    publish_two_years()
    small = _count(client, url)
    grow(40)
    publish_two_years()
    assert _count(client, url) == small


def test_a_not_rated_organisation_can_still_simulate(world, rating_setup, grow, client_as, monkeypatch):
    from tests.rating_platform.conftest import fake_indicator_table

    grow(5)

    def sparse(year):
        table = fake_indicator_table(year)
        table.loc[world.college_a.pk] = [float("nan"), float("nan"), 10.0, float("nan"), 5.0]
        return table

    monkeypatch.setattr(services, "indicator_table", sparse)
    run = services.rating_run_create(actor=world.users["ministry"], year=2025)
    services.rating_run_publish(actor=world.users["ministry"], run=run)
    client = client_as(world.users["organization"])
    page = client.get(f"/en/ratings/organizations/{world.college_a.pk}/")
    assert "Not rated" in page.content.decode() and 'name="v_employment"' in page.content.decode()
    response = client.post(f"/en/ratings/organizations/{world.college_a.pk}/what-if/",
                           {"run": run.pk, "v_employment": "80", "v_categories": "60"})
    assert response.context["outcome"].after.league is not None


def test_the_admin_shows_runs_read_only(rated_world, client):
    from smarttvet.accounts.models import User

    client.force_login(User.objects.create_superuser("root", password="a-long-test-password"))
    run = rated_world.run_2025
    for model in ("methodologyversion", "ratingrun", "ratingresult", "ratinginput"):
        assert client.get(f"/en/admin/rating/{model}/").status_code == 200, model
    assert client.get(f"/en/admin/rating/ratingrun/{run.pk}/change/").status_code == 200
    assert client.post(f"/en/admin/rating/ratingrun/{run.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/en/admin/rating/ratingrun/{run.pk}/change/", {"year": 1999}).status_code == 403
    assert RatingRun.objects.get(pk=run.pk).year == 2025
