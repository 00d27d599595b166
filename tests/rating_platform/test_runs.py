"""Runs: creation from the indicators, snapshot and bit-for-bit recomputation, publication, immutability,
methodology versions, permissions and the audit trail."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

import smarttvet.rating
from smarttvet.accounts.models import AuditEntry
from smarttvet.rating import selectors, services
from smarttvet.rating.models import MethodologyVersion, PublishedRunError, RatingInput, RatingResult, RatingRun
from tests.rating_platform.conftest import CODES, TEST_METHODOLOGY, fake_indicator_table

pytestmark = pytest.mark.django_db


def test_a_run_stores_every_input_and_every_result(world, rating_setup, grow):
    grow(9)
    run = services.rating_run_create(actor=world.users["ministry"], year=2025, uncertainty=40, seed=11)
    table = fake_indicator_table(2025)
    assert run.status == "draft" and run.year == 2025 and run.uncertainty_draws == 40 and run.seed == 11
    assert RatingInput.objects.filter(run=run).count() == RatingResult.objects.filter(run=run).count() == len(table)
    stored = {i.organization_id: i.values for i in RatingInput.objects.filter(run=run)}
    for organization_id, row in table.iterrows():
        for code in CODES:
            value = row[code]
            assert stored[organization_id][code] == (None if value != value else value)  # NaN is stored as null
    summary = run.summary
    assert summary["n_units"] == 12 and sum(summary["league_counts"].values()) == summary["n_rated"]
    assert set(summary) >= {"statistics", "histogram", "redundant_pairs", "league_counts", "sensitivity"}
    result = RatingResult.objects.filter(run=run, rated=True).order_by("rank").first()
    assert result.rank == 1 and result.league == "leaders"
    assert set(result.league_probabilities) == {"leaders", "backbone", "social", "target"}
    assert result.rank_p05 <= result.rank_median <= result.rank_p95
    assert sum(result.contributions[c] or 0 for c in CODES) == pytest.approx(result.score)


def test_recompute_equals_the_stored_results_bit_for_bit(world, rating_setup, grow):
    grow(20)
    ministry = world.users["ministry"]
    run = services.rating_run_create(actor=ministry, year=2025, uncertainty=60, seed=5)
    services.rating_run_publish(actor=ministry, run=run)
    run.refresh_from_db()
    stored = selectors.stored_result_rows(run)
    assert services.rating_run_recompute(run) == stored
    # The snapshot, not today's data, is what recomputes: change what the derivation would give now.
    rating_setup.joinpath("tvet.yaml").write_text(TEST_METHODOLOGY.replace('"test-1"', '"test-2"').replace(
        "weight: 2", "weight: 5"), encoding="utf-8")
    grow(5)
    assert services.rating_run_recompute(RatingRun.objects.get(pk=run.pk)) == stored


def test_not_rated_organisations_are_stored_without_a_league(world, rating_setup, grow, monkeypatch):
    grow(5)

    def sparse(year):
        table = fake_indicator_table(year)
        table.loc[world.college_b.pk, ["employment", "categories", "partners"]] = float("nan")
        table.loc[world.college_b.pk, ["dual", "dropout"]] = [10.0, 5.0]
        return table

    monkeypatch.setattr(services, "indicator_table", sparse)
    run = services.rating_run_create(actor=world.users["ministry"], year=2025)
    result = RatingResult.objects.get(run=run, organization=world.college_b)
    assert not result.rated and result.league is None and result.score is None and result.rank is None
    assert result.coverage == pytest.approx(0.4)
    assert run.summary["not_rated"] == 1
    # Reporting two more indicators would get it rated: the what-if says in which league.
    outcome = services.organization_what_if(run, world.college_b, {"employment": 80, "categories": 50})
    assert outcome.before.league is None and outcome.after.league is not None


def test_publishing_is_audited_and_final(world, rating_setup):
    ministry = world.users["ministry"]
    run = services.rating_run_create(actor=ministry, year=2025)
    published = services.rating_run_publish(actor=ministry, run=run)
    assert published.is_published and published.published_by == ministry and published.published_at
    entries = AuditEntry.objects.filter(target_type="rating.ratingrun", target_id=str(run.pk))
    assert {e.action for e in entries} == {"create", "update"}
    assert entries.get(action="update").changes == {"status": ["draft", "published"]}
    with pytest.raises(PublishedRunError):
        services.rating_run_publish(actor=ministry, run=published)


def test_a_published_run_cannot_be_changed_or_deleted(world, rating_setup):
    ministry = world.users["ministry"]
    run = services.rating_run_publish(actor=ministry, run=services.rating_run_create(actor=ministry, year=2025))
    before = selectors.stored_result_rows(run)
    with pytest.raises(PublishedRunError):
        services.rating_run_delete(actor=ministry, run=run)
    run = RatingRun.objects.get(pk=run.pk)
    run.seed = 99
    with pytest.raises(PublishedRunError):
        run.save()
    with pytest.raises(PublishedRunError):
        RatingRun.objects.get(pk=run.pk).delete()
    with pytest.raises(PublishedRunError):
        RatingRun.objects.filter(pk=run.pk).delete()
    with pytest.raises(PublishedRunError):
        RatingRun.objects.filter(pk=run.pk).update(year=1999)
    result = RatingResult.objects.filter(run=run).first()
    result.score = 0.0
    with pytest.raises(PublishedRunError):
        result.save()
    with pytest.raises(PublishedRunError):
        result.delete()
    with pytest.raises(PublishedRunError):
        RatingResult.objects.filter(run=run).update(score=0)
    with pytest.raises(PublishedRunError):
        RatingResult.objects.filter(run=run).delete()
    with pytest.raises(PublishedRunError):
        RatingInput.objects.filter(run=run).update(values={})
    one_input = RatingInput.objects.filter(run=run).first()
    with pytest.raises(PublishedRunError):
        one_input.delete()
    stored = RatingRun.objects.get(pk=run.pk)
    assert stored.seed == 2025 and stored.year == 2025 and selectors.stored_result_rows(stored) == before


def test_a_new_run_leaves_the_older_one_unchanged(world, rating_setup, grow):
    ministry = world.users["ministry"]
    old = services.rating_run_publish(actor=ministry, run=services.rating_run_create(actor=ministry, year=2025))
    before = selectors.stored_result_rows(old)
    grow(6)
    new = services.rating_run_create(actor=ministry, year=2025, uncertainty=10)
    services.rating_run_publish(actor=ministry, run=new)
    assert new.pk != old.pk
    assert selectors.stored_result_rows(RatingRun.objects.get(pk=old.pk)) == before
    assert RatingResult.objects.filter(run=old).count() == 3 and RatingResult.objects.filter(run=new).count() == 9


def test_a_draft_can_be_deleted_by_the_ministry(world, rating_setup):
    ministry = world.users["ministry"]
    run = services.rating_run_create(actor=ministry, year=2025)
    services.rating_run_delete(actor=ministry, run=run)
    assert not RatingRun.objects.exists() and not RatingResult.objects.exists() and not RatingInput.objects.exists()
    assert AuditEntry.objects.filter(action="delete", target_type="rating.ratingrun").exists()


@pytest.mark.parametrize("role", ["region", "organization", "teacher", "employer"])
def test_only_the_ministry_creates_and_publishes(world, rating_setup, role):
    user = world.users[role]
    with pytest.raises(PermissionDenied):
        services.rating_run_create(actor=user, year=2025)
    assert not RatingRun.objects.exists() and not MethodologyVersion.objects.exists()
    run = services.rating_run_create(actor=world.users["ministry"], year=2025)
    with pytest.raises(PermissionDenied):
        services.rating_run_publish(actor=user, run=run)
    with pytest.raises(PermissionDenied):
        services.rating_run_delete(actor=user, run=run)
    assert RatingRun.objects.get(pk=run.pk).status == "draft"


def test_a_superuser_may_create_runs(world, rating_setup):
    from smarttvet.accounts.models import User

    admin = User.objects.create_superuser("root", password="a-long-test-password")
    assert services.rating_run_create(actor=admin, year=2025).created_by == admin


@pytest.mark.parametrize(("arguments", "field"), [
    ({"year": "twenty"}, "year"), ({"year": 1850}, "year"), ({"year": 2025, "uncertainty": -1}, "uncertainty"),
    ({"year": 2025, "uncertainty": "many"}, "uncertainty"), ({"year": 2025, "seed": -5}, "seed"),
    ({"year": 2025, "methodology_code": "nonexistent"}, "methodology"),
    ({"year": 2025, "methodology_code": "hdi"}, "methodology"),
])
def test_bad_arguments_name_the_field_and_write_nothing(world, rating_setup, arguments, field):
    if arguments.get("methodology_code") == "hdi":  # a methodology whose indicators are not derived
        hdi = Path(smarttvet.rating.__file__).parent / "methodologies" / "hdi.yaml"
        rating_setup.joinpath("hdi.yaml").write_text(hdi.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        services.rating_run_create(actor=world.users["ministry"], **arguments)
    assert field in caught.value.message_dict
    assert not RatingRun.objects.exists() and not RatingResult.objects.exists()


def test_a_year_without_data_is_refused(world, rating_setup, monkeypatch):
    monkeypatch.setattr(services, "indicator_table", lambda year: fake_indicator_table(year).iloc[0:0])
    with pytest.raises(ValidationError) as caught:
        services.rating_run_create(actor=world.users["ministry"], year=2025)
    assert "year" in caught.value.message_dict and not RatingRun.objects.exists()


def test_methodology_versions_are_stored_once_and_never_silently_replaced(world, rating_setup):
    ministry = world.users["ministry"]
    first = services.rating_run_create(actor=ministry, year=2025)
    second = services.rating_run_create(actor=ministry, year=2024)
    assert first.methodology_id == second.methodology_id and MethodologyVersion.objects.count() == 1
    version = MethodologyVersion.objects.get()
    assert version.code == "tvet" and version.version == "test-1" and version.name_en == "Test rating"
    assert version.yaml_text == TEST_METHODOLOGY and len(version.hash) == 64
    # Formatting and comments do not change the methodology: the same version is used.
    rating_setup.joinpath("tvet.yaml").write_text("# a comment\n" + TEST_METHODOLOGY, encoding="utf-8")
    assert services.rating_run_create(actor=ministry, year=2025).methodology_id == version.pk
    # A changed methodology under the same version is refused; with a new version it is stored.
    changed = TEST_METHODOLOGY.replace("top_share: 0.2", "top_share: 0.25")
    rating_setup.joinpath("tvet.yaml").write_text(changed, encoding="utf-8")
    with pytest.raises(ValidationError, match="new version"):
        services.rating_run_create(actor=ministry, year=2025)
    assert RatingRun.objects.count() == 3
    rating_setup.joinpath("tvet.yaml").write_text(changed.replace('"test-1"', '"test-2"'), encoding="utf-8")
    run = services.rating_run_create(actor=ministry, year=2025)
    assert run.methodology.version == "test-2" and MethodologyVersion.objects.count() == 2
    assert MethodologyVersion.objects.get(version="test-1").yaml_text == TEST_METHODOLOGY


def test_explanation_and_what_if_store_nothing(rated_world):
    run = rated_world.run_2025
    counts = (RatingRun.objects.count(), RatingResult.objects.count(), AuditEntry.objects.count())
    explanation = services.organization_explanation(run, rated_world.college_a)
    result = RatingResult.objects.get(run=run, organization=rated_world.college_a)
    assert explanation.score == result.score and explanation.league == result.league
    outcome = services.organization_what_if(run, rated_world.college_a, {"employment": 100, "dropout": "0"})
    assert outcome.before.score == result.score and outcome.after.score >= outcome.before.score
    assert (RatingRun.objects.count(), RatingResult.objects.count(), AuditEntry.objects.count()) == counts


@pytest.mark.parametrize(("changes", "field"), [
    ({"nonsense": 1}, "changes.nonsense"), ({"employment": "abc"}, "changes.employment"),
    ({"employment": float("inf")}, "changes.employment"), ({"partners": 0}, "changes.partners"),
    ({"employment": True}, "changes.employment"), ({}, "changes"), ([1, 2], "changes"),
])
def test_what_if_refuses_bad_changes_naming_the_field(rated_world, changes, field):
    with pytest.raises(ValidationError) as caught:
        services.organization_what_if(rated_world.run_2025, rated_world.college_a, changes)
    assert field in caught.value.message_dict


def test_what_if_of_an_organisation_outside_the_run(rated_world):
    from tests import factories as f

    newcomer = f.organization(rated_world.turkistan)
    with pytest.raises(ValidationError) as caught:
        services.organization_what_if(rated_world.run_2025, newcomer, {"employment": 50})
    assert "organization_id" in caught.value.message_dict


def test_the_public_sees_published_runs_only(rated_world):
    from django.contrib.auth.models import AnonymousUser

    draft = services.rating_run_create(actor=rated_world.users["ministry"], year=2023)
    for user in (AnonymousUser(), rated_world.users["region"], rated_world.users["organization"]):
        assert draft not in selectors.run_list(user)
        assert selectors.default_run(user) == rated_world.run_2025
    assert draft in selectors.run_list(rated_world.users["ministry"])


def test_the_demo_generator_can_replace_rated_demo_data(rated_world):
    from django.db.models import ProtectedError

    from smarttvet.registry.models import Organization

    with pytest.raises(ProtectedError):  # results keep their organisations
        Organization.objects.filter(pk=rated_world.college_b.pk).delete()
    assert services.rating_runs_clear_for_demo() == 2
    assert not RatingRun.objects.exists() and not RatingResult.objects.exists() and not RatingInput.objects.exists()
    assert MethodologyVersion.objects.count() == 1
    assert AuditEntry.objects.filter(action="delete", target_type="rating.ratingrun").exists()


def test_regenerating_the_demo_replaces_its_published_ratings(db):
    """Published runs are immutable, but a new demo dataset removes the runs of the old synthetic one."""
    from django.core.management import call_command

    from smarttvet.rating.models import RatingRun

    call_command("demo", "--scale", "small", "--seed", "7", "--no-progress")
    call_command("rating", "run", "--year", "2025", "--publish")
    assert RatingRun.objects.filter(status="published").count() == 1
    call_command("demo", "--scale", "small", "--seed", "8", "--no-progress")
    assert not RatingRun.objects.exists()
