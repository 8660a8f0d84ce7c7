"""Scenario import: a whole registry history from one file, in one transaction.

Every decision goes through the same propose and approve steps as the command line, at the time the
file says it was made, so a history that breaks a rule cannot be smuggled in. The first refused
or malformed row fails the file, naming its line; nothing of the file is kept."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from hifazat.domain.errors import InvalidInput
from hifazat.domain.protectee import Affiliation, Office, Protectee
from hifazat.domain.provider import Category, Provider
from hifazat.domain.resources import Officer, Vehicle, check_absence, check_registration
from hifazat.domain.rules import lifecycle
from hifazat.domain.times import Clock
from hifazat.domain.users import User
from hifazat.services import decide, deployment, registry_entries, roll, users
from hifazat.services import events as public_events
from hifazat.services.located import row
from hifazat.services.rostering import Solver
from hifazat.services.schema import (
    DecisionModel,
    DiscrepancyModel,
    PolicyModel,
    ProtecteeModel,
    ProviderModel,
    ScenarioModel,
    ThreatModel,
    validate,
)
from hifazat.services.unit_of_work import UnitOfWork
from hifazat.services.yaml_lines import LineDict, LineList, load, read_text

#: a policy file's size limit (the shipped one is 5 KB); a scenario's is yaml_lines.MAX_FILE_BYTES
MAX_POLICY_BYTES = 1024 * 1024


@dataclass
class ImportSummary:
    policy: str
    counts: dict[str, int] = field(default_factory=dict)


def read_policy(path: Path) -> dict[str, Any]:
    """A policy file, validated; returns the normalised document the registry stores."""
    source = str(path)
    data = load(read_text(path, MAX_POLICY_BYTES), source)
    return validate(PolicyModel, data, source).model_dump(mode="json")


def import_scenario(
    uow: UnitOfWork, path: Path, clock: Clock, solve: Solver | None = None
) -> ImportSummary:
    """Loads the file in one transaction; `solve` plans the rosters it publishes, if any,
    within each roster's time limit."""
    source = str(path)
    data = load(read_text(path), source)
    scenario = validate(ScenarioModel, data, source)
    policy_doc: dict[str, Any] | None = None
    if isinstance(scenario.policy, str):
        policy_doc = read_policy(path.parent / scenario.policy)
    elif scenario.policy is not None:
        policy_doc = validate(PolicyModel, data["policy"], source, ("policy",)).model_dump(
            mode="json"
        )
    _check_unique(data, source)
    with uow.entering_inline():
        uow.repo.write_behind()  # the rules read from the unit of work's caches
        _look_up_ids(uow, data)
        now = clock()
        summary = _load(uow, scenario, data, source, policy_doc, now)
        lines = {key: [line for line, _ in _items(data, key)] for key in data}
        deployment.load(uow, scenario, lines, source, solve)
        uow.commit()
    uow.repo.refresh_statistics()
    return summary


def _items(data: Any, key: str) -> list[tuple[int, Any]]:
    items = data.get(key) if isinstance(data, LineDict) else None
    if not isinstance(items, LineList):
        return []
    return list(zip(items.item_lines, items, strict=True))


def _check_unique(data: Any, source: str) -> None:
    for key in ("providers", "users", "protectees", "decisions", "threat_assessments", "events"):
        seen: dict[str, int] = {}
        for line, item in _items(data, key):
            ident = item.get("id") if isinstance(item, dict) else None
            if ident is None:
                continue
            if ident in seen:
                raise InvalidInput(
                    f"{source}:{line}",
                    f"duplicate id {ident!r} in {key} (first at line {seen[ident]})",
                )
            seen[ident] = line


#: the tables each section's ids go to, looked up in bulk before any row is applied
_ID_TABLES = {key: key for key in ("providers", "users", "protectees", "decisions")}


def _look_up_ids(uow: UnitOfWork, data: Any) -> None:
    """Which of the file's ids the registry already holds, in a query per thousand rather
    than one per row; each row is still refused where its id is taken, as before."""
    for key, table in _ID_TABLES.items():
        idents = [item["id"] for _, item in _items(data, key) if isinstance(item, dict)]
        uow.repo.presume_absent(table, [i for i in idents if isinstance(i, str)])


@dataclass(frozen=True)
class _Event:
    at: datetime
    kind_order: int
    n: int
    line: int
    label: str
    apply: Callable[[], None]


def _load(
    uow: UnitOfWork,
    scenario: ScenarioModel,
    data: Any,
    source: str,
    policy_doc: dict[str, Any] | None,
    now: datetime,
) -> ImportSummary:
    repo = uow.repo
    lines = {key: [line for line, _ in _items(data, key)] for key in data}
    if policy_doc is not None:
        uow.record("policy.loaded", str(repo.save_policy(policy_doc, now, None)))
    else:  # an addition to a registry: its policy stands
        policy_doc = {"id": repo.policy().id}
    for line, p in zip(lines.get("providers", []), scenario.providers, strict=True):
        with row(source, line, f"provider {p.id}"):
            _add_provider(uow, p, now)
    for line, u in zip(lines.get("users", []), scenario.users, strict=True):
        with row(source, line, f"user {u.id}"):
            users.add_user_in(
                uow,
                User(u.id, u.name, frozenset(u.roles), language=u.language),
                None,
                now,
                bootstrap=True,
            )
    for line, person in zip(lines.get("protectees", []), scenario.protectees, strict=True):
        with row(source, line, f"protectee {person.id}"):
            _add_protectee(uow, person, now)
    _add_roll(uow, scenario, lines, source, now)
    # Assessments, decisions and ground reports replay in the order they happened, each at its
    # own time, so every rule sees the registry as it stood then.
    events: list[_Event] = []
    for n, (line, t) in enumerate(
        zip(lines.get("threat_assessments", []), scenario.threat_assessments, strict=True)
    ):
        events.append(_Event(t.assessed_at, 0, n, line, "threat assessment", _threat(uow, t)))
    for n, (line, d) in enumerate(zip(lines.get("decisions", []), scenario.decisions, strict=True)):
        events.append(_Event(d.decided_at, 1, n, line, f"decision {d.id}", _decision(uow, d)))
    for n, (line, r) in enumerate(
        zip(lines.get("discrepancies", []), scenario.discrepancies, strict=True)
    ):
        events.append(_Event(r.observed_at, 2, n, line, "ground report", _report(uow, r)))
    for event in sorted(events, key=lambda e: (e.at, e.kind_order, e.n)):
        with row(source, event.line, event.label):
            event.apply()
    for line, e in zip(lines.get("events", []), scenario.events, strict=True):
        with row(source, line, f"public event {e.id}"):
            public_events.add_event_in(
                uow,
                public_events.NewEvent(
                    e.at, e.affiliation, e.kind, e.title, e.source, e.entered_by, e.id
                ),
                now,
            )
    counts = {
        "providers": len(scenario.providers),
        "users": len(scenario.users),
        "protectees": len(scenario.protectees),
        "threat_assessments": len(scenario.threat_assessments),
        "decisions": len(scenario.decisions),
        "discrepancies": len(scenario.discrepancies),
        "officers": len(scenario.officers),
        "vehicles": len(scenario.vehicles),
        "rosters": len(scenario.rosters),
        "attendance": len(scenario.attendance) + len(scenario.attendance_as_rostered),
        "events": len(scenario.events),
    }
    return ImportSummary(policy_doc["id"], counts)


def _add_provider(uow: UnitOfWork, p: ProviderModel, now: datetime) -> None:
    ids = [c.id for c in p.categories]
    ranks = [c.rank for c in p.categories]
    if len(set(ids)) != len(ids) or len(set(ranks)) != len(ranks):
        raise InvalidInput("categories", "category ids and ranks must each be unique")
    if uow.repo.exists("providers", p.id):
        raise InvalidInput("id", f"provider {p.id} already exists")
    categories = tuple(
        Category(c.id, c.name, c.rank, c.personnel, c.vehicles) for c in p.categories
    )
    provider = Provider(
        p.id, p.name, p.level, p.jurisdiction, p.pool.personnel, p.pool.vehicles, categories
    )
    uow.repo.add_provider(provider, now)
    uow.record("provider.added", p.id)


def _add_roll(
    uow: UnitOfWork,
    scenario: ScenarioModel,
    lines: dict[str, list[int]],
    source: str,
    now: datetime,
) -> None:
    """The providers' officers and vehicles, provider by provider."""
    officers: dict[str, list[tuple[int, Officer]]] = {}
    for line, o in zip(lines.get("officers", []), scenario.officers, strict=True):
        with row(source, line, f"officer {o.service_number}"):
            uow.repo.provider(o.provider)
            absences = tuple(check_absence(a.kind, a.first, a.last, "absences") for a in o.absences)
            officer = Officer(
                o.service_number, o.name, o.rank, o.provider, o.unit,
                frozenset(o.qualifications), absences,
            )  # fmt: skip
            officers.setdefault(o.provider, []).append((line, officer))
    vehicles: dict[str, list[tuple[int, Vehicle]]] = {}
    for line, v in zip(lines.get("vehicles", []), scenario.vehicles, strict=True):
        with row(source, line, f"vehicle {v.registration}"):
            uow.repo.provider(v.provider)
            plate = check_registration(v.registration, "registration")
            vehicles.setdefault(v.provider, []).append(
                (line, Vehicle(plate, v.kind, v.provider, v.state))
            )
    for rows in officers.values():
        roll.add_officers_in(uow, rows, source, None, now)
    for cars in vehicles.values():
        roll.add_vehicles_in(uow, cars, source, None, now)


def _add_protectee(uow: UnitOfWork, p: ProtecteeModel, now: datetime) -> None:
    if uow.repo.exists("protectees", p.id):
        raise InvalidInput("id", f"protectee {p.id} already exists")
    for liaison in p.liaisons:
        uow.repo.user(liaison)
    if isinstance(p.affiliation, str):
        affiliations: tuple[Affiliation, ...] = (Affiliation(p.affiliation),)
    else:
        affiliations = tuple(Affiliation(a.name, a.since, a.until) for a in p.affiliation or [])
    offices = tuple(Office(o.office_class, o.title, o.since, o.until) for o in p.offices)
    for office in offices:
        if office.until is not None and office.until <= office.since:
            raise InvalidInput("offices", f"{office.title}: until is not after since")
    protectee = Protectee(
        p.id, p.name, p.public_figure, offices, affiliations, tuple(p.liaisons), p.language
    )
    uow.repo.add_protectee(protectee, now)
    uow.record("protectee.added", p.id)


def _threat(uow: UnitOfWork, t: ThreatModel) -> Callable[[], None]:
    def apply() -> None:
        registry_entries.add_assessment_in(
            uow,
            registry_entries.NewAssessment(
                t.protectee,
                t.level,
                t.agency,
                t.assessed_at,
                t.valid_until,
                t.summary,
                t.entered_by,
                t.id,
            ),
            t.assessed_at,
        )

    return apply


def _decision(uow: UnitOfWork, d: DecisionModel) -> Callable[[], None]:
    def apply() -> None:
        proposal = decide.proposal_of(
            d.action,
            d.protectee,
            d.provider,
            d.proposed_by,
            d.reason_code,
            d.reason,
            d.category,
            d.basis,
            d.emergency,
            d.effective_at,
            d.id,
        )
        decide.propose_in(uow, proposal, d.decided_at)
        approvers = [d.approved_by] if isinstance(d.approved_by, str) else d.approved_by or []
        for approver in approvers:
            decide.approve_in(uow, d.id, approver, d.decided_at, d.effective_at, notify=False)
        if approvers and (decision := uow.repo.decision(d.id)).decided_at is None:
            next_role = decide.next_role(uow, d.id, d.decided_at)
            lifecycle.check_chain_named(decision, len(approvers), next_role)

    return apply


def _report(uow: UnitOfWork, r: DiscrepancyModel) -> Callable[[], None]:
    def apply() -> None:
        registry_entries.report_discrepancy_in(
            uow,
            registry_entries.NewReport(
                r.protectee, r.provider, r.reported_by, r.observed_at, r.text, r.id
            ),
            r.observed_at,
        )

    return apply
