"""Schemathesis over the KPI operations of the OpenAPI schema, with scorecards and a scenario in the database:
no 5xx, documented status codes and bodies, invalid data rejected with a 4xx."""

from __future__ import annotations

import pytest
import schemathesis
from schemathesis.generation import GenerationMode

from tests.reliability.sweep import openapi_schema
from tests.reliability.test_api_schema import _keep_test_connection, _run_operation, _session_cookie, _TestApp


@pytest.mark.parametrize("role", ["ministry", "region", "org_lead"])
def test_kpi_operations_conform_to_their_schema(signed, role):
    from smarttvet.kpi import services

    services.scenario_save(actor="test", name="base", params=services.check_params(year=2025, pool=1000))
    raw, _broken = openapi_schema()
    schema = schemathesis.openapi.from_dict(raw)
    operations = [r.ok() for r in schema.get_all_operations() if "/kpi/" in r.ok().path]
    assert len(operations) == 6
    app = _TestApp()
    cookies = _session_cookie(signed.users[role])
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
