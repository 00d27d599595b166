"""File formats of the labour market: vacancies, employers' declared needs, growth sectors (docs/data-formats.md)."""

from __future__ import annotations

import datetime as dt
import re

from smarttvet.core import tabular as t
from smarttvet.labour.models import EmployerNeed, GrowthSector, Occupation, Vacancy
from smarttvet.registry.models import EconomicSector, Enterprise, Qualification, Region, Specialty
from smarttvet.registry.tabular import bin_cell


def month_cell(raw: str) -> dt.date:
    """A month as ``YYYY-MM`` (a spreadsheet's date on the first of the month is accepted too)."""
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-01)?", raw)
    if not raw:
        raise ValueError("is required")
    if not match:
        raise ValueError(f"{raw!r} is not a month in the form YYYY-MM")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise ValueError(f"{raw!r} is not a month in the form YYYY-MM")
    if not 2000 <= year <= 2100:
        raise ValueError(f"{raw!r} is outside the years 2000-2100")
    return dt.date(year, month, 1)


def code_cell(digits: int, what: str, *, required: bool = True):
    def parse(raw: str) -> str:
        if not raw:
            if required:
                raise ValueError("is required")
            return ""
        if not re.fullmatch(rf"\d{{{digits}}}", raw):
            raise ValueError(f"{raw!r} is not {what} ({digits} digits)")
        return raw

    return parse


def qualification_cell(raw: str) -> str:
    if raw and not re.fullmatch(r"\d(W|S|AB)\d{8}", raw):
        raise ValueError(f"{raw!r} is not a qualification code (level prefix and 8 digits, e.g. 4S06130103)")
    return raw


class VacancySpec(t.TableSpec):
    """Vacancies posted in a month, region and occupation: an aggregate of the labour portal's export
    (Enbek.kz). A month with no row for an occupation counts as no vacancies."""

    kind = "vacancies"
    model = Vacancy
    key = ("month", "region_id", "occupation_id")
    select_related = ("region", "occupation")
    columns = (
        t.Column("month", month_cell, "Month, YYYY-MM (e.g. 2025-04)"),
        t.Column("region_kato", t.text(9), "KATO code of the region (9 digits)"),
        t.Column("occupation_code", code_cell(4, "an occupation code"),
                 "Unit group of the national classifier of occupations (NKZ, ISCO-08), 4 digits, e.g. 7212"),
        t.Column("count", t.integer(minimum=0), "Vacancies posted in the month"),
        t.Column("median_wage", t.integer(minimum=0, maximum=100_000_000, required=False),
                 "Median offered monthly wage, tenge", required=False),
        t.Column("source", t.text(40, required=False), "Where the figures come from (default: enbek.kz)",
                 required=False),
    )
    references = (
        t.Reference("region_kato", Region, "kato", "region_id"),
        t.Reference("occupation_code", Occupation, "code", "occupation_id"),
    )

    def fields_from_row(self, cells, ids):
        return {
            "month": cells["month"], "region_id": ids["region_id"], "occupation_id": ids["occupation_id"],
            "count": cells["count"], "median_wage": cells.get("median_wage"),
            "source": cells.get("source") or "enbek.kz",
        }

    def export_row(self, v: Vacancy):
        return [f"{v.month:%Y-%m}", v.region.kato, v.occupation.code, v.count, v.median_wage, v.source]


class EmployerNeedSpec(t.TableSpec):
    """People an enterprise declares it will need from a specialty (optionally one of its qualifications) in a
    year, usually for the next one to five years."""

    kind = "needs"
    model = EmployerNeed
    key = ("enterprise_id", "specialty_id", "qualification_id", "year")
    select_related = ("enterprise", "specialty", "qualification")
    columns = (
        t.Column("enterprise_bin", bin_cell, "BIN of the enterprise (in the registry)", pad=12),
        t.Column("specialty_code", code_cell(8, "a specialty code"), "Specialty code, 8 digits", pad=8),
        t.Column("qualification_code", qualification_cell,
                 "Qualification code of that specialty, when the need names one", required=False),
        t.Column("year", t.integer(minimum=2000, maximum=2100), "Year the people are needed"),
        t.Column("people", t.integer(minimum=1), "People needed in that year"),
        t.Column("declared_on", t.date(), "Date of the declaration, YYYY-MM-DD"),
        t.Column("comment", t.text(300, required=False), "Free text", required=False),
    )
    references = (
        t.Reference("enterprise_bin", Enterprise, "bin", "enterprise_id"),
        t.Reference("specialty_code", Specialty, "code", "specialty_id"),
        t.Reference("qualification_code", Qualification, "code", "qualification_id", required=False),
    )

    def fields_from_row(self, cells, ids):
        return {
            "enterprise_id": ids["enterprise_id"], "specialty_id": ids["specialty_id"],
            "qualification_id": ids.get("qualification_id"), "year": cells["year"], "people": cells["people"],
            "declared_on": cells["declared_on"], "comment": cells.get("comment") or "",
        }

    def resolve(self, rows):
        """A named qualification must belong to the row's specialty (one query for the file)."""
        wanted = sorted({r["qualification_id"] for r in rows if r["qualification_id"]})
        owner: dict[int, int] = {}
        for start in range(0, len(wanted), t.IN_CHUNK):
            owner.update(Qualification.objects.filter(pk__in=wanted[start:start + t.IN_CHUNK])
                         .values_list("pk", "specialty_id"))
        return [
            ("qualification_code", "qualification_code is not a qualification of this specialty")
            if r["qualification_id"] and owner.get(r["qualification_id"]) != r["specialty_id"] else None
            for r in rows
        ]

    def export_row(self, n: EmployerNeed):
        return [n.enterprise.bin, n.specialty.code, n.qualification.code if n.qualification else "", n.year,
                n.people, n.declared_on, n.comment]


class GrowthSectorSpec(t.TableSpec):
    """Sectors a region's development programme names as growth sectors, and since when."""

    kind = "growth_sectors"
    model = GrowthSector
    key = ("region_id", "sector_id")
    select_related = ("region", "sector")
    columns = (
        t.Column("region_kato", t.text(9), "KATO code of the region (9 digits)"),
        t.Column("sector", t.text(1), "OKED section letter, A..U"),
        t.Column("since_year", t.integer(minimum=1990, maximum=2100), "First year of the programme"),
        t.Column("note", t.text(300, required=False), "The programme or the reason", required=False),
    )
    references = (
        t.Reference("region_kato", Region, "kato", "region_id"),
        t.Reference("sector", EconomicSector, "code", "sector_id"),
    )

    def fields_from_row(self, cells, ids):
        return {"region_id": ids["region_id"], "sector_id": ids["sector_id"], "since_year": cells["since_year"],
                "note": cells.get("note") or ""}

    def export_row(self, g: GrowthSector):
        return [g.region.kato, g.sector.code, g.since_year, g.note]


VACANCIES = VacancySpec()
NEEDS = EmployerNeedSpec()
GROWTH_SECTORS = GrowthSectorSpec()
