"""Renders docs/data-formats.md from the file specifications themselves, so the two cannot drift apart.

`python -m smarttvet.core.data_formats > docs/data-formats.md` (a test checks the file is current).
"""

from __future__ import annotations

import os

INTRO = """# Data formats

Every file the platform reads or writes, column by column. This page is generated from the code
(`python -m smarttvet.core.data_formats > docs/data-formats.md`); a test fails when it falls behind.

## Common rules
- **CSV**: UTF-8 (a byte-order mark is accepted and written, so spreadsheet programs show Cyrillic
  correctly), comma-separated, the first row names the columns. Column order is free; unknown,
  missing or repeated column names are refused before any row is read.
- **XLSX**: the first sheet; the first row names the columns. Numeric cells holding BINs or IINs get
  their leading zeros back. A file is judged by its content: a file that is not an XLSX container, or
  that unpacks to an implausible size (a compression bomb), is refused.
- Row numbers in reports count as a spreadsheet does: the header is row 1, the first record row 2.
- Empty cells mean "not given". Yes/no columns take `1`/`0`, `true`/`false` or `yes`/`no`.
  Dates are `YYYY-MM-DD`. Decimals use a dot.
- **All or nothing**: when any row is invalid nothing is written, and every bad row is reported with its
  row number, column and reason. With `--skip-invalid` the valid rows are written and the rejected rows
  are saved, with their reasons, to `FILE.rejected.csv` (or `--rejected PATH`).
- **Re-importing updates, never duplicates**: each kind names its natural key below; a row whose key
  exists updates that record, and a row identical to the stored record changes nothing.
- **Export writes exactly this format** (`smarttvet export KIND FILE`, the *Export* links under every list,
  and `/api/v1/<kind>/export?format=csv|xlsx`), so exporting and importing again changes nothing.
- **National ID numbers (IIN)** are never stored: an `iin` column is turned into a keyed hash
  (`person_key`, HMAC-SHA256 under `SMARTTVET_PERSON_KEY`) while the file is read. Exports carry the
  `person_key`, never the IIN; give exactly one of the two per row. An invalid IIN is reported without
  repeating it.

Commands: `smarttvet import KIND FILE [--skip-invalid] [--rejected PATH]`, `smarttvet export KIND FILE`;
bad input answers with exit code 2 and a message naming the row and column.
"""

CLASSIFIER = """
## `classifier` — specialties and qualifications

`smarttvet import classifier FILE.csv` loads the official list (the shipped demo classifier is
`src/smarttvet/registry/data/specialties.csv`, in this format); `smarttvet export classifier FILE.csv`
writes it back. One row per qualification; key: `qualification_code` (and `specialty_code` for the
specialty's own names).

| column | required | meaning |
|---|---|---|
| `specialty_code` | yes | 8 digits; the first 4 are the ISCED-F 2013 detailed field |
| `specialty_name_kk`, `specialty_name_ru`, `specialty_name_en` | yes | the specialty's names; the same on every row of the specialty |
| `qualification_code` | yes | level prefix (`3W` worker, `4S` mid-level specialist, `5AB` applied bachelor) and 8 digits: the specialty's first 6 digits and 2 numbering the qualification, e.g. `4S06130103` |
| `qualification_name_kk`, `qualification_name_ru`, `qualification_name_en` | yes | the qualification's names |
| `legacy_code` | no | the older 7-digit code, e.g. `1304000` |
| `illustrative` | no | `1` for entries invented for the demo classifier, `0` for official ones |
"""


def render() -> str:
    from smarttvet.core.specs import KINDS, spec_for

    parts = [INTRO]
    for kind in KINDS:
        spec = spec_for(kind)
        key = ", ".join(f"`{k}`" for k in spec.key)
        parts.append(f"\n## `{kind}`\n\n{(spec.__doc__ or '').strip()}\n\nNatural key: {key}.\n")
        parts.append("| column | required | meaning |\n|---|---|---|")
        for column in spec.columns:
            parts.append(f"| `{column.name}` | {'yes' if column.required else 'no'} | {column.description} |")
    parts.append(CLASSIFIER)
    return "\n".join(parts).replace("\n\n\n", "\n\n")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smarttvet.config.settings")
    os.environ.setdefault("SMARTTVET_DEBUG", "1")
    import django

    django.setup()
    print(render(), end="")
