"""Redaction, in one place: what each user may see of a record they may read at all.

Threat summaries reach intelligence, the committee and auditors; an approver of a covering
provider sees the level only; nobody else learns of an assessment, not even through a flag."""

from __future__ import annotations

from typing import Any

from hifazat.access.guard import Facts, kinds
from hifazat.domain.users import User

SUMMARY_READERS = frozenset({"intelligence", "committee", "auditor"})
LEVEL_READERS = SUMMARY_READERS | {"covering-approver"}
#: flags that tell of a threat assessment
THREAT_FLAGS = frozenset({"R-THREAT"})


def sees_summary(user: User, facts: Facts) -> bool:
    return bool(SUMMARY_READERS & kinds(user, facts))


def sees_level(user: User, facts: Facts) -> bool:
    return bool(LEVEL_READERS & kinds(user, facts))


def assessment(user: User, facts: Facts, view: dict[str, Any]) -> dict[str, Any] | None:
    if not sees_level(user, facts):
        return None
    if sees_summary(user, facts):
        return view
    return {k: v for k, v in view.items() if k != "summary"}


def flags(user: User, facts: Facts, views: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if sees_level(user, facts):
        return views
    return [f for f in views if f["rule"] not in THREAT_FLAGS]
