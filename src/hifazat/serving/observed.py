"""The middleware every HTTP request passes first: its id (`serving.logs`), its figures
(`serving.metrics`) and its access line, all from what the client met — the final status,
errors included, and the time to the end of the response."""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hifazat.serving import logs
from hifazat.serving.metrics import HttpMetrics


class Observed:
    """Outermost ASGI middleware. The route's template is known only once routing ran, so it
    is read from the scope (which routing fills in) at the end."""

    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid, token = logs.begin(scope)
        status = 500
        started = time.perf_counter()

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = [*message.get("headers", []), (b"x-request-id", rid.encode())]
                message = {**message, "headers": headers}
            await send(message)

        self.metrics.in_flight.inc()
        try:
            await self.app(scope, receive, sending)
        finally:
            self.metrics.in_flight.dec()
            seconds = time.perf_counter() - started
            method, route = scope.get("method", "GET"), logs.route_of(scope)
            self.metrics.requests.labels(method, route, str(status)).inc()
            self.metrics.latency.labels(method, route).observe(seconds)
            logs.end(token, method, route, status, seconds)
