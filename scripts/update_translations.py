"""Refresh the kk, ru and en translation catalogues from the code and report what is left to translate.

Run from the repository root::

    .venv/bin/python scripts/update_translations.py

What it does:

1. runs Django's ``makemessages`` for kk, ru and en over ``src/smarttvet`` (file names but no line
   numbers in the references, obsolete entries dropped, ``static/vendor`` skipped);
2. fixes the catalogue headers (Language, UTF-8 charset, Plural-Forms) and gives every plural
   entry exactly the number of forms its language has;
3. fills the English catalogue: the msgids are the English text, so an empty (or fuzzy) msgstr
   becomes the msgid (msgstr[0] = msgid, msgstr[1] = msgid_plural for plural entries);
4. reports, per language, how many entries are untranslated or fuzzy.

Exit status: 0 when kk and ru are complete, 1 when either has an untranslated or fuzzy entry,
2 when GNU gettext is missing or makemessages fails. Afterwards translate what is listed in
``src/smarttvet/locale/{kk,ru}/LC_MESSAGES/django.po`` and run ``smarttvet compiletranslations``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = ROOT / "src" / "smarttvet"
LOCALE_DIR = PACKAGE_DIR / "locale"

# Directories under src/smarttvet that makemessages must not read (patterns are matched against
# paths relative to src/smarttvet, e.g. "web/static/vendor", and against bare directory names).
IGNORE_PATTERNS = ["static/vendor", "*/static/vendor"]
GETTEXT_PROGRAMS = ("xgettext", "msguniq", "msgmerge", "msgattrib")


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    plural_forms: str
    nplurals: int
    must_be_complete: bool


LANGUAGES = (
    Language("kk", "Kazakh", "nplurals=2; plural=(n!=1);", 2, True),
    Language(
        "ru",
        "Russian",
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
        "(n%100<10 || n%100>=20) ? 1 : 2);",
        3,
        True,
    ),
    Language("en", "English", "nplurals=2; plural=(n != 1);", 2, False),
)


def po_path(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / "django.po"


def missing_gettext_programs() -> list[str]:
    return [program for program in GETTEXT_PROGRAMS if shutil.which(program) is None]


def seed_empty_catalogues() -> None:
    """Give an empty or header-less catalogue a UTF-8 header, so msgmerge reads the msgids right."""
    for language in LANGUAGES:
        path = po_path(language.code)
        if path.exists() and 'msgid ""' in path.read_text(encoding="utf-8"):
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        existing = path.read_text(encoding="utf-8") if path.exists() else ""
        header = (
            'msgid ""\nmsgstr ""\n'
            f'"Language: {language.code}\\n"\n'
            '"MIME-Version: 1.0\\n"\n'
            '"Content-Type: text/plain; charset=UTF-8\\n"\n'
            '"Content-Transfer-Encoding: 8bit\\n"\n'
            f'"Plural-Forms: {language.plural_forms}\\n"\n'
        )
        path.write_text(header + ("\n" + existing if existing.strip() else ""), encoding="utf-8")


def run_makemessages(verbosity: int) -> None:
    """Django's makemessages for the three languages, run inside src/smarttvet."""
    # Settings need these; DATA_DIR must not default to a "var" directory inside the package.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smarttvet.config.settings")
    os.environ.setdefault("SMARTTVET_DEBUG", "1")
    os.environ.setdefault("SMARTTVET_DATA_DIR", str(ROOT / "var"))
    if str(ROOT / "src") not in sys.path:
        sys.path.insert(0, str(ROOT / "src"))

    import django
    from django.core.management import call_command

    django.setup()
    previous_cwd = Path.cwd()
    os.chdir(PACKAGE_DIR)
    try:
        call_command(
            "makemessages",
            locale=[language.code for language in LANGUAGES],
            domain="django",
            extensions=["html", "txt", "py"],
            ignore_patterns=list(IGNORE_PATTERNS),
            no_obsolete=True,
            add_location="file",
            verbosity=verbosity,
        )
    finally:
        os.chdir(previous_cwd)


def fix_plural_forms(entry, nplurals: int) -> None:
    """Give a plural entry exactly ``nplurals`` msgstr forms (missing ones empty)."""
    if not entry.msgid_plural:
        return
    forms = {int(index): text for index, text in entry.msgstr_plural.items()}
    entry.msgstr_plural = {index: forms.get(index, "") for index in range(nplurals)}


def fill_english(entry) -> None:
    """English msgids are the English text: an empty or fuzzy msgstr becomes the msgid."""
    if entry.obsolete:
        return
    if entry.msgid_plural:
        entry.msgstr_plural = {
            index: text if text and not entry.fuzzy else (entry.msgid if index == 0 else entry.msgid_plural)
            for index, text in entry.msgstr_plural.items()
        }
    elif entry.fuzzy or not entry.msgstr:
        entry.msgstr = entry.msgid
    if entry.fuzzy:
        entry.flags.remove("fuzzy")
    entry.previous_msgctxt = entry.previous_msgid = entry.previous_msgid_plural = None


def fix_catalogue(language: Language, before: str | None) -> None:
    import polib

    path = po_path(language.code)
    catalogue = polib.pofile(str(path), wrapwidth=78)
    catalogue.header = (
        f"{language.name} translation of SMART TVET, the national digital platform for technical\n"
        "and vocational education (TVET) of the Republic of Kazakhstan.\n"
        "Refresh with scripts/update_translations.py; never edit the msgids here."
    )
    catalogue.metadata_is_fuzzy = []
    metadata = catalogue.metadata
    metadata["Project-Id-Version"] = "SMART TVET"
    metadata.setdefault("Report-Msgid-Bugs-To", "")
    if "POT-Creation-Date" in metadata:
        metadata.setdefault("PO-Revision-Date", metadata["POT-Creation-Date"])
    metadata.setdefault("Last-Translator", "SMART TVET translators")
    metadata["Language-Team"] = f"{language.name} <{language.code}@li.org>"
    metadata["Language"] = language.code
    metadata["MIME-Version"] = "1.0"
    metadata["Content-Type"] = "text/plain; charset=UTF-8"
    metadata["Content-Transfer-Encoding"] = "8bit"
    metadata["Plural-Forms"] = language.plural_forms
    for entry in catalogue:
        fix_plural_forms(entry, language.nplurals)
        if language.code == "en":
            fill_english(entry)
    text = str(catalogue).rstrip("\n") + "\n"
    if before is not None and _without_creation_date(text) == _without_creation_date(before):
        text = before  # nothing but the POT-Creation-Date changed: keep the file as it was
    path.write_text(text, encoding="utf-8")


_CREATION_DATE = re.compile(r'^"POT-Creation-Date: [^"]*\\n"$', re.MULTILINE)


def _without_creation_date(text: str) -> str:
    return _CREATION_DATE.sub("", text)


def report(verbose: bool) -> int:
    import polib

    incomplete = False
    print(f"{'language':<10}{'entries':>9}{'translated':>12}{'untranslated':>14}{'fuzzy':>8}")
    problems: list[str] = []
    for language in LANGUAGES:
        catalogue = polib.pofile(str(po_path(language.code)))
        entries = [entry for entry in catalogue if not entry.obsolete]
        untranslated = catalogue.untranslated_entries()
        fuzzy = catalogue.fuzzy_entries()
        translated = catalogue.translated_entries()
        print(f"{language.code:<10}{len(entries):>9}{len(translated):>12}{len(untranslated):>14}{len(fuzzy):>8}")
        if language.must_be_complete and (untranslated or fuzzy):
            incomplete = True
        for label, found in (("untranslated", untranslated), ("fuzzy", fuzzy)):
            shown = found if verbose else found[:15]
            for entry in shown:
                problems.append(f"  {language.code} {label}: {entry.msgid!r}")
            if len(found) > len(shown):
                problems.append(f"  {language.code} {label}: ... and {len(found) - len(shown)} more (use -v)")
    if problems:
        print("\n".join(["", *problems]))
    if incomplete:
        print(
            "\nkk and ru must be complete: translate the entries above in "
            "src/smarttvet/locale/{kk,ru}/LC_MESSAGES/django.po (and drop their 'fuzzy' flags), "
            "then run `smarttvet compiletranslations`."
        )
        return 1
    print("\nAll catalogues are complete. Run `smarttvet compiletranslations` to build the .mo files.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list every incomplete entry")
    parser.add_argument(
        "--check-only", action="store_true", help="do not run makemessages; only report on the catalogues"
    )
    args = parser.parse_args(argv)

    if not args.check_only:
        missing = missing_gettext_programs()
        if missing:
            print(
                "update_translations: GNU gettext is not installed (missing: "
                f"{', '.join(missing)}). Django's makemessages needs it. Install it with "
                "`apt-get install gettext` (Debian/Ubuntu), `dnf install gettext` (Fedora) or "
                "`brew install gettext` (macOS), then run this script again.",
                file=sys.stderr,
            )
            return 2
        before = {
            language.code: po_path(language.code).read_text(encoding="utf-8")
            if po_path(language.code).exists()
            else None
            for language in LANGUAGES
        }
        seed_empty_catalogues()
        try:
            run_makemessages(verbosity=2 if args.verbose else 1)
        except Exception as exc:  # CommandError, or a settings problem: say it plainly
            print(f"update_translations: makemessages failed: {exc}", file=sys.stderr)
            return 2
        for language in LANGUAGES:
            fix_catalogue(language, before[language.code])
    return report(verbose=args.verbose)


if __name__ == "__main__":
    sys.exit(main())
