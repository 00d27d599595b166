"""What the reliability suites measured: cases tried and records lost, per suite (read by scripts/reliability.py).

Each test calls ``cases(suite, n)`` / ``lost(suite, n)``; with ``SMARTTVET_RELIABILITY_REPORT`` set, the
figures and every test's outcome are appended as JSON lines to that file (safe with pytest-xdist workers:
one short ``write`` per line on a file opened for appending).
"""

from __future__ import annotations

import json
import os

SUITES = {
    "test_faults": "faults",
    "test_database_outage": "faults",
    "test_api_schema": "API schema (schemathesis)",
    "test_parsers_fuzz": "file parsers (fuzz)",
    "test_uploads": "uploads",
    "test_authorization": "authorization sweep",
    "test_headers": "security headers",
    "test_logs": "secrets in logs",
    "test_regressions": "regressions",
}


def suite_of(nodeid: str) -> str:
    module = nodeid.split("::", 1)[0].rsplit("/", 1)[-1].removesuffix(".py")
    for prefix, suite in SUITES.items():
        if module.startswith(prefix):
            return suite
    return "other"


def _write(record: dict) -> None:
    path = os.environ.get("SMARTTVET_RELIABILITY_REPORT")
    if not path:
        return
    line = json.dumps(record, ensure_ascii=False) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def cases(suite: str, n: int, detail: str = "") -> None:
    _write({"type": "cases", "suite": suite, "n": int(n), "detail": detail})


def lost(suite: str, n: int, detail: str = "") -> None:
    _write({"type": "lost", "suite": suite, "n": int(n), "detail": detail})


def outcome(nodeid: str, result: str, seconds: float) -> None:
    _write({"type": "test", "suite": suite_of(nodeid), "nodeid": nodeid, "outcome": result,
            "seconds": round(seconds, 2)})
