"""Policies, providers, protectees and users."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from functools import cache
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import (
    BindParameter,
    CompoundSelect,
    Date,
    Engine,
    Integer,
    Select,
    String,
    bindparam,
    cast,
    func,
    insert,
    literal,
    null,
    select,
    union_all,
    update,
)

from hifazat.domain.errors import InvalidInput, NotFound
from hifazat.domain.policy import Policy
from hifazat.domain.policy_document import policy_from_document
from hifazat.domain.protectee import Affiliation, Office, Protectee
from hifazat.domain.provider import Category, Provider
from hifazat.domain.users import User
from hifazat.store import tables as t
from hifazat.store.engine import is_postgres
from hifazat.store.records.base import PENDING_SEEN, Base

#: The policy and the providers, shared by every unit of work on one engine. Both are only ever
#: added to (never updated or deleted), so the highest policy number and the counts of providers
#: and categories name their content: one small query tells whether the copy is still good.
VERSION_PARTS = (
    select(func.max(t.policies.c.seq)).scalar_subquery(),
    select(func.count()).select_from(t.providers).scalar_subquery(),
    select(func.count()).select_from(t.categories).scalar_subquery(),
)
_VERSION = select(*VERSION_PARTS)
_shared: WeakKeyDictionary[Engine, dict[str, tuple[tuple[Any, ...], Any]]] = WeakKeyDictionary()


def forget_shared(engine: Engine) -> None:
    """Drops the shared copy, for when a database's content was replaced underneath a running
    process (a restored backup, a test emptying its tables) with the same counts as before."""
    _shared.pop(engine, None)


class RegistryRecords(Base):
    #: read once per unit of work: a transaction sees its own writes, and these two change rarely
    _policy: Policy | None = None
    _providers: dict[str, Provider] | None = None
    _version: tuple[Any, ...] | None = None

    def _shared_get(self, name: str) -> Any:
        if self._version is None:
            self._version = tuple(self.c.execute(_VERSION).one())
        version, value = _shared.get(self.c.engine, {}).get(name, ((), None))
        return value if version == self._version else None

    def _shared_put(self, name: str, value: Any) -> None:
        if self._version is not None:
            _shared.setdefault(self.c.engine, {})[name] = (self._version, value)

    def know_version(self, version: tuple[Any, ...]) -> None:
        """The shared copy's version, read ahead with other rows (`store.status_reads`)."""
        if self._version is None:
            self._version = version

    def save_policy(self, document: Mapping[str, Any], at: datetime, by: str | None) -> int:
        self._policy = None
        self._version = None
        result = self.c.execute(
            insert(t.policies),
            dict(id=document["id"], document=dict(document), loaded_at=at, loaded_by=by),
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def policy(self) -> Policy:
        """The policy in force: the one loaded last."""
        if self._policy is not None:
            return self._policy
        if (shared := self._shared_get("policy")) is not None:
            self._policy = shared
            return self._policy
        row = self.c.execute(
            select(t.policies.c.document).order_by(t.policies.c.seq.desc()).limit(1)
        ).first()
        if row is None:
            raise InvalidInput("policy", "no policy is loaded; import a scenario that names one")
        self._policy = policy_from_document(row.document)
        self._shared_put("policy", self._policy)
        return self._policy

    def add_provider(self, provider: Provider, at: datetime) -> None:
        self._providers = None
        self._version = None
        self.c.execute(
            insert(t.providers),
            dict(
                id=provider.id,
                name=provider.name,
                level=provider.level,
                jurisdiction=provider.jurisdiction,
                pool_personnel=provider.pool_personnel,
                pool_vehicles=provider.pool_vehicles,
                created_at=at,
            ),
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
        if self._providers is not None:
            return dict(self._providers)
        if (shared := self._shared_get("providers")) is not None:
            self._providers = shared
            return dict(shared)
        cats: dict[str, list[Category]] = defaultdict(list)
        for r in self.c.execute(select(t.categories).order_by(t.categories.c.rank)):
            cats[r.provider_id].append(Category(r.id, r.name, r.rank, r.personnel, r.vehicles))
        self._providers = {
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
        self._shared_put("providers", self._providers)
        return dict(self._providers)

    def provider(self, provider_id: str) -> Provider:
        found = self.providers().get(provider_id)
        if found is None:
            raise NotFound("provider", provider_id)
        return found

    def add_protectee(self, p: Protectee, at: datetime) -> None:
        self.c.execute(
            insert(t.protectees),
            dict(
                id=p.id,
                name=p.name,
                public_figure=p.public_figure,
                created_at=at,
                language=p.language,
            ),
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
        # Added in this transaction: nothing else can see or change them before it ends, and
        # they have no decisions, assessments or appeals yet.
        self.protectee_cache[p.id] = replace(
            p,
            offices=tuple(sorted(p.offices, key=lambda o: o.since)),
            liaisons=tuple(sorted(p.liaisons)),
        )
        self.decision_cache[p.id] = []
        self.assessment_cache[p.id] = []
        self.appeal_cache[p.id] = []
        self.locked.add(p.id)

    def protectees(self, ids: Iterable[str] | None = None) -> dict[str, Protectee]:
        wanted = None if ids is None else list(ids)
        parts = self.c.execute(_about_protectees(wanted is not None), {"ids": wanted or []})
        query = select(t.protectees).order_by(t.protectees.c.id)
        if wanted is not None:
            query = query.where(t.protectees.c.id.in_(wanted))
        return protectees_from(parts, self.c.execute(query))

    def protectee(self, protectee_id: str) -> Protectee:
        """One protectee, read once per unit of work (records are never changed, only added)."""
        if protectee_id not in self.protectee_cache:
            found = self.protectees([protectee_id]).get(protectee_id)
            if found is None:
                raise NotFound("protectee", protectee_id)
            self.protectee_cache[protectee_id] = found
        return self.protectee_cache[protectee_id]

    def lock_protectee(self, protectee_id: str) -> None:
        """Serialises changes to one protectee's cover across processes (SQLite locks anyway);
        the lock lasts until the transaction ends, so once per protectee is enough."""
        if protectee_id in self.locked:
            return
        query = select(t.protectees.c.id).where(t.protectees.c.id == protectee_id)
        if is_postgres(self.c):
            query = query.with_for_update()
        if self.c.execute(query).first() is None:
            raise NotFound("protectee", protectee_id)
        self.locked.add(protectee_id)

    def add_user(self, user: User, at: datetime, granted_by: str | None) -> None:
        self.c.execute(
            insert(t.users),
            dict(
                id=user.id,
                name=user.name,
                protectee_id=user.protectee_id,
                created_at=at,
                created_by=granted_by,
                language=user.language,
            ),
        )
        for role in sorted(user.roles):
            self.grant_role(user.id, role, granted_by, at)

    def grant_role(self, user_id: str, role: str, granted_by: str | None, at: datetime) -> None:
        self.user_cache.pop(user_id, None)
        self.c.execute(
            insert(t.user_roles),
            dict(user_id=user_id, role=role, granted_by=granted_by, granted_at=at),
        )

    def users(self, ids: Iterable[str] | None = None) -> dict[str, User]:
        """Users with their roles, in one statement (a row per role)."""
        u, r = t.users, t.user_roles
        query = (
            select(u.c.id, u.c.name, u.c.protectee_id, u.c.language, r.c.role)
            .select_from(u.outerjoin(r, r.c.user_id == u.c.id))
            .order_by(u.c.id)
        )
        if ids is not None:
            query = query.where(u.c.id.in_(list(ids)))
        rows: dict[str, tuple[str, str | None, str]] = {}
        roles: dict[str, set[str]] = defaultdict(set)
        for row in self.c.execute(query):
            rows[row.id] = (row.name, row.protectee_id, row.language)
            if row.role is not None:
                roles[row.id].add(row.role)
        return {
            uid: User(uid, name, frozenset(roles[uid]), protectee, language)
            for uid, (name, protectee, language) in rows.items()
        }

    def set_language(self, user_id: str, language: str) -> None:
        self.user_cache.pop(user_id, None)
        query = update(t.users).where(t.users.c.id == user_id).values(language=language)
        self.c.execute(query)

    def user(self, user_id: str) -> User:
        """One user, read once per unit of work; granting a role forgets it."""
        if user_id not in self.user_cache:
            found = self.users([user_id]).get(user_id)
            if found is None:
                raise NotFound("user", user_id)
            self.user_cache[user_id] = found
        return self.user_cache[user_id]

    def logins_of(self, protectee_id: str) -> list[str]:
        query = select(t.users.c.id).where(t.users.c.protectee_id == protectee_id)
        return sorted(self.c.execute(query).scalars())

    def exists(self, table: str, ident: str) -> bool:
        if (table, ident) in self.pending_ids:
            return True
        if (table, ident) in self.absent_ids:
            return False
        query = _exists_query(table).execution_options(**{PENDING_SEEN: True})
        return self.c.execute(query, {"ident": ident}).first() is not None

    def presume_absent(self, table: str, idents: Iterable[str]) -> None:
        """Looks many ids up at once (a query per thousand) and remembers those the table lacks,
        so that `exists` answers them without a round trip until a row with one is added."""
        wanted = sorted(set(idents))
        tbl = t.metadata.tables[table]
        for start in range(0, len(wanted), 1000):
            chunk = wanted[start : start + 1000]
            query = select(tbl.c.id).where(tbl.c.id.in_(chunk))
            taken = set(self.c.execute(query.execution_options(**{PENDING_SEEN: True})).scalars())
            self.absent_ids.update(
                (table, ident)
                for ident in chunk
                if ident not in taken and (table, ident) not in self.pending_ids
            )


@cache
def _exists_query(table: str) -> Select[Any]:
    """Built once per table: an import asks it for every row."""
    tbl = t.metadata.tables[table]
    return select(tbl.c.id).where(tbl.c.id == bindparam("ident"))


def about_parts() -> list[Select[Any]]:
    """Offices, affiliations and liaisons, each a select of the same columns (a part tag tells
    them apart), for `protectees_from`."""
    o, a, li = t.offices, t.affiliations, t.liaisons
    return [
        select(
            literal("o").label("part"),
            o.c.id,
            o.c.protectee_id,
            o.c.office_class.label("name"),
            o.c.title,
            o.c.since,
            o.c.until,
        ),
        select(
            literal("a"),
            a.c.id,
            a.c.protectee_id,
            a.c.name,
            cast(null(), String),
            a.c.since,
            a.c.until,
        ),
        select(
            literal("l"),
            cast(null(), Integer),
            li.c.protectee_id,
            li.c.user_id,
            cast(null(), String),
            cast(null(), Date),
            cast(null(), Date),
        ),
    ]


ABOUT_TABLES = (t.offices, t.affiliations, t.liaisons)


@cache
def _about_protectees(scoped: bool) -> CompoundSelect[Any]:
    """The parts in one statement, for every protectee or for those in the expanding `ids`
    parameter."""
    parts = about_parts()
    if scoped:
        ids: BindParameter[list[str]] = bindparam("ids", expanding=True)
        parts = [
            p.where(tb.c.protectee_id.in_(ids)) for p, tb in zip(parts, ABOUT_TABLES, strict=True)
        ]
    return union_all(*parts).order_by("part", "id", "name")


def about_order(r: Any) -> tuple[str, int, str]:
    """The parts' order, where a JSON aggregate does not keep the statement's."""
    return (r.part, r.id or 0, r.name)


def protectees_from(parts: Iterable[Any], rows: Iterable[Any]) -> dict[str, Protectee]:
    """Protectees from their rows and their parts' rows (in `about_order`)."""
    offices: dict[str, list[Office]] = defaultdict(list)
    affs: dict[str, list[Affiliation]] = defaultdict(list)
    liaisons: dict[str, list[str]] = defaultdict(list)
    for r in parts:
        if r.part == "o":
            offices[r.protectee_id].append(Office(r.name, r.title, r.since, r.until))
        elif r.part == "a":
            affs[r.protectee_id].append(Affiliation(r.name, r.since, r.until))
        else:
            liaisons[r.protectee_id].append(r.name)
    return {
        r.id: Protectee(
            r.id,
            r.name,
            r.public_figure,
            tuple(sorted(offices[r.id], key=lambda o: o.since)),
            tuple(affs[r.id]),
            tuple(sorted(liaisons[r.id])),
            r.language,
        )
        for r in rows
    }
