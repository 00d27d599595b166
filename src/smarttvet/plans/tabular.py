"""The plan list as a file (export only: plans are made by services, not imported)."""

from __future__ import annotations

from smarttvet.core import tabular as t
from smarttvet.plans.models import Plan


class PlanListSpec(t.TableSpec):
    kind = "plans"
    model = Plan
    key = ("code",)
    select_related = ("region", "organization")
    columns = (
        t.Column("code", t.text(120), "The plan's stable identifier"),
        t.Column("level", t.choice(Plan.Level.values), "national, regional, organization or support"),
        t.Column("title_kk", t.text(500, required=False), "Title in Kazakh", required=False),
        t.Column("title_ru", t.text(500, required=False), "Title in Russian", required=False),
        t.Column("title_en", t.text(500, required=False), "Title in English", required=False),
        t.Column("region_kato", t.text(9, required=False), "The owner region's KATO code", required=False),
        t.Column("organization_bin", t.text(12, required=False), "The owner organisation's BIN", required=False),
        t.Column("start_year", t.integer(minimum=2000, maximum=2100), "First year"),
        t.Column("end_year", t.integer(minimum=2000, maximum=2100), "Last year"),
        t.Column("status", t.choice(Plan.Status.values), "draft, active, completed or archived"),
        t.Column("approval_body", t.text(300, required=False), "Approved by", required=False),
        t.Column("approved_on", t.date(required=False), "Approved on (YYYY-MM-DD)", required=False),
        t.Column("board_agreed", t.boolean, "Agreed with the board of trustees (1/0)", required=False),
        t.Column("activities", t.integer(minimum=0), "Activities"),
        t.Column("activities_open", t.integer(minimum=0), "Activities planned or in progress"),
        t.Column("activities_overdue", t.integer(minimum=0), "Open activities past their deadline"),
    )

    def export_row(self, obj: Plan) -> list:
        return [
            obj.code, obj.level, obj.title_kk, obj.title_ru, obj.title_en,
            obj.region.kato if obj.region_id else "", obj.organization.bin if obj.organization_id else "",
            obj.start_year, obj.end_year, obj.status, obj.approval_body, obj.approved_on, obj.board_agreed,
            getattr(obj, "activity_count", None), getattr(obj, "open_count", None),
            getattr(obj, "overdue_count", None),
        ]


PLANS = PlanListSpec()
