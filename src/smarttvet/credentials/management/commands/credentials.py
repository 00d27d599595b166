"""smarttvet credentials verify|keys|rotate-key|compromise-key|revoke

``smarttvet credentials verify FILE [--language kk|ru|en]``
    Check a credential file: exit 0 valid, 1 fails verification or revoked (the reasons are printed),
    2 the file is missing, unreadable or not a JSON object.
``smarttvet credentials keys [--json]``
    The platform's signing keys: id (did:key), status (current, retired, compromised), dates. ``--json``
    prints the public key registry as served at /credentials/keys.json.
``smarttvet credentials rotate-key``
    A new current key; the previous one is retired (credentials it signed stay valid).
``smarttvet credentials compromise-key KEY --reason TEXT``
    Mark a key (its did:key id or z6Mk… fingerprint) compromised: every credential it signed fails from now on.
    If it was the current key, a new one is made.
``smarttvet credentials revoke UUID --reason TEXT``
    Revoke a credential (its UUID, as in its page's address). Refused if already revoked.

Bad arguments exit with code 2 and a message naming what is wrong.
"""

from __future__ import annotations

import json
import uuid

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from smarttvet.credentials import commands, keys, services
from smarttvet.credentials.models import IssuedCredential

LANGUAGES = ("kk", "ru", "en")


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = "Verifiable credentials: verify a file, list, rotate or compromise signing keys, revoke a credential."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True,
                                    metavar="{verify,keys,rotate-key,compromise-key,revoke}")
        verify = sub.add_parser("verify", help="check a credential file (exit 0 valid, 1 fails, 2 bad file)")
        verify.add_argument("file", help="the credential's JSON file")
        verify.add_argument("--language", default="en", help="language of the messages: kk, ru or en (default en)")
        listing = sub.add_parser("keys", help="the platform's signing keys")
        listing.add_argument("--json", action="store_true", dest="as_json", help="the public registry as JSON")
        sub.add_parser("rotate-key", help="make a new current signing key (the old one stays trusted)")
        compromise = sub.add_parser("compromise-key", help="mark a key compromised (its credentials fail)")
        compromise.add_argument("key", help="the key's did:key id or z6Mk… fingerprint (see 'credentials keys')")
        compromise.add_argument("--reason", required=True, help="why the key is no longer trusted")
        revoke = sub.add_parser("revoke", help="revoke a credential")
        revoke.add_argument("uuid", help="the credential's UUID")
        revoke.add_argument("--reason", required=True, help="the reason, shown to whoever verifies it")

    def handle(self, *args, subcommand: str, **options):
        return getattr(self, "_" + subcommand.replace("-", "_"))(**options)

    def _verify(self, *, file: str, language: str, **options):
        if language not in LANGUAGES:
            raise _fail(f"--language must be one of {', '.join(LANGUAGES)}, not {language!r}")
        with translation.override(language):
            code, lines = commands.verify_file(file)
        if code == commands.BAD_INPUT:
            raise _fail("\n".join(lines))
        self.stdout.write("\n".join(lines))
        if code != commands.VALID:
            raise CommandError("the credential fails verification", returncode=code)

    def _keys(self, *, as_json: bool, **options):
        if as_json:
            self.stdout.write(_dumps(keys.public_registry(services.issuer_profile())))
            return
        records = keys.all_keys()
        if not records:
            self.stdout.write("No signing key yet: the first credential issued creates one.")
        for r in records:
            dates = f"created {r.created}"
            if r.retired:
                dates += f", retired {r.retired}"
            if r.compromised:
                dates += f", compromised {r.compromised} ({r.reason})"
            self.stdout.write(f"{r.status:<12} {r.id}\n             {dates}")
        self.stdout.write(f"Directory: {keys.key_dir()}")

    def _rotate_key(self, **options):
        new, old = services.rotate_key(actor=None)
        self.stdout.write(f"New current key: {new.id}")
        if old:
            self.stdout.write(f"Retired (still trusted for the credentials it signed): {old.id}")

    def _compromise_key(self, *, key: str, reason: str, **options):
        if not reason.strip():
            raise _fail("--reason must not be empty")
        try:
            record, new = services.compromise_key(key.strip(), reason=reason.strip(), actor=None)
        except keys.UnknownKey:
            raise _fail(f"{key!r} is not one of the platform's keys (see 'smarttvet credentials keys')") from None
        except ValueError as exc:
            raise _fail(str(exc)) from None
        count = IssuedCredential.objects.filter(key_id=record.id).count()
        self.stdout.write(f"Compromised: {record.id}; {count} credential(s) signed with it now fail verification.")
        if new:
            self.stdout.write(f"New current key: {new.id}")

    def _revoke(self, *, reason: str, **options):
        given = options["uuid"]
        try:
            public_id = _uuid(given)
        except ValueError:
            raise _fail(f"{given!r} is not a credential UUID") from None
        credential = IssuedCredential.objects.filter(public_id=public_id).first()
        if credential is None:
            raise _fail(f"No credential {public_id}")
        try:
            services.revoke(credential, reason=reason, actor=None)
        except ValidationError as exc:
            raise _fail(" ".join(exc.messages)) from None
        revoked_on = timezone.localdate(credential.revoked_at).isoformat()
        self.stdout.write(f"Revoked {public_id} on {revoked_on}: {credential.revocation_reason}")


def _uuid(value: str) -> uuid.UUID:
    value = value.strip()
    if value.startswith("urn:uuid:"):
        value = value[len("urn:uuid:"):]
    return uuid.UUID(value)


def _dumps(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)
