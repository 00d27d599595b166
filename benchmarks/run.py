"""`make bench`: run every benchmarks/bench_*.py in its own process and print what each measured.

A bench is registered by its file name (``bench_<name>.py``). The gradebook bench generates 10, 30 and 100
million marks; ``GRADEBOOK_BENCH_ROWS=10M make bench`` is a quick run.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failures = 0
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"\n=== {script.stem} ===", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(script), *sys.argv[1:]], check=False)
        print(f"--- {script.stem}: {time.perf_counter() - started:.1f} s, exit {result.returncode}", flush=True)
        failures += result.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
