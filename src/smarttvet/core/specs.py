"""Every file kind the ``import`` and ``export`` commands know, by name."""

from __future__ import annotations

from importlib import import_module

from smarttvet.core.tabular import TableSpec

KINDS = {
    "organizations": "smarttvet.registry.tabular:ORGANIZATIONS",
    "enterprises": "smarttvet.registry.tabular:ENTERPRISES",
    "teachers": "smarttvet.people.tabular:TEACHERS",
    "students": "smarttvet.people.tabular:STUDENTS",
    "graduates": "smarttvet.people.tabular:GRADUATES",
    "vacancies": "smarttvet.labour.tabular:VACANCIES",
    "needs": "smarttvet.labour.tabular:NEEDS",
    "growth_sectors": "smarttvet.labour.tabular:GROWTH_SECTORS",
}


def spec_for(kind: str) -> TableSpec:
    module, name = KINDS[kind].split(":")
    return getattr(import_module(module), name)
