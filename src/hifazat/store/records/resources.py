"""A provider's officers (with their absences) and vehicles, its published rosters, and who
checked in where."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from hifazat.domain.attendance import Check, CheckKind
from hifazat.domain.errors import Conflict
from hifazat.domain.posts import Assignment
from hifazat.domain.resources import Absence, Officer, Vehicle
from hifazat.store import tables as t
from hifazat.store.records.base import Base


def qualifications_text(qualifications: frozenset[str]) -> str:
    return ",".join(sorted(qualifications))


class ResourceRecords(Base):
    def add_officer(self, key: str, officer: Officer, at: datetime, by: str | None) -> None:
        self._insert(
            t.officers,
            {
                "id": key,
                "provider_id": officer.provider_id,
                "service_number": officer.service_number,
                "name": officer.name,
                "rank": officer.rank,
                "unit": officer.unit,
                "qualifications": qualifications_text(officer.qualifications),
                "added_at": at,
                "added_by": by,
            },
        )
        for a in officer.absences:
            row = {"officer_id": key, "kind": a.kind, "first_day": a.first, "last_day": a.last}
            self._insert(t.officer_absences, row)

    def officers(self, provider_id: str) -> list[Officer]:
        o, a = t.officers, t.officer_absences
        away: dict[str, list[Absence]] = defaultdict(list)
        joined = select(a.c.officer_id, a.c.kind, a.c.first_day, a.c.last_day).join(
            o, o.c.id == a.c.officer_id
        )
        for r in self.c.execute(
            joined.where(o.c.provider_id == provider_id).order_by(a.c.officer_id, a.c.first_day)
        ):
            away[r.officer_id].append(Absence(r.kind, r.first_day, r.last_day))
        rows = self.c.execute(
            select(o).where(o.c.provider_id == provider_id).order_by(o.c.service_number)
        )
        return [officer_from_row(r, tuple(away.get(r.id, ()))) for r in rows]

    def add_vehicle(self, key: str, vehicle: Vehicle, at: datetime, by: str | None) -> None:
        self._insert(
            t.vehicles,
            {
                "id": key,
                "provider_id": vehicle.provider_id,
                "registration": vehicle.registration,
                "kind": vehicle.kind,
                "state": vehicle.state,
                "added_at": at,
                "added_by": by,
            },
        )

    def vehicles(self, provider_id: str) -> list[Vehicle]:
        v = t.vehicles
        rows = self.c.execute(
            select(v).where(v.c.provider_id == provider_id).order_by(v.c.registration)
        )
        return [Vehicle(r.registration, r.kind, r.provider_id, r.state) for r in rows]

    def roll_numbers(self, provider_id: str) -> tuple[set[str], set[str]]:
        """The service numbers and registrations the provider already holds."""
        o, v = t.officers, t.vehicles
        numbers = self.c.execute(
            select(o.c.service_number).where(o.c.provider_id == provider_id)
        ).scalars()
        plates = self.c.execute(
            select(v.c.registration).where(v.c.provider_id == provider_id)
        ).scalars()
        return set(numbers), set(plates)


def officer_from_row(r: Any, absences: tuple[Absence, ...]) -> Officer:
    return Officer(
        service_number=r.service_number,
        name=r.name,
        rank=r.rank,
        provider_id=r.provider_id,
        unit=r.unit,
        qualifications=frozenset(q for q in r.qualifications.split(",") if q),
        absences=absences,
    )


class RosterRecords(Base):
    def add_roster(
        self,
        key: str,
        provider_id: str,
        first: date,
        days: int,
        assignments: Sequence[Assignment],
        at: datetime,
        by: str,
    ) -> None:
        r = t.rosters
        last = self.c.execute(
            select(func.max(r.c.version)).where(r.c.provider_id == provider_id)
        ).scalar()
        row = {
            "id": key,
            "provider_id": provider_id,
            "version": (last or 0) + 1,
            "first_day": first,
            "days": days,
            "published_at": at,
            "published_by": by,
        }
        try:  # at once, not held back: a publication made meanwhile must show here
            with self.c.begin_nested():
                self.c.execute(insert(r), row)
        except IntegrityError:
            raise Conflict(
                f"another roster of {provider_id} was published meanwhile; publish again"
            ) from None
        if assignments:
            self.flush()
            self.c.execute(
                insert(t.roster_assignments),
                [
                    {
                        "roster_id": key,
                        "officer": a.officer,
                        "day": a.day,
                        "shift": a.shift,
                        "protectee_id": a.protectee_id,
                    }
                    for a in assignments
                ],
            )

    def roster_in_force(self, provider_id: str, first: date, days: int) -> list[Assignment]:
        """For each day of the range, the assignments of the latest roster published for it."""
        r, a = t.rosters, t.roster_assignments
        last = first + timedelta(days=days - 1)
        versions = self.c.execute(
            select(r.c.id, r.c.first_day, r.c.days)
            .where(r.c.provider_id == provider_id, r.c.first_day <= last)
            .order_by(r.c.version)
        ).all()
        latest: dict[date, str] = {}
        for v in versions:
            for n in range(v.days):
                day = v.first_day + timedelta(days=n)
                if first <= day <= last:
                    latest[day] = v.id
        if not latest:
            return []
        rows = self.c.execute(
            select(a)
            .where(a.c.roster_id.in_(sorted(set(latest.values()))), a.c.day.between(first, last))
            .order_by(a.c.day, a.c.officer)
        )
        return [
            Assignment(row.officer, row.day, row.shift, row.protectee_id)
            for row in rows
            if latest.get(row.day) == row.roster_id
        ]

    def roster_days(self, provider_id: str, first: date, last: date) -> set[date]:
        """The days of the range some published roster of the provider covers."""
        r = t.rosters
        rows = self.c.execute(
            select(r.c.first_day, r.c.days).where(
                r.c.provider_id == provider_id, r.c.first_day <= last
            )
        )
        out: set[date] = set()
        for row in rows:
            for n in range(row.days):
                day = row.first_day + timedelta(days=n)
                if first <= day <= last:
                    out.add(day)
        return out

    def rostered_providers(self) -> list[str]:
        r = t.rosters
        return list(self.c.execute(select(r.c.provider_id).distinct()).scalars())


class AttendanceRecords(Base):
    def add_check(self, check: Check) -> None:
        self._insert(
            t.attendance,
            {
                "id": check.id,
                "provider_id": check.provider_id,
                "officer": check.officer,
                "protectee_id": check.protectee_id,
                "kind": str(check.kind),
                "at": check.at,
                "vehicle": check.vehicle,
                "recorded_at": check.recorded_at,
                "recorded_by": check.recorded_by,
            },
        )

    def checks(
        self,
        provider_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        protectee_id: str | None = None,
        officer: str | None = None,
    ) -> list[Check]:
        """Checks recorded for [since, until), in the order they happened."""
        a = t.attendance
        query = select(a)
        if provider_id is not None:
            query = query.where(a.c.provider_id == provider_id)
        if protectee_id is not None:
            query = query.where(a.c.protectee_id == protectee_id)
        if officer is not None:
            query = query.where(a.c.officer == officer)
        if since is not None:
            query = query.where(a.c.at >= since)
        if until is not None:
            query = query.where(a.c.at < until)
        self.flush()
        rows = self.c.execute(query.order_by(a.c.at, a.c.id))
        return [
            Check(
                r.id,
                r.provider_id,
                r.officer,
                r.protectee_id,
                CheckKind(r.kind),
                r.at,
                r.recorded_by,
                r.recorded_at,
                r.vehicle,
            )
            for r in rows
        ]
