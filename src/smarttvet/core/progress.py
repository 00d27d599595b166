"""Progress bars for long work (rich), silent when disabled or not on a terminal."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def progress_bar(label: str, total: int | None, *, enabled: bool = True) -> Iterator[Callable[..., None]]:
    """Yield ``advance(n=1)``; draws a bar on stderr when enabled."""
    from smarttvet.core import faults

    if faults.armed():  # the reliability tests' kill points (see core.faults)
        with _progress_bar(label, total, enabled=enabled) as inner:
            done = [0]

            def advance(n: int = 1) -> None:
                inner(n)
                done[0] += n
                faults.checkpoint(label, done[0])

            yield advance
        return
    with _progress_bar(label, total, enabled=enabled) as advance:
        yield advance


@contextlib.contextmanager
def _progress_bar(label: str, total: int | None, *, enabled: bool = True) -> Iterator[Callable[..., None]]:
    if not enabled:
        yield lambda n=1: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    if not console.is_terminal:  # logs and CI: one line per stage instead of redrawn bars
        import time

        started = time.perf_counter()
        done = [0]

        def count(n: int = 1) -> None:
            done[0] += n

        yield count
        console.print(f"{label}: {done[0]:,} in {time.perf_counter() - started:.1f} s", highlight=False)
        return
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=console,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n=1: bar.advance(task, n)
