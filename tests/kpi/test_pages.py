"""KPI pages: scoping (ministry all, region its organisations, an organisation its own, read-only), the sign-off
form, the incentive pages with their form errors, the scenario comparison and the XLSX downloads."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from smarttvet.kpi.models import IncentiveScenario, Scorecard


def _url(name, args=None):
    with translation.override("en"):
        return reverse(name, args=args)


def _card(org):
    return Scorecard.objects.filter(organization=org, year=2025).order_by("-version").first()


@pytest.mark.parametrize(("user", "seen"), [
    ("ministry", {"lead", "back", "b", "x"}),
    ("region", {"lead", "back", "b"}),
    ("org_lead", {"lead"}),
    ("organization", set()),  # college_a is in the social league: no scorecard
    ("teacher", set()),
])
def test_list_is_scoped(computed, client_as, django_assert_max_num_queries, user, seen):
    k = computed
    client = client_as(k.users[user])
    with django_assert_max_num_queries(20):
        response = client.get(_url("kpi:list"), {"year": 2025})
    assert response.status_code == 200
    body = response.content.decode()
    for name in ("lead", "back", "b", "x"):
        org = getattr(k, name)
        assert (_url("kpi:detail", args=[_card(org).pk]) in body) == (name in seen), name


def test_list_queries_do_not_grow(computed, client_as, django_assert_max_num_queries):
    from tests import factories as f
    from tests.kpi.conftest import groups, published_run, values

    k = computed
    extra = {f.organization(k.world.turkistan): ("backbone", 60.0, groups(60, 50), values(70, 3)) for _ in range(8)}
    published_run(2025, {**extra, k.lead: ("leaders", 80.0, groups(80.0, 70.0), values(85.0, 1.5))})
    from smarttvet.kpi import services

    services.scorecards_compute(actor="test", year=2025)
    client = client_as(k.users["ministry"])
    with django_assert_max_num_queries(20):
        assert client.get(_url("kpi:list"), {"year": 2025}).status_code == 200


def test_detail_scoping_and_read_only_for_the_organisation(computed, client_as):
    k = computed
    card = _card(k.lead)
    url = _url("kpi:detail", args=[card.pk])
    assert client_as(k.users["region_almaty"]).get(url).status_code == 404
    response = client_as(k.users["org_lead"]).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Aigerim Director" in body and 'name="decision"' not in body
    assert 'renderMode' not in body  # the chart's options live in the static script, its data in json_script
    assert 'id="kpi-chart-data"' in body
    forbidden = client_as(k.users["org_lead"]).post(_url("kpi:decide", args=[card.pk]), {"decision": "sign_off"})
    assert forbidden.status_code == 403
    card.refresh_from_db()
    assert card.status == Scorecard.Status.PENDING


def test_sign_off_form(computed, client_as):
    k = computed
    card = _card(k.lead)
    client = client_as(k.users["region"])
    page = client.get(_url("kpi:detail", args=[card.pk])).content.decode()
    assert 'value="sign_off"' in page
    response = client.post(_url("kpi:decide", args=[card.pk]), {"decision": "return", "comment": ""},
                           follow=True)
    assert "say why the scorecard is returned" in response.content.decode()
    card.refresh_from_db()
    assert card.status == Scorecard.Status.PENDING
    client.post(_url("kpi:decide", args=[card.pk]), {"decision": "sign_off", "comment": "fine"})
    card.refresh_from_db()
    assert card.status == Scorecard.Status.SIGNED_OFF and card.signed_off_by == k.users["region"]
    page = client.get(_url("kpi:detail", args=[card.pk])).content.decode()
    assert 'value="sign_off"' not in page and "fine" in page


def test_compute_from_the_page_is_the_ministrys(kpi, client_as):
    assert client_as(kpi.users["region"]).post(_url("kpi:compute"), {"year": 2025}).status_code == 403
    assert not Scorecard.objects.exists()
    response = client_as(kpi.users["ministry"]).post(_url("kpi:compute"), {"year": 2024}, follow=True)
    assert "no published rating run of 2024" in response.content.decode()
    client_as(kpi.users["ministry"]).post(_url("kpi:compute"), {"year": 2025})
    assert Scorecard.objects.count() == 4


def test_incentive_pages(signed, client_as, django_assert_max_num_queries):
    k = signed
    assert client_as(k.users["region"]).get(_url("kpi:incentives")).status_code == 403
    client = client_as(k.users["ministry"])
    params = {"year": "2025", "pool": "1000000", "threshold": "0.3", "cap": "", "league_pools": ""}
    with django_assert_max_num_queries(20):
        response = client.get(_url("kpi:incentives"), params)
    body = response.content.decode()
    assert response.status_code == 200 and "Payment 0 tenge." in body and "1,000,000" in body
    # form errors, nothing saved
    bad = client.get(_url("kpi:incentives"), {**params, "pool": "-3", "league_pools": "9=1"})
    text = bad.content.decode()
    assert "must not be negative" in text and bad.context["result"] is None
    bad = client.post(_url("kpi:incentives"), {**params, "league_pools": "1=5", "name": "x"})
    assert "the league pools sum to 5" in bad.content.decode() and not IncentiveScenario.objects.exists()
    # save two scenarios and compare them
    client.post(_url("kpi:incentives"), {**params, "name": "base"})
    client.post(_url("kpi:incentives"), {**params, "threshold": "0.6", "name": "strict"})
    ids = list(IncentiveScenario.objects.order_by("name").values_list("pk", flat=True))
    assert len(ids) == 2
    compare = client.get(_url("kpi:compare"), {"scenario": ids})
    assert compare.status_code == 200 and "strict" in compare.content.decode()
    book = load_workbook(io.BytesIO(client.get(_url("kpi:compare"),
                                               {"scenario": ids, "export": "xlsx"}).content))
    rows = list(book["comparison"].iter_rows(values_only=True))
    assert rows[0][-2:] == ("base", "strict")
    xlsx = client.get(_url("kpi:incentives_xlsx"), params)
    payments = list(load_workbook(io.BytesIO(xlsx.content))["payments"].iter_rows(values_only=True))
    assert sum(r[15] for r in payments[1:]) == 1_000_000
    assert client.get(_url("kpi:incentives_xlsx"), {**params, "pool": "x"}).status_code == 400
    # deleting a scenario is the ministry's
    assert client_as(k.users["region"]).post(_url("kpi:scenario_delete", args=[ids[0]])).status_code == 403
    client = client_as(k.users["ministry"])
    assert client.post(_url("kpi:scenario_delete", args=[ids[0]])).status_code == 302
    assert list(IncentiveScenario.objects.values_list("name", flat=True)) == ["strict"]


def test_kpi_sets_page(computed, client_as):
    response = client_as(computed.users["teacher"]).get(_url("kpi:sets"))
    assert response.status_code == 200 and "rating.group:graduate_outcomes" in response.content.decode()


def test_pages_name_the_leagues(signed, client_as):
    """The league filter and the saved scenarios' pools per league show the league names, not their codes."""
    from smarttvet.rating.models import MethodologyVersion
    from smarttvet.rating.services import methodology_file

    MethodologyVersion.objects.filter(pk=signed.run.methodology_id).update(
        yaml_text=methodology_file("tvet").read_text(encoding="utf-8"))
    client = client_as(signed.users["ministry"])
    body = client.get(_url("kpi:list")).content.decode()
    assert '<option value="leaders" >Leaders</option>' in body and '>backbone<' not in body
    IncentiveScenario.objects.create(name="split", year=2025, pool=10, league_pools={"leaders": 6, "backbone": 4},
                                     threshold=0.5)
    body = client.get(_url("kpi:incentives"), {"year": "2025"}).content.decode()
    assert "Leaders: 6, Backbone: 4" in body
    split = IncentiveScenario.objects.get(name="split")
    opened = client.get(_url("kpi:incentives"), {"scenario": split.pk})
    assert opened.context["form"]["league_pools"].value() == "1=6,2=4"  # as the form's help says to type them
    assert opened.context["result"].params.league_pools == {"leaders": 6, "backbone": 4}
