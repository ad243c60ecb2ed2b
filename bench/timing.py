"""How every benchmark times: a warm-up, then the median of several runs, each run timing the figure and
its baseline side by side (so a slow moment of the machine hits both)."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Sequence

#: timed runs per figure (BENCH_RUNS, default 7, at least 5), after WARMUPS untimed ones
RUNS = max(5, int(os.environ.get("BENCH_RUNS", "7")))
WARMUPS = 1


def seconds(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def medians(once: Callable[[], Sequence[float]], *, runs: int = RUNS, warmups: int = WARMUPS) -> list[float]:
    """``once()`` times one run of each thing measured (in seconds); the median of each over ``runs``."""
    for _ in range(warmups):
        once()
    samples = [once() for _ in range(runs)]
    return [statistics.median(column) for column in zip(*samples, strict=True)]
