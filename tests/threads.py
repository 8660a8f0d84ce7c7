"""Concurrent writers for the tests: n threads released at once, every error kept."""

from __future__ import annotations

import threading
from collections.abc import Callable


def together(n: int, body: Callable[[int], None]) -> list[BaseException]:
    """Runs `body(0)` … `body(n - 1)` in n threads that start together (a barrier), waits for
    them all, and returns what they raised (empty when none did)."""
    start = threading.Barrier(n)
    errors: list[BaseException] = []

    def run(k: int) -> None:
        try:
            start.wait()
            body(k)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
