"""Schemathesis over the whole OpenAPI schema (/api/v1/openapi.json), in process against the Django WSGI app.

For every operation, valid and invalid requests are generated from the schema (a bounded number per operation:
a few in the regular test run, more under ``make reliability``), sent anonymously and as several roles, and
every response is checked: no 5xx, a documented status code, a documented content type, a body that matches
its schema, and invalid data rejected with a 4xx.
"""

from __future__ import annotations

import contextlib
import re
import time

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import given
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.reliability import report
from tests.reliability.conftest import FULL, budget, fuzz_settings
from tests.reliability.sweep import openapi_schema

pytestmark = pytest.mark.django_db
SUITE = "API schema (schemathesis)"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
NEGATIVE_CHECKS = [*CHECKS, negative_data_rejection]
ROLES = ("anonymous", "region") + (("ministry", "organization", "teacher") if FULL else ())
SECONDS_PER_OPERATION = budget(3, 6)  # a slow operation gets fewer examples rather than stalling the suite


class _TestApp(WSGIHandler):
    """The real WSGI application; only CSRF is not enforced (as Django's test client does), so that generated
    writes reach the views instead of all stopping at the CSRF check."""

    def get_response(self, request):
        request._dont_enforce_csrf_checks = True
        return super().get_response(request)


@contextlib.contextmanager
def _keep_test_connection():
    """Requests must not close the test's database connection (it holds the test transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _session_cookie(user) -> dict[str, str]:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


def _models(annotation, found: dict) -> None:
    """Every pydantic model reachable from a type annotation (through lists, unions and fields)."""
    from typing import get_args

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found.setdefault(annotation.__name__, set()):
            return
        found[annotation.__name__].add(annotation)
        for info in annotation.model_fields.values():
            _models(info.annotation, found)
        return
    for arg in get_args(annotation):
        _models(arg, found)


def test_every_response_model_keeps_its_own_schema_in_the_document(db):
    """Regression: three apps' different ``RegionRef`` (and SpecialtyOut, OrganizationRef, ...) classes shared one
    component, so /api/v1/openapi.json described the registry's organisations with the labour API's region."""
    from smarttvet.config.api import api

    document = api.get_openapi_schema()
    components = document["components"]["schemas"]
    found: dict = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.response_models.values():
                    if model not in (None, Ellipsis):
                        _models(model, found)
    shared = {name: classes for name, classes in found.items() if len(classes) > 1}
    assert shared, "the API has no two response models of one name any more: this test checks nothing"
    for name, classes in found.items():
        if name.startswith("Ninja"):  # ninja's wrapper of a response annotation: never a component
            continue
        variants = [c for n, c in components.items() if re.fullmatch(rf"{re.escape(name)}\d*", n)]
        for cls in classes:
            names = [{field, info.alias or field, info.serialization_alias or field}
                     for field, info in cls.model_fields.items()]
            fields = sorted(cls.model_fields)

            def matches(variant, names=names):
                properties = set(variant.get("properties", {}))
                return len(properties) == len(names) and all(properties & n for n in names)

            assert any(matches(v) for v in variants), \
                f"{cls.__module__}.{name}: no component of the document has its fields {sorted(fields)}"


def test_the_openapi_document_is_served(db):
    from django.test import Client

    _raw, broken = openapi_schema()
    assert not broken, "operations that break /api/v1/openapi.json:\n" + "\n".join(broken)
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.json()["paths"]


def _run_operation(operation, app, cookies, mode, examples: int) -> tuple[int, str | None]:
    tried = [0]
    checks = NEGATIVE_CHECKS if mode == GenerationMode.NEGATIVE else CHECKS
    started = time.monotonic()

    @fuzz_settings(examples, examples)
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        if tried[0] and time.monotonic() - started > SECONDS_PER_OPERATION:
            return
        tried[0] += 1
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else None
        response = case.call(app=app, headers=headers)
        case.validate_response(response, checks=checks, headers=headers)

    try:
        run()
    except Unsatisfiable:  # e.g. no invalid request exists for an operation without parameters
        return tried[0], None
    except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collected, reported for every operation
        lines = [line for line in str(exc).splitlines() if line.strip()]
        return tried[0], f"{operation.label} [{mode.value}]: " + "\n    ".join(lines[:14])
    return tried[0], None


@pytest.mark.parametrize("role", ROLES)
def test_every_api_operation_conforms_to_its_schema(demo_world, role, db):
    app = _TestApp()
    cookies = {} if role == "anonymous" else _session_cookie(demo_world.users[role])
    raw, _broken = openapi_schema()  # a broken operation fails test_the_openapi_document_is_served
    schema = schemathesis.openapi.from_dict(raw)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40
    failures, tried = [], 0
    examples = budget(3, 8)
    with _keep_test_connection():
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                count, failure = _run_operation(operation, app, cookies, mode, examples)
                tried += count
                if failure:
                    failures.append(failure)
    report.cases(SUITE, tried, role)
    print(f"\nschemathesis as {role}: {len(operations)} operations, {tried} requests")
    assert not failures, "\n\n".join(failures)
