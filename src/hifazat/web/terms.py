"""The registry's fixed words as a reader sees them: each stored value (an action, a state, a
role...) marked for the catalogs with its context, shown in a template as
`pgettext(context, value)`. A value missing here still reads, in English, as itself."""

from __future__ import annotations

from hifazat.domain.words import NP_

# A decision's action is marked where the notices use it (domain/notice.py, context "action").
#: where a decision stands
DECISION_STATES = [
    NP_("decision state", "proposed"),
    NP_("decision state", "approved"),
    NP_("decision state", "held"),
    NP_("decision state", "effective"),
    NP_("decision state", "rescinded"),
    NP_("decision state", "overturned"),
]
#: a layer of cover now
COVER_STATES = [
    NP_("cover state", "active"),
    NP_("cover state", "suspended"),
    NP_("cover state", "withdrawn"),
    NP_("cover state", "no cover"),
]
#: why a person is entitled to cover
BASES = [NP_("basis", "positional"), NP_("basis", "threat")]
#: how the committee ruled on an appeal
OUTCOMES = [NP_("appeal outcome", "upheld"), NP_("appeal outcome", "overturned")]
#: the kinds of role (a desk's role is its kind at a provider: operator@sindh-police)
ROLES = [
    NP_("role", "admin"),
    NP_("role", "committee"),
    NP_("role", "auditor"),
    NP_("role", "intelligence"),
    NP_("role", "operator"),
    NP_("role", "approver"),
    NP_("role", "protectee"),
    NP_("role", "liaison"),
]
