"""The authorization sweep: every URL pattern and API route, for every role, against records outside its scope.

For each (URL, role): the path parameters are filled with records the role may not read (another region's
plan, another organisation's teacher, a draft rating run...) or, where every record is public, may not change.
Then:

* GET of a record the role may not read must not answer 200 (403, 404 or a redirect to the login page);
* POST to a page (with the fields of the form as the ministry sees it) and every write method of an API route
  (with a minimal valid body) on a record the role may not change must not succeed and must write nothing
  (the audit trail, which every write adds to, stays the same);
* no request of the sweep may answer 5xx;
* an API list answers only records the role may read.

The counts of cases tried are printed and reported to ``make reliability``.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from tests.reliability import report
from tests.reliability.conftest import FULL, ROLES
from tests.reliability.sweep import (
    _model_index,
    _singular,
    example_body,
    fill,
    form_fields,
    openapi_schema,
    outside,
    readable,
    resolve_params,
    routes,
    scoped,
)

pytestmark = pytest.mark.django_db
SUITE = "authorization sweep"
WRITE_METHODS = ("post", "put", "patch", "delete")
SKIP_POST = {"accounts:logout", "accounts:login", "set_language"}  # they change the session, not records


def _openapi() -> dict:
    return openapi_schema()[0]


def _api_methods(schema: dict, path: str) -> dict[str, dict]:
    """The operations of the OpenAPI path matching a resolver path (``api/v1/plans/<plan_id>``)."""
    wanted = "/" + path.replace("<", "{").replace(">", "}")
    for key, operations in schema["paths"].items():
        normalised = key.replace("{", "<").replace("}", ">")
        if key == wanted or normalised == "/" + path:
            return operations
    return {}


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


class Sweep:
    def __init__(self, world):
        self.world = world
        self.schema = _openapi()
        self.components = self.schema.get("components", {}).get("schemas", {})
        self.failures: list[str] = []
        self.counts: Counter = Counter()
        self.uncovered: set[str] = set()
        self.ministry = Client(raise_request_exception=False)
        self.ministry.force_login(world.users["ministry"])
        self._forms: dict[str, dict] = {}

    def audit_count(self) -> int:
        from smarttvet.accounts.models import AuditEntry

        return AuditEntry.objects.count()

    def form_for(self, url: str) -> dict:
        if url not in self._forms:
            response = self.ministry.get(url)
            html = _body(response).decode(errors="replace") if response.status_code == 200 else ""
            self._forms[url] = form_fields(html) if "text/html" in response.get("Content-Type", "") else {}
        return self._forms[url]

    def check_5xx(self, response, what: str) -> None:
        if response.status_code >= 500 and response.status_code != 503:  # 503: designed (readiness, outage)
            self.failures.append(f"{what}: {response.status_code}")

    def run_role(self, role: str) -> None:
        user = AnonymousUser() if role == "anonymous" else self.world.users[role]
        client = Client(raise_request_exception=False)
        if role != "anonymous":
            client.force_login(user)
        for route in routes():
            if route.is_admin and route.name != "admin:index" and not FULL:
                continue  # no role here is staff: every admin URL answers as its index does (all of them: FULL)
            params = resolve_params(route)
            if any(p.model is None and p.field == "pk" for p in params):
                self.uncovered.add(f"{route.name or route.path}: {[p.name for p in params if p.model is None]}")
                continue
            if not params:
                self._plain(route, client, role, user)
                continue
            filled = fill(route, params, user)
            if filled is None:
                self.counts["no record outside the scope"] += 1
                continue
            self._scoped(route, filled, client, role)

    # a URL without parameters: no 5xx; API lists answer only what the role may read
    def _plain(self, route, client, role, user) -> None:
        url = "/" + route.path
        if not route.is_api and role != "anonymous" and not FULL:
            return  # a page without parameters names no record: only the API lists are checked for leaks here
        response = client.get(url)
        self.counts["cases"] += 1
        self.check_5xx(response, f"GET {url} as {role}")
        if route.is_api and response.status_code == 200 and "json" in response.get("Content-Type", ""):
            self._list_leak(route, url, response, role, user)
        if route.is_api:
            for method, operation in _api_methods(self.schema, route.path).items():
                if method in WRITE_METHODS and role == "anonymous":  # public POSTs exist (verify a credential)
                    self._api_write(client, method, url, operation, role, f"{url} as anonymous", refuse=False)

    def _list_leak(self, route, url, response, role, user) -> None:
        try:
            body = json.loads(_body(response))
        except ValueError:
            return
        items = body.get("items") if isinstance(body, dict) else body
        if not isinstance(items, list) or not items or not isinstance(items[0], dict) or "id" not in items[0]:
            return
        last = [s for s in route.path.split("/") if s and "<" not in s][-1]
        candidates = sorted(_model_index().get(_singular(last), []), key=lambda qm: qm[0])
        if not candidates or not scoped(candidates[0][1]):
            return
        model = candidates[0][1]
        ids = {item["id"] for item in items}
        allowed = set(readable(user, model._default_manager.filter(pk__in=ids)).values_list("pk", flat=True))
        self.counts["list checks"] += 1
        if ids - allowed:
            self.failures.append(f"GET {url} as {role}: lists {len(ids - allowed)} {model.__name__} outside the "
                                 f"scope (ids {sorted(ids - allowed)[:5]})")

    # a URL whose parameters name records outside the role's scope
    def _scoped(self, route, filled, client, role) -> None:
        url = filled.url
        what = f"{url} ({route.name}) as {role}, {filled.denied}-denied {[type(o).__name__ for o in filled.objects]}"
        response = client.get(url)
        self.counts["cases"] += 1
        self.check_5xx(response, f"GET {what}")
        if filled.denied == "read" and 200 <= response.status_code < 300:
            self.failures.append(f"GET {what}: {response.status_code} where 403/404 is due")
        if filled.denied == "public":
            return
        if route.is_api:
            for method, operation in _api_methods(self.schema, route.path).items():
                if method in WRITE_METHODS:
                    self._api_write(client, method, url, operation, role, what)
        elif route.name not in SKIP_POST and not route.is_admin:
            fields = self.form_for(url)
            before = self.audit_count()
            posted = client.post(url, fields)
            self.counts["cases"] += 1
            self.check_5xx(posted, f"POST {what}")
            if self.audit_count() != before:
                self.failures.append(f"POST {what}: wrote (audit trail grew), status {posted.status_code}")
            elif filled.denied == "read" and posted.status_code == 200:
                self.failures.append(f"POST {what}: 200 where 403/404 is due")

    def _api_write(self, client, method, url, operation, role, what, refuse=True) -> None:
        body = {}
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            body = example_body(content["application/json"].get("schema", {}), self.components)
        before = self.audit_count()
        response = getattr(client, method)(url, data=json.dumps(body), content_type="application/json")
        self.counts["cases"] += 1
        self.check_5xx(response, f"{method.upper()} {what}")
        if refuse and 200 <= response.status_code < 300:
            self.failures.append(f"{method.upper()} {what}: {response.status_code} where 401/403/404 is due")
        if self.audit_count() != before:
            self.failures.append(f"{method.upper()} {what}: wrote (audit trail grew)")


@pytest.fixture(scope="module")
def sweep(demo_world):
    return Sweep(demo_world)


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_no_role_reaches_records_outside_its_scope(sweep, role, db):
    before = sweep.counts["cases"]
    sweep.failures = []
    sweep.run_role(role)
    tried = sweep.counts["cases"] - before
    report.cases(SUITE, tried, role)
    print(f"\nauthorization sweep, {role}: {tried} (URL, method) cases tried; "
          f"{sweep.counts['no record outside the scope']} URLs without a record outside the scope so far; "
          f"{sweep.counts['list checks']} list checks so far")
    assert tried > 0
    assert not sweep.failures, "\n".join(sweep.failures[:60])


def test_every_path_parameter_is_understood(demo_world):
    """A path parameter the sweep cannot map to a model leaves its URL unchecked: make it visible."""
    unknown = []
    for route in routes():
        params = resolve_params(route)
        if any(p.model is None and p.field == "pk" for p in params):
            unknown.append(f"{route.name or route.path}: {[p.name for p in params]}")
    print("\nURL patterns:", len(routes()), "not understood:", unknown)
    assert not unknown, "add these parameters to sweep.OVERRIDES or name them after their model: " + \
        "; ".join(unknown)


def test_the_world_has_records_outside_every_scope(demo_world):
    assert not demo_world.notes, demo_world.notes


def test_the_sweep_catches_a_page_that_ignores_the_scope(demo_world, settings, db):
    """The sweep itself is tested: a page that shows and changes any plan is reported for reading and writing."""
    settings.ROOT_URLCONF = "tests.reliability.leaky_urls"
    sweep = Sweep(demo_world)
    sweep.run_role("organization")
    leaks = [f for f in sweep.failures if "/leaky/plans/" in f]
    assert any(f.startswith("GET") and "where 403/404 is due" in f for f in leaks), sweep.failures
    assert any(f.startswith("POST") and "audit trail grew" in f for f in leaks), sweep.failures


def test_reserve_roles_are_judged_by_the_selection_rules(demo_world, db):
    """The committee sees every candidate; an assessor only those assigned to them and only their own
    assignments; so the sweep fills the score and candidate URLs with others' records for the assessor."""
    from smarttvet.leadership.models import Application, Assignment

    assessor = demo_world.users["assessor"]
    own = Assignment.objects.filter(assessor__user=assessor)
    assert own.exists(), "the demo assessor has no assignment: the sweep would not judge them"
    assert not outside(demo_world.users["committee"], Application, for_write=False).exists()
    hidden = outside(assessor, Application, for_write=False)
    assert hidden.exists() and not hidden.filter(assignments__assessor__user=assessor).exists()
    assert not outside(assessor, Assignment, for_write=True).filter(pk__in=own.values("pk")).exists()
    by_name = {r.name: r for r in routes()}
    for name, model in (("leadership:score", Assignment), ("leadership:candidate", Application)):
        route = by_name[name]
        filled = fill(route, resolve_params(route), assessor)
        assert filled is not None and filled.denied == "read", name
        (obj,) = filled.objects
        assert isinstance(obj, model), name
        if model is Assignment:
            assert obj.assessor.user_id != assessor.pk  # another assessor's assignment
        else:
            assert hidden.filter(pk=obj.pk).exists()  # a candidate not assigned to them
