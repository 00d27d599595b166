"""The offline verification recipe in docs/methodology/credentials.en.md works as written: run against a
credential and the platform's published key list it accepts the genuine file and rejects a changed one and a
compromised key - without the platform's code."""

import copy
import json
import re
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidSignature

from smarttvet.credentials import keys, services

pytestmark = pytest.mark.django_db
DOC = Path(__file__).resolve().parents[2] / "docs" / "methodology" / "credentials.en.md"


def _recipe() -> str:
    (code,) = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    assert "smarttvet" not in code.replace("SMART TVET", "")  # independent of the platform's code
    return code


def _run(directory: Path, credential: dict, registry: dict, monkeypatch) -> None:
    (directory / "credential.json").write_text(json.dumps(credential), encoding="utf-8")
    (directory / "keys.json").write_text(json.dumps(registry), encoding="utf-8")
    monkeypatch.chdir(directory)
    exec(compile(_recipe(), str(DOC), "exec"), {"__name__": "recipe"})  # noqa: S102 - our own documentation


def test_the_documented_recipe_verifies_and_rejects(tmp_path, credential, client, monkeypatch):
    registry = client.get("/api/v1/credentials/issuer").json()
    _run(tmp_path, credential.document, registry, monkeypatch)
    changed = copy.deepcopy(credential.document)
    changed["credentialSubject"]["result"][0]["value"] = "145"
    with pytest.raises(InvalidSignature):
        _run(tmp_path, changed, registry, monkeypatch)
    keys.mark_compromised(credential.key_id, "test")
    with pytest.raises(AssertionError):
        _run(tmp_path, credential.document, keys.public_registry(services.issuer_profile()), monkeypatch)
    with pytest.raises(StopIteration):  # a key that is not in the list
        _run(tmp_path, credential.document, {"verificationMethod": []}, monkeypatch)
