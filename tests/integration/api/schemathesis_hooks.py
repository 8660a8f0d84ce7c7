"""Schemathesis hooks for tests/integration/api/test_schemathesis_server.py (loaded through
SCHEMATHESIS_HOOKS): every generated Idempotency-Key is made unique to its request, as a client
would make it. JSON Schema cannot say that a key is used once, so the generator repeats keys
across different requests, which the API rightly refuses (422 IDEMPOTENCY_KEY_REUSED)."""

from __future__ import annotations

import uuid
from typing import Any

import schemathesis

HEADER = "Idempotency-Key"


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    headers = case.headers
    if headers and isinstance(headers.get(HEADER), str):
        # the drawn value is kept, so a key the API must refuse (too long, say) stays refused
        headers[HEADER] = f"{headers[HEADER]}{uuid.uuid4()}"
