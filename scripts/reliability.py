"""Run the reliability suites (faults, hostile input, authorization) and print one summary table.

Usage: ``make reliability`` (on a throw-away PostgreSQL, so that the PostgreSQL-only fault tests run too), or
directly ``.venv/bin/python scripts/reliability.py [-- extra pytest arguments]``.

The suites are the tests in ``tests/reliability`` with the larger example budgets (``SMARTTVET_RELIABILITY=full``);
each test appends its outcome, the cases it tried and the records lost to a JSON-lines report that this script
reads. The exit code is non-zero when any test fails, any suite lost a record, or pytest itself failed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["faults", "file parsers (fuzz)", "uploads", "API schema (schemathesis)", "authorization sweep",
         "security headers", "secrets in logs", "regressions"]


def run(extra: list[str]) -> tuple[int, list[dict], float]:
    with tempfile.TemporaryDirectory(prefix="smarttvet-reliability-") as folder:
        report = Path(folder) / "report.jsonl"
        env = dict(os.environ, SMARTTVET_RELIABILITY="full", SMARTTVET_RELIABILITY_REPORT=str(report),
                   SMARTTVET_DEBUG=os.environ.get("SMARTTVET_DEBUG", "1"))
        env.setdefault("SMARTTVET_DATA_DIR", folder)
        command = [sys.executable, "-m", "pytest", "tests/reliability", "-q", "-p", "no:cacheprovider",
                   "-n", os.environ.get("RELIABILITY_WORKERS", "2"), "-o", "log_level=CRITICAL", *extra]
        started = time.monotonic()
        code = subprocess.call(command, cwd=ROOT, env=env)
        seconds = time.monotonic() - started
        records = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines() if line.strip()] \
            if report.exists() else []
    return code, records, seconds


def summarise(records: list[dict]) -> tuple[list[list[str]], bool]:
    suites: dict[str, dict] = defaultdict(lambda: {"tests": 0, "passed": 0, "failed": 0, "skipped": 0, "cases": 0,
                                                   "lost": 0, "seconds": 0.0})
    for record in records:
        suite = suites[record["suite"]]
        if record["type"] == "test":
            suite["tests"] += 1
            suite[record["outcome"] if record["outcome"] in ("passed", "failed", "skipped") else "failed"] += 1
            suite["seconds"] += record.get("seconds", 0.0)
        elif record["type"] == "cases":
            suite["cases"] += record["n"]
        elif record["type"] == "lost":
            suite["lost"] += record["n"]
    names = [n for n in ORDER if n in suites] + sorted(n for n in suites if n not in ORDER)
    rows, ok = [], True
    for name in names:
        s = suites[name]
        ok = ok and s["failed"] == 0 and s["lost"] == 0
        rows.append([name, str(s["tests"]), str(s["cases"]), str(s["failed"]), str(s["skipped"]), str(s["lost"]),
                     f"{s['seconds']:.0f}"])
    total = [sum(int(r[i]) for r in rows) for i in range(1, 7)]
    rows.append(["total", *map(str, total)])
    return rows, ok and bool(names)


def print_table(rows: list[list[str]]) -> None:
    header = ["suite", "tests", "cases tried", "failures", "skipped", "records lost", "test seconds"]
    widths = [max(len(header[i]), *(len(r[i]) for r in rows)) for i in range(len(header))]

    def line(cells):
        return "  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(cells))

    print()
    print(line(header))
    print("  ".join("-" * w for w in widths))
    for row in rows[:-1]:
        print(line(row))
    print("  ".join("-" * w for w in widths))
    print(line(rows[-1]))


def main(argv: list[str]) -> int:
    extra = argv[1:] if argv[:1] == ["--"] else argv
    code, records, seconds = run(extra)
    rows, ok = summarise(records)
    print_table(rows)
    database = "PostgreSQL" if os.environ.get("SMARTTVET_DATABASE_URL", "").startswith("postgres") else "SQLite"
    print(f"\nDatabase: {database}. Wall time: {seconds:.0f} s. "
          + ("All suites passed, no record lost." if ok and code == 0 else "FAILED: see the failures above."))
    if code != 0:
        return code
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
