"""Hostile files and bodies are refused cleanly, with a message: XLSX compression bombs (huge unpacked size, tens of
thousands of parts, a size header that lies), files whose content is not what their name says, request bodies over
the limit, and hostile files posted to every upload form of the site.
"""

from __future__ import annotations

import io
import json
import struct
import time
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from tests.reliability import report
from tests.reliability.sweep import fill_inside, openapi_schema, routes
from tests.reliability.workbooks import SHEET, damage_sheet, valid_xlsx

SUITE = "uploads"
pytestmark = pytest.mark.django_db
MiB = 1024 * 1024

CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                 b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
                 b'"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
                 b'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
                 b'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')


def _bomb(path: Path, unpacked_mib: int) -> None:
    """A real workbook whose sheet is padded with whitespace: tiny on disk, ``unpacked_mib`` MiB unpacked."""
    valid_xlsx(path)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = SHEET
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for name, data in parts.items():
            if name != sheet:
                target.writestr(name, data)
        with target.open(sheet, "w", force_zip64=True) as handle:
            head, tail = parts[sheet].split(b"<sheetData>", 1)
            handle.write(head + b"<sheetData>")
            chunk = b" " * MiB
            for _ in range(unpacked_mib):
                handle.write(chunk)
            handle.write(tail)


def _many_parts(path: Path, count: int) -> None:
    valid_xlsx(path)
    with zipfile.ZipFile(path, "a") as archive:
        for index in range(count):
            archive.writestr(f"xl/media/p{index}.xml", b"")


def _lying_sizes(path: Path) -> None:
    """A workbook whose sheet entry declares a tiny unpacked size but inflates to 30 MiB."""
    _bomb(path, 30)
    data = bytearray(path.read_bytes())
    sheet = b"xl/worksheets/sheet1.xml"
    for signature, size_offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            name_length = struct.unpack_from("<H", data, start + (26 if signature == b"PK\x03\x04" else 28))[0]
            name_start = start + (30 if signature == b"PK\x03\x04" else 46)
            if bytes(data[name_start:name_start + name_length]) == sheet:
                struct.pack_into("<I", data, start + size_offset, 1000)
            start += 4
    path.write_bytes(bytes(data))


def _import(path: Path, kind: str = "organizations") -> str:
    with pytest.raises(CommandError) as caught:
        call_command("import", kind, str(path), "--no-progress", stdout=io.StringIO(), stderr=io.StringIO())
    assert caught.value.returncode == 2
    return str(caught.value)


HOSTILE = {
    "compression bomb (2 GiB+ of sheet from a few MiB)": (lambda p: _bomb(p, 300), "compression bomb"),
    "20,000 parts": (lambda p: _many_parts(p, 20_000), "parts"),
    "unpacked size header that lies": (_lying_sizes, "not a readable XLSX workbook"),
    "a CSV named .xlsx": (lambda p: p.write_text("bin,name\n1,2\n"), "not a readable XLSX workbook"),
    "a PDF named .xlsx": (lambda p: p.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"), "not a readable XLSX"),
    "a ZIP that is no workbook": (lambda p: zipfile.ZipFile(p, "w").writestr("a.txt", "x"), "not a readable XLSX"),
    "[Content_Types] only": (lambda p: zipfile.ZipFile(p, "w").writestr("[Content_Types].xml", CONTENT_TYPES),
                             "not a readable XLSX"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_xlsx_files_are_refused_before_parsing_with_a_message(world, case, tmp_path):
    make, message = HOSTILE[case]
    path = tmp_path / "organizations.xlsx"
    make(path)
    started = time.monotonic()
    error = _import(path)
    assert message in error and "organizations.xlsx" in error, error
    assert time.monotonic() - started < 20
    report.cases(SUITE, 1, f"import: {case}")


@pytest.mark.parametrize("case", ["compression bomb (2 GiB+ of sheet from a few MiB)", "unpacked size header that lies",
                                  "a PDF named .xlsx"])
def test_the_rating_engine_refuses_the_same_files(case, tmp_path):
    from smarttvet.rating.engine.errors import DataError
    from smarttvet.rating.engine.tabular import read_table

    make, _message = HOSTILE[case]
    path = tmp_path / "data.xlsx"
    make(path)
    with pytest.raises(DataError):
        read_table(path)
    report.cases(SUITE, 1, f"rating data: {case}")


def test_a_damaged_sheet_inside_a_valid_zip_is_refused_with_a_message(world, tmp_path):
    path = tmp_path / "organizations.xlsx"
    valid_xlsx(path)
    damage_sheet(path, b"<row><c><v>1</v></c")
    assert "not a readable XLSX workbook" in _import(path)
    report.cases(SUITE, 1, "import: damaged sheet XML")


# ------------------------------------------------------------------------------------------------ over HTTP
def _json_write_operations() -> list[tuple[str, str]]:
    schema, _broken = openapi_schema()
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if method in ("post", "put", "patch") and "application/json" in content:
                found.append((method, path))
    return found


@pytest.mark.parametrize("debug", [False, True])
def test_request_bodies_over_the_limit_are_refused_by_every_api_write(world, settings, debug):
    settings.DEBUG = debug
    client = Client(raise_request_exception=False)
    client.force_login(world.users["ministry"])
    body = json.dumps({"padding": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + MiB)})
    operations = _json_write_operations()
    assert len(operations) >= 5
    failures = []
    for method, path in operations:
        url = path.replace("{", "").replace("}", "")  # any id: the body is refused before the id is looked at
        url = "/".join("1" if part.endswith("id") or part == "kato" else part for part in url.split("/"))
        response = getattr(client, method)(url, data=body, content_type="application/json")
        if response.status_code not in (400, 401, 403, 404, 405, 413, 422):
            failures.append(f"{method.upper()} {url}: {response.status_code} {response.content[:200]!r}")
    report.cases(SUITE, len(operations), f"oversized JSON bodies (DEBUG={debug})")
    assert not failures, "\n".join(failures)


class _UploadForms:
    """Every form with a file field that the roles see on the pages they may open."""

    def __init__(self, world):
        from html.parser import HTMLParser

        self.forms: list[tuple[str, str, list[str]]] = []  # (role, action, file field names)

        class Parser(HTMLParser):
            def __init__(self):
                super().__init__()
                self.found, self.current = [], None

            def handle_starttag(self, tag, attrs):
                a = dict(attrs)
                if tag == "form" and "multipart" in (a.get("enctype") or ""):
                    self.current = [a.get("action") or "", []]
                elif tag == "input" and a.get("type") == "file" and self.current is not None:
                    self.current[1].append(a.get("name"))

            def handle_endtag(self, tag):
                if tag == "form" and self.current is not None:
                    if self.current[1]:
                        self.found.append(tuple(self.current))
                    self.current = None

        from django.contrib.auth.models import AnonymousUser

        seen = set()
        for role in ("teacher", "organization", "ministry", "anonymous"):
            client = Client(raise_request_exception=False)
            user = world.users.get(role)
            if user is not None:
                client.force_login(user)
            for route in routes():
                if route.is_api or route.is_admin:
                    continue
                url = fill_inside(route, user or AnonymousUser())
                if url is None:
                    continue
                response = client.get(url)
                if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                    continue
                parser = Parser()
                parser.feed(response.content.decode(errors="replace"))
                for action, fields in parser.found:
                    key = (role, route.name)
                    if key not in seen:
                        seen.add(key)
                        self.forms.append((role, action or url, fields))


def test_hostile_files_posted_to_every_upload_form_are_refused_cleanly(demo_world, tmp_path):
    from smarttvet.accounts.models import AuditEntry

    forms = _UploadForms(demo_world).forms
    bomb = tmp_path / "bomb.xlsx"
    _bomb(bomb, 120)
    files = {
        "oversized (30 MiB)": ("big.pdf", b"%PDF-1.7\n" + b"0" * 30 * MiB),
        "wrong type (.pdf name, ZIP content)": ("evidence.pdf", bomb.read_bytes()),
        "wrong type (.json name, binary content)": ("credential.json", bytes(range(256)) * 64),
        "zip bomb named .xlsx": ("table.xlsx", bomb.read_bytes()),
        "empty": ("empty.pdf", b""),
    }
    failures, tried = [], 0
    for role, action, fields in forms:
        client = Client(raise_request_exception=False)
        if role != "anonymous":
            client.force_login(demo_world.users[role])
        for label, (name, content) in files.items():
            before = AuditEntry.objects.count()
            upload = io.BytesIO(content)
            upload.name = name
            response = client.post(action, {field: upload for field in fields})
            tried += 1
            if response.status_code >= 500:
                failures.append(f"{role} {action} {label}: {response.status_code}")
            if AuditEntry.objects.count() != before:
                failures.append(f"{role} {action} {label}: the file was accepted (audit trail grew)")
    report.cases(SUITE, tried, f"{len(forms)} upload forms x {len(files)} hostile files")
    print(f"\nupload forms found: {[(role, action) for role, action, _f in forms]}")
    assert not failures, "\n".join(failures)
