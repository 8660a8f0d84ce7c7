"""The public transparency report, built once per ledger head and period and kept in a small
cache that serves its JSON, its page and its PDF: an anonymous caller asking again and again
costs a lookup, not a rendering (a PDF costs over half a second of CPU).

Every change to the registry appends to the ledger, so a report stays true while the tree size
does; it also depends on the time (a decision takes effect at its hour without a new entry), so
an entry is kept `seconds` at most, by the registry's clock."""

from __future__ import annotations

import hashlib
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar, cast

from hifazat.domain.times import Clock, period
from hifazat.reports.transparency.model import TransparencyReport
from hifazat.reports.transparency.render import to_pdf
from hifazat.services import audits
from hifazat.services.unit_of_work import UnitOfWork

Key = tuple[int, datetime | None, datetime | None]
V = TypeVar("V")


class Published:
    """One report and its renderings, each made once, on first demand."""

    def __init__(
        self, report: TransparencyReport, built_at: datetime, counts: Counter[str], head: int = 0
    ) -> None:
        self.report = report
        self.built_at = built_at
        #: the ledger's tree size the report was built at
        self.head = head
        self._counts = counts
        self._lock = threading.Lock()
        self._json: dict[str, Any] | None = None
        self._view: Any = None
        self._pdf: bytes | None = None
        self._etag: str | None = None
        self._pages: dict[str, str] = {}

    def as_dict(self) -> dict[str, Any]:
        with self._lock:
            if self._json is None:
                self._json = self.report.as_dict()
            return self._json

    def view(self, model: Callable[[dict[str, Any]], V]) -> V:
        """The JSON as the API's model (`model` validates it), validated once."""
        data = self.as_dict()
        with self._lock:
            if self._view is None:
                self._view = model(data)
            return cast(V, self._view)

    def page(self, language: str, build: Callable[[TransparencyReport, str], str]) -> str:
        """The web page's body in one language, built by the web (which words it) once."""
        with self._lock:
            if language not in self._pages:
                self._counts["html"] += 1
                self._pages[language] = build(self.report, language)
            return self._pages[language]

    def pdf(self) -> bytes:
        with self._lock:
            if self._pdf is None:
                self._counts["pdf"] += 1
                self._pdf = to_pdf(self.report)
                digest = hashlib.sha256(self._pdf).hexdigest()[:24]
                self._etag = f'"{self.head}-{digest}"'
            return self._pdf

    def pdf_etag(self) -> str:
        """A strong validator of the PDF's bytes and the ledger head they were made at: a
        client holding them is told 304 until the ledger moves."""
        self.pdf()
        assert self._etag is not None
        return self._etag


class PublicReports:
    """A bounded cache of public reports keyed by (tree size, from, to); `renders` counts what
    was built ("report", "html", "pdf"), which is how a test proves N requests rendered once."""

    def __init__(self, size: int, seconds: int) -> None:
        self.size = size
        self.ttl = timedelta(seconds=seconds)
        self.renders: Counter[str] = Counter()
        self._entries: OrderedDict[Key, Published] = OrderedDict()
        self._building: dict[Key, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(
        self,
        uow: Callable[[], UnitOfWork],
        clock: Clock,
        start: datetime | None,
        end: datetime | None,
    ) -> Published:
        now = clock()
        period(start, end, now)  # refuses a bad period before any work
        key: Key = (_tree_size(uow()), start, end)
        with self._lock:
            found = self._fresh(key, now)
            if found is not None:
                return found
            building = self._building.setdefault(key, threading.Lock())
        with building:  # one build per key; whoever waited finds it made
            with self._lock:
                found = self._fresh(key, now)
            if found is None:
                begin, stop = period(start, end, now)
                report = audits.transparency(uow(), begin, stop, now)
                found = Published(report, now, self.renders, key[0])
                with self._lock:
                    self.renders["report"] += 1
                    self._entries[key] = found
                    self._entries.move_to_end(key)
                    while len(self._entries) > self.size:
                        self._entries.popitem(last=False)
            with self._lock:
                self._building.pop(key, None)
        return found

    def _fresh(self, key: Key, now: datetime) -> Published | None:
        found = self._entries.get(key)
        if found is None or not (found.built_at <= now < found.built_at + self.ttl):
            return None
        self._entries.move_to_end(key)
        return found


def _tree_size(uow: UnitOfWork) -> int:
    with uow.reading() as reading:
        return reading.ledger.tree_size()
