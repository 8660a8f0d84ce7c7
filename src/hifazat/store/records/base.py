"""The base of the record mixins."""

from __future__ import annotations

from sqlalchemy import Connection

from hifazat.domain.protectee import Protectee
from hifazat.domain.users import User


class Base:
    """A connection every record mixin reads and writes through."""

    c: Connection
    #: read once per unit of work (one transaction): records are added, never changed
    protectee_cache: dict[str, Protectee]
    user_cache: dict[str, User]
