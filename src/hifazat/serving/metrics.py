"""`/metrics` in the Prometheus text format (prometheus-client).

Two kinds of figure. The HTTP ones (requests by route and status, latency, requests in flight)
are this process's own, labelled by the route's template (`/api/v1/protectees/{protectee_id}`),
never the path a caller sent, so a scan of made-up paths cannot grow the label set. With several
server processes on one port (`serve --workers`), prometheus-client's multiprocess mode adds
them up across the processes (PROMETHEUS_MULTIPROC_DIR, which `serve` sets). The registry's own
figures (decisions, refusals, notices, the ledger) are read from the database at each scrape
(`store.gauges`), so every node reports the same numbers. docs/operations.md lists every name.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from typing import Any, Protocol

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

log = logging.getLogger("hifazat.api")

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_LATEST

#: seconds: from a cached page to a national report
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class RegistryFigures(Protocol):
    """What the database says at a scrape (`store.gauges.Gauges`)."""

    @property
    def decisions(self) -> dict[str, int]: ...
    @property
    def refusals(self) -> dict[str, int]: ...
    @property
    def attempts(self) -> dict[str, int]: ...
    @property
    def outcomes(self) -> dict[str, int]: ...
    @property
    def notices(self) -> dict[str, int]: ...
    @property
    def queue_oldest_seconds(self) -> float: ...
    @property
    def ledger_entries(self) -> int: ...
    @property
    def ledger_pending(self) -> int: ...
    @property
    def checkpoint_age_seconds(self) -> float | None: ...
    @property
    def checkpoint_size(self) -> int: ...


class HttpMetrics:
    """This process's request counters, registered on `registry`."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "hifazat_http_requests",
            "HTTP requests answered, by method, route template and status",
            ["method", "route", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            "hifazat_http_request_duration_seconds",
            "Time from a request's arrival to the end of its response, by method and route",
            ["method", "route"],
            buckets=BUCKETS,
            registry=registry,
        )
        self.in_flight = Gauge(
            "hifazat_http_requests_in_flight",
            "Requests being served now",
            registry=registry,
            multiprocess_mode="livesum",
        )


class RegistryCollector(Collector):
    """The registry's figures, read through `read` at each scrape. A database that cannot be
    read gives `hifazat_registry_up 0` and no other registry figure, rather than a failed
    scrape: the HTTP figures still say what the nodes are doing."""

    def __init__(self, read: Callable[[], RegistryFigures]) -> None:
        self.read = read

    def collect(self) -> Iterator[Metric]:
        try:
            g = self.read()
        except Exception as error:  # a scrape must answer: the failure is itself the figure
            log.warning("metrics: the registry could not be read: %s", type(error).__name__)
            yield _gauge("hifazat_registry_up", "Whether the database answered this scrape", 0)
            return
        yield _gauge("hifazat_registry_up", "Whether the database answered this scrape", 1)
        yield _by(
            CounterMetricFamily,
            "hifazat_decisions",
            "Decisions recorded, by action (proposed; approval and rescission are later steps)",
            "action",
            g.decisions,
        )
        yield _by(
            CounterMetricFamily,
            "hifazat_refusals",
            "Refused attempts, by the policy rule they broke",
            "rule",
            g.refusals,
        )
        yield _by(
            CounterMetricFamily,
            "hifazat_notice_deliveries",
            "Attempts to put a notice on a channel, by outcome (sent, failed)",
            "outcome",
            g.attempts,
        )
        yield _by(
            CounterMetricFamily,
            "hifazat_notice_outcomes",
            "How notices' deliveries ended, by outcome (delivered, dead, requeued)",
            "outcome",
            g.outcomes,
        )
        yield _by(GaugeMetricFamily, "hifazat_notices", "Notices by state now", "state", g.notices)
        yield _gauge(
            "hifazat_notice_queue_oldest_seconds",
            "How long the oldest undelivered notice has waited (0: none waits)",
            g.queue_oldest_seconds,
        )
        yield _gauge("hifazat_ledger_entries", "Entries in the ledger's log", g.ledger_entries)
        yield _gauge(
            "hifazat_ledger_pending_entries",
            "Committed changes still waiting for their ledger entries",
            g.ledger_pending,
        )
        yield _gauge(
            "hifazat_ledger_checkpoint_size",
            "Entries the newest signed checkpoint covers",
            g.checkpoint_size,
        )
        if g.checkpoint_age_seconds is not None:
            yield _gauge(
                "hifazat_ledger_checkpoint_age_seconds",
                "Seconds since the newest signed checkpoint",
                g.checkpoint_age_seconds,
            )


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def _by(kind: Any, name: str, documentation: str, label: str, values: dict[str, int]) -> Metric:
    family = kind(name, documentation, labels=[label])
    for key, value in sorted(values.items()):
        family.add_metric([key], value)
    return family  # type: ignore[no-any-return]


class Metrics:
    """One app's metrics: its HTTP figures and the registry's, rendered for a scrape."""

    def __init__(self, read: Callable[[], RegistryFigures]) -> None:
        # a `_created` series beside each counter doubles the scrape and says only when this
        # process first counted: a restart shows in process_start_time_seconds
        disable_created_metrics()  # type: ignore[no-untyped-call]
        self.multiprocess = bool(os.environ.get(MULTIPROCESS_ENV))
        self.own = CollectorRegistry(auto_describe=True)
        self.http = HttpMetrics(self.own)
        self.registry = RegistryCollector(read)

    def render(self) -> bytes:
        scrape = CollectorRegistry()
        if self.multiprocess:  # every server process's HTTP figures, added up
            MultiProcessCollector(scrape)  # type: ignore[no-untyped-call]
        else:
            scrape.register(_Forward(self.own))
            for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
                scrape.register(_Forward(collector))
        scrape.register(self.registry)
        return generate_latest(scrape)


class _Forward(Collector):
    """A collector already registered elsewhere, collected again into a scrape's registry."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def collect(self) -> Iterator[Metric]:
        yield from self.inner.collect()
