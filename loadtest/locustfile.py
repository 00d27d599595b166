"""The load-test scenarios (locust). Run by ``loadtest/run.py`` (``make load``); alone:
``locust -f loadtest/locustfile.py --host http://127.0.0.1:8000``.

Two kinds of visitors, as on publication day:

* ``PublicVisitor`` (4 in 5): the league table (its pages and a region filter), an organisation's card, the
  national dashboard, leagues by region, the labour-market heatmap, and the paginated API lists.
* ``RegionOfficer`` (1 in 5): logs in once as the demo ``region`` user (password ``demo``), then opens the
  organisations of its region, the plans list and the cards of its region's organisations (with the
  explanation and what-if panel only an inspector sees).

Every request has a fixed scenario name (``name=``) so the statistics group by scenario, not by URL.
Organisation ids and the published run come from the API once, at the start (``run.py`` finds them once for
all steps and passes them in ``SMARTTVET_LOAD_TARGETS``).
"""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, events, task

LANG = "kk"
STATE: dict = {"orgs": [], "region_orgs": [], "run": None, "region_kato": "610000000"}


@events.test_start.add_listener
def _discover(environment, **_kwargs):
    """The published run, every rated organisation's id and those of Turkistan (anonymous API calls)."""
    import requests

    targets = os.environ.get("SMARTTVET_LOAD_TARGETS")
    if targets:  # found once by loadtest/run.py, so that a step does not start with these calls
        STATE.update(json.loads(Path(targets).read_text()))
        return
    host = environment.host.rstrip("/")
    runs = requests.get(f"{host}/api/v1/ratings/runs", timeout=60).json()["items"]
    published = [r for r in runs if r["status"] == "published"]
    if not published:
        raise RuntimeError("no published rating run: run 'smarttvet rating run --year 2025 --publish' first")
    STATE["run"] = published[0]["id"]
    STATE["orgs"] = _ids(host, f"/api/v1/ratings/runs/{STATE['run']}/results", {})
    region = set(_ids(host, "/api/v1/organizations", {"region": STATE["region_kato"][:2]}))
    STATE["region_orgs"] = [pk for pk in STATE["orgs"] if pk in region] or STATE["orgs"][:50]


def _ids(host: str, path: str, params: dict) -> list[int]:
    import requests

    ids, page = [], 1
    while True:
        body = requests.get(f"{host}{path}", params={**params, "page": page, "page_size": 500}, timeout=120).json()
        items = body["items"]
        ids.extend(item["organization"]["id"] if "organization" in item else item["id"] for item in items)
        if not items or len(ids) >= body["count"]:
            return ids
        page += 1


class PublicVisitor(HttpUser):
    weight = 4
    wait_time = between(0.5, 2.0)

    @task(6)
    def league_table(self):
        page = random.choice([1, 1, 1, 2, 3, random.randint(1, 15)])
        params = {"page": page}
        if random.random() < 0.2:
            params = {"region": random.choice(["61", "75", "71", "79", "35", "23", "59", "63", "19", "55"])}
        self.client.get(f"/{LANG}/ratings/", params=params, name="league table")

    @task(6)
    def organisation_card(self):
        self.client.get(f"/{LANG}/ratings/organizations/{random.choice(STATE['orgs'])}/", name="organisation card")

    @task(2)
    def dashboard(self):
        self.client.get(f"/{LANG}/", name="dashboard (home)")

    @task(1)
    def leagues_by_region(self):
        self.client.get(f"/{LANG}/ratings/regions/", name="leagues by region")

    @task(1)
    def labour_heatmap(self):
        self.client.get(f"/{LANG}/labour/", name="labour heatmap")

    @task(2)
    def api_organisations(self):
        self.client.get("/api/v1/organizations", params={"page": random.randint(1, 15)}, name="API organisations")

    @task(2)
    def api_results(self):
        if STATE["run"] is not None:
            self.client.get(f"/api/v1/ratings/runs/{STATE['run']}/results", params={"page": random.randint(1, 15)},
                            name="API run results")


class RegionOfficer(HttpUser):
    weight = 1
    wait_time = between(1.0, 3.0)

    def on_start(self):
        login = f"/{LANG}/accounts/login/"
        page = self.client.get(login, name="login (once per user)")
        token = self.client.cookies.get("csrftoken") or _csrf(page.text)
        self.client.post(login, data={"username": "region", "password": "demo", "csrfmiddlewaretoken": token},
                         headers={"Referer": self.host.rstrip("/") + login}, name="login (once per user)")

    @task(3)
    def organisations(self):
        self.client.get(f"/{LANG}/registry/organizations/", params={"page": random.randint(1, 3)},
                        name="region: organisations")

    @task(2)
    def plans(self):
        self.client.get(f"/{LANG}/plans/", name="region: plans list")

    @task(3)
    def card(self):
        self.client.get(f"/{LANG}/ratings/organizations/{random.choice(STATE['region_orgs'])}/",
                        name="region: card with explanation")


def _csrf(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match.group(1) if match else ""
