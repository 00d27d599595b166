"""What the domain generators share while one dataset is built: the scale, the seed and the tables so far.

Each domain module reads what earlier ones left here (NumPy columns, in generation order, with the
database ids filled in after insertion) and adds its own. Random streams are per stage
(``ctx.rng("students")``), so a later stage added by future work never changes earlier data.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
from django.db import connection

from smarttvet.core.progress import progress_bar
from smarttvet.demo.generator.scales import Scale

BATCH = 5_000
FIRST_COHORT = 2019
CURRENT_YEAR = 2025  # the 2025-26 academic year: students who are studying carry status_year 2025
YEARS = np.arange(FIRST_COHORT, CURRENT_YEAR + 1)
STATE_ORDER_YEARS = (2022, 2023, 2024, 2025)
# The dataset is a snapshot of this day: outcomes observed later (12 months after June 2025) do not exist yet.
AS_OF = dt.date(2026, 1, 31)


@dataclass
class RegionInfo:
    pk: int
    prefix: str
    kind: str
    population: float
    name_kk: str
    name_ru: str
    name_en: str

    @property
    def is_city(self) -> bool:
        return self.kind == "city"


@dataclass
class Colleges:
    """TVET organisations (colleges, higher colleges, branches), one entry per organisation."""

    bins: list[str]
    region: np.ndarray  # index into ctx.regions
    public: np.ndarray
    branch: np.ndarray
    higher: np.ndarray
    rural: np.ndarray
    profile: list[str]
    languages: list[str]
    quality: np.ndarray  # (n, len(YEARS)); never stored in the database
    studying_target: np.ndarray
    state_share: np.ndarray
    target_share: np.ndarray
    dual_share: np.ndarray
    evening_share: np.ndarray
    expulsion_rate: np.ndarray
    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    partners: list[np.ndarray] = field(default_factory=list)  # enterprise indices
    sponsors: list[np.ndarray] = field(default_factory=list)  # enterprise indices (target orders)

    @property
    def n(self) -> int:
        return len(self.bins)

    def quality_in(self, years: np.ndarray | int) -> np.ndarray:
        return self.quality[:, np.clip(np.asarray(years) - FIRST_COHORT, 0, len(YEARS) - 1)]


@dataclass
class Enterprises:
    bins: list[str]
    region: np.ndarray
    sector: np.ndarray  # OKED section letters
    employees: np.ndarray
    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def n(self) -> int:
        return len(self.bins)


@dataclass
class Offers:
    college: np.ndarray  # index into ctx.colleges
    specialty_id: np.ndarray
    qualification_id: np.ndarray
    level: np.ndarray  # "W", "S", "AB"
    field_code: np.ndarray  # the 4-digit ISCED-F field (the specialty code's first 4 digits)
    language: np.ndarray
    form: np.ndarray
    capacity: np.ndarray
    # admissions by cohort year (columns follow YEARS) and funding
    admitted_state: np.ndarray
    admitted_target: np.ndarray
    admitted_paid: np.ndarray
    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def n(self) -> int:
        return len(self.college)


@dataclass
class Context:
    scale: Scale
    seed: int
    progress: bool
    regions: list[RegionInfo]
    per_region: dict[str, dict[str, int]]
    totals: dict[str, int]
    counts: dict[str, int] = field(default_factory=dict)
    used_bins: set[str] = field(default_factory=set)
    used_iins: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    colleges: Colleges | None = None
    enterprises: Enterprises | None = None
    offers: Offers | None = None
    extra: dict[str, object] = field(default_factory=dict)  # for later domains

    def rng(self, stage: str) -> np.random.Generator:
        """An independent, reproducible random stream for one stage."""
        return np.random.default_rng([self.seed, zlib.crc32(stage.encode())])

    def region_index(self, prefix: str) -> int | None:
        for i, region in enumerate(self.regions):
            if region.prefix == prefix:
                return i
        return None


def insert(
    ctx: Context, model, total: int, make: Callable[[int, int], list], label: str, *, batch: int = BATCH
) -> np.ndarray:
    """Insert ``total`` rows of ``model`` in batches; ``make(start, stop)`` builds the objects of a batch.

    Returns the new primary keys in order. Draws a progress bar when the context asks for one.
    """
    ids = np.zeros(total, dtype=np.int64)
    returns_ids = connection.features.can_return_rows_from_bulk_insert
    with progress_bar(label, total, enabled=ctx.progress) as advance:
        for start in range(0, total, batch):
            stop = min(start + batch, total)
            objects = make(start, stop)
            created = model.objects.bulk_create(objects, batch_size=batch)
            if returns_ids:
                ids[start:stop] = [o.pk for o in created]
            advance(stop - start)
    if total and not returns_ids:  # pragma: no cover - every supported backend returns ids
        ids[:] = list(model.objects.order_by("-pk").values_list("pk", flat=True)[:total])[::-1]
    return ids


def batches(total: int, batch: int = BATCH) -> Iterator[tuple[int, int]]:
    for start in range(0, total, batch):
        yield start, min(start + batch, total)


def wipe_table(model) -> None:
    """Delete every row of a (large) table in one statement, with no per-row work.

    Only for tables nothing else points to once the earlier ``clear()`` steps ran; foreign keys are
    checked at commit, so a forgotten dependant fails the transaction instead of leaving orphans.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
