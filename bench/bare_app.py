"""The HTTP limit: an endpoint of the same framework and server that returns a constant.

Served exactly as `hifazat serve` serves the registry (`uvicorn.run(app, host, port,
log_level="info")`, with as many worker processes), with the route a plain `def` like the
registry's, so it runs in the same thread pool:

    python -m bench.bare_app --port 8123 [--workers 2]
"""

from __future__ import annotations

import argparse

import uvicorn
from fastapi import FastAPI

app = FastAPI(title="bare")


@app.get("/const")
def const() -> dict[str, bool]:
    return {"ok": True}


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
