"""A real `hifazat serve` process for the tests that need real HTTP: started on a free port,
waited for, and stopped."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.conftest import Registry

#: how long a server may take to answer its first request on a loaded machine
START_WITHIN = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(reg: Registry, port: int, **env: str) -> subprocess.Popen[bytes]:
    """`hifazat serve` on `reg`'s database and key, with HIFAZAT_* settings from `env`; returns
    once it answers its health check."""
    settings = {"HIFAZAT_LEDGER_KEY": str(reg.key_path), "HIFAZAT_CHECKPOINT_SECONDS": "3600"}
    hifazat = Path(sys.executable).with_name("hifazat")
    server = subprocess.Popen(
        [str(hifazat), "--db", reg.url, "serve", "--port", str(port)],
        env={**os.environ, **settings, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + START_WITHIN
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=1):
                return server
        except OSError:
            time.sleep(0.05)
    server.kill()
    raise AssertionError(f"the server did not answer within {START_WITHIN:.0f} s")


def stop_servers(servers: list[subprocess.Popen[bytes]], within: float = 15.0) -> None:
    """SIGTERM to each, then a wait of `within` seconds each, then SIGKILL for any still up."""
    for server in servers:
        server.terminate()
    for server in servers:
        try:
            server.wait(timeout=within)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
