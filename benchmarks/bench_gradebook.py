"""Gradebook measures at national scale: our Ibis pipeline on DuckDB against hand-written DuckDB SQL and pandas.

    python benchmarks/bench_gradebook.py [--rows 10M,30M,100M] [--repeat 3] [--pandas-memory-gib 12] [--keep DIR]
    GRADEBOOK_BENCH_ROWS=10M,30M python benchmarks/bench_gradebook.py      (quick run)

For each size, the synthetic generator (``smarttvet.gradebook.synthetic``) writes that many marks (and a fifth
as many attendance rows) for a national set of organisations (7,859 schools, 741 colleges, 20 regions) and
the school years 2024 and 2025 into a temporary folder in the store's layout
(``marks|attendance/year=Y/region=R/data.parquet``); the generator's own speed is reported. Then the
per-organisation measures of 2025 (students, marks, normalised mean mark, knowledge quality, success rate,
attendance and unexcused-absence rates, students with a failing term mark, the student composite and its
spread, the change from 2024) are computed three ways on the same files, each in its own process:

* **pipeline**: ``measures.compute(duckdb_source(marks, attendance), 2025, levels=("organization",))`` - the
  platform's Ibis expression run by DuckDB;
* **SQL**: the same measures as one hand-written DuckDB query;
* **pandas**: ``pd.read_parquet`` + ``groupby``, under a memory cap (``RLIMIT_AS``, 12 GiB by default); a
  run that exceeds it is reported as "ran out of memory".

Reported: seconds of the computation (reading included, interpreter start-up excluded; the DuckDB ways run
``--repeat`` times on fresh connections and the fastest counts), the peak resident
memory of the process (``ru_maxrss``, from ``wait4``; the parent stays a small pure-Python process, because
Linux carries a parent's peak over into a spawned child's), the ratios pipeline / SQL (target <= 1.3) and
pandas / pipeline (target >= 5, or pandas ran out of memory), and whether the three agree. Exit code 1 when a
target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

YEAR = 2025
YEARS = (2024, 2025)
SEED = 2025
DEFAULT_SIZES = "10M,30M,100M"
METHODS = ("pipeline", "sql", "pandas")
CHILDREN = (*METHODS, "generate", "compare")
PIPELINE_OVER_SQL = 1.3
PANDAS_OVER_PIPELINE = 5.0
COMPARED = ("students", "marks", "mean_mark", "knowledge_quality", "success_rate", "lessons", "attendance_rate",
            "unexcused_rate", "term_students", "failing_students", "composite", "composite_sd", "change_mean_mark",
            "change_knowledge_quality", "change_composite")


# --- the three ways -------------------------------------------------------------------------------------------
def run_pipeline(root: Path, year: int):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smarttvet.config.settings")
    import django

    django.setup()
    from smarttvet.gradebook import backends, measures

    started = time.perf_counter()
    source = backends.duckdb_source(str(root / "marks" / "year=*" / "region=*" / "*.parquet"),
                                    str(root / "attendance" / "year=*" / "region=*" / "*.parquet"))
    frame = measures.compute(source, year, levels=("organization",))["organization"]
    return frame, time.perf_counter() - started


SQL = """
WITH m AS (
    SELECT year, region, organization, student, kind, mark::DOUBLE / scale_max::DOUBLE AS share
    FROM read_parquet('{marks}', hive_partitioning = true, hive_types = {{'year': INTEGER, 'region': VARCHAR}})
    WHERE year IN ({previous}, {year})
), per_student AS (
    SELECT year, region, organization, student,
           count(*) AS n,
           sum(share) AS sum_share,
           count(*) FILTER (WHERE share >= {good}) AS sum_good,
           count(*) FILTER (WHERE share >= {passing}) AS sum_pass,
           bool_or(kind = 'term')::INTEGER AS has_term,
           bool_or(kind = 'term' AND share < {passing})::INTEGER AS has_failing
    FROM m GROUP BY year, region, organization, student
), per_org AS (
    SELECT year, region, organization,
           count(*) AS students,
           sum(n) AS marks,
           sum(sum_share) / sum(n) AS mean_mark,
           sum(sum_good) / sum(n) AS knowledge_quality,
           sum(sum_pass) / sum(n) AS success_rate,
           sum(has_term) AS term_students,
           sum(has_failing) AS failing_students,
           avg((sum_share + sum_good + sum_pass) / (3.0 * n)) AS composite,
           stddev_samp((sum_share + sum_good + sum_pass) / (3.0 * n)) AS composite_sd
    FROM per_student GROUP BY year, region, organization
), att AS (
    SELECT region, organization,
           sum(lessons::BIGINT) AS lessons,
           sum(absent_excused::BIGINT + absent_unexcused::BIGINT) AS absent,
           sum(absent_unexcused::BIGINT) AS unexcused
    FROM read_parquet('{attendance}', hive_partitioning = true,
                      hive_types = {{'year': INTEGER, 'region': VARCHAR}})
    WHERE year = {year}
    GROUP BY region, organization
)
SELECT cur.organization, cur.region, cur.students, cur.marks, cur.mean_mark, cur.knowledge_quality,
       cur.success_rate, att.lessons, 1 - att.absent / att.lessons AS attendance_rate,
       att.unexcused / att.lessons AS unexcused_rate, cur.term_students, cur.failing_students, cur.composite,
       cur.composite_sd, cur.mean_mark - prev.mean_mark AS change_mean_mark,
       cur.knowledge_quality - prev.knowledge_quality AS change_knowledge_quality,
       cur.composite - prev.composite AS change_composite
FROM per_org AS cur
LEFT JOIN per_org AS prev
       ON prev.year = {previous} AND prev.region = cur.region AND prev.organization = cur.organization
LEFT JOIN att ON att.region = cur.region AND att.organization = cur.organization
WHERE cur.year = {year}
ORDER BY cur.region, cur.organization
"""


def run_sql(root: Path, year: int):
    import duckdb

    from smarttvet.gradebook import contract

    started = time.perf_counter()
    con = duckdb.connect()
    query = SQL.format(marks=root / "marks" / "year=*" / "region=*" / "*.parquet",
                       attendance=root / "attendance" / "year=*" / "region=*" / "*.parquet",
                       year=year, previous=year - 1, good=contract.GOOD_SHARE, passing=contract.PASS_SHARE)
    frame = con.sql(query).df()
    return frame, time.perf_counter() - started


def run_pandas(root: Path, year: int):
    import pandas as pd

    from smarttvet.gradebook import contract

    started = time.perf_counter()
    m = pd.read_parquet(root / "marks", columns=["organization", "student", "mark", "scale_max", "kind", "year",
                                                 "region"], filters=[("year", "in", [year - 1, year])])
    m["share"] = m["mark"] / m["scale_max"]
    m["good"] = m["share"] >= contract.GOOD_SHARE
    m["passing"] = m["share"] >= contract.PASS_SHARE
    m["is_term"] = m["kind"] == "term"
    m["failing_term"] = m["is_term"] & (m["share"] < contract.PASS_SHARE)
    # year and region arrive as categoricals (Hive partitions): group on them as they are
    s = m.groupby(["year", "region", "organization", "student"], sort=False, observed=True).agg(
        n=("share", "size"), sum_share=("share", "sum"), sum_good=("good", "sum"), sum_pass=("passing", "sum"),
        has_term=("is_term", "max"), has_failing=("failing_term", "max"))
    del m
    s["comp"] = (s["sum_share"] + s["sum_good"] + s["sum_pass"]) / (3.0 * s["n"])
    o = s.groupby(level=["year", "region", "organization"], observed=True).agg(
        students=("n", "size"), marks=("n", "sum"), sum_share=("sum_share", "sum"), sum_good=("sum_good", "sum"),
        sum_pass=("sum_pass", "sum"), term_students=("has_term", "sum"), failing_students=("has_failing", "sum"),
        composite=("comp", "mean"), composite_sd=("comp", "std"))
    o["mean_mark"] = o["sum_share"] / o["marks"]
    o["knowledge_quality"] = o["sum_good"] / o["marks"]
    o["success_rate"] = o["sum_pass"] / o["marks"]
    a = pd.read_parquet(root / "attendance", columns=["organization", "lessons", "absent_excused",
                                                      "absent_unexcused", "year", "region"],
                        filters=[("year", "=", year)])
    a["absent"] = a["absent_excused"].astype("int64") + a["absent_unexcused"]
    a = a.groupby(["region", "organization"], observed=True).agg(lessons=("lessons", "sum"), absent=("absent", "sum"),
                                                  unexcused=("absent_unexcused", "sum"))
    a["attendance_rate"] = 1 - a["absent"] / a["lessons"]
    a["unexcused_rate"] = a["unexcused"] / a["lessons"]
    o = o.reset_index()
    o["year"] = o["year"].astype(int)
    o["region"] = o["region"].astype(str)
    current = o[o["year"] == year].set_index(["region", "organization"])
    previous = o[o["year"] == year - 1].set_index(["region", "organization"])
    out = current.join(previous[["mean_mark", "knowledge_quality", "composite"]], rsuffix="_prev")
    for name in ("mean_mark", "knowledge_quality", "composite"):
        out[f"change_{name}"] = out[name] - out[f"{name}_prev"]
    a = a.reset_index()
    a["region"] = a["region"].astype(str)
    out = out.join(a.set_index(["region", "organization"])[["lessons", "attendance_rate", "unexcused_rate"]])
    frame = out.reset_index()[["organization", "region", *COMPARED]]
    return frame, time.perf_counter() - started


def generate(root: Path, size: int) -> int:
    """Write ``size`` marks into ``root`` in the store's layout; print what was written and how fast."""
    from smarttvet.gradebook import synthetic

    orgs = synthetic.sample_organizations(SEED, years=YEARS)
    plan = synthetic.Synthetic(orgs, rows=size, years=YEARS, seed=SEED)
    started = time.perf_counter()
    counts = synthetic.write_folder(root, plan)
    seconds = time.perf_counter() - started
    disk = sum(f.stat().st_size for f in root.rglob("*.parquet")) / 2**20
    print(json.dumps({"seconds": seconds, "marks": counts["marks"], "attendance": counts["attendance"],
                      "disk_mib": disk, "organizations": orgs.n}), flush=True)
    return 0


def child(method: str, root: Path, year: int, out: Path, memory_gib: float, repeat: int = 1) -> int:
    """Run one way in this process and print a JSON line: seconds, rows, peak memory, or the error."""
    if method == "generate":
        return generate(root, int(out.name))
    if method == "compare":
        print(json.dumps({"result": agreement(root)}), flush=True)
        return 0
    if method == "pandas" and memory_gib > 0:
        limit = int(memory_gib * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    run = {"pipeline": run_pipeline, "sql": run_sql, "pandas": run_pandas}[method]
    try:
        # DuckDB's runs are repeated (each on a fresh connection) and the fastest is kept, so that a busy
        # machine does not decide the ratio; pandas runs once.
        times = []
        for _ in range(1 if method == "pandas" else max(repeat, 1)):
            frame, seconds = run(root, year)
            times.append(seconds)
        seconds = min(times)
    except MemoryError:
        print(json.dumps({"error": "ran out of memory"}), flush=True)
        return 3
    except Exception as exc:  # noqa: BLE001 - reported to the parent
        text = f"{type(exc).__name__}: {exc}"
        oom = "memory" in text.lower() or "bad_alloc" in text.lower()
        print(json.dumps({"error": "ran out of memory" if oom else text[:500]}), flush=True)
        return 3
    frame = frame.copy()
    frame["region"] = frame["region"].astype(str)
    frame.to_parquet(out, index=False)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "runs": [round(t, 3) for t in times], "rows": len(frame),
                      "peak_mb": peak}), flush=True)
    return 0


# --- the parent -----------------------------------------------------------------------------------------------
def measure(method: str, root: Path, memory_gib: float, out: Path | None = None, repeat: int = 1) -> dict:
    """Run ``method`` in a child process; its own report, with the peak memory the kernel saw (wait4)."""
    out = out or root / f"result-{method}.parquet"
    log = root / f"child-{method}.log"
    env = {**os.environ, "SMARTTVET_DATA_DIR": str(root / "var"), "SMARTTVET_DEBUG": "1",
           "PYTHONPATH": str(ROOT / "src")}
    env.pop("SMARTTVET_DATABASE_URL", None)
    with log.open("w") as stdout, (root / f"child-{method}.err").open("w") as stderr:
        proc = subprocess.Popen(  # noqa: S603 - our own script
            [sys.executable, __file__, "--child", method, "--root", str(root), "--out", str(out),
             "--pandas-memory-gib", str(memory_gib), "--repeat", str(repeat)], stdout=stdout, stderr=stderr,
            env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    lines = [line for line in log.read_text().splitlines() if line.startswith("{")]
    report = json.loads(lines[-1]) if lines else {}
    report["peak_mb"] = usage.ru_maxrss / 1024
    if not lines:
        err = (root / f"child-{method}.err").read_text()
        oom = proc.returncode < 0 or "MemoryError" in err or "bad_alloc" in err or "memory" in err.lower()
        report["error"] = "ran out of memory" if oom else f"failed (exit {proc.returncode}): {err[-300:]}"
    if "error" not in report and method in METHODS:
        report["out"] = out
    return report


def agreement(root: Path) -> str:
    import numpy as np
    import pandas as pd

    frames = {m: pd.read_parquet(root / f"result-{m}.parquet").set_index("organization").sort_index()
              for m in METHODS if (root / f"result-{m}.parquet").exists()}
    if "pipeline" not in frames or len(frames) < 2:
        return "-"
    base = frames["pipeline"]
    worst = 0.0
    for method, frame in frames.items():
        if method == "pipeline":
            continue
        if set(frame.index) != set(base.index):
            return f"{method}: different organisations ({len(frame)} vs {len(base)})"
        for column in COMPARED:
            a = pd.to_numeric(base[column], errors="coerce").to_numpy(dtype=float)
            b = pd.to_numeric(frame.loc[base.index, column], errors="coerce").to_numpy(dtype=float)
            if not np.array_equal(np.isnan(a), np.isnan(b)):
                return f"{method}: {column} is missing for different organisations"
            both = ~np.isnan(a)
            if both.any():
                worst = max(worst, float(np.max(np.abs(a[both] - b[both]))))
    return f"agree (max |difference| {worst:.1e})" if worst < 1e-9 else f"DIFFER (max |difference| {worst:.3g})"


def sizes_from(text: str) -> list[int]:
    """``10M,30M`` -> [10000000, 30000000] without importing anything heavy (see measure's docstring)."""
    sizes = []
    for part in (p.strip().replace("_", "") for p in text.split(",")):
        if not part:
            continue
        factor = {"k": 10**3, "m": 10**6, "g": 10**9}.get(part[-1].lower(), 1)
        number = part[:-1] if factor > 1 else part
        try:
            value = float(number) * factor
        except ValueError:
            raise ValueError(f"{part!r} is not a number of rows (e.g. 10M, 500k, 2000000)") from None
        if value < 1 or value != int(value):
            raise ValueError(f"{part!r} is not a positive whole number of rows")
        sizes.append(int(value))
    if not sizes:
        raise ValueError("no sizes given")
    return sizes


def human(n: int) -> str:
    return f"{n / 1e6:g}M" if n >= 1_000_000 else f"{n:,}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default=os.environ.get("GRADEBOOK_BENCH_ROWS", DEFAULT_SIZES),
                        help=f"marks per run, comma-separated (default: $GRADEBOOK_BENCH_ROWS or {DEFAULT_SIZES})")
    parser.add_argument("--pandas-memory-gib", type=float,
                        default=float(os.environ.get("GRADEBOOK_BENCH_PANDAS_GIB", "12")),
                        help="address-space cap of the pandas process (default: 12 GiB; 0 = none)")
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("GRADEBOOK_BENCH_REPEAT", "3")),
                        help="runs of each DuckDB way, the fastest kept (default: $GRADEBOOK_BENCH_REPEAT or 3)")
    parser.add_argument("--keep", default="", help="write the data here and keep it (default: a temporary folder)")
    parser.add_argument("--child", choices=CHILDREN, help=argparse.SUPPRESS)
    parser.add_argument("--root", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args, _ = parser.parse_known_args(argv)
    if args.child:
        return child(args.child, Path(args.root), YEAR, Path(args.out), args.pandas_memory_gib, args.repeat)

    # The parent imports nothing heavy: a child's peak memory would otherwise start at the parent's.
    try:
        sizes = sizes_from(args.rows)
    except ValueError as exc:
        print(f"--rows / GRADEBOOK_BENCH_ROWS: {exc}")
        return 2
    print(f"gradebook measures per organisation, school year {YEAR} (with the change from {YEAR - 1}); "
          f"7,859 schools and 741 colleges in 20 regions; {os.cpu_count()} CPUs; pandas capped at "
          f"{args.pandas_memory_gib:g} GiB of address space", flush=True)
    rows_out = []
    failed = False
    for size in sizes:
        base = Path(args.keep) / human(size) if args.keep else Path(tempfile.mkdtemp(prefix="gradebook-bench-"))
        if base.exists():
            shutil.rmtree(base)
        base.mkdir(parents=True)
        try:
            made = measure("generate", base, 0, out=base / str(size))
            if "error" in made:
                print(f"\n{human(size)}: the generator failed: {made['error']}")
                failed = True
                continue
            counts = {"marks": made["marks"], "attendance": made["attendance"]}
            generated = made["seconds"]
            print(f"\n{human(size)}: generated {counts['marks']:,} marks + {counts['attendance']:,} attendance rows "
                  f"in {generated:.1f} s ({counts['marks'] / generated:,.0f} marks/s, "
                  f"{(counts['marks'] + counts['attendance']) / generated:,.0f} rows/s written), "
                  f"{made['disk_mib']:,.0f} MiB of Parquet, peak {made['peak_mb']:,.0f} MB", flush=True)
            reports = {}
            for method in METHODS:
                reports[method] = measure(method, base, args.pandas_memory_gib, repeat=args.repeat)
                r = reports[method]
                runs = f" (runs: {', '.join(f'{t:.2f}' for t in r['runs'])})" if len(r.get("runs", [])) > 1 else ""
                shown = r.get("error") or f"{r['seconds']:.2f} s{runs}, {r['rows']:,} organisations"
                print(f"  {method:<8} {shown}, peak {r['peak_mb']:,.0f} MB", flush=True)
            compared = measure("compare", base, 0)
            result = compared.get("result") or compared.get("error", "?")
            print(f"  results: {result}", flush=True)
            failed = failed or not result.startswith("agree")
            rows_out.append((size, counts, generated, reports))
        finally:
            if not args.keep:
                shutil.rmtree(base, ignore_errors=True)

    def cell(r: dict) -> str:
        return r["error"] if "error" in r else f"{r['seconds']:7.2f} s {r['peak_mb']:7,.0f} MB"

    print(f"\n{'marks':>6} | {'generator':>14} | {'pipeline (Ibis+DuckDB)':>22} | {'hand SQL (DuckDB)':>22} | "
          f"{'pandas':>22} | {'pipeline/SQL':>12} | {'pandas/pipeline':>15}")
    print("-" * 132)
    for size, counts, generated, reports in rows_out:
        p, s, pd_ = reports["pipeline"], reports["sql"], reports["pandas"]
        ratio_sql = p["seconds"] / s["seconds"] if "error" not in p and "error" not in s else None
        if "error" in p:
            ratio_pandas = "-"
        elif "error" in pd_:
            ratio_pandas = "pandas OOM" if pd_["error"] == "ran out of memory" else "pandas failed"
        else:
            ratio_pandas = f"{pd_['seconds'] / p['seconds']:.1f}x"
        print(f"{human(size):>6} | {counts['marks'] / generated / 1e6:8.2f} M/s | {cell(p):>22} | {cell(s):>22} | "
              f"{cell(pd_)[:22]:>22} | {(f'{ratio_sql:.2f}x' if ratio_sql else '-'):>12} | {ratio_pandas:>15}")
        if ratio_sql is None or ratio_sql > PIPELINE_OVER_SQL:
            failed = True
        if "error" not in pd_ and "error" not in p and pd_["seconds"] / p["seconds"] < PANDAS_OVER_PIPELINE:
            failed = True
        if "error" in pd_ and pd_["error"] != "ran out of memory":
            failed = True
    print(f"targets: pipeline/SQL <= {PIPELINE_OVER_SQL}, pandas/pipeline >= {PANDAS_OVER_PIPELINE:g} "
          f"(or pandas runs out of memory): {'FAIL' if failed else 'met'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
