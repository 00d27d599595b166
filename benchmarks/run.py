"""`make bench`: run every benchmarks/bench_*.py in its own process and print what each measured."""

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
