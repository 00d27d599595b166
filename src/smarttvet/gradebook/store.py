"""The analytic store of marks and attendance: Parquet files partitioned by school year and region.

Layout (``settings.GRADEBOOK_STORE``, by default ``$SMARTTVET_DATA_DIR/gradebook``)::

    marks/year=2025/region=61/data.parquet
    attendance/year=2025/region=61/data.parquet

Each partition is one folder whose files hold the contract's columns without ``year`` and ``region`` (the
folder names carry them, Hive-style, which DuckDB and Spark both read). A partition is replaced as a whole
and atomically: the new folder is written beside it under a hidden name, then swapped in with two renames;
``recover()`` finishes or rolls back a swap that a crash interrupted. Readers never see a half-written
partition: they glob ``year=*/region=*/*.parquet``, which never matches the hidden folders.

With the ``postgres`` backend the same rows live in the tables ``gradebook_marks`` and
``gradebook_attendance`` of the platform's database instead (see ``database_store``).
"""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

from smarttvet.gradebook import contract

_PARTITION = re.compile(r"^year=(\d{4})$")


def root() -> Path:
    return Path(settings.GRADEBOOK_STORE)


def dataset_dir(dataset: str) -> Path:
    if dataset not in contract.DATASETS:
        raise ValueError(f"unknown dataset {dataset!r}: use marks or attendance")
    return root() / dataset


def partition_dir(dataset: str, year: int, region: str) -> Path:
    return dataset_dir(dataset) / f"year={int(year)}" / f"region={region}"


def glob(dataset: str) -> str:
    """The pattern of every stored file of ``dataset`` (for read_parquet with Hive partitioning)."""
    return str(dataset_dir(dataset) / "year=*" / "region=*" / "*.parquet")


def has_data(dataset: str) -> bool:
    return any(dataset_dir(dataset).glob("year=*/region=*/*.parquet"))


def years(dataset: str = "marks") -> list[int]:
    """The school years that hold data, ascending."""
    base = dataset_dir(dataset)
    if not base.exists():
        return []
    found = []
    for child in base.iterdir():
        match = _PARTITION.match(child.name)
        if match and any(child.glob("region=*/*.parquet")):
            found.append(int(match.group(1)))
    return sorted(found)


def partitions(dataset: str, year: int | None = None) -> Iterator[tuple[int, str, Path]]:
    """(year, region, folder) of each stored partition."""
    for folder in sorted(dataset_dir(dataset).glob("year=*/region=*")):
        y = int(folder.parent.name.split("=", 1)[1])
        if (year is None or y == year) and any(folder.glob("*.parquet")):
            yield y, folder.name.split("=", 1)[1], folder


def staging_dir(dataset: str, year: int, region: str) -> Path:
    """A fresh hidden folder beside the partition, to write its new content into before ``swap_in``."""
    target = partition_dir(dataset, year, region)
    staging = target.parent / f".{target.name}.new-{uuid.uuid4().hex[:12]}"
    staging.mkdir(parents=True)
    return staging


def swap_in(staging: Path, dataset: str, year: int, region: str) -> None:
    """Make ``staging`` the partition's content, atomically for readers (two renames)."""
    target = partition_dir(dataset, year, region)
    old = target.parent / f".{target.name}.old-{uuid.uuid4().hex[:12]}"
    if target.exists():
        target.rename(old)
    staging.rename(target)
    if old.exists():
        shutil.rmtree(old)


def recover() -> list[str]:
    """Finish what an interrupted write left: restore a partition whose swap stopped halfway, drop staging.

    Returns a description of each repair (empty when the store was clean).
    """
    repairs: list[str] = []
    base = root()
    if not base.exists():
        return repairs
    for hidden in sorted(base.glob("*/year=*/.region=*")):
        name = hidden.name[1:].split(".", 1)[0]  # region=PP
        target = hidden.parent / name
        if ".old-" in hidden.name and not target.exists():
            hidden.rename(target)
            repairs.append(f"restored {target}")
        else:
            shutil.rmtree(hidden)
            repairs.append(f"removed {hidden}")
    return repairs


def clear(dataset: str | None = None) -> None:
    """Delete the stored files of one dataset, or of all (the demo generator's fresh start)."""
    for name in [dataset] if dataset else list(contract.DATASETS):
        shutil.rmtree(dataset_dir(name), ignore_errors=True)
