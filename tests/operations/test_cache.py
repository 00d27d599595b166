"""The cache of derived figures: keyed by the data version, so every audited write invalidates it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.test.utils import CaptureQueriesContext

from smarttvet.core import cache as core_cache
from tests.labour.page_fixtures import labour_world  # noqa: F401 (fixture)


def _queries(client, url: str) -> tuple[int, object]:
    from django.db import connection

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx), response


@pytest.mark.django_db
def test_the_data_version_changes_with_every_audited_write(world, real_cache, django_assert_max_num_queries):
    from smarttvet.accounts import audit
    from smarttvet.registry import services

    with django_assert_max_num_queries(2):
        first = core_cache.data_version()
    audit.record(actor="test", action="import", target_label="x")
    second = core_cache.data_version()
    assert second != first
    services.organization_update(actor=world.users["ministry"], organization=world.college_a,
                                 data={"name_en": "Renamed college"})
    assert core_cache.data_version() not in (first, second)


@pytest.mark.django_db
def test_cached_computes_once_per_version(world, real_cache):
    from smarttvet.accounts import audit

    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert core_cache.cached("t", (1,), compute) == 1
    assert core_cache.cached("t", (1,), compute) == 1
    assert core_cache.cached("t", (2,), compute) == 2  # other parts, other value
    audit.record(actor="test", action="update", target_label="x")
    assert core_cache.cached("t", (1,), compute) == 3
    assert len(calls) == 3


@pytest.mark.django_db
def test_a_value_being_computed_elsewhere_is_waited_for(world, real_cache):
    key = core_cache.key("slow", ())
    real_cache.add(key + ":computing", 1)
    real_cache.set(key, "computed by another worker")
    assert core_cache.cached("slow", (), lambda: "computed again", wait=1) == "computed by another worker"


@pytest.mark.django_db
def test_league_table_is_cached_and_a_new_publication_shows_at_once(client, rated_world, real_cache):
    from smarttvet.rating import services

    world = rated_world
    cold, first = _queries(client, "/en/ratings/")
    warm, again = _queries(client, "/en/ratings/")
    assert warm < cold  # the published run's rows come from the cache
    assert again.content.count(b"<tr>") == first.content.count(b"<tr>")
    assert str(world.run_2025.year).encode() in again.content
    ministry = world.users["ministry"]
    run_2026 = services.rating_run_create(actor=ministry, year=2026, uncertainty=0, seed=7)
    year_2026 = "· 2026 ·".encode()
    assert year_2026 not in client.get("/en/ratings/").content  # a draft: not public
    services.rating_run_publish(actor=ministry, run=run_2026)
    assert year_2026 in client.get("/en/ratings/").content


@pytest.mark.django_db
def test_a_renamed_organisation_shows_in_the_cached_league_table(client, rated_world, real_cache):
    from smarttvet.registry import services

    world = rated_world
    assert b"Renamed Polytechnic" not in client.get("/en/ratings/").content
    services.organization_update(actor=world.users["ministry"], organization=world.college_a,
                                 data={"name_en": "Renamed Polytechnic"})
    assert b"Renamed Polytechnic" in client.get("/en/ratings/").content


@pytest.mark.django_db
def test_searches_and_drafts_are_not_cached(client, rated_world, real_cache, client_as):
    from smarttvet.rating import services

    world = rated_world
    client.get("/en/ratings/?q=College")
    assert not [k for k in real_cache._cache if "league-results" in k]
    draft = services.rating_run_create(actor=world.users["ministry"], year=2027, uncertainty=0, seed=7)
    client_as(world.users["ministry"]).get(f"/en/ratings/?run={draft.pk}")
    assert not [k for k in real_cache._cache if "league-results" in k]


@pytest.mark.django_db
def test_home_figures_are_cached_until_a_write(client, world, real_cache):
    from smarttvet.accounts import audit
    from tests import factories as f

    cold, first = _queries(client, "/en/")
    warm, _ = _queries(client, "/en/")
    assert warm <= cold - 5  # the national aggregates are not run again
    studying = first.context["figures"]["students"]["studying"]
    f.student(world.college_a)  # a factory bypasses the services: the cached figure stays...
    assert client.get("/en/").context["figures"]["students"]["studying"] == studying
    audit.record(actor="test", action="import", target_label="students.csv")  # ...an import shows at once
    assert client.get("/en/").context["figures"]["students"]["studying"] == studying + 1


@pytest.mark.django_db
def test_card_medians_are_cached_per_run(client, rated_world, real_cache):
    world = rated_world
    url = f"/en/ratings/organizations/{world.college_a.pk}/"
    cold, _ = _queries(client, url)
    warm, _ = _queries(client, url)
    assert warm < cold


@pytest.mark.django_db
def test_public_card_body_is_cached_and_follows_edits(client, rated_world, real_cache, client_as):
    from smarttvet.registry import services

    world = rated_world
    url = f"/en/ratings/organizations/{world.college_a.pk}/"
    cold, _ = _queries(client, url)
    warm, response = _queries(client, url)
    assert warm <= cold - 3
    assert b'class="radar' in response.content or b"radar-data" in response.content
    services.organization_update(actor=world.users["ministry"], organization=world.college_a,
                                 data={"name_en": "Renamed Lyceum"})
    assert client.get(url).content.count(b"Renamed Lyceum") >= 2  # title and the cached body's heading
    # Logged-in people are never served the public copy: the organisation's own staff see its details.
    own = client_as(world.users["organization"]).get(url)
    assert own.context["inspect"] is True and own.context["details"]


@pytest.mark.django_db
def test_labour_heatmap_is_computed_once_per_data_version(client, world, real_cache):
    from smarttvet.accounts import audit

    cold, _ = _queries(client, "/en/labour/")
    warm, _ = _queries(client, "/en/labour/")
    assert warm <= cold - 8  # the ten frame queries are not run again
    audit.record(actor="test", action="import", target_label="vacancies.csv")
    again, _ = _queries(client, "/en/labour/")
    assert again >= cold - 1


@pytest.mark.django_db
def test_computed_plan_measures_are_cached_until_a_write(world, real_cache, monkeypatch):
    from smarttvet.accounts import audit
    from smarttvet.plans import measures

    calls = []
    key, measure = next((k, m) for k, m in measures.MEASURES.items() if m.available)
    original = type(measure).values

    def counting(self, owners, years):
        calls.append(self.key)
        return original(self, owners, years)

    monkeypatch.setattr(type(measure), "values", counting)
    request = [(key, measures.Owner("national"), 2024)]
    first = measures.compute_many(request)
    assert measures.compute_many(request) == first and calls.count(key) == 1
    audit.record(actor="test", action="update", target_label="plan")
    measures.compute_many(request)
    assert calls.count(key) == 2


@pytest.mark.django_db
def test_labour_region_and_specialty_pages_are_cached_and_scoped_per_user(client, labour_world, real_cache):  # noqa: F811
    from smarttvet.accounts import audit

    lw = labour_world
    region_url = f"/en/labour/regions/{lw.turkistan.kato}/"
    specialty_url = f"{region_url}specialties/{lw.expand.code}/"
    for url in (region_url, specialty_url):
        cold, _ = _queries(client, url)
        warm, _ = _queries(client, url)
        assert warm <= cold - 8, url  # the region's ten frame queries are not run again
        audit.record(actor="test", action="import", target_label="vacancies.csv")
        again, _ = _queries(client, url)
        assert again >= cold - 1, url  # a write: computed again
    # the cached figures are public; each user's scope is applied after the cache, in either order
    seen = {}
    for role in ("ministry", "anonymous", "organization", "ministry"):
        c = Client()
        if role != "anonymous":
            c.force_login(lw.users[role])
        (college,) = c.get(specialty_url).context["organizations"]
        seen.setdefault(role, []).append((college["employment_visible"], college["employment_rate_12m"]))
    assert seen == {"ministry": [(True, 80), (True, 80)], "anonymous": [(False, None)],
                    "organization": [(True, 80)]}
