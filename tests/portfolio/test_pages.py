"""Portfolio pages: a teacher sees and edits only their own portfolio; the verification queue, the staff overview
and the dashboards are scoped and run a constant number of queries; forms answer bad input with errors."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from smarttvet.portfolio import services
from smarttvet.portfolio.models import Record
from tests import factories as f
from tests.portfolio.conftest import COURSE, record

pytestmark = pytest.mark.django_db


def test_a_teacher_sees_and_edits_only_their_own_portfolio(world, client_as):
    client = client_as(world.users["teacher"])
    own = reverse("portfolio:teacher", args=[world.teacher_a.pk])
    assert client.get(reverse("portfolio:home")).url == own
    page = client.get(own)
    assert page.status_code == 200 and world.teacher_a.full_name in page.content.decode()
    other = world.teacher_other_region
    assert client.get(reverse("portfolio:teacher", args=[other.pk])).status_code == 404
    assert client.post(reverse("portfolio:teacher", args=[other.pk]), {"kind": "course", **COURSE}).status_code == 404
    foreign = record(other)
    assert client.get(reverse("portfolio:record_edit", args=[foreign.pk])).status_code == 404
    assert client.post(reverse("portfolio:record_action", args=[foreign.pk]), {"action": "submit"}).status_code == 404
    assert client.get(reverse("portfolio:cv", args=[other.pk])).status_code == 404
    assert client.get(reverse("portfolio:export", args=[other.pk])).status_code == 404
    assert Record.objects.get(pk=foreign.pk).status == "draft"
    response = client.post(own, {"kind": "course", **COURSE})
    assert response.status_code == 302 and Record.objects.filter(teacher=world.teacher_a).count() == 1


def test_the_form_reports_bad_fields_and_writes_nothing(world, client_as):
    client = client_as(world.users["teacher"])
    url = reverse("portfolio:teacher", args=[world.teacher_a.pk])
    response = client.post(url, {"kind": "course", **COURSE, "hours": "-3", "start_date": "yesterday"})
    body = response.content.decode()
    assert response.status_code == 422 and "Enter at least 1." in body and "Enter a date as YYYY-MM-DD." in body
    assert not Record.objects.exists()
    fields = client.get(reverse("portfolio:record_form", args=[world.teacher_a.pk]), {"kind": "mobility"})
    assert 'name="country"' in fields.content.decode() and 'value="out"' in fields.content.decode()


def test_region_reads_but_cannot_write_and_others_get_404(world, client_as):
    url = reverse("portfolio:teacher", args=[world.teacher_a.pk])
    assert client_as(world.users["region"]).get(url).status_code == 200
    assert client_as(world.users["region"]).post(url, {"kind": "course", **COURSE}).status_code == 403
    assert client_as(world.users["employer"]).get(url).status_code == 404
    assert not Record.objects.exists()


def test_the_verifier_works_through_the_queue(world, verifier, client_as, django_assert_max_num_queries):
    for i in range(3):
        record(world.teacher_a, data={**COURSE, "title": f"Course {i}"}, status="submitted")
    record(world.teacher_other_region, data={**COURSE, "title": "Elsewhere"}, status="submitted")
    client = client_as(verifier)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("portfolio:queue"))
    body = page.content.decode()
    assert "Course 0" in body and "Course 2" in body and "Elsewhere" not in body
    for i in range(3, 30):
        record(f.teacher(world.college_a), data={**COURSE, "title": f"Course {i}"}, status="submitted")
    with django_assert_max_num_queries(12):
        client.get(reverse("portfolio:queue"))
    first = Record.objects.filter(title="Course 0").get()
    response = client.post(reverse("portfolio:record_action", args=[first.pk]), {"action": "return", "comment": ""},
                           follow=True)
    assert "Say what to correct" in response.content.decode()
    client.post(reverse("portfolio:record_action", args=[first.pk]), {"action": "verify"})
    assert Record.objects.get(pk=first.pk).status == "verified"
    assert client_as(world.users["teacher"]).get(reverse("portfolio:queue")).status_code == 404


def test_staff_overview_is_scoped_and_constant_in_queries(world, verifier, client_as, django_assert_max_num_queries):
    teacher = world.teacher_a
    services.record_create(actor="test", teacher=teacher, kind="category",
                           data={"code": "expert", "start_date": "2023-01-10", "title": "Order 1"})
    Record.objects.update(status="verified")
    client = client_as(verifier)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("portfolio:staff"))
    assert page.status_code == 200 and teacher.full_name in page.content.decode()
    for _ in range(20):
        t = f.teacher(world.college_a, employed_from=dt.date(2010, 1, 1))
        record(t, status="verified")
    with django_assert_max_num_queries(10):
        client.get(reverse("portfolio:staff"))
    url = reverse("portfolio:staff") + f"?organization={world.college_other_region.pk}"
    assert client.get(url).status_code == 404
    assert client_as(world.users["region"]).get(reverse("portfolio:staff") + f"?organization={world.college_a.pk}"
                                                ).status_code == 200
    assert client_as(world.users["teacher"]).get(reverse("portfolio:staff") + f"?organization={world.college_a.pk}"
                                                 ).status_code == 404


def test_the_staff_picker_searches_filters_and_pages_within_the_scope(world, client_as,
                                                                    django_assert_max_num_queries):
    """The ministry and a region choose an organisation from a paginated list (nationally about 740 colleges)."""
    for n in range(60):
        f.organization(world.turkistan, name_en=f"Picker college {n:02d}")
    url = reverse("portfolio:staff")
    ministry = client_as(world.users["ministry"])
    with django_assert_max_num_queries(10):
        page = ministry.get(url)
    assert page.context["page"].paginator.count == 63  # the world's three colleges and the sixty
    assert len(page.context["page"].object_list) == 50
    assert len(ministry.get(url, {"page": "2"}).context["page"].object_list) == 13
    found = ministry.get(url, {"q": "college 07"}).content.decode()
    assert "Picker college 07" in found and "Picker college 08" not in found
    assert ministry.get(url, {"region": "75"}).context["page"].paginator.count == 1
    assert "No organisation matches." in ministry.get(url, {"q": "nothing like this"}).content.decode()
    region = client_as(world.users["region"]).get(url, {"region": "75"})
    assert region.context["page"].paginator.count == 0  # Almaty is outside the Turkistan department's scope
    searched = client_as(world.users["region"]).get(url, {"q": world.college_other_region.bin})
    assert searched.context["page"].paginator.count == 0


def test_dashboards_count_certified_teachers_against_the_target(world, client_as, django_assert_max_num_queries):
    today = timezone.localdate()
    for teacher in (world.teacher_a, world.teacher_other_region):
        record(teacher, "certification", {"title": "New format", "code": "new_format", "issuer": "Orleu",
                                           "start_date": (today - dt.timedelta(days=30)).isoformat()},
               status="verified")
    client = client_as(world.users["ministry"])
    with django_assert_max_num_queries(12):
        page = client.get(reverse("portfolio:dashboard"))
    body = page.content.decode()
    assert page.status_code == 200 and "10000" in body.replace("\u00a0", "").replace(",", "")
    assert page.context["data"].certified == 2 and 'id="pf-chart-data"' in body
    regional = client_as(world.users["region"]).get(reverse("portfolio:dashboard"))
    assert regional.context["data"].certified == 1 and regional.context["region"] == world.turkistan
    assert client_as(world.users["region"]).get(reverse("portfolio:dashboard") + f"?region={world.almaty.pk}"
                                                ).status_code == 404
    assert client_as(world.users["teacher"]).get(reverse("portfolio:dashboard")).status_code == 404


def test_a_verified_record_edit_makes_a_new_version_through_the_page(world, client_as):
    r = record(world.teacher_a, status="verified")
    client = client_as(world.users["teacher"])
    response = client.post(reverse("portfolio:record_edit", args=[r.pk]), {**COURSE, "hours": "90"})
    assert response.status_code == 302
    assert list(Record.objects.filter(lineage=r.lineage).order_by("version").values_list("status", "hours")) == [
        ("verified", 72), ("draft", 90)]
    page = client.get(reverse("portfolio:teacher", args=[world.teacher_a.pk])).content.decode()
    assert "stays in force" in page


def test_the_portfolio_page_runs_a_constant_number_of_queries(world, client_as, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.portfolio.test_evidence import PDF, upload

    client = client_as(world.users["teacher"])
    url = reverse("portfolio:teacher", args=[world.teacher_a.pk])
    record(world.teacher_a, status="verified")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(15):
        r = record(world.teacher_a, data={**COURSE, "title": f"Course {i}"}, status=("draft", "verified")[i % 2])
        if i % 2 == 0:
            services.evidence_add(actor="test", record=r, upload=upload(f"c{i}.pdf", PDF))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert "Course 14" in response.content.decode()
    assert len(few.captured_queries) <= 16


def test_the_back_link_after_a_decision_stays_on_the_site(world, verifier, client_as):
    r = record(world.teacher_a, status="submitted")
    response = client_as(verifier).post(reverse("portfolio:record_action", args=[r.pk]),
                                        {"action": "verify", "next": "//evil.example/steal"})
    assert response.status_code == 302 and "evil" not in response.url
