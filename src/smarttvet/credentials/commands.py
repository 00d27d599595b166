"""What ``smarttvet credentials verify FILE`` (and ``smarttvet portfolio verify FILE``) does, as a function."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from smarttvet.credentials import verification

VALID, FAILED, BAD_INPUT = 0, 1, 2


def verify_file(path: str) -> tuple[int, list[str]]:
    """(exit code, lines to print): 0 the credential is valid, 1 it fails (or is revoked), 2 the file is missing,
    unreadable or not a JSON object."""
    file = Path(path)
    try:
        if file.stat().st_size > verification.MAX_BYTES:
            return BAD_INPUT, [_("%(path)s: the file is too large for a credential (%(size)d KB, at most %(max)d KB).")
                               % {"path": path, "size": -(-file.stat().st_size // 1024),
                                  "max": verification.MAX_BYTES // 1024}]
        data = file.read_bytes()
    except FileNotFoundError:
        return BAD_INPUT, [_("%(path)s: no such file.") % {"path": path}]
    except IsADirectoryError:
        return BAD_INPUT, [_("%(path)s: is a directory, not a credential file.") % {"path": path}]
    except OSError as exc:
        return BAD_INPUT, [_("%(path)s: cannot be read (%(error)s).") % {"path": path, "error": exc.strerror}]
    try:
        document = verification.parse(data)
    except verification.BadInput as exc:
        return BAD_INPUT, [f"{path}: {exc}"]
    result = verification.verify(document)
    if result.valid:
        head = _("VALID: the credential is genuine, unchanged and not revoked.")
    elif result.revoked:
        head = _("REVOKED: the credential was revoked.")
    else:
        head = _("INVALID: the credential fails verification.")
    lines = [head]
    for label, value in (
        (_("Credential"), result.credential_id), (_("Holder"), result.subject_name),
        (_("Achievement"), result.achievement_name), (_("Issuer"), result.issuer_name),
        (_("Issued"), result.issued_at.isoformat() if result.issued_at else ""),
        (_("Valid until"), result.valid_until.isoformat() if result.valid_until else ""),
        (_("Signing key"), result.key_id),
    ):
        if value:
            lines.append(f"  {label}: {value}")
    lines.extend(f"  - {reason}" for reason in result.reasons)
    return (VALID if result.valid else FAILED), lines
