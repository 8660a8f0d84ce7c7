"""A policy from its stored document (already validated where it was loaded)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hifazat.domain.chains import Chain
from hifazat.domain.errors import InvalidInput
from hifazat.domain.policy import MIN_NAMING_LAG, Entitlement, Policy
from hifazat.domain.times import parse_duration


def policy_from_document(doc: Mapping[str, Any]) -> Policy:
    return Policy(
        id=doc["id"],
        name=doc["name"],
        timezone=doc["timezone"],
        reason_codes=dict(doc["reason_codes"]),
        min_reason_length=int(doc["min_reason_length"]),
        two_person_rule=bool(doc["two_person_rule"]),
        notice_period=parse_duration(doc["notice_period"], "notice_period"),
        emergency_ratification_within=parse_duration(
            doc["emergency_ratification_within"], "emergency_ratification_within"
        ),
        review_every=parse_duration(doc["review_every"], "review_every"),
        appeal_decide_within=parse_duration(doc["appeal_decide_within"], "appeal_decide_within"),
        small_cell_threshold=int(doc["small_cell_threshold"]),
        entitlements=tuple(
            Entitlement(e["office_class"], e["provider_level"], int(e["min_rank"]))
            for e in doc.get("entitlements", [])
        ),
        floor_exempt_reasons=frozenset(doc.get("floor_exempt_reasons", [])),
        threat_floors={k: int(v["min_rank"]) for k, v in doc.get("threat_floors", {}).items()},
        approval_chains=tuple(_chain(c) for c in doc.get("approval_chains", [])),
        restoring_reason_code=doc.get("restoring_reason_code", "review-outcome"),
        desk_contacts=dict(doc.get("desk_contacts", {})),
        retaliation_window=parse_duration(
            doc.get("retaliation_window", "14d"), "retaliation_window"
        ),
        **_public_report(doc.get("public_report") or {}),
        witness_keys=tuple((doc.get("witnesses") or {}).get("keys", ())),
        witness_quorum=int((doc.get("witnesses") or {}).get("quorum", 0)),
    )


def _public_report(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The public report's naming option; a document stored before it existed names nobody.
    The lag is checked again here, so no path into the registry can shorten it."""
    lag = parse_duration(doc.get("naming_lag", "90d"), "public_report.naming_lag")
    if lag < MIN_NAMING_LAG:
        raise InvalidInput("public_report.naming_lag", _LAG_TOO_SHORT)
    return {"name_positional_cover": bool(doc.get("name_positional_cover")), "naming_lag": lag}


_LAG_TOO_SHORT = f"must be at least {MIN_NAMING_LAG.days}d"


def _chain(doc: Mapping[str, Any]) -> Chain:
    when = doc.get("when") or {}
    actions = when.get("actions")
    return Chain(
        name=doc["name"],
        steps=tuple(doc["steps"]),
        actions=frozenset(actions) if actions is not None else None,
        emergency=when.get("emergency"),
        threat_at_least=when.get("threat_at_least"),
        below_floor=when.get("below_floor"),
    )
