"""A small registry in the in-memory unit of work: the Sindh policy, Sindh Police, two MQM-P
leaders under cover since 2024, and the people who decide on them. No database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from hifazat.domain.decision import Action, Basis, Decision
from hifazat.domain.protectee import Affiliation, Office, Protectee
from hifazat.domain.provider import Category, Provider
from hifazat.domain.times import Clock
from hifazat.domain.users import User
from hifazat.services.importer import read_policy
from tests.fakes import FakeStore

POLICY_FILE = Path(__file__).parents[3] / "policies" / "pk-sindh-illustrative.yaml"
#: the morning of 27 January 2026 in Karachi
NOW = datetime(2026, 1, 27, 4, 0, tzinfo=UTC)
GRANTED_AT = datetime(2024, 3, 14, 4, 0, tzinfo=UTC)
REASON = "Sindh High Court ordered a security review"

SINDH = Provider(
    "sindh-police",
    "Sindh Police — Special Security Unit",
    "provincial",
    "Sindh",
    3000,
    400,
    (
        Category("nominal", "Nominal", 1, 2, 0),
        Category("standard", "Standard", 2, 4, 1),
        Category("dedicated", "Dedicated detail", 3, 8, 2),
    ),
)
USERS = (
    User("ssu-operator", "SSU duty officer", frozenset({"operator@sindh-police"})),
    User("ssu-chief", "SSP Special Security Unit", frozenset({"approver@sindh-police"})),
    User("ptac-chair", "Chair, PTAC", frozenset({"committee"})),
    User("mqm-liaison", "MQM-P security liaison", frozenset({"liaison"})),
    User("registrar", "Registrar", frozenset({"admin"})),
)


def leader(pid: str, name: str, office_class: str, title: str) -> Protectee:
    return Protectee(
        pid,
        name,
        True,
        (Office(office_class, title, date(2024, 3, 1)),),
        (Affiliation("MQM-P"),),
        ("mqm-liaison",),
    )


def grant(did: str, protectee: str, category: str) -> Decision:
    """A grant approved in March 2024, in force since."""
    return Decision(
        id=did,
        protectee_id=protectee,
        provider_id="sindh-police",
        action=Action.GRANT,
        category_id=category,
        basis=Basis.POSITIONAL,
        reason_code="office-entitlement",
        reason="Entitled by the office held in the province",
        proposed_by="ssu-operator",
        proposed_at=GRANTED_AT,
    )


@pytest.fixture
def store() -> FakeStore:
    made = FakeStore()
    with made.uow() as uow:
        repo = uow.repo
        repo.save_policy(read_policy(POLICY_FILE), GRANTED_AT, None)
        repo.add_provider(SINDH, GRANTED_AT)
        repo.add_protectee(
            leader("farooq-sattar", "Farooq Sattar", "parliamentary-party-leader", "MQM-P leader"),
            GRANTED_AT,
        )
        repo.add_protectee(
            leader("ali-khorshidi", "Ali Khorshidi", "provincial-opposition-leader", "Opposition"),
            GRANTED_AT,
        )
        for user in USERS:
            repo.add_user(user, GRANTED_AT, None)
        for did, pid, category in (
            ("d-005", "ali-khorshidi", "dedicated"),
            ("d-006", "farooq-sattar", "nominal"),
        ):
            repo.add_decision(grant(did, pid, category))
            repo.add_approval(did, "ssu-chief", GRANTED_AT, GRANTED_AT)
        uow.commit()
    made.ledger.clear()  # the set-up is not what the tests look at
    made.committed = 0
    return made


@pytest.fixture
def clock() -> Clock:
    return lambda: NOW
