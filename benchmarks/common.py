"""What the benchmark scripts share: Django on a benchmark database, timing, peak memory."""

from __future__ import annotations

import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

SERVER = "postgres://postgres@127.0.0.1:5432"
T = TypeVar("T")


def setup_django(database: str) -> None:
    """Django on the PostgreSQL database ``database``, or on any ``DATABASE_URL`` given
    (``sqlite:///path``)."""
    os.environ["DATABASE_URL"] = database if "://" in database else f"{SERVER}/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()


def registry_households() -> int:
    """How many households the benchmark database holds; exits when it holds none."""
    from doudi.registry.models import Household

    households = Household.objects.count()
    if not households:
        sys.exit("the registry is empty: run benchmarks/registry_1m.py first")
    return households


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(function: Callable[[], T], repeat: int) -> tuple[list[float], T]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return times, result


def percentile(samples: list[float], share: float) -> float:
    """The nearest-rank percentile: of 30 samples, the 95th percentile is the 29th."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def report(name: str, times: list[float], note: str = "") -> None:
    """One line: median and spread in seconds, and the process's peak memory so far."""
    spread = f"{min(times):.2f}–{max(times):.2f}"
    print(
        f"{name:<10} median {statistics.median(times):8.2f} s  spread {spread:>13} s  "
        f"peak {peak_mb():7.0f} MB  {note}",
        flush=True,
    )
