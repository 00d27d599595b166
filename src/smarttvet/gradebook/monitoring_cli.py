"""``smarttvet gradebook lowest``: rank the year's lowest performers, print them and save the monitoring list.

Every argument is checked first; a bad one exits with code 2 and a message naming it, and nothing is
computed, saved or written. Then the year's measures are made sure of (``services.ensure_analysed``),
the organisations ranked (``monitoring.rank_lowest``), the list saved (``monitoring.save_monitoring_list``,
exit 1 if support plans were made from the saved list and ``--force`` is not given) and the output written:
a table or CSV on standard output, or the file of ``--out`` (written beside it under a hidden name and
renamed into place, so that a reader never sees half a file). A summary follows (on standard error when
the CSV goes to standard output): candidates, flagged, how many of the flagged the naive ranking of raw
means would not flag, and the list saved.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from django.core.management.base import CommandError
from django.utils import timezone

from smarttvet.gradebook import contract

MAX_N = 100_000
FORMATS = ("table", "csv")
CSV_COLUMNS = (
    "organization", "region", "raw_measure", "adjusted_measure", "interval_low", "interval_high", "rank",
    "name", "kind", "students", "naive_rank", "weakest_subjects", "weakest_groups", "change", "trend",
)
ACTOR = "command line"


def _year(value) -> tuple[int | None, str | None]:
    text = str(value or "").strip()
    last = timezone.localdate().year + 1
    if not re.fullmatch(r"\d{4}", text):
        return None, f"--year: {value!r} is not a school year (four digits, such as 2025 for 2024-2025)"
    year = int(text)
    if not contract.FIRST_YEAR <= year <= last:
        return None, f"--year: {year} is outside {contract.FIRST_YEAR}-{last}"
    return year, None


def _n(value) -> tuple[int | None, str | None]:
    text = str(value if value is not None else "").strip()
    if not re.fullmatch(r"\+?\d+", text):
        return None, f"--n: {value!r} is not a positive whole number"
    n = int(text)
    if not 1 <= n <= MAX_N:
        return None, f"--n: {n} is outside 1-{MAX_N}"
    return n, None


def _region(value):
    from smarttvet.registry.models import Region

    text = str(value or "").strip()
    if not text:
        return None, None
    if re.fullmatch(r"\d{2}", text):
        kato = f"{text}0000000"
    elif re.fullmatch(r"\d{9}", text):
        kato = text
    else:
        return None, (f"--region: {value!r} is not a region code (the first two digits of its KATO code, "
                      "such as 61, or its 9-digit KATO code, such as 610000000)")
    region = Region.objects.filter(kato=kato).first()
    if region is None:
        return None, f"--region: there is no region with the code {text}"
    return region, None


def _out(value) -> tuple[Path | None, str | None]:
    text = str(value or "").strip()
    if not text:
        return None, None
    path = Path(text).expanduser()
    if path.is_dir():
        return None, f"--out: {text} is a folder, not a file"
    folder = path.parent
    if not folder.is_dir():
        return None, f"--out: the folder {folder} does not exist"
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return None, f"--out: {text} cannot be written"
    return path, None


def check_arguments(options: dict) -> dict:
    """The checked arguments, or CommandError (exit 2) naming every bad one."""
    errors = []
    year, error = _year(options.get("year"))
    errors.append(error)
    n, error = _n(options.get("n", "100"))
    errors.append(error)
    region, error = _region(options.get("region"))
    errors.append(error)
    kind = str(options.get("kind") or "").strip().lower()
    if kind not in ("", "school", "college"):
        errors.append(f"--kind: {options.get('kind')!r} is not school or college")
    output_format = str(options.get("format") or "table").strip().lower()
    if output_format not in FORMATS:
        errors.append(f"--format: {options.get('format')!r} is not table or csv")
    out, error = _out(options.get("out"))
    errors.append(error)
    errors = [e for e in errors if e]
    if errors:
        raise CommandError("\n".join(errors), returncode=2)
    return {"year": year, "n": n, "region": region, "kind": kind, "format": output_format, "out": out,
            "force": bool(options.get("force"))}


# ------------------------------------------------------------------------------------------------ output
def _measure(value) -> str:
    return "" if value is None else f"{value:.4f}"


def _parts(items: list[dict], label: str) -> str:
    def value(item):
        return item["composite"] if item["composite"] is not None else item["mean_mark"]

    return "; ".join(f"{item[label]} {_measure(value(item))} (n={item['students']})" for item in items)


def _trend(flagged) -> str:
    return "; ".join(f"{t['year']} {_measure(t['composite'])}" for t in flagged.trend)


def _change(flagged) -> str:
    return "" if flagged.change is None else f"{flagged.change:+.4f}"


def csv_text(result) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for f in result.flagged:
        writer.writerow([
            f.bin, f.region, _measure(f.raw_measure), _measure(f.adjusted_measure), _measure(f.interval_low),
            _measure(f.interval_high), f.rank, f.name, f.kind, f.students, f.naive_rank,
            _parts(f.weakest_subjects, "subject"), _parts(f.weakest_groups, "group"), _change(f), _trend(f),
        ])
    return buffer.getvalue()


def table_text(result, *, width: int | None = None) -> str:
    from rich.console import Console
    from rich.table import Table

    level = round(result.level * 100)
    scope = f"region {result.region.prefix}" if result.region is not None else "all regions"
    kind = {"school": "schools", "college": "colleges"}.get(result.kind, "schools and colleges")
    table = Table(title=f"Lowest performers {result.year} ({scope}, {kind})", show_lines=False)
    for header, justify in (("Rank", "right"), ("BIN", "left"), ("Name", "left"), ("Region", "left"),
                            ("Kind", "left"), ("Students", "right"), ("Raw", "right"), ("Adjusted", "right"),
                            (f"{level}% interval", "right"), ("Naive rank", "right"), ("Weakest subjects", "left"),
                            ("Weakest classes", "left"), ("Change", "right")):
        table.add_column(header, justify=justify)
    for f in result.flagged:
        table.add_row(
            str(f.rank), f.bin, f.name, f.region, f.kind, str(f.students), _measure(f.raw_measure),
            _measure(f.adjusted_measure), f"{_measure(f.interval_low)}-{_measure(f.interval_high)}",
            str(f.naive_rank), _parts(f.weakest_subjects, "subject"), _parts(f.weakest_groups, "group"), _change(f),
        )
    buffer = io.StringIO()
    if width is None:
        width = max(shutil.get_terminal_size((200, 24)).columns, 160)
    Console(file=buffer, width=width, color_system=None, force_terminal=False, soft_wrap=False).print(table)
    return buffer.getvalue()


def summary_lines(result, saved, replaced: bool) -> list[str]:
    scope = f"region {result.region.prefix}" if result.region is not None else "all regions"
    kind = {"school": "schools", "college": "colleges"}.get(result.kind, "schools and colleges")
    return [
        f"Candidates: {result.candidates} organisations ranked ({result.year}, {scope}, {kind}).",
        f"Flagged: {result.size} with the lowest composite learning measure after empirical-Bayes shrinkage "
        f"toward the region's mean.",
        f"Naive ranking: {result.naive_differences} of the {result.size} flagged would not be flagged by the "
        "naive ranking of raw means.",
        f"Saved as the monitoring list of {result.year} ({scope}, {kind}), #{saved.pk}"
        + ("; it replaced the previous list." if replaced else "."),
    ]


def _temporary(path: Path, text: str) -> Path:
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", dir=path.parent,
                                         prefix=f".{path.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            handle.write(text)
        os.chmod(handle.name, 0o644)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return Path(handle.name)


# ------------------------------------------------------------------------------------------------ command
def run_lowest(options: dict, stdout) -> None:
    """The ``lowest`` subcommand (see the module's documentation)."""
    from smarttvet.gradebook import monitoring, services
    from smarttvet.gradebook.models import MonitoringList

    args = check_arguments(options)
    try:
        services.ensure_analysed(args["year"])
    except ValueError as error:
        raise CommandError(f"--year: {error}", returncode=2) from None
    result = monitoring.rank_lowest(args["year"], n=args["n"], region=args["region"], kind=args["kind"] or None)
    if not result.candidates:
        raise CommandError(
            f"--year/--region/--kind: no organisation has a composite learning measure in {args['year']}"
            + (f", region {args['region'].prefix}" if args["region"] is not None else "")
            + (f", kind {args['kind']}" if args["kind"] else "") + "; nothing is saved.",
            returncode=2,
        )
    text = csv_text(result) if args["format"] == "csv" else table_text(result)
    temporary = _temporary(args["out"], text) if args["out"] is not None else None
    try:
        replaced = MonitoringList.objects.filter(year=result.year, region=result.region, kind=result.kind).exists()
        try:
            saved = monitoring.save_monitoring_list(result, ACTOR, force=args["force"])
        except monitoring.MonitoringListInUse as error:
            raise CommandError(str(error), returncode=1) from None
        if temporary is not None:
            os.replace(temporary, args["out"])
            temporary = None
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
    summary = summary_lines(result, saved, replaced)
    if args["out"] is None:
        stdout.write(text, ending="")
    if args["out"] is None and args["format"] == "csv":
        sys.stderr.write("\n".join(summary) + "\n")
    else:
        if args["out"] is not None:
            summary.append(f"Written to {args['out']}.")
        stdout.write("\n".join(summary))
