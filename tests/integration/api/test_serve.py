"""`hifazat serve`: a real server process answering real HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.conftest import Registry


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_over_http(demo: Registry, tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "HIFAZAT_LEDGER_KEY": str(demo.key_path),
        "HIFAZAT_CHECKPOINT_SECONDS": "3600",
    }
    hifazat = Path(sys.executable).with_name("hifazat")
    server = subprocess.Popen(
        [str(hifazat), "--db", demo.url, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # a loaded machine can take a while to import everything
            try:
                with urllib.request.urlopen(f"{base}/api/v1/health", timeout=1) as response:
                    assert json.load(response)["ok"] is True
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the server did not answer within 60 s")
        with urllib.request.urlopen(f"{base}/api/v1/ledger/public-key", timeout=2) as response:
            assert response.read().decode().startswith("hifazat.local/ledger+")
        request = urllib.request.Request(f"{base}/api/v1/protectees")
        try:
            urllib.request.urlopen(request, timeout=2)
            raise AssertionError("an anonymous request was answered")
        except urllib.error.HTTPError as error:
            assert error.code == 401
            assert json.load(error)["error"]["code"] == "UNAUTHENTICATED"
    finally:
        server.terminate()
        server.wait(timeout=10)
