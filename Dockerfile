# syntax=docker/dockerfile:1
# One image for the app (`serve`), the notice worker (`worker`) and migrations (`db upgrade`);
# compose.yaml runs each from it. Python packages come from requirements/runtime.lock by hash,
# the web's assets from the npm registry at package-lock.json's versions; it runs as a user of
# its own, never root. docs/operations.md says how an operator runs it.

FROM node:22-bookworm-slim AS assets
RUN apt-get update \
 && apt-get install -y --no-install-recommends make \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json Makefile ./
COPY src/hifazat/web/assets src/hifazat/web/assets
RUN make assets

FROM python:3.11-slim-bookworm AS app
# WeasyPrint's Pango and HarfBuzz and the charts' DejaVu face (the transparency PDF);
# pg_dump and pg_restore at the server's major version (`hifazat db backup` / `db restore`)
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core postgresql-client \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/hifazat hifazat \
 && mkdir -p /var/lib/hifazat/key /var/lib/hifazat/backups \
 && chown -R hifazat:hifazat /var/lib/hifazat
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /opt/hifazat
COPY requirements/runtime.lock requirements/runtime.lock
RUN pip install --no-cache-dir --require-hashes -r requirements/runtime.lock
COPY pyproject.toml README.md ./
COPY scenarios scenarios
COPY policies policies
COPY src src
COPY --from=assets /src/src/hifazat/web/static/build src/hifazat/web/static/build
RUN pip install --no-cache-dir --no-deps . && rm -rf src

USER hifazat:hifazat
WORKDIR /var/lib/hifazat
ENV HIFAZAT_HOST=0.0.0.0 \
    HIFAZAT_PORT=8000 \
    HIFAZAT_LEDGER_KEY=/var/lib/hifazat/key/ledger.key \
    HIFAZAT_LOG_FORMAT=json
EXPOSE 8000
# liveness: the process answers (readiness, which asks the database, is /api/v1/ready)
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/v1/health', timeout=2)"]
# SIGTERM: the server finishes the requests in flight, the worker releases its claims
STOPSIGNAL SIGTERM
ENTRYPOINT ["hifazat"]
CMD ["serve"]
