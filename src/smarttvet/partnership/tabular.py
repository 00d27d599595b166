"""The employer agreements list as a file (the pages' CSV/XLSX export)."""

from __future__ import annotations

from smarttvet.core import tabular as t
from smarttvet.partnership.models import EmployerAgreement


class AgreementListSpec(t.TableSpec):
    kind = "employer_agreements"
    model = EmployerAgreement
    key = ("organization_id", "enterprise_id", "kind", "signed_on")
    select_related = ("organization__region", "enterprise")
    columns = (
        t.Column("organization_bin", t.text(12), "The organisation's BIN"),
        t.Column("organization_name", t.text(300, required=False), "The organisation's name (Russian)",
                 required=False),
        t.Column("region_kato", t.text(9, required=False), "The organisation's region (KATO)", required=False),
        t.Column("enterprise_bin", t.text(12), "The enterprise's BIN"),
        t.Column("enterprise_name", t.text(300, required=False), "The enterprise's name", required=False),
        t.Column("kind", t.choice(EmployerAgreement.Kind.values),
                 "partnership, dual_training, target_order, internship_base, equipment, mentoring or sponsorship"),
        t.Column("signed_on", t.date(), "Signed on (YYYY-MM-DD)"),
        t.Column("expires_on", t.date(required=False), "Expires on (YYYY-MM-DD; empty: no end date)",
                 required=False),
    )

    def export_row(self, obj: EmployerAgreement) -> list:
        return [obj.organization.bin, obj.organization.name_ru, obj.organization.region.kato, obj.enterprise.bin,
                obj.enterprise.name, obj.kind, obj.signed_on, obj.expires_on]


AGREEMENTS = AgreementListSpec()
