"""State-order allocation in the platform: the stored scenario and its audit row, the change from last year,
the XLSX export read back, who may allocate, the CLI (exit 2 and nothing written on bad input or
conflicting constraints), the pages and the API."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from openpyxl import load_workbook

from smarttvet.accounts.models import AuditEntry
from smarttvet.labour import allocation_service as service
from smarttvet.labour.allocation import AllocationInfeasible
from smarttvet.labour.allocation_cli import run_allocate
from smarttvet.labour.models import Allocation, AllocationLine
from smarttvet.registry.models import Offer, StateOrder
from tests import factories as base
from tests.labour import factories as lf

pytestmark = pytest.mark.django_db
URLS = pytest.mark.urls("tests.labour.allocation_test_urls")
API = "/api/allocation-test"


class Setup:
    def __init__(self, world):
        self.world = world
        self.s1, self.s2, self.s3 = lf.specialties(3)
        a, b = world.college_a, world.college_b

        def make(org, spec, capacity):
            return Offer.objects.create(organization=org, specialty=spec, qualification=lf.qualification(spec),
                                        language="ru", form="full_time", licensed_capacity=capacity)

        self.offers = {"a1": make(a, self.s1, 40), "b1": make(b, self.s1, 30), "a2": make(a, self.s2, 30),
                       "b3": make(b, self.s3, 25)}
        for key, places in {"a1": 20, "b1": 10, "a2": 15, "b3": 5}.items():
            StateOrder.objects.create(offer=self.offers[key], year=2025, places=places)
            StateOrder.objects.create(offer=self.offers[key], year=2024, places=places + 7)
        # an allocation made for 2027 already must not count as "last year" for 2026
        StateOrder.objects.create(offer=self.offers["a1"], year=2026, places=99)
        self.other_offer = Offer.objects.filter(organization=world.college_other_region).first()
        StateOrder.objects.create(offer=self.other_offer, year=2025, places=12)
        self.demand = [service.DemandEstimate(self.s1.code, 50, 0.9), service.DemandEstimate(self.s2.code, 10, 0.5),
                       service.DemandEstimate(self.s3.code, 30, None)]
        self.region_other = base.user_with_role("region-other", "region", region=world.almaty)

    @property
    def total_capacity(self) -> int:
        return sum(o.licensed_capacity for o in Offer.objects.filter(organization__region=self.world.turkistan))


@pytest.fixture
def setup(world, monkeypatch):
    data = Setup(world)
    monkeypatch.setattr(service, "demand_for_allocation", lambda region, year: list(data.demand))
    return data


def _create(setup, actor=None, **kwargs):
    arguments = dict(actor=actor or setup.world.users["ministry"], region=setup.world.turkistan, year=2026,
                     places=80)
    arguments.update(kwargs)
    return service.allocation_create(**arguments)


# ---------------------------------------------------------------------------------------- the service
def test_the_allocation_is_stored_with_its_lines_and_an_audit_row(setup):
    allocation = _create(setup)
    assert allocation.status == Allocation.Status.SCENARIO and allocation.places == 80
    assert allocation.created_by == setup.world.users["ministry"]
    lines = list(allocation.lines.all())
    assert sum(line.places for line in lines) == 80
    capacity = {line.offer_id: line.offer.licensed_capacity for line in lines}
    assert all(line.places <= capacity[line.offer_id] for line in lines)
    assert {line.offer.organization.region_id for line in lines} == {setup.world.turkistan.pk}
    entry = AuditEntry.objects.get(target_type="labour.allocation", target_id=str(allocation.pk))
    assert entry.action == "create" and entry.region_id == setup.world.turkistan.pk
    assert entry.changes["places"] == 80 and entry.changes["previous_year"] == 2025
    assert allocation.parameters["previous_year"] == 2025


def test_demand_is_served_by_weight_and_unmet_demand_is_reported(setup):
    allocation = _create(setup)
    rows = {r.code: r for r in service.specialty_rows(allocation)}
    # 80 places for 90 people: s1 (weight 1.9) and s3 (1.7, the mean rate) in full, s2 (1.5) gets the rest
    assert rows[setup.s1.code].places >= 50 and rows[setup.s3.code].places == 25  # s3's capacity is 25
    assert rows[setup.s3.code].unmet == 5
    assert rows[setup.s1.code].weight == pytest.approx(1.9) and rows[setup.s3.code].weight == pytest.approx(1.7)
    assert sum(r.places for r in rows.values()) == 80
    assert allocation.unmet_demand == pytest.approx(sum(r.weight * r.unmet for r in rows.values()))


def test_change_from_last_year_per_offer_and_per_specialty(setup):
    allocation = _create(setup)
    offers = {r.offer.pk: r for r in service.offer_rows(allocation)}
    last_year = {setup.offers[k].pk: p for k, p in {"a1": 20, "b1": 10, "a2": 15, "b3": 5}.items()}
    for pk, previous in last_year.items():
        assert offers[pk].previous == previous
        assert offers[pk].change == offers[pk].places - previous
    specialties = {r.code: r for r in service.specialty_rows(allocation)}
    assert specialties[setup.s2.code].previous == 15 and specialties[setup.s3.code].previous == 5
    assert specialties[setup.s3.code].change == specialties[setup.s3.code].places - 5
    totals = service.totals(list(specialties.values()))
    assert totals["previous"] == 50 and totals["places"] == 80 and totals["change"] == 30


def test_offers_without_places_either_year_get_no_line(setup):
    allocation = _create(setup, places=10)
    assert all(line.places or line.previous_places for line in allocation.lines.all())


def test_who_may_allocate(setup, client):
    users = setup.world.users
    assert _create(setup, actor=users["region"]).region == setup.world.turkistan
    assert _create(setup, actor="command line").created_by is None
    for actor in (users["organization"], users["teacher"], users["employer"], setup.region_other, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            _create(setup, actor=actor)
    assert Allocation.objects.count() == 2


@pytest.mark.parametrize("arguments, field", [
    (dict(year="20x6"), "year"), (dict(year=1999), "year"), (dict(places=0), "places"), (dict(places="ten"), "places"),
    (dict(min_per_specialty=-1), "min_per_specialty"), (dict(max_per_specialty="many"), "max_per_specialty"),
    (dict(min_per_specialty=10, max_per_specialty=5), "max_per_specialty"),
])
def test_bad_arguments_name_the_argument_and_store_nothing(setup, arguments, field):
    with pytest.raises(ValidationError) as caught:
        _create(setup, **arguments)
    assert field in caught.value.message_dict
    assert not Allocation.objects.exists() and not AuditEntry.objects.filter(target_type="labour.allocation").exists()


def test_conflicting_constraints_store_nothing(setup):
    with pytest.raises(AllocationInfeasible) as caught:
        _create(setup, places=setup.total_capacity + 1)
    assert caught.value.conflicts == [
        f"the places ({setup.total_capacity + 1}) exceed the total licensed capacity ({setup.total_capacity})"]
    assert not Allocation.objects.exists() and not AllocationLine.objects.exists()


def test_xlsx_read_back(setup, tmp_path):
    allocation = _create(setup)
    target = tmp_path / "allocation.xlsx"
    service.write_xlsx(allocation, target)
    assert [p.name for p in tmp_path.iterdir()] == ["allocation.xlsx"]  # no temporary file left
    book = load_workbook(target, read_only=True)
    assert book.sheetnames == ["by offer", "by specialty", "parameters"]
    offers = list(book["by offer"].iter_rows(values_only=True))
    assert list(offers[0]) == service.OFFER_HEADER
    column = {name: i for i, name in enumerate(offers[0])}
    assert sum(row[column["places"]] for row in offers[1:]) == 80
    assert sum(row[column["places last year"]] for row in offers[1:]) == 50
    assert all(row[column["change"]] == row[column["places"]] - row[column["places last year"]] for row in offers[1:])
    a1 = next(row for row in offers[1:] if row[column["licensed capacity"]] == 40)
    assert a1[column["organisation BIN"]] == setup.world.college_a.bin and a1[column["places last year"]] == 20
    specialties = list(book["by specialty"].iter_rows(values_only=True))
    assert list(specialties[0]) == service.SPECIALTY_HEADER
    head = {name: i for i, name in enumerate(specialties[0])}
    s3 = next(row for row in specialties if row[0] == setup.s3.code)
    assert s3[head["demand (people)"]] == 30 and s3[head["places"]] == 25 and s3[head["unmet demand"]] == 5
    assert specialties[-1][0] == "total" and specialties[-1][head["places"]] == 80
    parameters = {row[0]: row[1] for row in list(book["parameters"].iter_rows(values_only=True))[1:]}
    assert parameters["places"] == 80 and parameters["admission year"] == 2026
    assert parameters["places last year: admission year"] == 2025 and parameters["maximum per specialty"] == "none"
    assert service.xlsx_bytes(allocation)[:2] == b"PK"


def test_the_demand_adapter_reads_the_gap_analysis(world):
    lf.clear_mappings()
    spec = lf.specialties(1)[0]
    occupation = lf.occupation("7212")
    lf.link(spec, occupation)
    lf.vacancies(world.turkistan, occupation, lf.seasonal_counts(48, level=40), start="2021-01")
    estimates = service.demand_for_allocation(world.turkistan, 2025)
    by_code = {e.specialty: e for e in estimates}
    assert by_code[spec.code].demand > 0
    assert all(e.demand >= 0 for e in estimates)


def test_no_demand_is_a_clear_error(world):
    lf.clear_mappings()
    with pytest.raises(service.DemandUnavailable, match="no demand figures"):
        service.demand_for_allocation(world.almaty, 2026)


# ---------------------------------------------------------------------------------------- the CLI
def _options(tmp_path, **changes):
    options = {"region": "61", "year": "2026", "places": "80", "out": str(tmp_path / "allocation.xlsx"),
               "min_per_specialty": None, "max_per_specialty": None}
    options.update(changes)
    return options


def test_cli_writes_the_file_and_prints_the_summary(setup, tmp_path):
    out = io.StringIO()
    run_allocate(_options(tmp_path, min_per_specialty="0", max_per_specialty="60"), out)
    text = out.getvalue()
    assert "80 state-order places" in text and "places last year from 2025" in text
    header = next(line for line in text.splitlines() if line.startswith("specialty"))
    assert header.split() == ["specialty", "demand", "last", "year", "now", "change", "unmet"]
    s3 = next(line for line in text.splitlines() if line.startswith(setup.s3.code)).split()
    assert s3 == [setup.s3.code, "30", "5", "25", "+20", "5"]
    assert next(line for line in text.splitlines() if line.startswith("total")).split()[3] == "80"
    book = load_workbook(tmp_path / "allocation.xlsx", read_only=True)
    assert book.sheetnames == ["by offer", "by specialty", "parameters"]
    allocation = Allocation.objects.get()
    assert allocation.parameters["min_per_specialty"] == 0 and allocation.parameters["max_per_specialty"] == 60


@pytest.mark.parametrize("changes, argument", [
    (dict(region="99"), "--region"), (dict(region=""), "--region"), (dict(region="KZ-00"), "--region"),
    (dict(year="next"), "--year"), (dict(year="1850"), "--year"), (dict(year=""), "--year"),
    (dict(places="0"), "--places"), (dict(places="-5"), "--places"), (dict(places="1e3"), "--places"),
    (dict(out="allocation.csv"), "--out"), (dict(out="/no/such/folder/a.xlsx"), "--out"), (dict(out=""), "--out"),
    (dict(min_per_specialty="-1"), "--min-per-specialty"), (dict(min_per_specialty="a"), "--min-per-specialty"),
    (dict(max_per_specialty="-2"), "--max-per-specialty"),
    (dict(min_per_specialty="10", max_per_specialty="5"), "--max-per-specialty"),
])
def test_cli_bad_arguments_exit_2_naming_the_argument_and_write_nothing(setup, tmp_path, changes, argument):
    with pytest.raises(CommandError) as caught:
        run_allocate(_options(tmp_path, **changes), io.StringIO())
    assert caught.value.returncode == 2
    assert str(caught.value).startswith(argument) or f"\n{argument}" in str(caught.value)
    assert not Allocation.objects.exists() and not list(tmp_path.iterdir())


def test_cli_names_every_bad_argument_at_once(setup, tmp_path):
    with pytest.raises(CommandError) as caught:
        run_allocate(_options(tmp_path, year="x", places="y", out="a.txt"), io.StringIO())
    message = str(caught.value)
    assert "--year" in message and "--places" in message and "--out" in message


def test_cli_infeasible_exits_2_naming_the_conflicts_and_writes_nothing(setup, tmp_path):
    with pytest.raises(CommandError) as caught:
        run_allocate(_options(tmp_path, min_per_specialty="30"), io.StringIO())
    assert caught.value.returncode == 2
    message = str(caught.value)
    assert f"specialty {setup.s3.code}" in message and "needs at least 30 places but its offers' capacity totals 25" \
        in message
    assert "the minimums per specialty (sum " in message and "exceed the places (80)" in message
    assert not Allocation.objects.exists() and not list(tmp_path.iterdir())


def test_cli_maximums_below_the_places(setup, tmp_path):
    with pytest.raises(CommandError) as caught:
        run_allocate(_options(tmp_path, max_per_specialty="10"), io.StringIO())
    assert caught.value.returncode == 2 and "are below the places (80)" in str(caught.value)


def test_cli_without_demand_exits_2(world, tmp_path, monkeypatch):
    def missing(region, year):
        raise service.DemandUnavailable("the gap analysis has no demand figures for Turkistan Region")

    monkeypatch.setattr(service, "demand_for_allocation", missing)
    with pytest.raises(CommandError) as caught:
        run_allocate(_options(tmp_path), io.StringIO())
    assert caught.value.returncode == 2 and "no demand figures" in str(caught.value)
    assert not Allocation.objects.exists() and not list(tmp_path.iterdir())


def test_cli_a_failed_write_stores_nothing(setup, tmp_path, monkeypatch):
    def broken(allocation, path):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(service, "write_xlsx", broken)
    with pytest.raises(CommandError) as caught:
        run_allocate(_options(tmp_path), io.StringIO())
    assert caught.value.returncode == 2 and "--out" in str(caught.value)
    assert not Allocation.objects.exists()


def test_the_labour_command_dispatches_allocate(setup, tmp_path):
    out = io.StringIO()
    target = tmp_path / "x.xlsx"
    call_command("labour", "allocate", "--region", "61", "--year", "2026", "--places", "80", "--out", str(target),
                 stdout=out)
    assert target.exists() and "total" in out.getvalue()
    with pytest.raises(CommandError) as caught:
        call_command("labour", "allocate", "--region", "61", "--year", "2026", "--places", "80", "--out",
                     str(tmp_path / "y.xlsx"), "--min-per-specialty", "30", stdout=io.StringIO())
    assert caught.value.returncode == 2 and "needs at least 30 places" in str(caught.value)
    assert not (tmp_path / "y.xlsx").exists() and Allocation.objects.count() == 1


# ---------------------------------------------------------------------------------------- pages
@URLS
def test_the_form_fixes_the_region_for_a_regional_department(setup, client_as):
    client = client_as(setup.world.users["region"])
    response = client.get("/en/labour/allocations/new/")
    assert response.status_code == 200
    field = response.context["form"].fields["region"]
    assert field.disabled and list(field.queryset) == [setup.world.turkistan]
    # a posted region is ignored: the department allocates for its own region
    response = client.post("/en/labour/allocations/new/", {"region": setup.world.almaty.pk, "year": 2026,
                                                           "places": 80, "min_per_specialty": 0})
    allocation = Allocation.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/allocations/{allocation.pk}/")
    assert allocation.region == setup.world.turkistan


@URLS
def test_the_result_page_and_the_download(setup, client_as):
    client = client_as(setup.world.users["ministry"])
    response = client.post("/en/labour/allocations/new/", {"region": setup.world.turkistan.pk, "year": 2026,
                                                           "places": 80, "min_per_specialty": 2,
                                                           "max_per_specialty": ""}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert setup.s3.code in page and "+20" in page and "Download XLSX" in page
    allocation = Allocation.objects.get()
    assert allocation.parameters["min_per_specialty"] == 2
    download = client.get(f"/en/labour/allocations/{allocation.pk}/xlsx/")
    assert download.status_code == 200 and download["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(download.content), read_only=True)
    assert book.sheetnames == ["by offer", "by specialty", "parameters"]
    assert "<script>" not in page and " style=" not in page  # CSP: no inline scripts or styles
    for language in ("kk", "ru"):
        for url in (f"/{language}/labour/allocations/{allocation.pk}/", f"/{language}/labour/allocations/new/"):
            response = client.get(url)
            assert response.status_code == 200 and f'<html lang="{language}">' in response.content.decode()


@URLS
def test_infeasible_constraints_are_shown_on_the_form(setup, client_as):
    client = client_as(setup.world.users["ministry"])
    response = client.post("/en/labour/allocations/new/", {"region": setup.world.turkistan.pk, "year": 2026,
                                                           "places": 80, "min_per_specialty": 30})
    assert response.status_code == 422
    assert "needs at least 30 places but its offers&#x27; capacity totals 25" in response.content.decode()
    assert not Allocation.objects.exists()


@URLS
def test_form_errors_name_the_field(setup, client_as):
    client = client_as(setup.world.users["ministry"])
    response = client.post("/en/labour/allocations/new/", {"region": setup.world.turkistan.pk, "year": 2026,
                                                           "places": 0, "min_per_specialty": 5,
                                                           "max_per_specialty": 3})
    assert response.status_code == 200
    assert "places" in response.context["form"].errors and "max_per_specialty" in response.context["form"].errors
    assert not Allocation.objects.exists()


@URLS
def test_pages_are_scoped(setup, client, client_as):
    allocation = _create(setup)
    assert client.get("/en/labour/allocations/new/").status_code == 302  # to the login page
    for role in ("organization", "teacher", "employer"):
        assert client_as(setup.world.users[role]).get("/en/labour/allocations/new/").status_code == 403
    other = client_as(setup.region_other)
    assert other.get(f"/en/labour/allocations/{allocation.pk}/").status_code == 404
    assert other.get(f"/en/labour/allocations/{allocation.pk}/xlsx/").status_code == 404
    own = client_as(setup.world.users["region"])
    assert own.get(f"/en/labour/allocations/{allocation.pk}/").status_code == 200


@URLS
def test_the_form_needs_the_csrf_token(setup):
    client = Client(enforce_csrf_checks=True)
    client.force_login(setup.world.users["ministry"])
    response = client.post("/en/labour/allocations/new/", {"region": setup.world.turkistan.pk, "year": 2026,
                                                           "places": 80})
    assert response.status_code == 403 and not Allocation.objects.exists()


# ---------------------------------------------------------------------------------------- API
def _post(client, data):
    return client.post(f"{API}/allocations", data=json.dumps(data), content_type="application/json")


@URLS
def test_api_creates_and_reads_an_allocation(setup, client_as):
    client = client_as(setup.world.users["region"])
    response = _post(client, {"region": "61", "year": 2026, "places": 80, "min_per_specialty": 0,
                              "max_per_specialty": None})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["places"] == 80 and body["region"]["kato"] == setup.world.turkistan.kato
    assert sum(line["places"] for line in body["lines"]) == 80
    assert all(line["change"] == line["places"] - line["previous_places"] for line in body["lines"])
    s3 = next(s for s in body["specialties"] if s["specialty"] == setup.s3.code)
    assert s3["places"] == 25 and s3["unmet"] == 5 and s3["previous_places"] == 5
    detail = client.get(f"{API}/allocations/{body['id']}")
    assert detail.status_code == 200 and detail.json()["lines"] == body["lines"]
    listed = client.get(f"{API}/allocations?region=61")
    assert [item["id"] for item in listed.json()["items"]] == [body["id"]]


@URLS
def test_api_names_the_conflicts_and_bad_arguments(setup, client_as):
    client = client_as(setup.world.users["ministry"])
    response = _post(client, {"region": "61", "year": 2026, "places": 80, "min_per_specialty": 30})
    assert response.status_code == 422
    assert any("needs at least 30 places" in c for c in response.json()["conflicts"])
    response = _post(client, {"region": "61", "year": 2026, "places": 0})
    assert response.status_code == 422 and "places" in response.json()["errors"]
    response = _post(client, {"region": "99", "year": 2026, "places": 10})
    assert response.status_code == 422 and "region" in response.json()["errors"]
    assert not Allocation.objects.exists()


@URLS
def test_api_is_scoped(setup, client, client_as):
    assert _post(client, {"region": "61", "year": 2026, "places": 80}).status_code == 401
    for user in (setup.world.users["organization"], setup.region_other):
        response = _post(client_as(user), {"region": "61", "year": 2026, "places": 80})
        assert response.status_code == 403
    assert not Allocation.objects.exists()
    allocation = _create(setup)
    assert client_as(setup.region_other).get(f"{API}/allocations/{allocation.pk}").status_code == 404
    assert client.get(f"{API}/allocations/{allocation.pk}").status_code in (401, 404)


def test_path_helpers(setup):
    allocation = _create(setup)
    assert service.filename(allocation) == f"state-order-{setup.world.turkistan.kato}-2026-{allocation.pk}.xlsx"
    assert isinstance(Path(service.filename(allocation)), Path)
