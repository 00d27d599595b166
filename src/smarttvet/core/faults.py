"""A test hook that stops a long job at a chosen point, so fault tests can kill it there.

Off unless ``SMARTTVET_FAULT_AT`` is set (only the reliability tests set it). Its value is
``LABEL[@N]``: when a progress stage whose label starts with LABEL has advanced N units (default 1),
the process writes the file named by ``SMARTTVET_FAULT_MARKER`` (if set) and sleeps, so that the test
can SIGKILL it at exactly that point, e.g. inside the transaction that stores a rating run.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

MAX_PAUSE_SECONDS = 120


def armed() -> bool:
    return bool(os.environ.get("SMARTTVET_FAULT_AT"))


def checkpoint(label: str, done: int) -> None:
    spec = os.environ.get("SMARTTVET_FAULT_AT", "")
    if not spec:
        return
    prefix, _, count = spec.partition("@")
    if not label.startswith(prefix) or done < int(count or 1):
        return
    marker = os.environ.get("SMARTTVET_FAULT_MARKER")
    if marker:
        # written aside and renamed: the test polls for the file and must never see it created but still empty
        partial = Path(f"{marker}.partial")
        partial.write_text(f"{label} {done} {os.getpid()}\n", encoding="utf-8")
        partial.replace(marker)
    time.sleep(MAX_PAUSE_SECONDS)  # the test kills the process here; if it does not, the job goes on
