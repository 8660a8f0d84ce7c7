"""The base of the record mixins."""

from __future__ import annotations

from sqlalchemy import Connection

from hifazat.domain.appeal import Appeal
from hifazat.domain.decision import Decision
from hifazat.domain.protectee import Protectee
from hifazat.domain.threat import ThreatAssessment
from hifazat.domain.users import User


class Base:
    """A connection every record mixin reads and writes through."""

    c: Connection
    #: read once per unit of work (one transaction): records are added, never changed
    protectee_cache: dict[str, Protectee]
    user_cache: dict[str, User]
    #: a protectee's decisions (enriched) and assessments, read once per unit of work and kept
    #: in step with every write made through this repository, so that a rule checking the
    #: hundredth decision of an import does not read the first ninety-nine again
    decision_cache: dict[str, list[Decision]]
    decision_owner: dict[str, str]
    appeal_cache: dict[str, list[Appeal]]
    assessment_cache: dict[str, list[ThreatAssessment]]
    #: protectees whose row this transaction has locked (a lock lasts until commit)
    locked: set[str]
