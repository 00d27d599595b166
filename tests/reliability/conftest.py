"""Shared pieces of the reliability suites (faults, hostile input, authorization): the demo world with a user
for every role, Hypothesis budgets, and the JSON-lines report that ``make reliability`` summarises.

The regular ``make test`` runs these suites with small example budgets; ``make reliability`` sets
``SMARTTVET_RELIABILITY=full`` for larger ones.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, settings

from tests.reliability import report

FULL = os.environ.get("SMARTTVET_RELIABILITY") == "full"


def budget(regular: int, full: int) -> int:
    """How many examples or cases: small in the regular test run, larger under ``make reliability``."""
    return full if FULL else regular


def fuzz_settings(regular: int = 25, full: int = 200) -> settings:
    return settings(max_examples=budget(regular, full), deadline=None, derandomize=not FULL,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                           HealthCheck.data_too_large, HealthCheck.filter_too_much])


# ------------------------------------------------------------------------------------------------ report hook
_started: dict[str, float] = {}


def pytest_runtest_setup(item):
    _started[item.nodeid] = time.perf_counter()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if not item.nodeid.startswith("tests/reliability/"):
        return
    seconds = time.perf_counter() - _started.get(item.nodeid, time.perf_counter())
    if rep.when == "call" or (rep.when == "setup" and not rep.passed) or (rep.when == "teardown" and rep.failed):
        state = "passed" if rep.passed else ("skipped" if rep.skipped else "failed")
        report.outcome(item.nodeid, state, seconds)


# ------------------------------------------------------------------------------------------------ the world
ROLES = ("ministry", "region", "organization", "verifier", "teacher", "employer", "committee", "assessor")
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PASSWORD = "a-long-reliability-password"  # noqa: S105 - test users only


@dataclass
class DemoWorld:
    """The small demo dataset plus the records the demo does not make (a draft rating run, plans, a monitoring
    list and an allocation outside Turkistan), and one user per role scoped to Turkistan's largest college."""

    users: dict = field(default_factory=dict)
    home_region: object = None
    home_org: object = None
    other_region: object = None
    other_org: object = None
    notes: list = field(default_factory=list)


def _extras(world: DemoWorld) -> None:
    """Records of every kind outside the home scope, each made by the app's own services where they exist."""
    from smarttvet.registry.models import Organization

    ministry = world.users["ministry"]
    try:
        from smarttvet.rating import services as rating

        rating.rating_run_create(actor=ministry, year=2025)
    except Exception as exc:  # noqa: BLE001 - a missing extra narrows the sweep; it is noted, not fatal
        world.notes.append(f"rating run: {exc}")
    try:
        from smarttvet.plans import seeds

        seeds.seed_regional(world.other_region, record=False)
        seeds.seed_college(world.other_org, record=False)
        seeds.seed_college(Organization.objects.filter(region=world.home_region).exclude(pk=world.home_org.pk)
                           .order_by("pk").first(), record=False)
        from smarttvet.plans.models import Plan
        from smarttvet.plans.services import swot_item_create

        for plan in Plan.objects.filter(level="organization"):
            swot_item_create(actor=ministry, plan=plan, kind="strength", text="reliability sweep")
    except Exception as exc:  # noqa: BLE001
        world.notes.append(f"plans: {exc}")
    try:
        from smarttvet.gradebook.models import MonitoringEntry, MonitoringList

        for region in (world.home_region, world.other_region):
            lst = MonitoringList.objects.create(year=2025, region=region, kind="", size=1, method="sweep",
                                                candidates=1)
            org = Organization.objects.filter(region=region).order_by("pk").first()
            MonitoringEntry.objects.create(monitoring_list=lst, organization=org, rank=1, naive_rank=1,
                                           students=10, raw_measure=1, adjusted_measure=1, interval_low=0,
                                           interval_high=2)
    except Exception as exc:  # noqa: BLE001
        world.notes.append(f"monitoring lists: {exc}")
    try:
        from smarttvet.labour import allocation_service

        for region in (world.home_region, world.other_region):
            allocation_service.allocation_create(actor=ministry, region=region, year=2026, places=50)
    except Exception as exc:  # noqa: BLE001
        world.notes.append(f"allocations: {exc}")


def build_world() -> DemoWorld:
    from django.test import override_settings

    from smarttvet.accounts.models import RoleAssignment, User
    from smarttvet.demo import generator
    from smarttvet.registry.models import Organization, Region

    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        generator.generate(scale="small", seed=2025, progress=False, force=True)
        demo = {u.username: u for u in User.objects.all()}
        home_org = demo["college"].role_assignments.get().organization
        world = DemoWorld(home_region=home_org.region, home_org=home_org)
        world.other_region = Region.objects.exclude(pk=home_org.region_id).filter(
            organizations__isnull=False).order_by("kato").first()
        world.other_org = Organization.objects.filter(region=world.other_region).order_by("pk").first()
        for username, role in (("ministry", "ministry"), ("region", "region"), ("college", "organization"),
                               ("teacher", "teacher"), ("employer", "employer")):
            user = demo[username]
            user.set_password(PASSWORD)
            user.save()
            world.users[role] = user
        # the demo's committee member and assessor (who has candidates assigned), and a verifier
        for username in ("committee", "assessor"):
            world.users[username] = demo[username]
        user = User.objects.create_user("sweep-verifier", password=PASSWORD, full_name="Sweep verifier")
        RoleAssignment.objects.create(user=user, role="verifier", organization=home_org)
        world.users["verifier"] = user
        _extras(world)
    return world


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """The world for one test module, built inside a transaction that is rolled back afterwards, so no other
    test module ever sees it."""
    from django.db import transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_world()
            from django.db import connection

            if connection.vendor == "postgresql":
                # The world is uncommitted, so autovacuum never analyses it: without statistics PostgreSQL plans
                # nested loops over sequential scans and a list of graduates took minutes. Only the platform's
                # tables: a bare ANALYZE also locks the shared system catalogs until this transaction ends, so the
                # other worker's ANALYZE waited for this whole module (up to 84 s in a full run).
                tables = ", ".join(connection.ops.quote_name(t) for t in connection.introspection.django_table_names(
                    only_existing=True, include_views=False))
                with connection.cursor() as cursor:
                    cursor.execute(f"ANALYZE {tables}")
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
