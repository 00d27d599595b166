"""The ``gradebook import`` and ``gradebook analyse`` subcommands (argument checks and printing only)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from smarttvet.gradebook import backends, contract, importer, services


def _year(raw: str, option: str = "--year") -> int:
    try:
        year = int(str(raw).strip())
    except ValueError:
        raise CommandError(f"{option}: {raw!r} is not a year", returncode=2) from None
    if not contract.FIRST_YEAR <= year <= contract.LAST_YEAR:
        raise CommandError(f"{option}: {year} is outside {contract.FIRST_YEAR}-{contract.LAST_YEAR}", returncode=2)
    return year


def run_import(options: dict, stdout) -> None:
    year = _year(options["year"]) if options.get("year") else None
    try:
        sample = int(options.get("sample") or 10)
        if sample < 0:
            raise ValueError
    except ValueError:
        raise CommandError(f"--sample: {options.get('sample')!r} is not a non-negative integer", returncode=2) from None
    progress = not options.get("no_progress")
    try:
        report = importer.run(Path(options["path"]), dataset=options.get("dataset") or "", year=year,
                              sample=sample, progress=progress)
    except importer.InputError as exc:
        raise CommandError(str(exc), returncode=2) from None
    stdout.write(f"{report.dataset}: {report.rows:,} rows in {report.files} file(s); loaded {report.loaded:,} "
                 f"({report.organizations:,} organisations, school years {', '.join(map(str, report.years)) or '-'}); "
                 f"rejected {report.rejected:,}")
    if report.by_reason:
        stdout.write("Rejected rows by reason:")
        for reason, count in report.by_reason.items():
            stdout.write(f"  {count:>10,}  {reason}")
        stdout.write("Rejected rows by organisation (most first):")
        for organization, count in report.by_organization:
            stdout.write(f"  {count:>10,}  {organization}")
        stdout.write(f"Sample of rejected rows ({len(report.sample)}):")
        for row in report.sample:
            values = ", ".join(f"{k}={row[k]}" for k in row if k not in ("file", "line", "reason"))
            stdout.write(f"  {row['file']}:{row['line']}: {row['reason']}: {values}")
    if report.loaded:
        for y in (y for y in report.years if services.has_data(y)):
            result = services.analyse(y, progress=progress)
            stdout.write(f"Measures of {y} recomputed: {result['levels']['organization']:,} organisations")
    if report.rejected and not report.loaded:
        raise CommandError("no row was valid: nothing was loaded", returncode=1)


def run_analyse(options: dict, stdout) -> None:
    year = _year(options["year"])
    backend = options.get("backend") or None
    if backend and backend not in backends.BACKENDS:
        raise CommandError(f"--backend: {backend!r} is not a backend; use {', '.join(backends.BACKENDS)}",
                           returncode=2)
    try:
        result = services.analyse(year, backend=backend, progress=not options.get("no_progress"))
    except (ValueError, RuntimeError) as exc:
        raise CommandError(str(exc), returncode=2) from None
    levels = ", ".join(f"{level} {count:,}" for level, count in result["levels"].items())
    stdout.write(f"School year {year} analysed on {result['backend']} in {result['compute_seconds']:.1f} s "
                 f"(stored in {result['store_seconds']:.1f} s): {levels}")


def run_support_plans(options: dict, stdout) -> None:
    from django.core.exceptions import ValidationError

    from smarttvet.gradebook.models import MonitoringList
    from smarttvet.gradebook.monitoring_cli import _region
    from smarttvet.plans.services import support_plans_create

    year = _year(options["year"])
    region, error = _region(options.get("region"))
    if error:
        raise CommandError(error, returncode=2)
    kind = str(options.get("kind") or "").strip().lower()
    if kind not in ("", "school", "college"):
        raise CommandError(f"--kind: {options.get('kind')!r} is not school or college", returncode=2)
    monitoring_list = MonitoringList.objects.filter(year=year, region=region, kind=kind).first()
    if monitoring_list is None:
        raise CommandError(f"--year/--region/--kind: no monitoring list of {year} is saved for this scope; "
                           "make it with 'smarttvet gradebook lowest' first", returncode=2)
    try:
        plans = support_plans_create(monitoring_list, "command line", deadline_months=options["deadline_months"])
    except ValidationError as exc:
        raise CommandError(f"--deadline-months: {' '.join(exc.messages)}", returncode=2) from None
    total = monitoring_list.entries.count()
    stdout.write(f"Support plans made: {len(plans)} (the list has {total} organisations; "
                 f"{total - len(plans)} already had one)")
