"""The permission table. Permissions are data: an action, and the kinds of holder allowed it.

Holder kinds: a plain role (`admin`, `committee`, `auditor`, `intelligence`); `operator` /
`approver` (of any provider); `covering` (a desk of a provider that has decided on this
protectee); `covering-approver`; `provider-desk` (a desk of the provider in question); `self`
(the protectee's own login); `liaison` (a liaison the protectee consented to); `protectee`
(any protectee's own login); `any` (anyone signed in). An action missing here is denied.

These gates say who may use a function at all. Whether a particular change is theirs to make
(which provider, the two-person rule, the committee's floors) is the domain's R-AUTHORITY."""

from __future__ import annotations

STAFF = frozenset({"admin", "committee", "auditor", "intelligence", "operator", "approver"})
OVERSIGHT = frozenset({"admin", "committee", "auditor"})
CONCERNED = frozenset({"covering", "self", "liaison"})

PERMISSIONS: dict[str, frozenset[str]] = {
    # reading
    "protectee.list": STAFF,
    "protectee.read": STAFF | {"self", "liaison"},
    "status.read": OVERSIGHT | {"intelligence"} | CONCERNED,
    "decision.read": OVERSIGHT | CONCERNED,
    "notice.read": OVERSIGHT | CONCERNED,
    "appeal.read": OVERSIGHT | CONCERNED,
    "report.read": OVERSIGHT | CONCERNED,
    "threat.read": frozenset({"committee", "auditor", "intelligence", "covering-approver"}),
    "flag.read": OVERSIGHT | {"operator", "approver"},
    "review.due": OVERSIGHT | {"operator", "approver"},
    "audit.read": OVERSIGHT,
    "capacity.read": OVERSIGHT | {"operator", "approver"},
    "provider.read": frozenset({"any"}),
    "ledger.read": frozenset({"any"}),
    "ledger.checkpoint": OVERSIGHT,
    # the log's entries in bulk (a mirror's entry bundles) name protectees and decisions:
    # oversight alone; the tree's hashes are public
    "entries.read": OVERSIGHT,
    # a file of restricted records, marked for its reader and entered in the ledger; and the
    # trace of a leaked copy back to its export
    "export.make": OVERSIGHT,
    "export.trace": OVERSIGHT,
    "user.list": frozenset({"admin", "auditor"}),
    # public events are public by nature: anyone signed in reads the register
    "event.read": frozenset({"any"}),
    # a provider's officers and vehicles: who guards whom, in which car — its own desk alone
    "roll.read": frozenset({"provider-desk"}),
    # who checked in where and when: the same
    "attendance.read": frozenset({"provider-desk"}),
    "user.manage": frozenset({"admin"}),
    # writing: the gate; the domain rules then judge the case
    "decision.propose": frozenset({"operator", "approver", "committee"}),
    "decision.approve": frozenset({"approver", "committee"}),
    "decision.rescind": frozenset({"operator", "approver", "committee"}),
    "decision.ratify": frozenset({"committee"}),
    "threat.add": frozenset({"intelligence"}),
    "review.record": frozenset({"approver", "committee"}),
    "appeal.lodge": frozenset({"protectee", "liaison"}),
    "appeal.decide": frozenset({"committee"}),
    "report.file": frozenset(
        {"protectee", "liaison", "operator", "approver", "committee", "admin"}
    ),
    "report.resolve": frozenset({"provider-desk", "committee"}),
    "notice.requeue": frozenset({"admin", "covering"}),
    "roll.manage": frozenset({"provider-desk"}),
    "attendance.record": frozenset({"provider-desk"}),
    "event.record": frozenset({"auditor", "committee"}),
    # the operators' gauges and counters (/metrics): counts only, never a name, but an admin's,
    # through a token scoped to nothing else, so a scraper's credential reads no record
    "metrics.read": frozenset({"admin"}),
}

ADMIN_ACTIONS = frozenset({"user.manage"})
#: actions with a scope of their own, which only `admin` implies (api.deps.Principal.need)
OWN_SCOPE = {"metrics.read": "metrics"}


def scope_needed(action: str) -> str:
    """The token scope an action needs: reading, writing, administering, or scraping metrics."""
    if action in OWN_SCOPE:
        return OWN_SCOPE[action]
    if action in ADMIN_ACTIONS:
        return "admin"
    verb = action.split(".", 1)[1]
    return "read" if verb in {"list", "read", "due"} else "write"
