"""The desk pages' own words: how a change is said (the same phrases the notices use, so a
reader meets one wording), how long a period is, and which form field each rule speaks to."""

from __future__ import annotations

from datetime import timedelta

from hifazat.domain.words import N_, NP_

#: a change, as a phrase to follow "proposes to": without and with the category it leads to
CHANGES: dict[str, tuple[str, str]] = {
    "grant": (N_("grant cover to {person}"), N_("grant cover to {person}")),
    "upgrade": (
        N_("upgrade the cover of {person}"),
        N_("upgrade the cover of {person} to {category}"),
    ),
    "downgrade": (
        N_("downgrade the cover of {person}"),
        N_("downgrade the cover of {person} to {category}"),
    ),
    "suspend": (N_("suspend the cover of {person}"), N_("suspend the cover of {person}")),
    "resume": (N_("resume the cover of {person}"), N_("resume the cover of {person}")),
    "withdraw": (N_("withdraw cover from {person}"), N_("withdraw cover from {person}")),
}
#: a threat assessment's level, as its word
THREAT_LEVELS = [
    NP_("threat level", "none"),
    NP_("threat level", "low"),
    NP_("threat level", "moderate"),
    NP_("threat level", "high"),
    NP_("threat level", "severe"),
]
#: what each flag calls attention to, in words (its rule id is shown beside them)
FLAGS = {
    "R-REVIEW": N_("Review overdue"),
    "R-BASIS": N_("Cover without its basis"),
    "R-SANCTION": N_("More committed than sanctioned"),
    "DISCREPANCY": N_("Ground report: not as authorised"),
    "CLUSTER": N_("Adverse events against one party"),
    "R-RATIFY": N_("Emergency decision not ratified in time"),
    "R-APPEAL": N_("Appeal not ruled on in time"),
    "R-THREAT": N_("Cover below the threat level"),
    "NOTICE-UNDELIVERABLE": N_("Notice not delivered"),
}
#: a notification channel's kind
CHANNEL_KINDS = [NP_("channel", "email"), NP_("channel", "webhook")]
#: a language, named in itself
LANGUAGES = {"en": "English", "ur": "اردو"}


def change_phrase(action: str, category: str | None) -> str:
    """The catalog's phrase for a change ({person}, and {category} where it names one)."""
    plain, named = CHANGES.get(action, ("{person}", "{person}"))
    return named if category else plain


def span(delta: timedelta) -> tuple[str, str, int]:
    """A period as ngettext's arguments: whole days where it is days, else hours, else minutes
    (the plurals are in the catalog already, marked where the notices say them)."""
    seconds = int(delta.total_seconds())
    if seconds % 86400 == 0:
        return "{n} day", "{n} days", seconds // 86400
    if seconds % 3600 == 0:
        return "{n} hour", "{n} hours", seconds // 3600
    return "{n} minute", "{n} minutes", max(1, round(seconds / 60))


#: where a refusal is shown on the decision form, by its rule
RULE_FIELD = {
    "R-REASON": "reason",
    "R-NOTICE": "effective_at",
    "R-STATE": "action",
    "R-AUTHORITY": "provider",
    "R-ENTITLEMENT": "category",
    "R-THREAT": "category",
    "R-RESTRICTED": "category",
}


def field_of(rule: str, message: str) -> str:
    """The field a rule's refusal belongs at: R-REASON's missing or unknown code is the reason
    code's, its too-short text the reason's."""
    if rule == "R-REASON" and "reason code" in message:
        return "reason_code"
    return RULE_FIELD.get(rule, "action")
