"""Partnership pages: public and private pages per role (404 outside the scope), filters and exports, the employer's
page and its need forms (audited, scoped, refusing bad input), three languages and constant query counts."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from smarttvet.accounts.models import AuditEntry
from smarttvet.labour.models import EmployerNeed
from smarttvet.partnership.models import DualTrainingPlace, EmployerAgreement, TargetOrder
from tests import factories as f
from tests.partnership.conftest import cluster, graduate, specialty

pytestmark = pytest.mark.django_db

ROLES = ["ministry", "region", "organization", "teacher", "employer"]
NEXT = timezone.localdate().year + 1


# ------------------------------------------------------------------------------------------ public pages
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_public_pages_answer_everyone_in_each_language(partners, client, lang):
    pages = ["/{lang}/partnership/", "/{lang}/partnership/clusters/",
             f"/{{lang}}/partnership/clusters/{partners.cluster.pk}/", "/{lang}/partnership/agreements/",
             "/{lang}/partnership/infrastructure/", "/{lang}/partnership/infrastructure/?region=61&year=2025"]
    for page in pages:
        response = client.get(page.format(lang=lang))
        assert response.status_code == 200, page
        assert f'<html lang="{lang}">' in response.content.decode()


def test_private_pages_send_anonymous_visitors_to_log_in(partners, client):
    w = partners.world
    for page in ("/en/partnership/training/", f"/en/partnership/organizations/{w.college_a.pk}/",
                 "/en/partnership/my-enterprise/", f"/en/partnership/enterprises/{w.enterprise_a.pk}/",
                 f"/en/partnership/needs/{partners.need_a.pk}/edit/"):
        response = client.get(page)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], page
    response = client.post(f"/en/partnership/needs/{partners.need_a.pk}/delete/")
    assert response.status_code == 302 and EmployerNeed.objects.filter(pk=partners.need_a.pk).exists()


def test_cluster_list_and_card_show_the_results(partners, client):
    w = partners.world
    for _ in range(4):
        graduate(w.college_a, year=2024, employer=w.enterprise_a)
    response = client.get("/en/partnership/clusters/")
    rows = {row["cluster"].pk: row["results"] for row in response.context["rows"]}
    assert rows[partners.cluster.pk].employment_rate == 100.0 and rows[partners.cluster.pk].observed == 5
    assert set(rows) == {partners.cluster.pk, partners.cluster_x.pk}
    assert {row["cluster"].pk for row in client.get("/en/partnership/clusters/?region=75").context["rows"]} == {
        partners.cluster_x.pk}
    assert client.get("/en/partnership/clusters/?region=99").status_code == 404
    assert client.get("/en/partnership/clusters/?sector=J").context["rows"][0]["cluster"] == partners.cluster_x
    card = client.get(f"/en/partnership/clusters/{partners.cluster.pk}/")
    html = card.content.decode()
    assert "100.0%" in html and partners.school_a.name_en in html and w.enterprise_a.name in html
    funnel = card.context["funnel"]
    assert [s["value"] for s in funnel["stages"]] == [40, 1, 5, 5, 5, 5]
    assert 'id="cluster-funnel-data"' in html and "<script>" not in html.replace("<script src", "")
    assert client.get("/en/partnership/clusters/999999/").status_code == 404


def test_agreements_filter_and_export(partners, client):
    w = partners.world

    def ids(query=""):
        return {a.pk for a in client.get(f"/en/partnership/agreements/?{query}").context["page"].object_list}

    every = {partners.agreement_a.pk, partners.agreement_b.pk, partners.agreement_x.pk}
    assert ids() == every
    assert ids("kind=mentoring") == {partners.agreement_x.pk}
    assert ids("region=61") == {partners.agreement_a.pk, partners.agreement_b.pk}
    assert ids("region=KZ-99") == set()
    assert ids(f"organization={w.college_b.pk}") == {partners.agreement_b.pk}
    assert ids("active=1") == {partners.agreement_a.pk, partners.agreement_x.pk}
    assert ids("active=2022-06-01") == {partners.agreement_b.pk}
    assert ids("kind=castle") == every  # an unknown kind filters nothing
    assert ids(f"q={w.enterprise_a.bin}") == {partners.agreement_a.pk, partners.agreement_b.pk}
    csv = b"".join(client.get("/en/partnership/agreements/?kind=internship_base&export=csv").streaming_content)
    lines = csv.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("organization_bin,organization_name,region_kato,enterprise_bin")
    assert len(lines) == 2 and "internship_base,2021-01-10,2023-12-31" in lines[1]
    xlsx = client.get("/en/partnership/agreements/?export=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")
    assert client.get("/en/partnership/agreements/?export=pdf").status_code == 404


def test_infrastructure_counts_by_region_and_organisation(partners, client):
    w = partners.world
    summary = client.get("/en/partnership/infrastructure/?year=2025").context["summary"]
    rows = {r.label.kato[:2]: r for r in summary.rows}
    assert rows["61"].worldskills_centres == 1 and rows["61"].outbound_students == 6
    assert rows["75"].kinds == {"fab_lab": 1}
    one = client.get("/en/partnership/infrastructure/?region=61&year=2025")
    assert [r.label for r in one.context["summary"].rows] == [w.college_a]
    assert [c.competency.code for c in one.context["centres"]] == ["10"]
    assert client.get("/en/partnership/infrastructure/?year=2022").context["summary"].total.worldskills_centres == 0


# ------------------------------------------------------------------------------------------ dual training and orders
@pytest.mark.parametrize(("role", "regions"), [("ministry", {"61", "75"}), ("region", {"61"}),
                                               ("organization", None), ("employer", None)])
def test_training_summary_is_scoped(partners, client_as, role, regions):
    w = partners.world
    client = client_as(w.users[role])
    summary = client.get("/en/partnership/training/?year=2025").context["summary"]
    if regions is not None and role == "ministry":
        assert summary.by == "region" and {r.label.kato[:2] for r in summary.rows} == regions
    elif role == "region":
        assert summary.by == "organization" and {r.label for r in summary.rows} == {w.college_a}
        assert summary.total.dual_places == 5 and summary.total.dual_placed == 3
    else:
        assert {r.label for r in summary.rows} <= {w.college_a}
        assert partners.place_x.places_offered not in [r.dual_places for r in summary.rows]


def test_a_region_outside_the_scope_is_404(partners, client_as):
    client = client_as(partners.world.users["region"])
    assert client.get("/en/partnership/training/?region=75").status_code == 404
    assert client.get("/en/partnership/training/?region=61").status_code == 200
    assert client_as(partners.world.users["ministry"]).get("/en/partnership/training/?region=75").status_code == 200


def test_target_orders_are_cross_checked_with_the_students_funded(partners, client_as):
    w = partners.world
    # the world's target student is of cohort 2023 at college A with enterprise A as sponsor: one of two places
    f.student(w.college_b, funding="target", sponsor=w.enterprise_a, cohort_year=2023)  # no order for college B
    summary = client_as(w.users["region"]).get("/en/partnership/training/?year=2023").context["summary"]
    rows = {r.label: r for r in summary.rows}
    a, b = rows[w.college_a], rows[w.college_b]
    assert (a.ordered_places, a.target_students, a.matched, a.unfilled_places, a.unordered_students) == (2, 1, 1, 1, 0)
    assert (b.ordered_places, b.target_students, b.unordered_students) == (0, 1, 1) and not b.consistent


@pytest.mark.parametrize(("role", "expected"), [("ministry", 200), ("region", 200), ("organization", 200),
                                                ("teacher", 404), ("employer", 404)])
def test_organisation_page_per_role(partners, client_as, role, expected):
    w = partners.world
    client = client_as(w.users[role])
    response = client.get(f"/en/partnership/organizations/{w.college_a.pk}/?year=2025")
    assert response.status_code == expected
    if expected == 200:
        assert [p.pk for p in response.context["dual_places"]] == [partners.place_a.pk]
        assert [r["order"].pk for r in response.context["target_orders"]] == [partners.order_a.pk]
        assert response.context["target_orders"][0]["students"] == 1
        assert partners.cluster in response.context["clusters"]
    other = client.get(f"/en/partnership/organizations/{w.college_other_region.pk}/")
    assert other.status_code == (200 if role == "ministry" else 404)
    assert client.get(f"/en/partnership/organizations/{w.college_b.pk}/").status_code == (
        200 if role in ("ministry", "region") else 404)


# ------------------------------------------------------------------------------------------ the employer's page
@pytest.mark.parametrize(("role", "own", "other"), [("ministry", 200, 200), ("region", 200, 404),
                                                    ("organization", 404, 404), ("teacher", 404, 404),
                                                    ("employer", 200, 404)])
def test_enterprise_page_per_role(partners, client_as, role, own, other):
    w = partners.world
    client = client_as(w.users[role])
    assert client.get(f"/en/partnership/enterprises/{w.enterprise_a.pk}/").status_code == own
    assert client.get(f"/en/partnership/enterprises/{partners.enterprise_x.pk}/").status_code == other


def test_the_employer_sees_its_own_enterprise(partners, client_as):
    w = partners.world
    client = client_as(w.users["employer"])
    response = client.get("/en/partnership/my-enterprise/", follow=True)
    assert response.redirect_chain[-1][0].endswith(f"/partnership/enterprises/{w.enterprise_a.pk}/")
    overview = response.context["overview"]
    assert {a.pk for a in overview.agreements} == {partners.agreement_a.pk, partners.agreement_b.pk}
    assert [p.pk for p in overview.dual_places] == [partners.place_a.pk]
    assert overview.sponsored_total == 1 and overview.sponsored[0]["studying"] == 1
    assert overview.graduates_total == 1 and overview.graduates[0]["organization"] == w.college_a
    assert [n.pk for n in overview.needs] == [partners.need_a.pk]
    assert overview.clusters == [partners.cluster]
    assert response.context["may_declare"]
    html = response.content.decode()
    assert partners.enterprise_x.name not in html and 'action="/en/partnership/enterprises/' in html


def test_other_roles_choose_among_the_enterprises_of_their_scope(partners, client_as):
    w = partners.world
    listed = client_as(w.users["region"]).get("/en/partnership/my-enterprise/").context["page"].object_list
    assert {e.pk for e in listed} == {w.enterprise_a.pk}
    assert list(client_as(w.users["organization"]).get("/en/partnership/my-enterprise/").context["page"]) == []


def test_the_need_forms_write_through_the_service_with_audit(partners, client_as):
    w = partners.world
    client = client_as(w.users["employer"])
    url = f"/en/partnership/enterprises/{w.enterprise_a.pk}/needs/"
    response = client.post(url, {"specialty": specialty().pk, "year": NEXT + 1, "people": 12, "comment": "new line"})
    assert response.status_code == 302 and response["Location"].endswith("#needs")
    need = EmployerNeed.objects.get(enterprise=w.enterprise_a, year=NEXT + 1)
    assert (need.people, need.comment) == (12, "new line")
    assert AuditEntry.objects.filter(action="create", target_id=str(need.pk), actor=w.users["employer"]).exists()

    edit = f"/en/partnership/needs/{need.pk}/edit/"
    assert client.get(edit).context["form"].initial["people"] == 12
    assert client.post(edit, {"specialty": specialty().pk, "year": NEXT + 1, "people": 15}).status_code == 302
    need.refresh_from_db()
    assert need.people == 15 and AuditEntry.objects.filter(action="update", target_id=str(need.pk)).exists()

    assert client.post(f"/en/partnership/needs/{need.pk}/delete/").status_code == 302
    assert not EmployerNeed.objects.filter(pk=need.pk).exists()
    assert client.get(f"/en/partnership/needs/{need.pk}/delete/").status_code in (404, 405)


def test_bad_need_input_is_shown_and_nothing_written(partners, client_as):
    w = partners.world
    client = client_as(w.users["employer"])
    before = EmployerNeed.objects.count()
    url = f"/en/partnership/enterprises/{w.enterprise_a.pk}/needs/"
    response = client.post(url, {"specialty": specialty().pk, "year": 1990, "people": 3})
    assert response.status_code == 422 and "outside" in response.content.decode()
    response = client.post(url, {"specialty": specialty().pk, "year": partners.need_a.year, "people": 3})
    assert response.status_code == 422 and "already declared" in response.content.decode()
    response = client.post(url, {"specialty": "", "year": NEXT, "people": "many"})
    assert response.status_code == 422
    assert EmployerNeed.objects.count() == before and not AuditEntry.objects.exists()


def test_needs_of_another_enterprise_are_out_of_reach(partners, client_as):
    w = partners.world
    client = client_as(w.users["employer"])
    x = partners.need_x
    assert client.get(f"/en/partnership/needs/{x.pk}/edit/").status_code == 404
    assert client.post(f"/en/partnership/needs/{x.pk}/delete/").status_code == 404
    assert client.post(f"/en/partnership/enterprises/{partners.enterprise_x.pk}/needs/",
                       {"specialty": specialty().pk, "year": NEXT, "people": 1}).status_code == 404
    region = client_as(w.users["region"])
    assert region.post(f"/en/partnership/needs/{x.pk}/delete/").status_code == 404
    assert EmployerNeed.objects.filter(pk=x.pk).exists() and not AuditEntry.objects.exists()


# ------------------------------------------------------------------------------------------ query counts
def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


def test_queries_do_not_grow_with_the_data(partners, client_as, django_assert_max_num_queries):
    w = partners.world
    client = client_as(w.users["ministry"])
    urls = ["/en/partnership/", "/en/partnership/clusters/", f"/en/partnership/clusters/{partners.cluster.pk}/",
            "/en/partnership/agreements/", "/en/partnership/training/?year=2025",
            "/en/partnership/infrastructure/?year=2025", f"/en/partnership/organizations/{w.college_a.pk}/?year=2025",
            f"/en/partnership/enterprises/{w.enterprise_a.pk}/"]
    one = {url: _count(client, url) for url in urls}
    for i in range(6):
        college = f.organization(w.turkistan)
        enterprise = f.enterprise(w.turkistan)
        cluster(w.turkistan, colleges=[college, w.college_a], anchors=[enterprise, w.enterprise_a], name=f"C{i}")
        EmployerAgreement.objects.create(organization=w.college_a, enterprise=enterprise, kind="partnership",
                                         signed_on=dt.date(2024, 1, 1))
        DualTrainingPlace.objects.create(organization=w.college_a, enterprise=enterprise, specialty=specialty(),
                                         year=2025, places_offered=2, students_placed=1)
        TargetOrder.objects.create(organization=college, enterprise=w.enterprise_a, specialty=specialty(),
                                   admission_year=2024 - i, places=1)
        graduate(college, year=2024, employer=w.enterprise_a)
        f.student(college, funding="target", sponsor=w.enterprise_a, cohort_year=2024 - i)
    cluster_card = f"/en/partnership/clusters/{partners.cluster.pk}/"
    for url in urls:
        with django_assert_max_num_queries(one[url]):
            response = client.get(url)
        assert response.status_code == 200, url
    assert len(client.get("/en/partnership/clusters/").context["rows"]) == 8
    assert len(client.get(cluster_card).context["cluster"].colleges.all()) == 1


def test_chart_data_is_embedded_as_json(partners, client_as):
    response = client_as(partners.world.users["ministry"]).get("/en/partnership/training/?year=2025")
    html = response.content.decode()
    marker = 'id="training-data" type="application/json">'
    start = html.index(marker) + len(marker)
    data = json.loads(html[start:html.index("</script>", start)])
    assert set(data) == {"labels", "places", "placed", "dual", "series"} and sum(data["places"]) == 9
