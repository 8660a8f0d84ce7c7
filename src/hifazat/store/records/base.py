"""The base of the record mixins."""

from __future__ import annotations

from sqlalchemy import Connection


class Base:
    """A connection every record mixin reads and writes through."""

    c: Connection
