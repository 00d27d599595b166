"""Hostile XLSX files for the upload and regression tests: real workbooks, then damaged inside."""

from __future__ import annotations

import zipfile
from pathlib import Path

SHEET = "xl/worksheets/sheet1.xml"


def valid_xlsx(path: Path, header: tuple[str, ...] = ("bin", "name")) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(list(header))
    book.save(path)


def damage_sheet(path: Path, tail: bytes) -> None:
    """Cut the first sheet's XML after 200 bytes and append ``tail``: a valid ZIP whose sheet is not XML."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts[SHEET] = parts[SHEET][:200] + tail
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
