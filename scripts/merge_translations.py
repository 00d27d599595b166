"""Fill the kk and ru catalogues from JSON files of translations written beside new code.

Usage (from the repository root, after ``scripts/update_translations.py``)::

    .venv/bin/python scripts/merge_translations.py FILE.json [FILE.json ...]

Each file maps an English msgid to its translations::

    {"Verified": {"kk": "Расталды", "ru": "Проверено"},
     "%(n)s record": {"kk": ["%(n)s жазба", "%(n)s жазба"], "ru": ["%(n)s запись", "%(n)s записи", "%(n)s записей"]}}

A plural entry takes a list with one form per plural form of the language. Entries with a context
are keyed ``"context\\x04msgid"`` (gettext's own separator). Only entries present in the catalogue are
filled; a filled entry loses its fuzzy flag. Prints what it filled and which keys matched nothing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "src" / "smarttvet" / "locale"


def merge(files: list[Path]) -> int:
    table: dict[str, dict] = {}
    for file in files:
        table.update(json.loads(file.read_text(encoding="utf-8")))
    unmatched = set(table)
    for lang in ("kk", "ru"):
        path = LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"
        po = polib.pofile(str(path), wrapwidth=0)
        filled = 0
        for entry in po:
            key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
            if key not in table or lang not in table[key]:
                continue
            unmatched.discard(key)
            value = table[key][lang]
            if entry.msgid_plural:
                forms = value if isinstance(value, list) else [value]
                entry.msgstr_plural = {i: forms[min(i, len(forms) - 1)] for i in range(len(entry.msgstr_plural) or 2)}
            else:
                entry.msgstr = value if isinstance(value, str) else value[0]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
            filled += 1
        po.save(str(path))
        print(f"{lang}: filled {filled}; still untranslated {len(po.untranslated_entries())}, "
              f"fuzzy {len(po.fuzzy_entries())}")
    if unmatched:
        print(f"{len(unmatched)} keys matched no catalogue entry (not in the code yet?): "
              + ", ".join(sorted(unmatched)[:20]))
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.stderr.write(__doc__)
        sys.exit(2)
    sys.exit(merge([Path(a) for a in sys.argv[1:]]))
