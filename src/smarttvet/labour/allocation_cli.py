"""``smarttvet labour allocate --region CODE --year YYYY --places N --out FILE.xlsx
[--min-per-specialty N] [--max-per-specialty N]``

The ``labour`` command hands ``allocate`` to :func:`run_allocate` with the options as typed (strings).
It allocates the region's state-funded places for the admission year (see ``allocation.py`` for the
model), stores the allocation as a scenario, writes the XLSX export and prints one line per specialty:
demand, places last year, places now, the change and the unmet demand.

Exit code 2 (``CommandError(returncode=2)``), with nothing stored and no file written, when an argument is
bad (the message names it), when the demand is unavailable, or when the constraints cannot hold together
(the message names every conflicting constraint). The XLSX goes to a temporary file beside ``--out``,
renamed when complete; the allocation is stored in the same transaction, so a failed write stores nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction

from smarttvet.labour import allocation_service as service
from smarttvet.labour.allocation import AllocationInfeasible

USAGE_ERROR = 2
OPTION = {"region": "--region", "year": "--year", "places": "--places", "out": "--out",
          "min_per_specialty": "--min-per-specialty", "max_per_specialty": "--max-per-specialty"}


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=USAGE_ERROR)


def _text(options: dict[str, Any], name: str) -> str:
    value = options.get(name)
    return "" if value is None else str(value).strip()


def _check(options: dict[str, Any]):
    """(region, year, places, out, minimum, maximum), or CommandError naming every bad argument."""
    from smarttvet.registry.selectors import region_by_code

    problems: list[str] = []
    code = _text(options, "region")
    region = region_by_code(code) if code else None
    if not code:
        problems.append("--region: required (KATO code, its 2-digit prefix or ISO code such as KZ-61)")
    elif region is None:
        problems.append(f"--region: no region {code!r} (use a KATO code, its 2-digit prefix or an ISO code "
                        "such as KZ-61)")
    numbers = None
    for name in ("year", "places"):
        if not _text(options, name):
            problems.append(f"{OPTION[name]}: required")
    try:
        numbers = service.check_arguments(
            year=_text(options, "year"), places=_text(options, "places"),
            min_per_specialty=_text(options, "min_per_specialty"),
            max_per_specialty=_text(options, "max_per_specialty"))
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            if _text(options, field) or field not in ("year", "places"):
                problems.append(f"{OPTION.get(field, field)}: {'; '.join(messages)}")
    raw_out = _text(options, "out")
    out = Path(raw_out) if raw_out else None
    if out is None:
        problems.append("--out: required (a file name ending in .xlsx)")
    elif out.suffix.lower() != ".xlsx":
        problems.append(f"--out: {raw_out!r} must end with .xlsx")
    elif not (out.parent if str(out.parent) else Path(".")).is_dir():
        problems.append(f"--out: the folder {str(out.parent)!r} does not exist")
    elif out.is_dir():
        problems.append(f"--out: {raw_out!r} is a folder")
    if problems:
        raise _fail("\n".join(problems))
    year, places, minimum, maximum = numbers
    return region, year, places, out, minimum, maximum


def run_allocate(options: dict[str, Any], stdout) -> None:
    """Allocate, store, export and print the summary; CommandError(returncode=2) on bad input."""
    region, year, places, out, minimum, maximum = _check(options)
    try:
        with transaction.atomic():
            allocation = service.allocation_create(
                actor="command line", region=region, year=year, places=places, min_per_specialty=minimum,
                max_per_specialty=maximum)
            service.write_xlsx(allocation, out)
    except AllocationInfeasible as error:
        lines = "\n".join(f"  - {conflict}" for conflict in error.conflicts)
        raise _fail(f"no allocation of {places:,} places in {region.name_en} for {year} meets every constraint; "
                    f"the conflicting constraints:\n{lines}") from None
    except service.DemandUnavailable as error:
        raise _fail(f"no demand figures for {region.name_en}: {error}") from None
    except ValidationError as error:
        raise _fail("\n".join(f"{OPTION.get(f, f)}: {'; '.join(m)}" for f, m in error.message_dict.items())
                    ) from None
    except OSError as error:
        raise _fail(f"--out: cannot write {out}: {error.strerror or error}") from None
    _print_summary(allocation, out, stdout)


def _cell(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _change(value: int) -> str:
    return f"{value:+,d}" if value else "0"


def format_table(rows: list[service.SpecialtyRow]) -> list[str]:
    """The per-specialty summary as fixed-width lines (header, rows, total)."""
    header = ["specialty", "demand", "last year", "now", "change", "unmet"]
    body = [[r.code, _cell(r.demand), _cell(r.previous), _cell(r.places), _change(r.change), _cell(r.unmet)]
            for r in rows]
    sums = service.totals(rows)
    body.append(["total", _cell(sums["demand"]), _cell(sums["previous"]), _cell(sums["places"]),
                 _change(int(sums["change"])), _cell(sums["unmet"])])
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]

    def fmt(line: list[str]) -> str:
        return "  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(line))

    return [fmt(header), *(fmt(line) for line in body)]


def _print_summary(allocation, out: Path, stdout) -> None:
    rows = service.specialty_rows(allocation)
    p = allocation.parameters
    last = p.get("previous_year")

    def say(line: str) -> None:  # a Django OutputWrapper or a plain text stream
        stdout.write(line if line.endswith("\n") else f"{line}\n")

    say(f"Allocation #{allocation.pk}: {allocation.places:,} state-order places in "
                 f"{allocation.region.name_en} for {allocation.year} (scenario); "
                 f"places last year from {last if last else 'no earlier state order'}.")
    say(f"Weighted unmet demand {allocation.unmet_demand:,.1f}; unmet demand "
                 f"{p.get('total_unmet', 0):,.0f} people; moved from last year "
                 f"{p.get('deviation_from_previous', 0):,} places.")
    for line in format_table(rows):
        say(line)
    say(f"Written to {out}")
