"""Reads and writes domain objects. Every statement is built with SQLAlchemy Core, so every
value is a bound parameter."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, Select, insert, select

from hifazat.domain.decision import Action, Basis, Decision
from hifazat.domain.discrepancy import DiscrepancyReport
from hifazat.domain.errors import InvalidInput, NotFound
from hifazat.domain.policy import Policy
from hifazat.domain.policy_document import policy_from_document
from hifazat.domain.protectee import Affiliation, Office, Protectee
from hifazat.domain.provider import Category, Provider
from hifazat.domain.threat import ThreatAssessment
from hifazat.domain.users import User
from hifazat.store import tables as t


class Repository:
    def __init__(self, connection: Connection) -> None:
        self.c = connection

    # policy ------------------------------------------------------------------------------
    def save_policy(self, document: Mapping[str, Any], at: datetime, by: str | None) -> int:
        result = self.c.execute(
            insert(t.policies).values(
                id=document["id"], document=dict(document), loaded_at=at, loaded_by=by
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def policy(self) -> Policy:
        """The policy in force: the one loaded last."""
        row = self.c.execute(
            select(t.policies.c.document).order_by(t.policies.c.seq.desc()).limit(1)
        ).first()
        if row is None:
            raise InvalidInput("policy", "no policy is loaded; import a scenario that names one")
        return policy_from_document(row.document)

    # providers ---------------------------------------------------------------------------
    def add_provider(self, provider: Provider, at: datetime) -> None:
        self.c.execute(
            insert(t.providers).values(
                id=provider.id,
                name=provider.name,
                level=provider.level,
                jurisdiction=provider.jurisdiction,
                pool_personnel=provider.pool_personnel,
                pool_vehicles=provider.pool_vehicles,
                created_at=at,
            )
        )
        if provider.categories:
            self.c.execute(
                insert(t.categories),
                [
                    {
                        "provider_id": provider.id,
                        "id": c.id,
                        "name": c.name,
                        "rank": c.rank,
                        "personnel": c.personnel,
                        "vehicles": c.vehicles,
                    }
                    for c in provider.categories
                ],
            )

    def providers(self) -> dict[str, Provider]:
        cats: dict[str, list[Category]] = defaultdict(list)
        for r in self.c.execute(select(t.categories).order_by(t.categories.c.rank)):
            cats[r.provider_id].append(Category(r.id, r.name, r.rank, r.personnel, r.vehicles))
        return {
            r.id: Provider(
                r.id,
                r.name,
                r.level,
                r.jurisdiction,
                r.pool_personnel,
                r.pool_vehicles,
                tuple(cats[r.id]),
            )
            for r in self.c.execute(select(t.providers).order_by(t.providers.c.id))
        }

    def provider(self, provider_id: str) -> Provider:
        found = self.providers().get(provider_id)
        if found is None:
            raise NotFound("provider", provider_id)
        return found

    # protectees --------------------------------------------------------------------------
    def add_protectee(self, p: Protectee, at: datetime) -> None:
        self.c.execute(
            insert(t.protectees).values(
                id=p.id, name=p.name, public_figure=p.public_figure, created_at=at
            )
        )
        if p.offices:
            self.c.execute(
                insert(t.offices),
                [
                    {
                        "protectee_id": p.id,
                        "office_class": o.office_class,
                        "title": o.title,
                        "since": o.since,
                        "until": o.until,
                    }
                    for o in p.offices
                ],
            )
        if p.affiliations:
            self.c.execute(
                insert(t.affiliations),
                [
                    {"protectee_id": p.id, "name": a.name, "since": a.since, "until": a.until}
                    for a in p.affiliations
                ],
            )
        if p.liaisons:
            self.c.execute(
                insert(t.liaisons), [{"protectee_id": p.id, "user_id": u} for u in p.liaisons]
            )

    def protectees(self, ids: Iterable[str] | None = None) -> dict[str, Protectee]:
        wanted = None if ids is None else list(ids)

        def scoped(query: Select[Any], column: Any) -> Select[Any]:
            return query if wanted is None else query.where(column.in_(wanted))

        offices: dict[str, list[Office]] = defaultdict(list)
        for r in self.c.execute(scoped(select(t.offices), t.offices.c.protectee_id)):
            offices[r.protectee_id].append(Office(r.office_class, r.title, r.since, r.until))
        affs: dict[str, list[Affiliation]] = defaultdict(list)
        for r in self.c.execute(scoped(select(t.affiliations), t.affiliations.c.protectee_id)):
            affs[r.protectee_id].append(Affiliation(r.name, r.since, r.until))
        liaisons: dict[str, list[str]] = defaultdict(list)
        for r in self.c.execute(scoped(select(t.liaisons), t.liaisons.c.protectee_id)):
            liaisons[r.protectee_id].append(r.user_id)
        query = scoped(select(t.protectees), t.protectees.c.id).order_by(t.protectees.c.id)
        return {
            r.id: Protectee(
                r.id,
                r.name,
                r.public_figure,
                tuple(sorted(offices[r.id], key=lambda o: o.since)),
                tuple(affs[r.id]),
                tuple(sorted(liaisons[r.id])),
            )
            for r in self.c.execute(query)
        }

    def protectee(self, protectee_id: str) -> Protectee:
        found = self.protectees([protectee_id]).get(protectee_id)
        if found is None:
            raise NotFound("protectee", protectee_id)
        return found

    def lock_protectee(self, protectee_id: str) -> None:
        """Serialises changes to one protectee's cover across processes (SQLite locks anyway)."""
        query = select(t.protectees.c.id).where(t.protectees.c.id == protectee_id)
        if self.c.dialect.name == "postgresql":
            query = query.with_for_update()
        if self.c.execute(query).first() is None:
            raise NotFound("protectee", protectee_id)

    # users -------------------------------------------------------------------------------
    def add_user(self, user: User, at: datetime, granted_by: str | None) -> None:
        self.c.execute(
            insert(t.users).values(
                id=user.id,
                name=user.name,
                protectee_id=user.protectee_id,
                created_at=at,
                created_by=granted_by,
            )
        )
        for role in sorted(user.roles):
            self.grant_role(user.id, role, granted_by, at)

    def grant_role(self, user_id: str, role: str, granted_by: str | None, at: datetime) -> None:
        self.c.execute(
            insert(t.user_roles).values(
                user_id=user_id, role=role, granted_by=granted_by, granted_at=at
            )
        )

    def users(self, ids: Iterable[str] | None = None) -> dict[str, User]:
        roles: dict[str, set[str]] = defaultdict(set)
        query = select(t.user_roles)
        user_query = select(t.users).order_by(t.users.c.id)
        if ids is not None:
            wanted = list(ids)
            query = query.where(t.user_roles.c.user_id.in_(wanted))
            user_query = user_query.where(t.users.c.id.in_(wanted))
        for r in self.c.execute(query):
            roles[r.user_id].add(r.role)
        return {
            r.id: User(r.id, r.name, frozenset(roles[r.id]), r.protectee_id)
            for r in self.c.execute(user_query)
        }

    def user(self, user_id: str) -> User:
        found = self.users([user_id]).get(user_id)
        if found is None:
            raise NotFound("user", user_id)
        return found

    # decisions ---------------------------------------------------------------------------
    def add_decision(self, d: Decision) -> None:
        self.c.execute(
            insert(t.decisions).values(
                id=d.id,
                protectee_id=d.protectee_id,
                provider_id=d.provider_id,
                action=d.action.value,
                category_id=d.category_id,
                basis=d.basis.value if d.basis else None,
                reason_code=d.reason_code,
                reason=d.reason,
                proposed_by=d.proposed_by,
                proposed_at=d.proposed_at,
                emergency=d.emergency,
                requested_effective_at=d.requested_effective_at,
            )
        )

    def add_approval(self, decision_id: str, by: str, at: datetime, effective_at: datetime) -> None:
        self.c.execute(
            insert(t.approvals).values(
                decision_id=decision_id, approved_by=by, approved_at=at, effective_at=effective_at
            )
        )

    def add_rescission(self, decision_id: str, by: str, at: datetime, reason: str) -> None:
        self.c.execute(
            insert(t.rescissions).values(
                decision_id=decision_id, rescinded_by=by, rescinded_at=at, reason=reason
            )
        )

    def _decision_query(self) -> Select[Any]:
        d, a, r = t.decisions, t.approvals, t.rescissions
        return (
            select(
                d,
                a.c.approved_by,
                a.c.approved_at,
                a.c.effective_at,
                r.c.rescinded_by,
                r.c.rescinded_at,
                r.c.reason.label("rescind_reason"),
            )
            .select_from(
                d.outerjoin(a, a.c.decision_id == d.c.id).outerjoin(r, r.c.decision_id == d.c.id)
            )
            .order_by(d.c.proposed_at, d.c.id)
        )

    def decisions(
        self, protectee_id: str | None = None, provider_id: str | None = None
    ) -> list[Decision]:
        query = self._decision_query()
        if protectee_id is not None:
            query = query.where(t.decisions.c.protectee_id == protectee_id)
        if provider_id is not None:
            query = query.where(t.decisions.c.provider_id == provider_id)
        return [_decision(r) for r in self.c.execute(query)]

    def decision(self, decision_id: str) -> Decision:
        row = self.c.execute(self._decision_query().where(t.decisions.c.id == decision_id)).first()
        if row is None:
            raise NotFound("decision", decision_id)
        return _decision(row)

    # threat assessments ------------------------------------------------------------------
    def add_assessment(self, a: ThreatAssessment) -> None:
        self.c.execute(
            insert(t.threat_assessments).values(
                id=a.id,
                protectee_id=a.protectee_id,
                level=a.level,
                agency=a.agency,
                assessed_at=a.assessed_at,
                valid_until=a.valid_until,
                summary=a.summary,
                entered_by=a.entered_by,
                entered_at=a.entered_at,
            )
        )

    def assessments(self, protectee_id: str | None = None) -> list[ThreatAssessment]:
        query = select(t.threat_assessments).order_by(
            t.threat_assessments.c.assessed_at, t.threat_assessments.c.id
        )
        if protectee_id is not None:
            query = query.where(t.threat_assessments.c.protectee_id == protectee_id)
        return [
            ThreatAssessment(
                r.id,
                r.protectee_id,
                r.level,
                r.agency,
                r.assessed_at,
                r.valid_until,
                r.summary,
                r.entered_by,
                r.entered_at,
            )
            for r in self.c.execute(query)
        ]

    # ground reports ----------------------------------------------------------------------
    def add_discrepancy(self, r: DiscrepancyReport) -> None:
        self.c.execute(
            insert(t.discrepancies).values(
                id=r.id,
                protectee_id=r.protectee_id,
                provider_id=r.provider_id,
                reported_by=r.reported_by,
                observed_at=r.observed_at,
                reported_at=r.reported_at,
                text=r.text,
            )
        )

    def discrepancies(self, protectee_id: str | None = None) -> list[DiscrepancyReport]:
        query = select(t.discrepancies).order_by(
            t.discrepancies.c.observed_at, t.discrepancies.c.id
        )
        if protectee_id is not None:
            query = query.where(t.discrepancies.c.protectee_id == protectee_id)
        return [
            DiscrepancyReport(
                r.id,
                r.protectee_id,
                r.provider_id,
                r.reported_by,
                r.observed_at,
                r.reported_at,
                r.text,
            )
            for r in self.c.execute(query)
        ]

    def add_attempt(
        self,
        attempt: str,
        at: datetime,
        actor: str,
        command: str,
        subject: Mapping[str, Any],
        rules: list[dict[str, str]],
    ) -> None:
        self.c.execute(
            insert(t.attempts).values(
                id=attempt, at=at, actor=actor, command=command, subject=dict(subject), rules=rules
            )
        )

    def exists(self, table: str, ident: str) -> bool:
        tbl = t.metadata.tables[table]
        return self.c.execute(select(tbl.c.id).where(tbl.c.id == ident)).first() is not None


def _decision(r: Row[Any]) -> Decision:
    return Decision(
        id=r.id,
        protectee_id=r.protectee_id,
        provider_id=r.provider_id,
        action=Action(r.action),
        category_id=r.category_id,
        basis=Basis(r.basis) if r.basis else None,
        reason_code=r.reason_code,
        reason=r.reason,
        proposed_by=r.proposed_by,
        proposed_at=r.proposed_at,
        emergency=r.emergency,
        requested_effective_at=r.requested_effective_at,
        approved_by=r.approved_by,
        decided_at=r.approved_at,
        effective_at=r.effective_at,
        rescinded_by=r.rescinded_by,
        rescinded_at=r.rescinded_at,
        rescind_reason=r.rescind_reason,
    )
