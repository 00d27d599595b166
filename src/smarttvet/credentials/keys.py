"""The platform's Ed25519 signing keys, kept in ``<data dir>/keys/``.

``registry.json`` lists every key the platform has ever signed with: its verification method
(``did:key:z6Mk…#z6Mk…``, the key id), its public key, when it was created, and its status - ``current`` (the one
new credentials are signed with; exactly one), ``retired`` (replaced by a rotation: credentials it signed stay
valid) or ``compromised`` (credentials it signed fail verification). Each private key is a PKCS#8 PEM file
``<fingerprint>.pem`` with mode 0600, in a directory with mode 0700; the first key is created on first use.
Writes hold an exclusive lock on ``.lock`` and replace ``registry.json`` atomically.

The directory is ``settings.CREDENTIALS_KEY_DIR`` if set, else ``<SMARTTVET_DATA_DIR>/keys``. Under the test
runner without that setting, a throw-away directory is used, so that no test writes keys into a real data dir.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings

from smarttvet.credentials import dataintegrity as di

REGISTRY = "registry.json"
CURRENT, RETIRED, COMPROMISED = "current", "retired", "compromised"
_test_dir: Path | None = None


class UnknownKey(LookupError):
    """No key of the platform matches."""


@dataclass
class KeyRecord:
    id: str  # the did:key verification method
    public_key_multibase: str
    created: str
    status: str = CURRENT
    retired: str | None = None
    compromised: str | None = None
    reason: str = ""

    @property
    def fingerprint(self) -> str:
        return self.public_key_multibase

    @property
    def public_key(self) -> bytes:
        return di.public_key_from_multibase(self.public_key_multibase)


def key_dir() -> Path:
    global _test_dir
    configured = getattr(settings, "CREDENTIALS_KEY_DIR", None)
    if configured:
        return Path(configured)
    if getattr(settings, "TESTING", False):
        if _test_dir is None:
            _test_dir = Path(tempfile.mkdtemp(prefix="smarttvet-test-keys-"))
        return _test_dir
    return Path(settings.DATA_DIR) / "keys"


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@contextlib.contextmanager
def _locked(directory: Path):
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    with open(directory / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read(directory: Path) -> list[KeyRecord]:
    path = directory / REGISTRY
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return [KeyRecord(**item) for item in data.get("keys", [])]


def _write(directory: Path, records: list[KeyRecord]) -> None:
    text = json.dumps({"keys": [asdict(r) for r in records]}, indent=2, ensure_ascii=False) + "\n"
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".registry-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, directory / REGISTRY)


def _new_key(directory: Path) -> KeyRecord:
    private = Ed25519PrivateKey.generate()
    raw = di.public_bytes(private.public_key())
    fingerprint = di.public_key_multibase(raw)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    fd = os.open(directory / f"{fingerprint}.pem", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return KeyRecord(id=di.did_key(raw), public_key_multibase=fingerprint, created=_now())


def all_keys() -> list[KeyRecord]:
    """Every key of the platform, oldest first (reading creates nothing)."""
    return _read(key_dir())


def find(key_id: str) -> KeyRecord | None:
    """The platform's key whose verification method (or bare fingerprint ``z6Mk…``) is ``key_id``."""
    for record in all_keys():
        if key_id in (record.id, record.fingerprint):
            return record
    return None


def _private(directory: Path, record: KeyRecord) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key((directory / f"{record.fingerprint}.pem").read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey) or di.public_bytes(key.public_key()) != record.public_key:
        raise UnknownKey(f"The private key file of {record.id} does not match its public key.")
    return key


def signing_key() -> tuple[KeyRecord, Ed25519PrivateKey]:
    """The current key and its private key; the first call ever creates it."""
    directory = key_dir()
    records = _read(directory)
    current = [r for r in records if r.status == CURRENT]
    if not current:
        with _locked(directory):
            records = _read(directory)
            current = [r for r in records if r.status == CURRENT]
            if not current:
                current = [_new_key(directory)]
                _write(directory, [*records, current[0]])
    return current[0], _private(directory, current[0])


def rotate() -> tuple[KeyRecord, KeyRecord | None]:
    """Make a new current key; the previous one is retired (its credentials stay valid).
    Returns (the new key, the retired one or None)."""
    directory = key_dir()
    with _locked(directory):
        records = _read(directory)
        old = None
        for record in records:
            if record.status == CURRENT:
                record.status, record.retired, old = RETIRED, _now(), record
        new = _new_key(directory)
        _write(directory, [*records, new])
    return new, old


def mark_compromised(key_id: str, reason: str) -> tuple[KeyRecord, KeyRecord | None]:
    """Mark a key compromised: every credential it signed fails verification from now on. If it was the current
    key, a new one is made. Returns (the key, the new current key or None)."""
    directory = key_dir()
    with _locked(directory):
        records = _read(directory)
        record = next((r for r in records if key_id in (r.id, r.fingerprint)), None)
        if record is None:
            raise UnknownKey(key_id)
        if record.status == COMPROMISED:
            raise ValueError(f"The key {record.id} was already marked compromised on {record.compromised}.")
        was_current = record.status == CURRENT
        record.status, record.compromised, record.reason = COMPROMISED, _now(), reason
        new = _new_key(directory) if was_current else None
        _write(directory, [*records, *([new] if new else [])])
    return record, new


def public_registry(issuer: dict) -> dict:
    """The public JSON of the platform's keys (the issuer's profile and every key with its status): what a third
    party needs to verify a credential offline. No private material."""
    return {
        **issuer,
        "verificationMethod": [
            {
                "id": r.id, "type": "Multikey", "controller": r.id.split("#")[0],
                "publicKeyMultibase": r.public_key_multibase, "status": r.status, "created": r.created,
                **({"retired": r.retired} if r.retired else {}),
                **({"compromised": r.compromised} if r.compromised else {}),
            }
            for r in all_keys()
        ],
        "assertionMethod": [r.id for r in all_keys() if r.status != COMPROMISED],
    }
