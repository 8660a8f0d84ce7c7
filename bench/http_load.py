"""Status through HTTP under concurrent load, beside two bare endpoints of the same framework
and server (`bench.bare_app`): one running the bare status SQL on the registry's pool (the limit
the target is set against: at least half its rate) and one returning a constant.

Both servers run as they are deployed: `hifazat --db URL serve --workers N` (uvicorn, one
process per core by default), and `bench.bare_app` the same way. The load comes from wrk where
it is installed (Debian's `wrk`: C, N keep-alive connections over two threads, for a fixed time,
cycling through the request paths with a Lua script), else from a bounded Python loop (threads
with keep-alive httpx clients, sharing a request count and a time limit), which costs the shared
cores far more and so understates both rates. The paths are `/api/v1/protectees/{id}/status`
(now, and `?at=` a past instant) with an auditor's bearer token; every answer must be a 200.
The server runs on the system clock: its "now" is today, after the generated history ends."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bench.bare_app import DB_ENV
from bench.context import Context
from bench.harness import Figure, Result, Target, Turns, ms, peak_rss_mb, percentile, run_threads
from hifazat.domain.times import utc_text
from hifazat.services import auth

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def hifazat_command(url: str, port: int, workers: int = 1) -> list[str]:
    script = Path(sys.executable).parent / "hifazat"
    head = (
        [str(script)]
        if script.exists()
        else [sys.executable, "-c", "from hifazat.cli import main; main()"]
    )
    serve = ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    return [*head, "--db", url, *serve]


def bare_command(port: int, workers: int = 1) -> list[str]:
    return [
        sys.executable,
        *("-m", "bench.bare_app", "--host", "127.0.0.1"),
        *("--port", str(port), "--workers", str(workers)),
    ]


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
    client: str = "python"
    #: wrk reports counts and percentiles, not each latency
    requests: int | None = None
    p50: float | None = None
    p99: float | None = None

    @property
    def done(self) -> int:
        return self.requests if self.requests is not None else len(self.latencies)

    def percentile(self, q: int) -> float | None:
        summary = {50: self.p50, 99: self.p99}.get(q) if self.requests is not None else None
        return summary if summary is not None else percentile(self.latencies, q)

    @property
    def ok(self) -> int:
        return self.statuses.get(200, 0)

    @property
    def rate(self) -> float | None:
        return self.done / self.seconds if self.seconds > 0 else None


_scripts = itertools.count()
_WRK_SCRIPT = """
local paths = %s
local i = 0
wrk.headers = %s
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("HIFAZAT-WRK %%d %%d %%d %%d %%d %%d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(99), e.status,
    e.connect + e.read + e.write + e.timeout))
end
"""


def wrk_load(
    base: str,
    paths: list[str],
    connections: int,
    seconds: float,
    folder: Path,
    headers: dict[str, str] | None = None,
) -> Load:
    """wrk against `base`, cycling through `paths`, for `seconds`."""
    script = folder / f"wrk-{abs(hash((base, tuple(paths)))) % 10**8}.lua"
    lua_paths = "{" + ",".join(json.dumps(p) for p in paths) + "}"
    lua_headers = (
        "{"
        + ",".join(f"[{json.dumps(k)}]={json.dumps(v)}" for k, v in (headers or {}).items())
        + "}"
    )
    script.write_text(_WRK_SCRIPT % (lua_paths, lua_headers))
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s"]
    out = subprocess.run(
        [*command, "-s", str(script), base], capture_output=True, text=True, check=True
    ).stdout
    line = next((x for x in out.splitlines() if x.startswith("HIFAZAT-WRK ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary: {out[-400:]}")
    requests, micros, p50, p99, bad_status, failed = (int(x) for x in line.split()[1:])
    good = requests - bad_status - failed
    statuses = {200: good, -1: failed} if failed else {200: good}
    if bad_status:
        statuses[0] = bad_status  # wrk counts non-2xx/3xx answers without their codes
    return Load(
        statuses=statuses,
        errors=bad_status + failed,
        seconds=micros / 1e6,
        client="wrk",
        requests=requests,
        p50=p50 / 1e6,
        p99=p99 / 1e6,
    )


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

    def worker(turns: Turns) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            client.get(paths[0])  # open the connection before the clock starts
            turns.ready()
            while (n := turns.take()) is not None:
                began = time.perf_counter()
                try:
                    code = client.get(paths[n % len(paths)]).status_code
                except httpx.HTTPError:
                    code = -1
                took = time.perf_counter() - began
                with turns.lock:
                    result.latencies.append(took)
                    result.statuses[code] = result.statuses.get(code, 0) + 1
                    result.errors += code != 200

    result.seconds = run_threads(threads, total, max_seconds, worker)
    return result


#: connections lost or timed out (wrk: connect, read, write, timeout) a load may have and still
#: count: a rare one is the load generator's, not the server's answer; a non-200 answer never is
SOCKET_ERRORS = 0.001


def _check(name: str, measured: Load) -> None:
    """Every answer a 200, and at most `SOCKET_ERRORS` of the requests lost (shown in details)."""
    lost = measured.statuses.get(-1, 0)
    wrong = measured.errors - lost
    if wrong or lost > SOCKET_ERRORS * max(1, measured.done):
        raise RuntimeError(f"{name}: {measured.errors} failed requests {measured.statuses}")


def _describe(load_: Load) -> dict[str, object]:
    return {
        "client": load_.client,
        "requests": load_.done,
        "seconds": round(load_.seconds, 3),
        "statuses": {str(k): v for k, v in sorted(load_.statuses.items())},
        "p50_ms": ms(load_.percentile(50)),
        "p99_ms": ms(load_.percentile(99)),
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
    workers = budget.http_workers
    if budget.http_client not in ("auto", "wrk", "python"):
        raise ValueError(f"unknown HTTP client {budget.http_client!r}: auto, wrk or python")
    use_wrk = budget.http_client == "wrk" or (
        budget.http_client == "auto" and shutil.which("wrk") is not None
    )

    def run_load(base: str, paths: list[str], headers: dict[str, str] | None = None) -> Load:
        if use_wrk:
            return wrk_load(base, paths, threads, budget.http_seconds, folder, headers)
        return load(base, paths, threads, total, limit, headers)

    client = f"wrk, {threads} connections" if use_wrk else f"{threads} Python client threads"
    bare_port, port = free_port(), free_port()
    specs = [
        (bare_command(bare_port, workers), bare_port, "/const", folder / "bare.log"),
        (
            hifazat_command(ctx.db.url, port, workers),
            port,
            "/api/v1/health",
            folder / "hifazat.log",
        ),
    ]
    env = {"HIFAZAT_LEDGER_KEY": str(ctx.db.key_path), DB_ENV: ctx.db.url}
    with servers(specs, env) as (bare, registry):
        bare_load = run_load(f"http://127.0.0.1:{bare_port}", ["/const"])
        sql_load = run_load(f"http://127.0.0.1:{bare_port}", [f"/status-sql/{p}" for p in pids])
        for name, measured in (("bare", bare_load), ("bare_sql", sql_load)):
            _check(name, measured)
            result.details[name] = _describe(measured)
        result.details["bare"]["server_peak_rss_mb"] = peak_rss_mb(bare.pid)
        served = f"{workers} server process{'es' if workers > 1 else ''}"
        result.add(Figure("bare endpoint", bare_load.rate, "req/s", note=f"{client}; {served}"))
        result.add(
            Figure(
                "bare status SQL endpoint",
                sql_load.rate,
                "req/s",
                note="the status rows read bare on the registry's pool, as JSON",
            )
        )
        headers = {"Authorization": f"Bearer {token}"}
        for name, paths in variants.items():
            measured = run_load(f"http://127.0.0.1:{port}", paths, headers)
            result.details[name] = _describe(measured)
            _check(f"status {name}", measured)
            constant = (
                f"; {measured.rate / bare_load.rate:.0%} of the constant endpoint"
                if measured.rate and bare_load.rate
                else ""
            )
            result.add(
                Figure(
                    f"status {name} over HTTP",
                    measured.rate,
                    "req/s",
                    sql_load.rate,
                    "bare status SQL endpoint",
                    [Target(">=", 500), Target(">=", 0.5, "ratio")],
                    note=f"client p99 {ms(measured.percentile(99)) or 0:.1f} ms{constant}",
                )
            )
        result.details["server_peak_rss_mb"] = peak_rss_mb(registry.pid)
    result.details |= {"threads": threads, "client": client, "server_workers": workers}
