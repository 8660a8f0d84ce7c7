"""Status through HTTP under concurrent load, beside a bare endpoint of the same framework and
server returning a constant.

Both servers run as they are deployed: `hifazat --db URL serve` in its own process (uvicorn,
one worker), and `bench.bare_app` the same way. A bounded client loop on 127.0.0.1 — N threads,
each with a keep-alive httpx client, sharing a fixed number of requests and a time limit — reads
`/api/v1/protectees/{id}/status` (now, and `?at=` a past instant) with an auditor's bearer
token. Client and server share the machine's cores, so both rates include the client's cost.
The server runs on the system clock: its "now" is today, after the generated history ends."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bench.context import Context
from bench.harness import Figure, Result, Target, ms, peak_rss_mb, percentile
from hifazat.domain.times import utc_text
from hifazat.services import auth

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def hifazat_command(url: str, port: int) -> list[str]:
    script = Path(sys.executable).parent / "hifazat"
    head = (
        [str(script)]
        if script.exists()
        else [sys.executable, "-c", "from hifazat.cli import main; main()"]
    )
    return [*head, "--db", url, "serve", "--host", "127.0.0.1", "--port", str(port)]


def bare_command(port: int) -> list[str]:
    return [sys.executable, "-m", "bench.bare_app", "--host", "127.0.0.1", "--port", str(port)]


@contextmanager
def servers(
    specs: list[tuple[list[str], int, str, Path]], env: dict[str, str] | None = None
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Server processes of ours, started together (their start-ups overlap) and stopped, each
    by its own pid, when done. A spec is (command, port, path that answers when ready, log)."""
    processes: list[subprocess.Popen[bytes]] = []
    logs = []
    try:
        for command, _, _, log in specs:
            out = log.open("wb")
            logs.append(out)
            processes.append(
                subprocess.Popen(
                    command, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=out, stderr=out
                )
            )
        for process, (_, port, ready, log) in zip(processes, specs, strict=True):
            _wait_ready(f"http://127.0.0.1:{port}{ready}", process, log)
        yield processes
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for out in logs:
            out.close()


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-800:]
            raise RuntimeError(f"the server exited ({process.returncode}): {tail}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server did not answer {url} within 60 s")


@dataclass
class Load:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    seconds: float = 0.0

    @property
    def done(self) -> int:
        return len(self.latencies)

    @property
    def ok(self) -> int:
        return self.statuses.get(200, 0)

    @property
    def rate(self) -> float | None:
        return self.done / self.seconds if self.seconds > 0 else None


def load(
    base: str,
    paths: list[str],
    threads: int,
    total: int,
    max_seconds: float,
    headers: dict[str, str] | None = None,
) -> Load:
    """`total` requests over `threads` keep-alive clients, stopping early at `max_seconds`."""
    result = Load()
    lock = threading.Lock()
    issued = [0]
    start = threading.Barrier(threads + 1)
    deadline = [float("inf")]

    def worker() -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            client.get(paths[0])  # open the connection before the clock starts
            start.wait()
            while True:
                with lock:
                    n = issued[0]
                    if n >= total or time.perf_counter() > deadline[0]:
                        return
                    issued[0] += 1
                began = time.perf_counter()
                try:
                    code = client.get(paths[n % len(paths)]).status_code
                except httpx.HTTPError:
                    code = -1
                took = time.perf_counter() - began
                with lock:
                    result.latencies.append(took)
                    result.statuses[code] = result.statuses.get(code, 0) + 1
                    result.errors += code != 200

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    start.wait()
    began = time.perf_counter()
    deadline[0] = began + max_seconds
    for t in pool:
        t.join()
    result.seconds = time.perf_counter() - began
    return result


def _describe(load_: Load) -> dict[str, object]:
    return {
        "requests": load_.done,
        "seconds": round(load_.seconds, 3),
        "statuses": {str(k): v for k, v in sorted(load_.statuses.items())},
        "p50_ms": ms(percentile(load_.latencies, 50)),
        "p99_ms": ms(percentile(load_.latencies, 99)),
    }


def bench_http(ctx: Context, result: Result) -> None:
    budget = ctx.budget
    folder = ctx.workdir / f"http-{ctx.db.backend}"
    folder.mkdir(parents=True, exist_ok=True)
    token = auth.create_token(
        ctx.db.uow(), "auditor", ["read"], timedelta(hours=6), datetime.now(UTC)
    ).secret
    pids = ctx.sample_protectees(max(50, min(budget.http_requests, 2000)), "http")
    past = ctx.past_instants(len(pids), "http-past")
    variants = {
        "now": [f"/api/v1/protectees/{p}/status" for p in pids],
        "past": [
            f"/api/v1/protectees/{p}/status?at={utc_text(at)}"
            for p, at in zip(pids, past, strict=True)
        ],
    }
    threads, total, limit = budget.http_threads, budget.http_requests, budget.max_seconds
    bare_port, port = free_port(), free_port()
    specs = [
        (bare_command(bare_port), bare_port, "/const", folder / "bare.log"),
        (hifazat_command(ctx.db.url, port), port, "/api/v1/health", folder / "hifazat.log"),
    ]
    with servers(specs, {"HIFAZAT_LEDGER_KEY": str(ctx.db.key_path)}) as (bare, registry):
        bare_load = load(f"http://127.0.0.1:{bare_port}", ["/const"], threads, total, limit)
        result.details["bare"] = {
            **_describe(bare_load),
            "server_peak_rss_mb": peak_rss_mb(bare.pid),
        }
        result.add(
            Figure("bare endpoint", bare_load.rate, "req/s", note=f"{threads} client threads")
        )
        headers = {"Authorization": f"Bearer {token}"}
        for name, paths in variants.items():
            measured = load(f"http://127.0.0.1:{port}", paths, threads, total, limit, headers)
            result.details[name] = _describe(measured)
            if measured.errors:
                raise RuntimeError(
                    f"status {name}: {measured.errors} failed requests {measured.statuses}"
                )
            result.add(
                Figure(
                    f"status {name} over HTTP",
                    measured.rate,
                    "req/s",
                    bare_load.rate,
                    "bare endpoint",
                    [Target(">=", 500), Target(">=", 0.4, "ratio")],
                    note=f"client p99 {ms(percentile(measured.latencies, 99)) or 0:.1f} ms",
                )
            )
        result.details["server_peak_rss_mb"] = peak_rss_mb(registry.pid)
    result.details["threads"] = threads
