"""Small timing helpers: percentiles, repeated timing within a time budget, peak memory."""
from __future__ import annotations

import math
import resource
import time
from typing import Any, Callable, Iterable, Sequence


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile (share in 0..1) of `values`; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def timed(func: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def spread(func: Callable[[Any], Any], items: Iterable[Any], budget: float | None = None) -> dict[str, Any]:
    """Run func on each item (stopping once `budget` seconds are spent, after at least one) -> p50/p95 in ms."""
    times: list[float] = []
    spent = 0.0
    for item in items:
        seconds, _ = timed(lambda: func(item))
        times.append(seconds * 1000)
        spent += seconds
        if budget is not None and spent > budget:
            break
    return {"p50_ms": percentile(times, 0.5), "p95_ms": percentile(times, 0.95), "runs": len(times)}


def peak_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
