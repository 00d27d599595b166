"""Incentive payments and scenario comparisons as XLSX (openpyxl), in Kazakh, Russian or English.

Sheet names are stable in English (``payments``, ``summary``, ``comparison``); headers and texts follow the
language. Amounts are whole tenge (numbers, not text) so the sheet can sum them. Pure reads: the caller checks
who may see what.
"""

from __future__ import annotations

import io

from django.utils import translation
from django.utils.translation import gettext as _

from smarttvet.kpi import present
from smarttvet.kpi.services import AllocationResult

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAYMENT_COLUMNS = 17  # the payment column is the 16th (P), the explanation the 17th (Q)


def _finish(book) -> bytes:
    from openpyxl.styles import Font

    for sheet in book.worksheets:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for column in sheet.columns:
            width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _money(value) -> float:
    return round(float(value), 2)


def _league(card) -> str:
    return getattr(card, "league_label", card.league)


def payment_rows(result: AllocationResult) -> list[list]:
    """One row per organisation; leagues by name when ``present.label_leagues`` labelled the cards."""
    rows = []
    for row in result.rows:
        card, p = row.card, row.payment
        org = card.organization
        rows.append([
            org.bin, org.name, org.region.name, _league(card), card.director_name or _("(organisation)"),
            card.version, card.get_status_display(), None if p.attainment is None else round(p.attainment, 4),
            _("yes") if not row.reason else _("no"), present.reason_text(row.reason) if row.reason else "",
            _money(p.base_share), _money(p.before_rounding), _("yes") if p.capped else "",
            _money(p.redistribution), _money(p.rounding), p.amount, present.explanation(row, result.params),
        ])
    return rows


def payments_xlsx(result: AllocationResult, language: str, *, comparison: list[tuple[str, AllocationResult]]
                  | None = None) -> bytes:
    """Sheets ``payments`` (one row per organisation, with its explanation), ``summary`` (parameters, totals, the
    rule) and, with ``comparison``, ``comparison`` (the payments of each named scenario side by side)."""
    from openpyxl import Workbook

    with translation.override(language):
        present.label_leagues([row.card for _name, res in [("", result), *(comparison or [])] for row in res.rows])
        book = Workbook()
        sheet = book.active
        sheet.title = "payments"
        sheet.append([_("BIN"), _("Organisation"), _("Region"), _("League"), _("Director"), _("Scorecard version"),
                      _("Scorecard status"), _("Attainment"), _("Eligible"), _("Reason"), _("Base share, tenge"),
                      _("After cap and redistribution, tenge"), _("Cap reached"), _("Redistribution, tenge"),
                      _("Rounding, tenge"), _("Payment, tenge"), _("Explanation")])
        for line in payment_rows(result):
            sheet.append(line)
        summary = book.create_sheet("summary")
        summary.append([_("Item"), _("Value")])
        p = result.params
        for label, value in _summary_items(result):
            summary.append([label, value])
        if comparison:
            compare = book.create_sheet("comparison")
            compare.append([_("BIN"), _("Organisation"), _("League"), _("Attainment"),
                            *[name for name, _r in comparison]])
            amounts = [{r.card.organization_id: r.payment.amount for r in res.rows} for _n, res in comparison]
            base = comparison[0][1]
            for row in base.rows:
                org = row.card.organization
                compare.append([org.bin, org.name, _league(row.card),
                                None if row.payment.attainment is None else round(row.payment.attainment, 4),
                                *[a.get(org.pk, 0) for a in amounts]])
            compare.append([_("Total"), "", "", "", *[res.total for _n, res in comparison]])
            compare.append([_("Pool"), "", "", "", *[res.params.pool for _n, res in comparison]])
        title = _("KPI incentive payments")
        book.properties.title = f"{title} {p.year}"
        book.properties.language = language
        return _finish(book)


def _summary_items(result: AllocationResult) -> list[tuple[str, object]]:
    p = result.params
    items: list[tuple[str, object]] = [
        (_("Year"), p.year), (_("Pool, tenge"), p.pool),
        (_("Attainment threshold"), p.threshold), (_("Cap per organisation, tenge"), p.cap if p.cap is not None
                                                   else _("no cap")),
        (_("Scorecards counted"), _("latest version, signed off or not") if p.include_unsigned
         else _("latest signed-off version")),
    ]
    names = {row.card.league: _league(row.card) for row in result.rows}
    for group in result.allocation.groups:
        if group.group:
            items.append((_("Pool of league %(league)s, tenge") % {"league": names.get(group.group, group.group)},
                          group.pool))
    items += [
        (_("Paid in total, tenge"), result.total), (_("Unspent, tenge"), result.allocation.unspent),
        (_("Organisations"), len(result.rows)), (_("Organisations paid"), result.paid_count),
        (_("Capped organisations"), sum(g.capped for g in result.allocation.groups)),
        (_("Rule"), _("Nothing below the threshold; shares in proportion to attainment; nobody above the cap, what "
                      "the cap leaves is shared among the others in proportion to attainment, in rounds; whole "
                      "tenge by the largest remainder, so the payments never exceed the pool.")),
    ]
    return items
