"""Redaction, in one place: what each user may see of a record they may read at all.

Threat summaries reach intelligence, the committee and auditors; an approver of a covering
provider sees the level only; nobody else learns of an assessment, not even through a flag."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hifazat.access.guard import Facts, kinds
from hifazat.domain.errors import Violation
from hifazat.domain.said import Said, text_of
from hifazat.domain.users import User

SUMMARY_READERS = frozenset({"intelligence", "committee", "auditor"})
LEVEL_READERS = SUMMARY_READERS | {"covering-approver"}
#: what a reader of the level alone sees of an assessment: not its id, agency or summary
LEVEL_FIELDS = frozenset({"protectee", "level", "assessed_at", "valid_until"})
#: flags that tell of a threat assessment
THREAT_FLAGS = frozenset({"R-THREAT"})
#: the rule a reader is told of when the rule itself would tell of a threat assessment
RESTRICTED_RULE = "R-RESTRICTED"


def sees_summary(user: User, facts: Facts) -> bool:
    return bool(SUMMARY_READERS & kinds(user, facts))


def sees_level(user: User, facts: Facts) -> bool:
    return bool(LEVEL_READERS & kinds(user, facts))


def assessment(user: User, facts: Facts, view: dict[str, Any]) -> dict[str, Any] | None:
    if not sees_level(user, facts):
        return None
    if sees_summary(user, facts):
        return view
    return {k: v for k, v in view.items() if k in LEVEL_FIELDS}


def flags(user: User, facts: Facts, views: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Threat flags only to those who may see the level; their subject, the assessment's id,
    only to those who may read the assessment."""
    if sees_summary(user, facts):
        return views
    if sees_level(user, facts):
        return [{**f, "subject": None} if f["rule"] in THREAT_FLAGS else f for f in views]
    return [f for f in views if f["rule"] not in THREAT_FLAGS]


#: how a message reads for its reader: English (the API, the CLI) unless a page says otherwise
Speak = Callable[[str | Said], str]


def violation(user: User, facts: Facts, v: Violation, speak: Speak = text_of) -> dict[str, str]:
    """A rule's message as this reader may see it: whole for those who may read assessments,
    the level alone for those who may see levels, and for anyone else neither the rule's name
    nor that an assessment exists. `facts` are those of the protectee the rule speaks of;
    `speak` writes the message in the reader's language (a page's), English by default."""
    if v.restricted is None or sees_summary(user, facts):
        return {"rule": v.rule, "message": speak(v.said or v.message)}
    if sees_level(user, facts):
        return {"rule": v.rule, "message": speak(v.restricted.level_only)}
    return {"rule": RESTRICTED_RULE, "message": speak(v.restricted.nothing)}


def unknown_reader(v: Violation) -> dict[str, str]:
    """A rule's message for a reader nobody vouched for: as little as to anyone."""
    if v.restricted is None:
        return {"rule": v.rule, "message": v.message}
    return {"rule": RESTRICTED_RULE, "message": text_of(v.restricted.nothing)}
