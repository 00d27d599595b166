"""Subject display names from ``data/subjects.csv`` (code,name_kk,name_ru,name_en), read once per file version.

An unknown code (or a missing file) shows the code itself, so that a page never fails for want of a name.
"""

from __future__ import annotations

import csv
from pathlib import Path

from smarttvet.core.i18n import pick

SUBJECTS_CSV = Path(__file__).resolve().parent / "data" / "subjects.csv"

_cache: dict[tuple[str, float], dict[str, dict[str, str]]] = {}


def subject_names(path: Path | None = None) -> dict[str, dict[str, str]]:
    """``{code: {"kk": ..., "ru": ..., "en": ...}}``; empty when the file is missing or unreadable."""
    path = path or SUBJECTS_CSV
    try:
        stamp = path.stat().st_mtime
    except OSError:
        return {}
    key = (str(path), stamp)
    cached = _cache.get(key)
    if cached is None:
        cached = {}
        try:
            with path.open(encoding="utf-8-sig", newline="") as fh:
                for row in csv.DictReader(fh):
                    code = (row.get("code") or "").strip()
                    if code:
                        cached[code] = {lang: (row.get(f"name_{lang}") or "").strip() for lang in ("kk", "ru", "en")}
        except (OSError, UnicodeDecodeError, csv.Error):
            cached = {}
        _cache.clear()
        _cache[key] = cached
    return cached


def subject_name(code: str, language: str | None = None) -> str:
    """The subject's name in ``language`` (default: the active one); the code if it is not known."""
    names = subject_names().get(code)
    return (pick(names, language) if names else "") or code
