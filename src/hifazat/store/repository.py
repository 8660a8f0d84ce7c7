"""Reads and writes domain objects. Every statement is built with SQLAlchemy Core, so every
value is a bound parameter; the statements live in `records/`, one module per kind of record."""

from __future__ import annotations

from sqlalchemy import Connection

from hifazat.store.records.decisions import DecisionRecords
from hifazat.store.records.entries import EntryRecords
from hifazat.store.records.registry import RegistryRecords


class Repository(RegistryRecords, DecisionRecords, EntryRecords):
    def __init__(self, connection: Connection) -> None:
        self.c = connection
        self.protectee_cache = {}
        self.user_cache = {}
        self.decision_cache = {}
        self.decision_owner = {}
        self.appeal_cache = {}
        self.assessment_cache = {}
        self.locked = set()
        self.pending = None
        self.pending_ids = set()
