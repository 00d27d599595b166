"""The kk, ru and en catalogues: complete, faithful to their msgids, in sync with the code, and used.

Refresh the catalogues with ``.venv/bin/python scripts/update_translations.py``, translate what it
lists, then ``smarttvet compiletranslations``.
"""

from __future__ import annotations

import gettext as gettext_module
import re
import shutil
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

import smarttvet

PACKAGE_DIR = Path(smarttvet.__file__).resolve().parent
LOCALE_DIR = PACKAGE_DIR / "locale"
UPDATE_HINT = "run `.venv/bin/python scripts/update_translations.py` and translate what it lists"

PLURAL_FORMS = {
    "kk": "nplurals=2; plural=(n!=1);",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "en": "nplurals=2; plural=(n != 1);",
}
NPLURALS = {"kk": 2, "ru": 3, "en": 2}
LANGUAGES = list(PLURAL_FORMS)
# What makemessages reads (the same choice as scripts/update_translations.py).
SOURCE_SUFFIXES = {".py", ".html", ".txt"}
SKIPPED_DIRS = {"locale", "__pycache__", "node_modules"}


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"


def catalogue(lang: str) -> polib.POFile:
    return polib.pofile(str(po_path(lang)))


def key(entry: polib.POEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def describe(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}|{entry.msgid!r}" if entry.msgctxt else repr(entry.msgid)


# --- compiled catalogues for the rendering tests -------------------------------------------------


def _stale_catalogues() -> list[Path]:
    return [
        po for po in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))
        if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]


def _forget_loaded_translations() -> None:
    """Make Django (and Python's gettext cache underneath it) read the .mo files again."""
    from asgiref.local import Local
    from django.utils.translation import trans_real

    gettext_module._translations.clear()
    trans_real._translations.clear()
    trans_real._default = None
    trans_real._active = Local()
    # Cached look-ups of which catalogues exist (names differ between Django versions).
    for name in ("translation_catalog_exists", "check_for_language", "get_languages"):
        cached = getattr(trans_real, name, None)
        if hasattr(cached, "cache_clear"):
            cached.cache_clear()


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogues(tmp_path_factory):
    """Compile the .po files when a .mo is missing or older than its .po, then reload them."""
    if _stale_catalogues():
        import fcntl

        # Parallel workers (pytest-xdist) must not write the same .mo files at once.
        lock_path = tmp_path_factory.getbasetemp().parent / "smarttvet-compiletranslations.lock"
        with open(lock_path, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                if _stale_catalogues():
                    call_command("compiletranslations", verbosity=0)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        _forget_loaded_translations()
    yield


# --- the catalogues themselves -------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_header(lang):
    metadata = catalogue(lang).metadata
    assert metadata.get("Language") == lang
    assert metadata.get("Content-Type") == "text/plain; charset=UTF-8"
    assert metadata.get("Plural-Forms") == PLURAL_FORMS[lang]


def test_plural_rules_choose_the_right_forms():
    ru = gettext_module.c2py(PLURAL_FORMS["ru"].split("plural=", 1)[1].rstrip(";"))
    assert [ru(n) for n in (1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111, 112)] == [
        0, 1, 1, 2, 2, 2, 2, 0, 1, 2, 0, 2, 2]
    for lang in ("kk", "en"):
        rule = gettext_module.c2py(PLURAL_FORMS[lang].split("plural=", 1)[1].rstrip(";"))
        assert [rule(n) for n in (0, 1, 2, 21)] == [1, 0, 1, 1]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_entry_is_translated_and_not_fuzzy(lang):
    po = catalogue(lang)
    assert len(po) > 0, f"the {lang} catalogue is empty: {UPDATE_HINT}"
    untranslated = [describe(e) for e in po.untranslated_entries()]
    fuzzy = [describe(e) for e in po.fuzzy_entries()]
    obsolete = [describe(e) for e in po.obsolete_entries()]
    assert not untranslated, f"{lang}: {len(untranslated)} untranslated: {untranslated}; {UPDATE_HINT}"
    assert not fuzzy, f"{lang}: {len(fuzzy)} fuzzy (check them, then drop the flag): {fuzzy}"
    assert not obsolete, f"{lang}: obsolete entries left: {obsolete}; {UPDATE_HINT}"
    assert not po.metadata_is_fuzzy, f"{lang}: the header is marked fuzzy"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_entries_have_every_form(lang):
    wrong = []
    for entry in catalogue(lang):
        if entry.msgid_plural:
            forms = sorted(int(i) for i in entry.msgstr_plural)
            if forms != list(range(NPLURALS[lang])) or not all(entry.msgstr_plural.values()):
                wrong.append((describe(entry), forms))
        elif entry.msgstr_plural:
            wrong.append((describe(entry), "plural forms without msgid_plural"))
    assert not wrong, f"{lang}: plural entries need exactly {NPLURALS[lang]} non-empty forms: {wrong}"


def test_the_catalogues_hold_the_same_msgids():
    keys = {lang: {key(e) for e in catalogue(lang)} for lang in LANGUAGES}
    for lang in ("kk", "ru"):
        assert keys[lang] == keys["en"], (
            f"{lang} and en differ: only in {lang}: {sorted(keys[lang] - keys['en'])}, "
            f"only in en: {sorted(keys['en'] - keys[lang])}; {UPDATE_HINT}"
        )


# --- placeholders, markup --------------------------------------------------------------------------

_PERCENT = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?(?P<flags>[#0\- +]*)(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<conv>[diouxXeEfFgGcrsa%])?"
)
_BRACE = re.compile(r"(?<!\{)\{(?P<field>[A-Za-z_]\w*|\d*)(?:[!:][^{}]*)?\}(?!\})")
_TAG = re.compile(r"</?([A-Za-z][\w-]*)\b[^>]*>")
_ENTITY = re.compile(r"&(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);")


def percent_placeholders(text: str, python_format: bool) -> tuple[Counter, list[str], list[str]]:
    """Named %(x)s placeholders, positional %s conversions (in order), and malformed ones."""
    named: Counter = Counter()
    positional: list[str] = []
    malformed: list[str] = []
    for match in _PERCENT.finditer(text):
        conv, name = match["conv"], match["name"]
        if name is not None:
            if conv is None or conv == "%":
                malformed.append(match[0])
            else:
                named[f"%({name}){conv}"] += 1
        elif conv == "%" and match[0] == "%%":
            continue
        elif python_format:
            if conv is None or conv == "%":
                malformed.append(match[0])
            else:
                positional.append(conv)
    return named, positional, malformed


def brace_placeholders(text: str) -> Counter:
    return Counter(match["field"] for match in _BRACE.finditer(text))


def markup(text: str) -> tuple[Counter, set[str]]:
    return Counter(tag.lower() for tag in _TAG.findall(text)), set(_ENTITY.findall(text))


def _check_form(entry: polib.POEntry, source: str, translated: str) -> list[str]:
    python_format = "python-format" in entry.flags
    problems = []
    src_named, src_positional, _ = percent_placeholders(source, python_format)
    tr_named, tr_positional, malformed = percent_placeholders(translated, python_format)
    if set(tr_named) != set(src_named):
        problems.append(f"%-placeholders {sorted(tr_named)} != {sorted(src_named)}")
    if tr_positional != src_positional:
        problems.append(f"positional %-conversions {tr_positional} != {src_positional}")
    if malformed:
        problems.append(f"malformed %-sequences {malformed} (write a literal % as %%)")
    if set(brace_placeholders(translated)) != set(brace_placeholders(source)):
        problems.append(
            f"{{}}-placeholders {sorted(brace_placeholders(translated))} != {sorted(brace_placeholders(source))}"
        )
    src_tags, src_entities = markup(source)
    tr_tags, tr_entities = markup(translated)
    if tr_tags != src_tags:
        problems.append(f"HTML tags {dict(tr_tags)} != {dict(src_tags)}")
    if not src_entities <= tr_entities:
        problems.append(f"HTML entities missing: {sorted(src_entities - tr_entities)}")
    return problems


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_and_markup_survive_translation(lang):
    wrong = []
    for entry in catalogue(lang):
        if entry.msgid_plural:
            for index, text in sorted(entry.msgstr_plural.items(), key=lambda item: int(item[0])):
                # msgstr[0] may follow either English form (kk/en use it for n=1, ru also for 21, 31...).
                sources = [entry.msgid, entry.msgid_plural] if int(index) == 0 else [entry.msgid_plural]
                results = [_check_form(entry, source, text) for source in sources]
                if all(results):
                    wrong.append(f"{describe(entry)} msgstr[{index}]: {'; '.join(results[-1])}")
        elif entry.msgstr:
            problems = _check_form(entry, entry.msgid, entry.msgstr)
            if problems:
                wrong.append(f"{describe(entry)}: {'; '.join(problems)}")
    assert not wrong, f"{lang}:\n" + "\n".join(wrong)


def test_the_checks_catch_broken_translations():
    entry = polib.POEntry(msgid="Page %(n)s of %(total)s", msgstr="", flags=["python-format"])
    assert _check_form(entry, entry.msgid, "Страница %(n)s из %(total)s") == []
    assert _check_form(entry, entry.msgid, "Страница %(n)s из %(всего)s")
    assert _check_form(entry, entry.msgid, "Страница %(n)s из %(total)")
    assert _check_form(entry, entry.msgid, "100% %(n)s %(total)s")
    assert _check_form(entry, "{count} rows", "{count} жол") == []
    assert _check_form(entry, "{count} rows", "{n} жол")
    assert _check_form(entry, "<b>%(n)s</b> &amp; more", "<b>%(n)s</b> және т.б.")


# --- in sync with the code -------------------------------------------------------------------------


def _copy_sources(destination: Path) -> None:
    """Copy the package's .py/.html/.txt files (no catalogues, no vendored static files)."""
    for path in PACKAGE_DIR.rglob("*"):
        relative = path.relative_to(PACKAGE_DIR)
        parts = relative.parts
        if (
            not path.is_file()
            or path.suffix not in SOURCE_SUFFIXES
            or SKIPPED_DIRS.intersection(parts)
            or any(part.startswith(".") for part in parts)
            or "static/vendor" in relative.as_posix()
        ):
            continue
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)


def test_catalogues_are_in_sync_with_the_code(tmp_path, monkeypatch):
    missing_tools = [tool for tool in ("xgettext", "msguniq", "msgmerge", "msgattrib") if not shutil.which(tool)]
    if missing_tools:
        pytest.skip(f"GNU gettext is not installed (no {', '.join(missing_tools)}): cannot extract msgids")
    source = tmp_path / "smarttvet"
    _copy_sources(source)
    (source / "locale").mkdir()
    monkeypatch.chdir(source)
    # Only the temporary locale directory: makemessages must not touch the committed catalogues.
    with override_settings(LOCALE_PATHS=[]):
        call_command(
            "makemessages", locale=["en"], domain="django", extensions=["html", "txt", "py"],
            ignore_patterns=["static/vendor", "*/static/vendor"], no_obsolete=True, verbosity=0,
        )
    extracted = polib.pofile(str(source / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    in_code = {key(e): e for e in extracted if not e.obsolete}
    assert in_code, "makemessages found no msgids in the code"
    for lang in LANGUAGES:
        committed = {key(e): e for e in catalogue(lang) if not e.obsolete}
        missing = sorted(describe(e) for k, e in in_code.items() if k not in committed)
        assert not missing, (
            f"{len(missing)} msgid(s) in the code are missing from the {lang} catalogue: {missing}; "
            f"{UPDATE_HINT}"
        )
        plural_mismatch = sorted(
            describe(e) for k, e in in_code.items() if (e.msgid_plural or "") != (committed[k].msgid_plural or "")
        )
        assert not plural_mismatch, (
            f"{lang}: the plural msgid changed in the code for {plural_mismatch}; {UPDATE_HINT}"
        )


# --- the translations reach the pages --------------------------------------------------------------


def test_gettext_uses_the_catalogues():
    for lang, expected in (("kk", "Ұйымдар"), ("ru", "Организации"), ("en", "Organisations")):
        with translation.override(lang):
            assert translation.gettext("Organisations") == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "expected", "not_expected"),
    [("kk", "Ұйымдар", "Организации"), ("ru", "Организации", "Ұйымдар"), ("en", "Organisations", "Ұйымдар")],
)
def test_a_rendered_page_is_translated(client, lang, expected, not_expected):
    response = client.get(f"/{lang}/registry/organizations/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{lang}">' in page
    assert expected in page
    assert not_expected not in page
