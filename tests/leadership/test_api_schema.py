"""Schemathesis over the leadership operations of the OpenAPI schema, with a cohort and assignments in the
database: no 5xx, documented status codes and bodies, invalid data rejected with a 4xx."""

from __future__ import annotations

import pytest
import schemathesis
from schemathesis.generation import GenerationMode

from smarttvet.leadership import services
from tests.reliability.sweep import openapi_schema
from tests.reliability.test_api_schema import _keep_test_connection, _run_operation, _session_cookie, _TestApp


@pytest.mark.parametrize("who", ["committee", "assessor", "teacher"])
def test_leadership_operations_conform_to_their_schema(pipeline, who):
    p = pipeline
    services.assign(actor="test", stage=p.testing, application=p.almaty, assessor=p.free)
    user = {"committee": p.committee, "assessor": p.free.user, "teacher": p.world.users["teacher"]}[who]
    raw, _broken = openapi_schema()
    schema = schemathesis.openapi.from_dict(raw)
    operations = [r.ok() for r in schema.get_all_operations() if "/leadership/" in r.ok().path]
    assert len(operations) == 18
    app = _TestApp()
    cookies = _session_cookie(user)
    failures, tried = [], 0
    with _keep_test_connection():
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                count, failure = _run_operation(operation, app, cookies, mode, 6)
                tried += count
                if failure:
                    failures.append(failure)
    assert not failures, "\n\n".join(failures)
    assert tried >= 30
