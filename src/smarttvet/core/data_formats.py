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

GRADEBOOK = """
## Gradebook: `marks` and `attendance`

`smarttvet gradebook import PATH [--dataset marks|attendance] [--year YYYY]` reads a Parquet file (preferred),
a CSV file (UTF-8, header row, the same columns), or a folder of either, optionally partitioned as
`year=YYYY/region=PP/…` (PP: the first two digits of the region's KATO code, e.g. `61` for Turkistan).
Rules that differ from the registry files above:

- **School year**: named by the calendar year in which it ends (2024–2025 is `2025`); it runs from
  1 September to 31 August. The year of a row is `--year`, else the folder's `year=`, else its date's.
- **Bad rows are not loaded, the good ones are**: every row gets the first reason it fails — unknown
  organisation, organisation outside its folder's region, missing or too long identifier, a date that is not a
  date or lies outside the school year, a scale other than 5, 10 or 100, a mark that is not a whole number or
  lies outside its scale, an unknown kind, impossible attendance, or a duplicate of an earlier row with the same
  key. The report counts rejected rows per reason and per organisation and prints a sample (`--sample N`).
- **Re-importing replaces**: the valid rows replace, per school year and organisation, what the store held,
  so importing the same export again changes nothing, and a corrected export of one school replaces only it.
- Files are judged by their content (a Parquet file must carry the `PAR1` markers, a CSV file must be text).
- Marks are compared on their own scale: `mark / scale_max` is the normalised mark; a mark passes at half the
  scale and is good or excellent at 70 % (3–5 pass and 4–5 are good on the five-point scale, 5–10 and 7–10 on
  the ten-point scale, 50–100 and 70–100 on the hundred-point scale). Terms are the quarters of the date:
  September–October, November–December, January–March, April–August.
- Students are pseudonymous identifiers chosen by the school's system; never put an IIN in this column.
"""


def _gradebook() -> str:
    from smarttvet.gradebook import contract

    parts = [GRADEBOOK]
    for dataset, fields in contract.DATASETS.items():
        key = ", ".join(f"`{k}`" for k in contract.KEYS[dataset])
        parts.append(f"\n### `{dataset}`\n\nKey (a second row with it is a duplicate): {key}.\n")
        parts.append("| column | type | meaning |\n|---|---|---|")
        for f in fields + contract.PARTITION_FIELDS:
            kind = {"string": "text", "date32[day]": "date", "int16": "integer"}[str(f.type)]
            note = {"year": " (optional: `--year`, the folder name, or the date)",
                    "region": " (optional: from the folder name, checked against the registry)"}.get(f.name, "")
            parts.append(f"| `{f.name}` | {kind} | {f.description}{note} |")
    return "\n".join(parts)


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
    parts.append(_gradebook())
    from smarttvet.portfolio.exchange import format_doc

    parts.append(format_doc())
    return "\n".join(parts).replace("\n\n\n", "\n\n")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smarttvet.config.settings")
    os.environ.setdefault("SMARTTVET_DEBUG", "1")
    import django

    django.setup()
    print(render(), end="")
