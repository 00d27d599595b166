"""smarttvet portfolio issue|verify|token|summary

``smarttvet portfolio issue --teacher ID --out FILE.json``
    Issue (sign and store) the teacher's portfolio-summary credential, built from the verified records, and write
    it to FILE.json. ID is the teacher's primary key, as the API shows it.
``smarttvet portfolio verify FILE.json [--language kk|ru|en]``
    Check a credential file: exit 0 valid, 1 fails verification or revoked (the reasons are printed), 2 the file
    is missing, unreadable or not a credential.
``smarttvet portfolio token USERNAME --name NAME``
    Make a personal API token for USERNAME (printed once; only its digest is stored).
``smarttvet portfolio summary --teacher ID``
    What the rules say from the teacher's verified records, as JSON.

Bad arguments exit with code 2 and a message naming what is wrong.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

LANGUAGES = ("kk", "ru", "en")
ACTOR = "command line"


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def _teacher(value: str):
    from smarttvet.people.models import Teacher

    if not str(value).isdigit():
        raise _fail(f"--teacher must be a teacher's id (a whole number), not {value!r}")
    teacher = Teacher.objects.select_related("organization").filter(pk=int(value)).first()
    if teacher is None:
        raise _fail(f"--teacher: no teacher with id {value}")
    return teacher


class Command(BaseCommand):
    help = "Teacher digital portfolio: issue a portfolio-summary credential, verify one, make an API token."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{issue,verify,token,summary}")
        issue = sub.add_parser("issue", help="issue a teacher's portfolio-summary credential to a file")
        issue.add_argument("--teacher", required=True, help="the teacher's id")
        issue.add_argument("--out", required=True, help="the credential's JSON file to write")
        verify = sub.add_parser("verify", help="check a credential file (exit 0 valid, 1 fails, 2 bad file)")
        verify.add_argument("file", help="the credential's JSON file")
        verify.add_argument("--language", default="en", help="language of the messages: kk, ru or en (default en)")
        token = sub.add_parser("token", help="make a personal API token for a user")
        token.add_argument("username")
        token.add_argument("--name", required=True, help="what the token is for")
        summary = sub.add_parser("summary", help="the rules' evaluation of a teacher's verified records")
        summary.add_argument("--teacher", required=True, help="the teacher's id")

    def handle(self, *args, subcommand: str, **options):
        return getattr(self, "_" + subcommand)(**options)

    def _issue(self, *, teacher: str, out: str, **options):
        from smarttvet.portfolio import issuing

        found = _teacher(teacher)
        path = Path(out)
        if not path.parent.is_dir():
            raise _fail(f"--out: the folder {str(path.parent)!r} does not exist")
        if path.is_dir():
            raise _fail(f"--out: {out!r} is a folder; give a file name")
        try:
            credential = issuing.issue_summary(actor=ACTOR, teacher=found)
        except ValidationError as error:
            raise _fail("; ".join(error.messages)) from error
        path.write_bytes(credential.json_bytes())
        self.stdout.write(f"Issued {credential.public_id} for {found.full_name} → {out}")
        self.stdout.write(f"Verification page: {credential.get_absolute_url()}")

    def _verify(self, *, file: str, language: str, **options):
        from smarttvet.credentials import commands

        if language not in LANGUAGES:
            raise _fail(f"--language must be one of {', '.join(LANGUAGES)}, not {language!r}")
        with translation.override(language):
            code, lines = commands.verify_file(file)
        if code == commands.BAD_INPUT:
            raise _fail("\n".join(lines))
        self.stdout.write("\n".join(lines))
        if code != commands.VALID:
            raise CommandError("the credential fails verification", returncode=code)

    def _token(self, *, username: str, name: str, **options):
        from smarttvet.accounts.models import User
        from smarttvet.portfolio import tokens

        user = User.objects.filter(username=username).first()
        if user is None:
            raise _fail(f"USERNAME: no user {username!r}")
        try:
            made = tokens.create(user=user, name=name, actor=ACTOR)
        except ValidationError as error:
            raise _fail("--name: " + "; ".join(error.messages)) from error
        self.stdout.write(made.secret)

    def _summary(self, *, teacher: str, **options):
        from smarttvet.portfolio import selectors

        e = selectors.evaluate(_teacher(teacher))
        self.stdout.write(json.dumps({
            "rules_version": e.rules_version, "category": e.category, "pd_hours": e.pd_hours,
            "new_format": e.new_format,
            "categories": {c.category: {"held": c.held, "eligible": c.eligible,
                                        "missing": [r.key for r in c.missing]} for c in e.checks},
        }, indent=2))
