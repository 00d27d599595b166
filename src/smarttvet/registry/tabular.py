"""File formats of the registry: organisations and enterprises (documented in docs/data-formats.md)."""

from __future__ import annotations

from smarttvet.core import tabular as t
from smarttvet.core.identifiers import twelve_digit_problem
from smarttvet.registry.models import EconomicSector, Enterprise, Organization, Region


def bin_cell(raw: str) -> str:
    problem = twelve_digit_problem(raw, "BIN")
    if problem:
        raise ValueError(problem.removeprefix("BIN "))
    return raw


def languages_cell(raw: str) -> str:
    codes = [c.strip() for c in raw.replace(",", ";").split(";") if c.strip()]
    unknown = [c for c in codes if c not in ("kk", "ru", "en")]
    if not codes or unknown:
        raise ValueError(f"{raw!r} must list language codes kk, ru, en separated by ';'")
    return ";".join(codes)


class OrganizationSpec(t.TableSpec):
    """Colleges, higher colleges, schools, universities and other organisations. A branch names its head
    organisation in `parent_bin` (the head must be in the registry or earlier in the same file's import)."""

    kind = "organizations"
    model = Organization
    key = ("bin",)
    select_related = ("region", "parent")
    columns = (
        t.Column("bin", bin_cell, "BIN, 12 digits with a valid check digit", pad=12),
        t.Column("name_kk", t.text(300), "Name in Kazakh"),
        t.Column("name_ru", t.text(300), "Name in Russian"),
        t.Column("name_en", t.text(300), "Name in English"),
        t.Column("kind", t.choice(Organization.Kind.values), "college, higher_college, school, university, other"),
        t.Column("ownership", t.choice(Organization.Ownership.values), "public or private"),
        t.Column("region_kato", t.text(9), "KATO code of the region (9 digits)"),
        t.Column("settlement", t.choice(Organization.Settlement.values), "urban or rural"),
        t.Column("parent_bin", t.text(12, required=False), "BIN of the head organisation, for a branch",
                 required=False, pad=12),
        t.Column("address", t.text(300, required=False), "Postal address", required=False),
        t.Column("latitude", t.decimal(minimum=40, maximum=56), "Latitude, degrees", required=False),
        t.Column("longitude", t.decimal(minimum=46, maximum=88), "Longitude, degrees", required=False),
        t.Column("languages", languages_cell, "Languages of instruction, e.g. kk;ru"),
        t.Column("founded_year", t.integer(minimum=1800, maximum=2100, required=False), "Founding year",
                 required=False),
        t.Column("capacity", t.integer(minimum=0, required=False), "Design capacity, students", required=False),
        t.Column("has_board_of_trustees", t.boolean, "1 or 0", required=False),
        t.Column("has_supervisory_board", t.boolean, "1 or 0", required=False),
        t.Column("has_endowment_fund", t.boolean, "1 or 0", required=False),
    )
    references = (
        t.Reference("region_kato", Region, "kato", "region_id"),
        t.Reference("parent_bin", Organization, "bin", "parent_id", required=False),
    )

    def fields_from_row(self, cells, ids):
        fields = {
            name: cells.get(name) for name in (
                "bin", "name_kk", "name_ru", "name_en", "kind", "ownership", "settlement", "latitude",
                "longitude", "languages", "founded_year", "capacity",
            )
        }
        fields["address"] = cells.get("address") or ""
        for flag in ("has_board_of_trustees", "has_supervisory_board", "has_endowment_fund"):
            fields[flag] = bool(cells.get(flag, False))
        fields["region_id"] = ids["region_id"]
        fields["parent_id"] = ids.get("parent_id")
        return fields

    def export_row(self, o: Organization):
        return [
            o.bin, o.name_kk, o.name_ru, o.name_en, o.kind, o.ownership, o.region.kato, o.settlement,
            o.parent.bin if o.parent else "", o.address, o.latitude, o.longitude, o.languages, o.founded_year,
            o.capacity, o.has_board_of_trustees, o.has_supervisory_board, o.has_endowment_fund,
        ]


class EnterpriseSpec(t.TableSpec):
    """Employers: partners, sources of vacancies, dual training and target orders."""

    kind = "enterprises"
    model = Enterprise
    key = ("bin",)
    select_related = ("region", "sector")
    columns = (
        t.Column("bin", bin_cell, "BIN, 12 digits with a valid check digit", pad=12),
        t.Column("name", t.text(300), "Registered name"),
        t.Column("region_kato", t.text(9), "KATO code of the region (9 digits)"),
        t.Column("sector", t.text(1), "OKED section letter, A..U"),
        t.Column("size", t.choice(Enterprise.Size.values), "micro, small, medium or large"),
        t.Column("employees", t.integer(minimum=0, required=False), "Number of employees", required=False),
    )
    references = (
        t.Reference("region_kato", Region, "kato", "region_id"),
        t.Reference("sector", EconomicSector, "code", "sector_id"),
    )

    def fields_from_row(self, cells, ids):
        return {
            "bin": cells["bin"], "name": cells["name"], "size": cells["size"],
            "employees": cells.get("employees"), "region_id": ids["region_id"], "sector_id": ids["sector_id"],
        }

    def export_row(self, e: Enterprise):
        return [e.bin, e.name, e.region.kato, e.sector.code, e.size, e.employees]


ORGANIZATIONS = OrganizationSpec()
ENTERPRISES = EnterpriseSpec()
