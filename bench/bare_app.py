"""The HTTP limits: endpoints of the same framework and server with none of the registry's work.

`/const` returns a constant. `/status-sql/{pid}` runs the bare status SQL (`bench.status.BARE`:
the three indexed statements that read the rows a protectee's status is built from) in one
transaction on an engine made as the registry makes its own (`make_engine`: the same pool), and
returns the rows as JSON: what any implementation of the status route must pay (issue 15 asks for
at least half of its rate). The database comes from `BENCH_BARE_DB`; without it the route is
absent.

Served exactly as `hifazat serve` serves the registry (`uvicorn.run(app, host, port,
log_level="info")`, with as many worker processes), with the routes plain `def`s like the
registry's, so they run in the same thread pool:

    BENCH_BARE_DB=URL python -m bench.bare_app --port 8123 [--workers 2]
"""

from __future__ import annotations

import argparse
import os
from typing import Any

import uvicorn
from fastapi import FastAPI

from bench.status import BARE
from hifazat.store.engine import make_engine

DB_ENV = "BENCH_BARE_DB"

app = FastAPI(title="bare")


@app.get("/const")
def const() -> dict[str, bool]:
    return {"ok": True}


if url := os.environ.get(DB_ENV):
    engine = make_engine(url)

    @app.get("/status-sql/{pid}")
    def status_sql(pid: str) -> dict[str, list[dict[str, Any]]]:
        with engine.begin() as c:
            read = [[dict(r._mapping) for r in c.execute(q, {"p": pid})] for q in BARE]
        return {"decisions": read[0], "assessments": read[1], "reports": read[2]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    if args.workers == 1:
        uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    else:
        target = "bench.bare_app:app"
        uvicorn.run(target, host=args.host, port=args.port, log_level="info", workers=args.workers)


if __name__ == "__main__":
    main()
