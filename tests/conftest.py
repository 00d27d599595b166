from __future__ import annotations

from dataclasses import dataclass

import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the platform's default language (Kazakh): a request to ``/en/…`` leaves English
    active in the thread, and no test may depend on which tests ran before it on the same worker."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@dataclass
class World:
    """Two regions, three colleges, their people and a user for every role."""

    turkistan: object
    almaty: object
    college_a: object
    college_b: object
    college_other_region: object
    teacher_a: object
    teacher_other_region: object
    student_a: object
    student_other_region: object
    enterprise_a: object
    users: dict


@pytest.fixture
def world(db) -> World:
    from tests import factories as f  # imported here: the pure-engine tests must not need Django models

    turkistan, almaty = f.region("61"), f.region("75")
    college_a = f.organization(turkistan)
    college_b = f.organization(turkistan)
    college_x = f.organization(almaty)
    for org in (college_a, college_b, college_x):
        f.offer(org)
    teacher_a, teacher_x = f.teacher(college_a), f.teacher(college_x)
    f.teacher(college_b)
    enterprise_a = f.enterprise(turkistan)
    student_a = f.student(college_a, funding="target", sponsor=enterprise_a)
    student_x = f.student(college_x)
    graduate = f.student(college_a, cohort_year=2020, status="graduated", status_year=2023)
    f.graduate_outcome(graduate, employer=enterprise_a)
    users = {
        "ministry": f.user_with_role("ministry", "ministry"),
        "region": f.user_with_role("region", "region", region=turkistan),
        "organization": f.user_with_role("college", "organization", organization=college_a),
        "teacher": f.user_with_role("teacher", "teacher", teacher=teacher_a),
        "employer": f.user_with_role("employer", "employer", enterprise=enterprise_a),
    }
    return World(turkistan, almaty, college_a, college_b, college_x, teacher_a, teacher_x, student_a, student_x,
                 enterprise_a, users)


@pytest.fixture
def client_as(client):
    """``client_as(user)``: the test client logged in as ``user``."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (browser, backup) ends with a flush that empties every table, the reference data
    the migrations loaded (regions, classifier, occupations) included: reload it right after, so that the tests
    that run after it on the same worker find it, whatever the order the workers take the tests in."""
    yield
    marker = item.get_closest_marker("django_db")
    transactional = "transactional_db" in getattr(item, "fixturenames", ()) or "live_server" in getattr(
        item, "fixturenames", ()) or bool(marker and marker.kwargs.get("transaction"))
    if not transactional:
        return
    from pytest_django.plugin import blocking_manager_key

    from tests.reference_data import ensure_reference_data

    with item.config.stash[blocking_manager_key].unblock():
        ensure_reference_data()
