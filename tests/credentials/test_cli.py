"""smarttvet credentials verify|keys|rotate-key|compromise-key|revoke, and commands.verify_file: exit 0 valid,
1 failing or revoked, 2 bad file or bad arguments (nothing written)."""

import copy
import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from smarttvet.accounts.models import AuditEntry
from smarttvet.credentials import commands, keys
from smarttvet.credentials.models import IssuedCredential

pytestmark = pytest.mark.django_db


def _run(*args):
    out = io.StringIO()
    call_command("credentials", *args, stdout=out)
    return out.getvalue()


def _code(*args) -> tuple[int, str]:
    try:
        return 0, _run(*args)
    except CommandError as exc:
        return exc.returncode, str(exc)


def test_verify_file_exit_codes(tmp_path, credential):
    good = tmp_path / "good.json"
    good.write_bytes(credential.json_bytes())
    code, lines = commands.verify_file(str(good))
    assert code == 0 and lines[0].startswith("VALID")
    assert any(credential.subject_name in line for line in lines)
    doc = copy.deepcopy(credential.document)
    doc["validFrom"] = "2020-01-01T00:00:00Z"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    code, lines = commands.verify_file(str(bad))
    assert code == 1 and lines[0].startswith("INVALID")
    assert "  - The signature does not match: the document was changed after it was signed." in lines


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    (b"", "empty"),
    (b"{oops", "not valid JSON"),
    (b"[1]", "a list"),
    (b"\x89PNG\r\n\x1a\n", "not UTF-8"),
    (b" " * 300_000, "too large"),
])
def test_unreadable_files_exit_2(tmp_path, content, message):
    path = tmp_path / "input.json"
    if content is not None:
        path.write_bytes(content)
    code, lines = commands.verify_file(str(path))
    assert code == 2 and message in lines[0]
    code, text = _code("verify", str(path))
    assert code == 2 and message in text
    assert commands.verify_file(str(tmp_path))[0] == 2  # a directory


def test_command_verify_prints_and_exits(tmp_path, credential):
    path = tmp_path / "c.json"
    path.write_bytes(credential.json_bytes())
    assert "VALID" in _run("verify", str(path))
    _run("revoke", str(credential.public_id), "--reason", "Wrong person")
    code, _text = _code("verify", str(path))
    assert code == 1
    assert _code("verify", str(path), "--language", "de")[0] == 2


def test_revoke_command_and_its_refusals(credential):
    for args, message in [
        (("revoke", "not-a-uuid", "--reason", "x"), "is not a credential UUID"),
        (("revoke", "00000000-0000-4000-8000-000000000000", "--reason", "x"), "No credential"),
        (("revoke", str(credential.public_id), "--reason", "  "), "Give the reason"),
    ]:
        code, text = _code(*args)
        assert code == 2 and message in text
    assert not IssuedCredential.objects.filter(revoked_at__isnull=False).exists()
    assert not AuditEntry.objects.filter(action="update").exists()
    out = _run("revoke", f"urn:uuid:{credential.public_id}", "--reason", "Duplicate")
    assert "Revoked" in out and "Duplicate" in out
    code, text = _code("revoke", str(credential.public_id), "--reason", "Again")
    assert code == 2 and "already revoked" in text
    assert AuditEntry.objects.get(action="update").actor_label == "command line"


def test_revoke_command_prints_the_date_of_the_platforms_time_zone(monkeypatch, tmp_path, credential):
    """22:00 UTC on 30 November is already 1 December in Almaty: the command, the page and verify say 1 December."""
    late = dt.datetime(2026, 11, 30, 22, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: late)
    out = _run("revoke", str(credential.public_id), "--reason", "Duplicate")
    assert "on 2026-12-01: Duplicate" in out
    path = tmp_path / "c.json"
    path.write_bytes(credential.json_bytes())
    code, lines = commands.verify_file(str(path))
    assert code == 1 and any("revoked on 2026-12-01" in line for line in lines)


def test_keys_rotate_and_compromise_commands(credential):
    assert "current" in _run("keys")
    out = _run("rotate-key")
    assert "New current key" in out and credential.key_id in out
    listing = json.loads(_run("keys", "--json"))
    assert [m["status"] for m in listing["verificationMethod"]] == ["retired", "current"]
    code, text = _code("compromise-key", "did:key:zUnknown", "--reason", "x")
    assert code == 2 and "not one of the platform's keys" in text
    out = _run("compromise-key", keys.all_keys()[0].fingerprint, "--reason", "stolen")
    assert "1 credential(s)" in out
    trail = AuditEntry.objects.filter(target_type="credentials.signingkey").order_by("id")
    assert [e.actor_label for e in trail] == ["command line", "command line"]
    assert trail[1].changes["reason"] == [None, "stolen"] and trail[1].target_label == credential.key_id
    code, text = _code("compromise-key", credential.key_id, "--reason", "again")
    assert code == 2 and "already marked compromised" in text
