"""The rules of the workflows beside a decision's own, each on its own: appealing, ruling on an
appeal, ratifying an emergency decision and reviewing cover."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from hifazat.domain.coverage import Cover, CoverState
from hifazat.domain.decision import Action, Basis, DecisionState
from hifazat.domain.errors import Refusal
from hifazat.domain.protectee import Protectee
from hifazat.domain.rules import (
    administration,
    appeals,
    entries,
    lifecycle,
    ratification,
    review,
)
from hifazat.domain.users import User
from tests.unit.domain.builders import CHIEF, COMMITTEE, OPERATOR, T0, approved, decision

PERSON = Protectee("p-1", "Farooq Sattar", True, liaisons=("mqm-liaison",))
OWN = User("farooq", "Farooq Sattar", frozenset({"protectee"}), "p-1")
LIAISON = User("mqm-liaison", "MQM-P liaison", frozenset({"liaison"}))
STRANGER = User("other-liaison", "Another liaison", frozenset({"liaison"}))
MADE = approved(decision(Action.WITHDRAW, id="d-2"), T0, T0 + timedelta(days=4))


def _rule(call: object) -> str:
    assert callable(call)
    with pytest.raises(Refusal) as refused:
        call()
    return refused.value.rule


@pytest.mark.parametrize("who", [OWN, LIAISON])
def test_the_protectee_and_a_named_liaison_may_appeal(who: User) -> None:
    appeals.check_lodging(who, PERSON, MADE, T0)


def test_a_liaison_the_protectee_did_not_name_may_not() -> None:
    assert _rule(lambda: appeals.check_lodging(STRANGER, PERSON, MADE, T0)) == "R-AUTHORITY"


def test_only_a_decision_made_is_appealed() -> None:
    proposed = decision(Action.WITHDRAW, id="d-3")
    assert _rule(lambda: appeals.check_lodging(OWN, PERSON, proposed, T0)) == "R-STATE"


def test_only_the_committee_rules_and_never_on_its_own_approval() -> None:
    assert _rule(lambda: appeals.check_ruler(CHIEF)) == "R-AUTHORITY"
    appeals.check_ruler(COMMITTEE)
    own = replace(MADE, approved_by=COMMITTEE.id)
    assert _rule(lambda: appeals.check_impartial(COMMITTEE, own)) == "R-AUTHORITY"
    appeals.check_impartial(COMMITTEE, MADE)


def test_only_the_committee_ratifies_an_approved_emergency() -> None:
    emergency = replace(MADE, emergency=True)
    assert _rule(lambda: ratification.check_ratifying(OPERATOR, emergency)) == "R-AUTHORITY"
    assert _rule(lambda: ratification.check_ratifying(COMMITTEE, MADE)) == "R-STATE"
    ratification.check_ratifying(COMMITTEE, emergency)


def test_a_review_is_the_providers_approver_or_the_committee() -> None:
    cover = Cover("d-1", "p-1", MADE.provider_id, "c", 1, 2, 1, CoverState.ACTIVE,
                  Basis.POSITIONAL, T0, "d-1")  # fmt: skip
    assert _rule(lambda: review.check_reviewer(OPERATOR, cover)) == "R-AUTHORITY"
    review.check_reviewer(CHIEF, cover)
    review.check_reviewer(COMMITTEE, cover)


def test_only_intelligence_enters_threat_assessments() -> None:
    assert _rule(lambda: entries.check_assessor(CHIEF)) == "R-AUTHORITY"
    entries.check_assessor(User("sb", "Special Branch", frozenset({"intelligence"})))


@pytest.mark.parametrize("who", [OWN, LIAISON, OPERATOR, CHIEF, COMMITTEE])
def test_those_concerned_and_the_desks_file_ground_reports(who: User) -> None:
    entries.check_reporter(who, PERSON)


def test_a_stranger_files_no_ground_report_and_only_a_desk_closes_one() -> None:
    assert _rule(lambda: entries.check_reporter(STRANGER, PERSON)) == "R-AUTHORITY"
    assert _rule(lambda: entries.check_resolver(LIAISON, "sindh-police")) == "R-AUTHORITY"
    assert _rule(lambda: entries.check_resolver(OPERATOR, "moi-federal")) == "R-AUTHORITY"
    entries.check_resolver(OPERATOR, "sindh-police")
    entries.check_resolver(COMMITTEE, "moi-federal")


def test_only_a_proposal_is_approved_and_rescinded_only_before_it_takes_effect() -> None:
    proposed = decision(Action.WITHDRAW, id="d-3")
    lifecycle.check_approvable(proposed, DecisionState.PROPOSED)
    assert _rule(lambda: lifecycle.check_approvable(MADE, DecisionState.EFFECTIVE)) == "R-STATE"
    lifecycle.check_rescinding(OPERATOR, replace(proposed, proposed_by=OPERATOR.id),
                               DecisionState.PROPOSED)  # fmt: skip
    effective = DecisionState.EFFECTIVE
    assert _rule(lambda: lifecycle.check_rescinding(CHIEF, MADE, effective)) == "R-STATE"
    stranger = User("moi", "MoI desk", frozenset({"operator@moi-federal"}))
    rule = _rule(lambda: lifecycle.check_rescinding(stranger, MADE, DecisionState.APPROVED))
    assert rule == "R-AUTHORITY"


def test_a_grant_has_nothing_before_it_to_restore() -> None:
    assert _rule(lambda: lifecycle.check_restorable(MADE, True)) == "R-STATE"
    lifecycle.check_restorable(MADE, False)


ADMIN = User("registrar", "Registrar", frozenset({"admin"}))


def test_users_are_an_admins_to_manage_and_the_first_admin_nobodys() -> None:
    administration.check_user_manager(None, None, [], first=True)
    rule = _rule(lambda: administration.check_user_manager(None, None, [ADMIN], first=True))
    assert rule == "R-AUTHORITY"
    assert _rule(lambda: administration.check_user_manager(None, None, [], first=False))
    administration.check_user_manager(ADMIN, ADMIN.id, [ADMIN], first=False)
    rule = _rule(lambda: administration.check_user_manager(CHIEF, CHIEF.id, [ADMIN], False))
    assert rule == "R-AUTHORITY"


def test_passwords_tokens_and_channels() -> None:
    administration.check_password_setter(OWN, OWN.id)
    administration.check_password_setter(ADMIN, OWN.id)
    assert _rule(lambda: administration.check_password_setter(CHIEF, OWN.id)) == "R-AUTHORITY"
    administration.check_token_scopes(CHIEF, ["read", "write"])
    assert _rule(lambda: administration.check_token_scopes(CHIEF, ["admin"])) == "R-AUTHORITY"
    administration.check_channel_owner(OWN, OWN.id)
    administration.check_channel_owner(ADMIN, None, "ch-1")
    assert _rule(lambda: administration.check_channel_owner(CHIEF, OWN.id)) == "R-AUTHORITY"
    assert _rule(lambda: administration.check_channel_owner(CHIEF, None, "ch-1")) == "R-AUTHORITY"


def test_an_imported_chain_names_every_approver() -> None:
    lifecycle.check_chain_named(MADE, 1, None)
    undecided = decision(Action.WITHDRAW, id="d-4")
    assert _rule(lambda: lifecycle.check_chain_named(undecided, 1, "committee")) == "R-AUTHORITY"


def test_a_refusal_told_where_it_arose_keeps_its_rules() -> None:
    with pytest.raises(Refusal) as refused:
        lifecycle.check_restorable(MADE, True)
    located = refused.value.located("file.yaml:12")
    assert located.rule == "R-STATE" and located.message.startswith("file.yaml:12: ")
