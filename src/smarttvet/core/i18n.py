"""Domain names carried in three languages (kk, ru, en) and shown in the reader's language."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language

LANGUAGE_CODES = ("kk", "ru", "en")


def pick(values: dict[str, str], language: str | None = None) -> str:
    """The value in ``language`` (default: the active one), falling back to ru, kk, then en."""
    language = (language or get_language() or "kk")[:2]
    for code in (language, "ru", "kk", "en"):
        if values.get(code):
            return values[code]
    return ""


class TrilingualName(models.Model):
    """Abstract: ``name_kk``, ``name_ru``, ``name_en`` and ``name`` in the active language."""

    name_kk = models.CharField(max_length=300)
    name_ru = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick({"kk": self.name_kk, "ru": self.name_ru, "en": self.name_en})
