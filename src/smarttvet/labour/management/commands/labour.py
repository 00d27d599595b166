"""smarttvet labour gap|recommend|backtest|allocate

``smarttvet labour gap --region CODE [--horizon 3] [--format table|csv] [--out FILE] [--language en]``
    One row per specialty of the region (with demand, expected graduates or a provider there): the people
    employers will need over the next ``horizon`` years (1-5) against the graduates expected, the gap and
    the ratio, and the employment rate at 12 months beside it. CSV columns, in this order (stable; new
    columns are added at the end only): ``specialty_code, specialty_name, demand, supply, gap, ratio,
    employment_rate_12m, employment_n, providers, declared, from_vacancies`` — people over the horizon
    (one decimal), ``ratio`` = supply / demand (empty without demand), the employment rate in % (empty
    under 5 graduates observed).

``smarttvet labour recommend --region CODE [--horizon 3] [--format table|csv] [--out FILE] [--language en]``
    Open, expand, keep or reduce for each specialty, with the figures and the reason
    (``smarttvet.labour.recommend``).

``smarttvet labour backtest [--region CODE] [--origins 3]``
    The demand forecast's backtest: WAPE and MAPE of the annual postings forecast against the naive
    "same as last year", per region × specialty and per region total.

``smarttvet labour allocate --region CODE --year YYYY --places N --out FILE.xlsx [--min-per-specialty N]
[--max-per-specialty N]``
    The state-order allocation: the options, as typed, go to ``smarttvet.labour.allocation_cli.run_allocate``,
    which checks them.

``CODE`` is a region's 2-digit KATO prefix (``61``) or its 9-digit KATO code (``610000000``). Bad arguments
exit with code 2 and a message naming the argument, and write nothing.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from django.core.management.base import BaseCommand, CommandError

SUBCOMMANDS = ("gap", "recommend", "backtest", "allocate")
FORMATS = ("table", "csv")
LANGUAGES = ("kk", "ru", "en")


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def parse_region(code: str | None, argument: str = "--region"):
    """The Region of a 2-digit KATO prefix or a 9-digit KATO code (or an ISO code such as KZ-61, as the rest
    of the platform takes); a CommandError (exit 2) otherwise."""
    from smarttvet.registry.selectors import region_by_code

    code = (code or "").strip()
    if not re.fullmatch(r"\d{2}|\d{9}|KZ-\d{2}", code, flags=re.IGNORECASE):
        raise _fail(f"{argument}: a region is a 2-digit KATO prefix or a 9-digit KATO code, not {code!r}")
    region = region_by_code(code)
    if region is None:
        raise _fail(f"{argument}: no region with KATO code {code!r}")
    return region


def parse_int(value: str | None, argument: str, low: int, high: int | None = None) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise _fail(f"{argument}: expected a whole number, not {value!r}") from None
    if number < low or (high is not None and number > high):
        bounds = f"{low} to {high}" if high is not None else f"at least {low}"
        raise _fail(f"{argument}: must be {bounds}, not {number}")
    return number


def parse_choice(value: str, argument: str, choices) -> str:
    if value not in choices:
        raise _fail(f"{argument}: choose one of {', '.join(choices)}, not {value!r}")
    return value


def parse_out(value: str | None, argument: str = "--out") -> Path | None:
    if value is None:
        return None
    path = Path(value)
    if path.is_dir():
        raise _fail(f"{argument}: {value!r} is a directory")
    if not path.parent.is_dir():
        raise _fail(f"{argument}: the directory of {value!r} does not exist")
    return path


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` beside ``path`` and rename it into place: a failure leaves no partial file."""
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", dir=path.parent,
                                         prefix=f".{path.name}.", delete=False)
    try:
        with handle:
            handle.write(text)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _cell(value, decimals: int) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)) or (
            not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, (float, np.floating)):
        return f"{value:.{decimals}f}"
    return str(value)


DECIMALS = {"ratio": 2, "employment_rate_12m": 1}


def to_csv(table: pd.DataFrame, columns: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in table[columns].itertuples(index=False):
        writer.writerow([_cell(value, DECIMALS.get(column, 1)) for column, value in zip(columns, row, strict=True)])
    return buffer.getvalue()


def to_text_table(table: pd.DataFrame, columns: list[str], headers: dict[str, str] | None = None,
                  wide: tuple[str, ...] = ("specialty_name", "reason")) -> str:
    headers = headers or {}
    cells = [[_cell(value, DECIMALS.get(column, 1)) for column, value in zip(columns, row, strict=True)]
             for row in table[columns].itertuples(index=False)]
    titles = [headers.get(column, column) for column in columns]
    limits = {column: 40 for column in wide if column != "reason"}
    for row in cells:
        for position, column in enumerate(columns):
            limit = limits.get(column)
            if limit and len(row[position]) > limit:
                row[position] = row[position][:limit - 1] + "…"
    widths = [max([len(title)] + [len(row[position]) for row in cells]) for position, title in enumerate(titles)]
    text_columns = {"specialty_code", "specialty_name", "recommendation", "reason", "rule"}

    def line(values):
        parts = []
        for position, value in enumerate(values):
            column = columns[position]
            parts.append(value.ljust(widths[position]) if column in text_columns else value.rjust(widths[position]))
        return "  ".join(parts).rstrip()

    return "\n".join([line(titles), line(["-" * w for w in widths]), *[line(row) for row in cells]]) + "\n"


class Command(BaseCommand):
    help = ("The labour market: 'gap' (demand against graduates per specialty), 'recommend' (open, expand, keep, "
            "reduce), 'backtest' (the demand forecast's error), 'allocate' (state-order places).")

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="{gap,recommend,backtest,allocate}")
        for name, text in (("gap", "demand against expected graduates per specialty of a region"),
                           ("recommend", "open, expand, keep or reduce each specialty of a region")):
            sub = commands.add_parser(name, help=text)
            sub.add_argument("--region", required=True, help="2-digit KATO prefix or 9-digit KATO code")
            sub.add_argument("--horizon", default="3", help="years ahead, 1-5 (default: 3)")
            sub.add_argument("--format", default="table", help="table or csv (default: table)")
            sub.add_argument("--out", help="write to this file instead of the screen")
            sub.add_argument("--language", default="en", help="language of the names: kk, ru or en (default: en)")
        backtest = commands.add_parser("backtest", help="the demand forecast's backtest error")
        backtest.add_argument("--region", help="2-digit KATO prefix or 9-digit KATO code (default: all regions)")
        backtest.add_argument("--origins", default="3", help="held-out years, rolling back (default: 3)")
        allocate = commands.add_parser("allocate", help="allocate a region's state-order places (XLSX)")
        allocate.add_argument("--region", required=True, help="2-digit KATO prefix or 9-digit KATO code")
        allocate.add_argument("--year", required=True, help="admission year, e.g. 2026")
        allocate.add_argument("--places", required=True, help="state-funded places to allocate")
        allocate.add_argument("--out", required=True, help="the XLSX file to write")
        allocate.add_argument("--min-per-specialty", dest="min_per_specialty", help="minimum places per specialty")
        allocate.add_argument("--max-per-specialty", dest="max_per_specialty", help="maximum places per specialty")

    def handle(self, *args, subcommand: str, **options):
        if subcommand in ("gap", "recommend"):
            self._report(subcommand, **options)
        elif subcommand == "backtest":
            self._backtest(**options)
        else:
            self._allocate(options)

    # ------------------------------------------------------------------------------------------ gap, recommend
    def _report(self, subcommand, *, region, horizon, format, out, language, **options):
        from smarttvet.labour import gap, recommend

        region_obj = parse_region(region)
        years = parse_int(horizon, "--horizon", 1, gap.MAX_HORIZON)
        form = parse_choice(format, "--format", FORMATS)
        language = parse_choice(language, "--language", LANGUAGES)
        path = parse_out(out)
        if subcommand == "gap":
            table = gap.gap_table(region_obj, years, language)
            columns = [*gap.GAP_TABLE_COLUMNS, "providers", "declared", "from_vacancies"]
        else:
            table = recommend.recommend(region_obj, years, language)
            columns = recommend.RECOMMENDATION_COLUMNS
        if form == "csv":
            text = to_csv(table, columns)
        else:
            shown = columns if subcommand == "gap" else [
                "specialty_code", "specialty_name", "recommendation", "demand_per_year", "supply_per_year",
                "employment_rate_12m", "employment_n", "reason"]
            title = (f"{region_obj.name_en} ({region_obj.kato}): "
                     + ("demand against expected graduates" if subcommand == "gap" else "recommendations")
                     + f", people over the next {years} year(s)"
                     + (" (per year where marked)" if subcommand == "recommend" else "") + "\n")
            text = title + (to_text_table(table, shown, {"employment_rate_12m": "empl_12m_%",
                                                        "employment_n": "empl_n"})
                            if len(table) else "No specialty with demand, graduates or a provider.\n")
        if path is None:
            self.stdout.write(text, ending="")
        else:
            write_atomically(path, text)
            self.stdout.write(f"{len(table)} specialties written to {path}")

    # ------------------------------------------------------------------------------------------ backtest
    def _backtest(self, *, region, origins, **options):
        from smarttvet.labour import demand

        region_obj = parse_region(region) if region is not None else None
        count = parse_int(origins, "--origins", 1, 10)
        table = demand.backtest_from_database(region_obj, count)
        scope = f"{region_obj.name_en} ({region_obj.kato})" if region_obj else "all regions"
        self.stdout.write(f"{scope}: fill factor {demand.FILL_FACTOR} (postings to people) does not enter the "
                          "error: postings are compared with postings.")
        self.stdout.write(demand.format_backtest(table))

    # ------------------------------------------------------------------------------------------ allocate
    def _allocate(self, options):
        # The allocation module checks its own arguments (all of them at once, each named) and exits with 2 on a
        # bad one or on conflicting constraints; it takes the options as typed.
        from smarttvet.labour.allocation_cli import run_allocate

        code = run_allocate(options, self.stdout)
        if isinstance(code, int) and code:
            raise CommandError("labour allocate failed (see the message above)", returncode=code)
