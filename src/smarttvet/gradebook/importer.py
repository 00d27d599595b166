"""``gradebook import``: validate marks or attendance set-wise in DuckDB and load the valid rows.

Every row gets the first reason it fails (``REASONS``), checked in one SQL pass over all files:
unknown organisation, an organisation outside its folder's region, missing or too long identifiers, a
date that is not a date or falls outside the school year, a scale other than 5/10/100, a mark that is not
an integer or lies outside its scale, an unknown kind, impossible attendance, and duplicates of an earlier
row with the same key (``contract.KEYS``). Bad rows are not loaded; they are counted per reason and per
organisation, and a sample is kept for the report. Valid rows replace, per (school year, organisation),
what the store held — so importing the same export twice changes nothing.

Files are checked by content before they are read: Parquet must carry the ``PAR1`` magic at both ends,
CSV must be UTF-8 text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
from django.conf import settings

from smarttvet.accounts import audit
from smarttvet.core.progress import progress_bar
from smarttvet.gradebook import contract, database_store, store
from smarttvet.registry.models import Organization

MAX_IDENTIFIER = {"student": 64, "group": 20, "subject": 20}
SNIFF_BYTES = 65_536


class InputError(ValueError):
    """The input cannot be read at all (no files, wrong content, missing columns): nothing is loaded."""


@dataclass
class ImportReport:
    dataset: str
    files: int
    rows: int = 0
    loaded: int = 0
    by_reason: dict[str, int] = field(default_factory=dict)
    by_organization: list[tuple[str, int]] = field(default_factory=list)
    sample: list[dict] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    organizations: int = 0

    @property
    def rejected(self) -> int:
        return self.rows - self.loaded


def _files(path: Path) -> list[Path]:
    if not path.exists():
        raise InputError(f"PATH: {path} does not exist")
    if path.is_file():
        files = [path]
    else:
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in (".parquet", ".csv")
                       and not any(part.startswith(".") for part in p.relative_to(path).parts))
        if not files:
            raise InputError(f"PATH: {path} holds no .parquet or .csv files")
    suffixes = {p.suffix.lower() for p in files}
    if len(suffixes) > 1:
        raise InputError(f"PATH: {path} mixes Parquet and CSV files; import them separately")
    if suffixes - {".parquet", ".csv"}:
        raise InputError(f"PATH: {path.name} is neither a .parquet nor a .csv file")
    for file in files:
        _check_content(file)
    return files


def _check_content(file: Path) -> None:
    with file.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
        if file.suffix.lower() == ".parquet":
            handle.seek(0, 2)
            size = handle.tell()
            handle.seek(max(size - 4, 0))
            tail = handle.read(4)
            if size < 12 or head[:4] != b"PAR1" or tail != b"PAR1":
                raise InputError(f"{file.name}: not a Parquet file (its content lacks the PAR1 markers)")
            return
    if b"\x00" in head:
        raise InputError(f"{file.name}: not a CSV text file (it contains binary data)")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # a multi-byte character cut at the sniff boundary is fine
            raise InputError(f"{file.name}: not UTF-8 text (byte {exc.start})") from None


def _read(con: duckdb.DuckDBPyConnection, file: Path) -> duckdb.DuckDBPyRelation:
    name = str(file).replace("'", "''")
    if file.suffix.lower() == ".parquet":
        return con.sql(f"SELECT * FROM read_parquet('{name}', hive_partitioning = true, hive_types_autocast = false)")
    return con.sql(f"SELECT * FROM read_csv('{name}', header = true, all_varchar = true, hive_partitioning = true, "
                   "hive_types_autocast = false)")


def _guess_dataset(columns: set[str], dataset: str) -> str:
    if dataset:
        if dataset not in contract.DATASETS:
            raise InputError(f"--dataset: {dataset!r} is not a dataset; use marks or attendance")
        missing = [f.name for f in contract.DATASETS[dataset] if f.name not in columns]
        if missing:
            raise InputError(f"missing columns for {dataset}: {', '.join(missing)}")
        return dataset
    for name, fields in contract.DATASETS.items():
        if all(f.name in columns for f in fields):
            return name
    closest = min(contract.DATASETS, key=lambda n: sum(f.name not in columns for f in contract.DATASETS[n]))
    missing = [f.name for f in contract.DATASETS[closest] if f.name not in columns]
    raise InputError(f"missing columns for {closest}: {', '.join(missing)}")


def _text(column: str) -> str:
    return f'NULLIF(TRIM(CAST("{column}" AS VARCHAR)), \'\')'


def _integer(column: str) -> str:
    """An integer column, or NULL when the value is not a whole number."""
    value = f'TRY_CAST(TRIM(CAST("{column}" AS VARCHAR)) AS DOUBLE)'
    return f"CASE WHEN {value} = ROUND({value}) AND ABS({value}) < 32768 THEN CAST({value} AS SMALLINT) END"


def _typed_select(dataset: str, columns: set[str], year: int | None) -> str:
    parts = []
    for f in contract.DATASETS[dataset]:
        if f.type == pa.date32():
            parts.append(f'TRY_CAST(TRIM(CAST("{f.name}" AS VARCHAR)) AS DATE) AS "{f.name}"')
        elif f.type == pa.int16():
            parts.append(f'{_integer(f.name)} AS "{f.name}"')
        else:
            parts.append(f'{_text(f.name)} AS "{f.name}"')
    if year is not None:
        parts.append(f"{int(year)} AS year")
    elif "year" in columns:
        parts.append('TRY_CAST(TRIM(CAST("year" AS VARCHAR)) AS SMALLINT) AS year')
    else:
        parts.append('CAST(year(TRY_CAST(TRIM(CAST("date" AS VARCHAR)) AS DATE)) + '
                     'CASE WHEN month(TRY_CAST(TRIM(CAST("date" AS VARCHAR)) AS DATE)) >= 9 THEN 1 ELSE 0 END '
                     'AS SMALLINT) AS year')
    parts.append(_text("region") + " AS folder_region" if "region" in columns else "NULL AS folder_region")
    raw = ", ".join(f'CAST("{f.name}" AS VARCHAR) AS "raw_{f.name}"' for f in contract.DATASETS[dataset])
    return ", ".join(parts) + ", " + raw


def _reasons(dataset: str) -> list[tuple[str, str]]:
    """(SQL condition, reason) in the order they are checked; the first that holds is the row's reason."""
    checks = [
        ("organization IS NULL", "organisation is missing"),
        ("o.bin IS NULL", "unknown organisation"),
        ("folder_region IS NOT NULL AND folder_region <> o.region", "organisation is not in its folder's region"),
        (f"student IS NULL OR length(student) > {MAX_IDENTIFIER['student']}",
         "student is missing or longer than 64 characters"),
        (f'"group" IS NULL OR length("group") > {MAX_IDENTIFIER["group"]}',
         "group is missing or longer than 20 characters"),
        ("date IS NULL", "date is not a date (YYYY-MM-DD)"),
        (f"year IS NULL OR year < {contract.FIRST_YEAR} OR year > {contract.LAST_YEAR}", "school year is not valid"),
        ("date < make_date(year - 1, 9, 1) OR date > make_date(year, 8, 31)", "date outside the school year"),
    ]
    if dataset == "marks":
        checks += [
            (f"subject IS NULL OR length(subject) > {MAX_IDENTIFIER['subject']}",
             "subject is missing or longer than 20 characters"),
            (f"scale_max IS NULL OR scale_max NOT IN ({', '.join(map(str, contract.SCALES))})",
             "scale_max is not 5, 10 or 100"),
            ("mark IS NULL", "mark is not an integer"),
            ("mark < 0 OR mark > scale_max", "mark outside its scale"),
            (f"kind IS NULL OR kind NOT IN ({', '.join(repr(k) for k in contract.KINDS)})",
             "kind is not current, term, year or summative"),
        ]
    else:
        checks += [
            ("lessons IS NULL OR lessons < 1 OR lessons > 20", "lessons is not a whole number from 1 to 20"),
            ("absent_excused IS NULL OR absent_excused < 0 OR absent_unexcused IS NULL OR absent_unexcused < 0",
             "absences are not whole numbers of 0 or more"),
            ("absent_excused + absent_unexcused > lessons", "absences exceed the lessons"),
        ]
    return checks


DUPLICATE = "duplicate of an earlier row with the same key"


def validate(path: Path, *, dataset: str = "", year: int | None = None, sample: int = 10,
             con: duckdb.DuckDBPyConnection | None = None) -> tuple[ImportReport, duckdb.DuckDBPyConnection]:
    """Read and check everything; the connection holds table ``checked`` (typed rows with ``reason``)."""
    files = _files(path)
    con = con or duckdb.connect()
    try:
        return _validate(path, files, con, dataset=dataset, year=year, sample=sample)
    except (duckdb.Error, UnicodeDecodeError) as exc:  # a damaged Parquet file (column names that are not UTF-8
        # included) or an unreadable CSV: say so, never a stack trace
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"{path.name}: the file cannot be read ({reason})") from None


def _validate(path: Path, files: list[Path], con: duckdb.DuckDBPyConnection, *, dataset: str, year: int | None,
              sample: int) -> tuple[ImportReport, duckdb.DuckDBPyConnection]:
    relations = [_read(con, f) for f in files]
    columns = set(relations[0].columns)
    for file, rel in zip(files, relations, strict=True):
        if set(rel.columns) != columns:
            raise InputError(f"{file.name}: its columns differ from {files[0].name}'s")
    dataset = _guess_dataset(columns, dataset)
    select = _typed_select(dataset, columns, year)
    con.sql("CREATE OR REPLACE TEMP TABLE src AS SELECT * FROM (SELECT NULL::VARCHAR AS file, 0::BIGINT AS line, "
            f"{select} FROM ({relations[0].sql_query()}) LIMIT 0)")
    line_offset = 2 if files[0].suffix.lower() == ".csv" else 1  # a CSV's first data row is line 2
    for file, rel in zip(files, relations, strict=True):
        label = str(file.relative_to(path)) if path.is_dir() else file.name
        con.execute(f"INSERT INTO src SELECT ? AS file, row_number() OVER () + {line_offset - 1} AS line, {select} "
                    f"FROM ({rel.sql_query()})", [label])
    orgs = pa.table({
        "bin": pa.array([b for b, _ in _organizations()], pa.string()),
        "region": pa.array([r for _, r in _organizations()], pa.string()),
    })
    con.register("orgs", orgs)
    case = " ".join(f"WHEN {cond} THEN " + _quote(reason) for cond, reason in _reasons(dataset))
    key = ", ".join(f'"{k}"' for k in contract.KEYS[dataset])
    con.sql(f"""
        CREATE OR REPLACE TEMP TABLE checked AS
        WITH first AS (
            SELECT s.*, o.region AS region, CASE {case} END AS reason
            FROM src s LEFT JOIN orgs o ON o.bin = s.organization
        )
        SELECT * REPLACE (
            CASE WHEN reason IS NULL AND row_number() OVER (PARTITION BY reason IS NULL, {key}
                                                             ORDER BY file, line) > 1
                 THEN {_quote(DUPLICATE)} ELSE reason END AS reason)
        FROM first
    """)
    report = ImportReport(dataset=dataset, files=len(files))
    report.rows = con.sql("SELECT count(*) FROM checked").fetchone()[0]
    report.loaded = con.sql("SELECT count(*) FROM checked WHERE reason IS NULL").fetchone()[0]
    report.by_reason = dict(con.sql("SELECT reason, count(*) FROM checked WHERE reason IS NOT NULL "
                                    "GROUP BY reason ORDER BY 2 DESC, 1").fetchall())
    report.by_organization = [
        (org or "(missing)", n) for org, n in con.sql(
            "SELECT raw_organization, count(*) FROM checked WHERE reason IS NOT NULL "
            "GROUP BY raw_organization ORDER BY 2 DESC, 1 LIMIT 20").fetchall()
    ]
    raw_columns = [f"raw_{f.name}" for f in contract.DATASETS[dataset]]
    sample_rows = con.sql(f"SELECT file, line, reason, {', '.join(raw_columns)} FROM checked "
                          f"WHERE reason IS NOT NULL ORDER BY file, line LIMIT {int(sample)}").fetchall()
    names = ["file", "line", "reason", *[c[4:] for c in raw_columns]]
    report.sample = [dict(zip(names, row, strict=True)) for row in sample_rows]
    report.years = [y for (y,) in con.sql("SELECT DISTINCT year FROM checked WHERE reason IS NULL ORDER BY 1")
                    .fetchall()]
    report.organizations = con.sql(
        "SELECT count(DISTINCT organization) FROM checked WHERE reason IS NULL").fetchone()[0]
    return report, con


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _organizations() -> list[tuple[str, str]]:
    cached = getattr(_organizations, "_cache", None)
    if cached is None:
        cached = [(b, kato[:2]) for b, kato in Organization.objects.values_list("bin", "region__kato")]
        _organizations._cache = cached  # type: ignore[attr-defined]
    return cached


def run(path: Path, *, dataset: str = "", year: int | None = None, sample: int = 10, actor="command line",
        progress: bool = False) -> ImportReport:
    """Validate ``path`` and load its valid rows into the configured store; one audit row per import."""
    _organizations.__dict__.pop("_cache", None)
    path = Path(path)
    report, con = validate(path, dataset=dataset, year=year, sample=sample)
    if report.loaded:
        _load(con, report.dataset, progress=progress)
    audit.record(
        actor=actor, action="import", target_type="gradebook." + report.dataset,
        target_label=f"{path.name} ({report.dataset})",
        changes={"path": str(path.name), "sha256": _digest(path), "rows": report.rows, "loaded": report.loaded,
                 "rejected": report.rejected, "years": report.years},
    )
    return report


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    for file in _files(path):
        with file.open("rb") as handle:
            for chunk in iter(lambda h=handle: h.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def _load(con: duckdb.DuckDBPyConnection, dataset: str, *, progress: bool) -> None:
    names = ", ".join(f'"{n}"' for n in contract.schema(dataset, partitions=False).names)
    con.sql(f"CREATE OR REPLACE TEMP TABLE good AS SELECT {names}, year, region FROM checked WHERE reason IS NULL")
    if settings.GRADEBOOK_BACKEND == "postgres":
        database_store.write(dataset, con.sql("SELECT * FROM good").arrow())
        return
    store.recover()
    partitions = con.sql("SELECT DISTINCT year, region FROM good ORDER BY 1, 2").fetchall()
    with progress_bar(f"Writing {dataset} partitions", len(partitions), enabled=progress) as advance:
        for year, region in partitions:
            _write_partition(con, dataset, int(year), region, names)
            advance()


def _write_partition(con: duckdb.DuckDBPyConnection, dataset: str, year: int, region: str, names: str) -> None:
    existing = store.partition_dir(dataset, year, region)
    new_rows = f"SELECT {names} FROM good WHERE year = {year} AND region = '{region}'"
    query = new_rows
    if any(existing.glob("*.parquet")):
        old = str(existing / "*.parquet").replace("'", "''")
        query = (f"SELECT {names} FROM read_parquet('{old}', hive_partitioning = false) WHERE organization NOT IN "
                 f"(SELECT DISTINCT organization FROM good WHERE year = {year}) UNION ALL {new_rows}")
    staging = store.staging_dir(dataset, year, region)
    target = str(staging / "data.parquet").replace("'", "''")
    con.sql(f"COPY ({query} ORDER BY organization, student) TO '{target}' (FORMAT parquet, COMPRESSION zstd)")
    store.swap_in(staging, dataset, year, region)
