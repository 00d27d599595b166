"""``smarttvet demo gradebook``: synthetic marks and attendance for the demo's schools and colleges.

Not one of the generator's ``DOMAINS``: the gradebook lives in the analytic store (Parquet files), not in the
database, and is large, so it is generated on demand, after the demo dataset, by this stage alone. The
organisations come from the database (schools, colleges and higher colleges, which count as colleges), and
their latent quality is :func:`~smarttvet.demo.generator.latent.organization_quality` under the *demo
dataset's* seed, so a college that is good in the registry, the graduates' outcomes and the rating is good in
its marks too. The gradebook's own ``seed`` only drives the marks' noise, sizes and timetables
(:mod:`smarttvet.gradebook.synthetic`).

The store is cleared first; each partition is written beside its place and swapped in atomically
(``store.staging_dir`` / ``store.swap_in``), or, with the ``postgres`` gradebook backend, into the database's
gradebook tables (``database_store``). Then every year's learning measures are computed
(``gradebook.services.analyse``) so that the pages and ``smarttvet gradebook lowest`` have them.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
from django.conf import settings

from smarttvet.core.progress import progress_bar
from smarttvet.demo.generator.context import AS_OF
from smarttvet.demo.generator.latent import organization_qualities
from smarttvet.demo.models import DemoDataset
from smarttvet.gradebook import contract, database_store, store, synthetic
from smarttvet.registry.models import Organization

DEFAULT_ROWS = 2_000_000
DEFAULT_SEED = 2025
DEFAULT_YEARS = (2023, 2024, 2025)
FIRST_YEAR = synthetic.COHORT_BASE + synthetic.GRADES  # the first year the generator can make
LAST_YEAR = contract.school_year(AS_OF)  # the demo is a snapshot of AS_OF: this year is only partly over
KINDS = {
    Organization.Kind.SCHOOL: "school",
    Organization.Kind.COLLEGE: "college",
    Organization.Kind.HIGHER_COLLEGE: "college",
}


class NoDemoError(RuntimeError):
    """There is no demo dataset (or it has no schools or colleges) to generate marks for."""


@dataclass
class Result:
    organizations: int
    marks: int
    attendance: int
    partitions: int
    seconds: float
    analysed: dict[int, dict] = field(default_factory=dict)
    analyse_seconds: dict[int, float] = field(default_factory=dict)


def parse_years(text: str | Iterable[int]) -> list[int]:
    """``"2023,2024,2025"`` -> [2023, 2024, 2025]; ValueError naming the bad value."""
    items = [s.strip() for s in text.split(",")] if isinstance(text, str) else [str(y) for y in text]
    years: list[int] = []
    for item in items:
        if not item.isdigit() or len(item) != 4:
            raise ValueError(f"{item!r} is not a school year (four digits, e.g. 2025 for 2024-2025)")
        year = int(item)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(f"{year} is outside the years the demo can have ({FIRST_YEAR}-{LAST_YEAR})")
        if year not in years:
            years.append(year)
    if not years:
        raise ValueError("no school year given")
    return sorted(years)


def demo_dataset() -> DemoDataset:
    dataset = DemoDataset.objects.order_by("-generated_at").first()
    if dataset is None:
        raise NoDemoError("there is no demo dataset: run `smarttvet demo` first, then `smarttvet demo gradebook`")
    return dataset


def organizations(demo_seed: int, years: Iterable[int]) -> synthetic.Organizations:
    """The schools and colleges of the database with their region, settlement and latent quality per year."""
    rows = list(Organization.objects.filter(kind__in=list(KINDS)).order_by("bin")
                .values_list("bin", "region__kato", "kind", "settlement"))
    bins = [r[0] for r in rows]
    return synthetic.Organizations.build(
        bins=bins, regions=[r[1][:2] for r in rows], kinds=[KINDS[r[2]] for r in rows],
        rural=[r[3] == Organization.Settlement.RURAL for r in rows],
        quality={y: organization_qualities(demo_seed, bins, y) for y in years},
    )


def _write(part: synthetic.Partition) -> None:
    staging = store.staging_dir(part.dataset, part.year, part.region)
    try:
        synthetic.write_parquet(part.table, staging / "data.parquet")
        store.swap_in(staging, part.dataset, part.year, part.region)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _write_database(part: synthetic.Partition) -> None:
    n = part.table.num_rows
    table = part.table.append_column("year", pa.array(np.full(n, part.year, dtype=np.int16)))
    table = table.append_column("region", pa.array([part.region] * n, pa.string()))
    database_store.write(part.dataset, table)


def generate(*, rows: int = DEFAULT_ROWS, seed: int = DEFAULT_SEED, years: Iterable[int] = DEFAULT_YEARS,
             progress: bool = True, analyse: bool = True) -> Result:
    """Replace the store's marks and attendance with synthetic ones for the demo's organisations.

    Raises NoDemoError when there is no demo dataset, ValueError for bad rows, seed or years.
    """
    years = parse_years(list(years))
    if rows <= 0:
        raise ValueError(f"rows must be a positive integer, got {rows}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    dataset = demo_dataset()
    orgs = organizations(dataset.seed, years)
    if orgs.n == 0:
        raise NoDemoError("the demo dataset has no schools or colleges: regenerate it with `smarttvet demo --force`")
    plan = synthetic.Synthetic(orgs, rows=rows, years=years, seed=seed, as_of=AS_OF)
    started = time.perf_counter()
    in_database = settings.GRADEBOOK_BACKEND == "postgres"
    store.recover()
    store.clear()
    if in_database:
        database_store.clear()
    total = plan.expected_rows("marks") + plan.expected_rows("attendance")
    partitions = [0]

    def write(part: synthetic.Partition) -> None:
        (_write_database if in_database else _write)(part)
        partitions[0] += 1

    with progress_bar("Gradebook marks and attendance", total, enabled=progress) as advance:
        # Files are written in a background thread while the next partition is generated; the database
        # is written from this thread (Django's connection, and its transaction, belong to it).
        counts = synthetic.stream(plan.partitions(), write, advance=advance, background=not in_database)
    result = Result(organizations=orgs.n, marks=counts["marks"], attendance=counts["attendance"],
                    partitions=partitions[0], seconds=time.perf_counter() - started)
    if analyse:
        from smarttvet.gradebook import services

        for year in years:
            began = time.perf_counter()
            result.analysed[year] = services.analyse(year, progress=progress, actor="demo generator")
            result.analyse_seconds[year] = time.perf_counter() - began
    return result


def clear() -> None:
    """Delete what the gradebook demo made: support plans (of organisations), monitoring lists, measures, marks.

    Plans without an organisation (national and regional roadmaps) are not demo data and stay.
    """
    from smarttvet.gradebook.models import LearningMeasure, MonitoringList
    from smarttvet.plans.models import Plan, PlanMentor

    PlanMentor.objects.all().delete()  # mentors are demo organisations, whatever plan names them
    Plan.objects.filter(organization__isnull=False).delete()
    Plan.objects.filter(monitoring_entry__isnull=False).delete()
    MonitoringList.objects.all().delete()
    LearningMeasure.objects.all().delete()
    store.clear()
    database_store.clear()
