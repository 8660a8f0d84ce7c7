"""The small harness every benchmark uses: figures set beside their limits, latency percentiles,
peak memory, and the machine the figures were measured on.

Peak memory is the resident set's high-water mark (VmHWM) of this process while a benchmark
runs: the mark is reset to the current RSS at its start (`/proc/self/clear_refs`, Linux ≥ 4.0),
so each benchmark's peak is its own. Where that is not possible, ru_maxrss is reported instead,
which only grows over the process's life; `method` says which."""

from __future__ import annotations

import gc
import os
import platform
import resource
import sqlite3
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

#: figure kinds: a latency or duration is judged by how many times the limit it takes, a rate by
#: what share of the limit's rate it reaches
LOWER_IS_BETTER = frozenset({"ms", "s", "MB"})


@dataclass
class Target:
    """A national-scale target from the issue: value (or ratio) `op` threshold."""

    op: str  # "<=" or ">="
    threshold: float
    of: str = "value"  # "value" or "ratio"

    def met(self, value: float | None) -> bool | None:
        if value is None:
            return None
        return value <= self.threshold if self.op == "<=" else value >= self.threshold

    def __str__(self) -> str:
        if self.of == "ratio":
            shown = f"{self.threshold:g}×" if self.threshold >= 1 else f"{self.threshold:.0%}"
            return f"ratio {self.op} {shown}"
        return f"{self.op} {self.threshold:,g}"


@dataclass
class Figure:
    name: str
    value: float | None
    unit: str
    #: the limit measured in the same run, and what it is
    limit: float | None = None
    limit_name: str | None = None
    targets: list[Target] = field(default_factory=list)
    note: str | None = None

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.limit:
            return None
        return self.value / self.limit

    def as_dict(self) -> dict[str, Any]:
        ratio = self.ratio
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "limit": self.limit,
            "limit_name": self.limit_name,
            "ratio": ratio,
            "targets": [
                {
                    "text": str(t),
                    "met": t.met(ratio if t.of == "ratio" else self.value),
                    **asdict(t),
                }
                for t in self.targets
            ],
            "note": self.note,
        }


@dataclass
class Result:
    benchmark: str
    backend: str
    figures: list[Figure] = field(default_factory=list)
    seconds: float = 0.0
    memory: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        return figure

    def as_dict(self) -> dict[str, Any]:
        return {
            "benchmark": self.benchmark,
            "backend": self.backend,
            "seconds": round(self.seconds, 3),
            "figures": [f.as_dict() for f in self.figures],
            "memory": self.memory,
            "details": self.details,
            "error": self.error,
        }


# --- memory ---------------------------------------------------------------------------------------
def _status_kb(field_name: str, pid: int | str = "self") -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def peak_rss_mb(pid: int | str = "self") -> float | None:
    kb = _status_kb("VmHWM", pid)
    return round(kb / 1024, 1) if kb is not None else None


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


@contextmanager
def memory(result: Result) -> Iterator[None]:
    gc.collect()
    reset = _reset_peak()
    start_kb = _status_kb("VmRSS")
    start_max = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        yield
    finally:
        if reset and start_kb is not None:
            peak = _status_kb("VmHWM") or 0
            result.memory = {
                "method": "VmHWM reset at start (/proc/self/clear_refs)",
                "rss_at_start_mb": round(start_kb / 1024, 1),
                "peak_rss_mb": round(peak / 1024, 1),
                "growth_mb": round((peak - start_kb) / 1024, 1),
            }
        else:
            end_max = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            result.memory = {
                "method": "ru_maxrss before/after (process lifetime peak)",
                "peak_rss_mb": round(end_max / 1024, 1),
                "growth_mb": round((end_max - start_max) / 1024, 1),
            }


def run(benchmark: str, backend: str, body: Callable[[Result], None]) -> Result:
    """Runs one benchmark, timing it and measuring its peak memory; an error is recorded in the
    result (and the run goes on), never raised."""
    result = Result(benchmark, backend)
    started = time.perf_counter()
    try:
        with memory(result):
            body(result)
    except Exception as error:
        result.error = f"{type(error).__name__}: {error}"
        result.details["traceback"] = traceback.format_exc(limit=8)
    result.seconds = time.perf_counter() - started
    return result


# --- concurrent load ------------------------------------------------------------------------------
class Turns:
    """A bounded amount of work shared by threads: `total` turns, handed out until the time
    limit (counted from when every thread is ready) runs out."""

    def __init__(self, threads: int, total: int, max_seconds: float) -> None:
        self.total, self.max_seconds = total, max_seconds
        self.lock = threading.Lock()
        self._issued = 0
        self.start = threading.Barrier(threads + 1)
        self.deadline = float("inf")

    def ready(self) -> None:
        """Waits until every thread (and the clock) is ready."""
        self.start.wait()

    def take(self) -> int | None:
        """The next turn's number, or None when the work or the time is used up."""
        with self.lock:
            n = self._issued
            if n >= self.total or time.perf_counter() > self.deadline:
                return None
            self._issued += 1
            return n


def run_threads(
    threads: int, total: int, max_seconds: float, body: Callable[[Turns], None]
) -> float:
    """Runs `body(turns)` on `threads` threads; returns the seconds from the start signal until
    the last one finished, and raises the first error any of them met."""
    turns = Turns(threads, total, max_seconds)
    failures: list[BaseException] = []

    def run() -> None:
        try:
            body(turns)
        except BaseException as error:
            failures.append(error)
            turns.start.abort()  # a thread that dies before it is ready must not hang the rest

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for thread in pool:
        thread.start()
    with suppress(threading.BrokenBarrierError):
        turns.ready()
    began = time.perf_counter()
    turns.deadline = began + max_seconds
    for thread in pool:
        thread.join()
    if failures:
        raise failures[0]
    return time.perf_counter() - began


# --- statistics -----------------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100), linearly interpolated between the nearest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


# --- formatting -----------------------------------------------------------------------------------
def number(value: float | None, unit: str) -> str:
    if value is None:
        return "not available"
    if unit in ("ms", "s"):
        return f"{value:,.2f} {unit}"
    return f"{value:,.0f} {unit}"


def ratio_text(ratio: float | None, unit: str) -> str:
    """How many times the limit a duration takes; what share of the limit's rate a rate reaches."""
    if ratio is None:
        return ""
    return f"{ratio:,.1f}×" if unit in LOWER_IS_BETTER else f"{ratio:.0%}"


def peak_text(memory_: dict[str, Any]) -> str:
    """A benchmark's peak RSS, and how far it rose above the RSS at its start."""
    peak = memory_.get("peak_rss_mb")
    if peak is None:
        return ""
    growth = memory_.get("growth_mb")
    if growth is None:
        return f"{peak:,.0f} MB"
    return f"{peak:,.0f} MB (+{max(growth, 0.0):,.0f})"


# --- the machine ----------------------------------------------------------------------------------
def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float | None:
    kb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                kb = int(line.split()[1])
    except (OSError, ValueError):
        return None
    return round(kb / 1024 / 1024, 1) if kb else None


def _cores() -> int | None:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count()


def machine() -> dict[str, Any]:
    import sqlalchemy

    return {
        "cpu": _cpu_model(),
        "cores_available": _cores(),
        "memory_gb": _memory_gb(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlalchemy": sqlalchemy.__version__,
        "sqlite": sqlite3.sqlite_version,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }
