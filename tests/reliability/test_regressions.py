"""Regression tests for the bugs the reliability suites found (each failed before its fix)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from tests.reliability.sweep import openapi_schema
from tests.reliability.workbooks import damage_sheet, valid_xlsx

pytestmark = pytest.mark.django_db


def _paginated() -> list[str]:
    schema, _broken = openapi_schema()
    return sorted(path for path, operations in schema["paths"].items()
                  if "{" not in path and any(p.get("name") == "page"
                                             for p in operations.get("get", {}).get("parameters", [])))


@pytest.mark.parametrize("path", _paginated())
def test_a_huge_page_number_is_a_422_on_every_paginated_list(world, path):
    """``?page=10**28`` made the database overflow on the offset: a 500 on every paginated API list."""
    client = Client(raise_request_exception=False)
    client.force_login(world.users["ministry"])
    response = client.get(path, {"page": 10**28})
    assert response.status_code == 422, (path, response.status_code, response.content[:300])
    assert client.get(path, {"page": 1}).status_code == 200, path


def test_every_paginated_list_is_covered():
    assert len(_paginated()) >= 8


def test_an_unmatched_api_url_answers_json_with_the_security_headers():
    """A malformed id that the URL converter rejects answered Django's HTML 404 page under /api/."""
    response = Client().get("/api/v1/credentials/not-a-uuid/document")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json") and response.json() == {"detail": "Not found."}
    assert "Content-Security-Policy" in response and response["X-Content-Type-Options"] == "nosniff"


def test_a_plan_file_with_a_bad_version_is_a_named_error():
    """``version: null`` (or text) in a plan file raised TypeError/ValueError instead of SeedError."""
    from pathlib import Path

    import yaml

    from smarttvet.plans import seeds

    path = next(Path(seeds.__file__).parent.joinpath("data").rglob("*.yaml"))
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    for bad in (None, "two", [1], 0, True):
        document["version"] = bad
        with pytest.raises(seeds.SeedError, match="version"):
            seeds.parse(document)
    document["version"] = 3
    assert seeds.parse(document).version == 3


def test_a_damaged_parquet_file_is_a_named_error(world, settings, tmp_path):
    """A Parquet file with its PAR1 markers but a damaged footer escaped as duckdb.InvalidInputException."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    settings.GRADEBOOK_STORE = tmp_path / "store"
    path = tmp_path / "marks.parquet"
    pq.write_table(pa.table({"organization": ["1"], "student": ["s"]}), path)
    content = path.read_bytes()
    path.write_bytes(content[:-12] + b"\xff\xff\xff\x7f" + content[-8:])
    with pytest.raises(CommandError) as caught:
        call_command("gradebook", "import", str(path), "--no-progress", stdout=io.StringIO())
    assert caught.value.returncode == 2 and "marks.parquet" in str(caught.value)


def test_a_parquet_file_whose_column_names_are_not_utf8_is_a_named_error(world, settings, tmp_path):
    """DuckDB hands such names to Python, where decoding them raised UnicodeDecodeError (found on PostgreSQL)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    settings.GRADEBOOK_STORE = tmp_path / "store"
    path = tmp_path / "marks.parquet"
    pq.write_table(pa.table({"organization": ["1"], "zzzzzzzz": ["s"]}), path)
    content = path.read_bytes()
    assert b"zzzzzzzz" in content
    path.write_bytes(content.replace(b"zzzzzzzz", b"\x80\x81zzzzzz"))
    with pytest.raises(CommandError) as caught:
        call_command("gradebook", "import", str(path), "--no-progress", stdout=io.StringIO())
    assert caught.value.returncode == 2 and "marks.parquet" in str(caught.value)


def test_a_damaged_sheet_in_a_rating_data_workbook_is_a_named_error(tmp_path):
    """The rating engine read the rows of an XLSX outside its error handling: ElementTree's ParseError escaped."""
    from smarttvet.rating.engine.errors import DataError
    from smarttvet.rating.engine.tabular import read_table

    path = tmp_path / "data.xlsx"
    valid_xlsx(path, ("unit", "name"))
    damage_sheet(path, b"<row><c")
    with pytest.raises(DataError, match="not a readable XLSX workbook"):
        read_table(path)


def test_a_nul_character_in_a_request_is_a_400_on_every_page_and_api_list(world):
    """PostgreSQL text cannot hold NUL: ``?q=a%00b`` raised DataError (a 500) on the lists with a text filter."""
    from tests.reliability.sweep import routes

    client = Client(raise_request_exception=False)
    client.force_login(world.users["ministry"])
    tried = 0
    for route in routes():
        if "<" in route.path or route.is_admin or route.name in ("accounts:logout",):
            continue
        response = client.get("/" + route.path, {"q": "a\x00b", "region": "\x00"})
        assert response.status_code == 400, (route.path, response.status_code)
        tried += 1
    assert tried > 40
    response = client.post("/api/v1/partnership/needs", data='{"comment": "a\\u0000b"}',
                           content_type="application/json")
    assert response.status_code == 400 and "NUL" in response.json()["detail"]
    page = client.get("/ru/registry/organizations/", {"q": "\x00"})
    assert page.status_code == 400 and "NUL" in page.content.decode()


def _date_query_parameters() -> list[tuple[str, str]]:
    schema, _broken = openapi_schema()
    found = []
    for path, operations in schema["paths"].items():
        for parameter in operations.get("get", {}).get("parameters", []):
            options = parameter.get("schema", {}).get("anyOf", [parameter.get("schema", {})])
            if parameter.get("in") == "query" and any(o.get("format") == "date" for o in options):
                found.append((path, parameter["name"]))
    return sorted(found)


@pytest.mark.parametrize(("path", "name"), _date_query_parameters())
def test_a_number_is_not_a_date_in_any_query(world, path, name):
    """``?active_on=-4.8e-232`` was read as a Unix time (1 January 1970) and answered 200 (schemathesis)."""
    client = Client(raise_request_exception=False)
    client.force_login(world.users["ministry"])
    url = path.replace("{code}", "x")
    response = client.get(url, {name: "-4.8e-232", "organization": world.college_a.pk}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422, (path, name, response.status_code, response.content[:300])
    assert name in response.content.decode() and "YYYY-MM-DD" in response.content.decode()


def test_date_query_parameters_are_covered():
    assert {name for _, name in _date_query_parameters()} >= {"active_on", "on"}


@pytest.mark.parametrize("value", [0, 1.5, "-4.8e-232", "1700000000", "01.09.2025", True])
def test_a_date_in_a_request_body_must_be_written_as_a_date(value):
    from ninja import Schema
    from pydantic import ValidationError

    from smarttvet.core.api_types import IsoDate

    class Body(Schema):
        valid_from: IsoDate

    with pytest.raises(ValidationError, match="YYYY-MM-DD|valid date"):
        Body(valid_from=value)
    assert str(Body(valid_from=" 2025-09-01 ").valid_from) == "2025-09-01"
