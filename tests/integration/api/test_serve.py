"""`hifazat serve`: a real server process answering real HTTP."""

from __future__ import annotations

import json
import urllib.request

from tests.conftest import Registry
from tests.servers import free_port, start_server


def test_serve_answers_over_http(demo: Registry) -> None:
    port = free_port()
    server = start_server(demo, port)
    base = f"http://127.0.0.1:{port}"
    try:
        with urllib.request.urlopen(f"{base}/api/v1/health", timeout=2) as response:
            assert json.load(response)["ok"] is True
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
