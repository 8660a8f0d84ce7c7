"""Each refusing rule on its own."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from hifazat.domain.decision import Action, Decision
from hifazat.domain.rules import authority, floors, notice, reason, state
from hifazat.domain.rules.context import Stage
from hifazat.domain.threat import ThreatAssessment
from hifazat.domain.times import local_text
from tests.unit.domain.builders import (
    CHIEF,
    COMMITTEE,
    GRANTED,
    OPERATOR,
    T0,
    approved,
    context,
    decision,
)

WITHDRAW = decision(Action.WITHDRAW, id="d-2", reason_code="resource-redeployment")


class TestReason:
    def test_accepts_a_known_code_and_a_real_reason(self) -> None:
        assert reason.check(context(decision())) is None

    def test_refuses_missing_code(self) -> None:
        v = reason.check(context(replace(decision(), reason_code="")))
        assert v is not None and v.rule == "R-REASON" and "reason code is required" in v.message

    def test_refuses_unknown_code(self) -> None:
        v = reason.check(context(replace(decision(), reason_code="whim")))
        assert v is not None and "unknown reason code 'whim'" in v.message

    def test_whitespace_does_not_count_towards_length(self) -> None:
        v = reason.check(context(replace(decision(), reason="too     short          ")))
        assert v is not None and "(got 9)" in v.message


class TestAuthority:
    def test_operator_proposes_chief_approves(self) -> None:
        assert authority.check(context(decision(), actor=OPERATOR)) is None
        assert authority.check(context(decision(), actor=CHIEF, stage=Stage.APPROVE)) is None

    def test_operator_cannot_approve(self) -> None:
        v = authority.check(context(decision(), actor=OPERATOR, stage=Stage.APPROVE))
        assert v is not None and v.rule == "R-AUTHORITY"

    def test_two_person_rule(self) -> None:
        own = replace(decision(), proposed_by="chief")
        v = authority.check(context(own, actor=CHIEF, stage=Stage.APPROVE))
        assert v is not None and "two-person rule" in v.message

    def test_committee_approves_for_any_provider(self) -> None:
        assert authority.check(context(decision(), actor=COMMITTEE, stage=Stage.APPROVE)) is None

    def test_outsider_cannot_propose(self) -> None:
        v = authority.check(context(decision(), actor=COMMITTEE.__class__("x", "X", frozenset())))
        assert v is not None and "may not propose" in v.message


class TestState:
    def test_grant_on_nothing(self) -> None:
        assert state.check(context(decision())) is None

    def test_second_grant_refused(self) -> None:
        v = state.check(context(decision(id="d-9"), history=(GRANTED,)))
        assert v is not None and v.rule == "R-STATE"

    def test_withdraw_of_nothing_refused(self) -> None:
        assert state.check(context(WITHDRAW)) is not None

    def test_resume_needs_suspension(self) -> None:
        assert state.check(context(decision(Action.RESUME), history=(GRANTED,))) is not None
        suspended = approved(decision(Action.SUSPEND, id="d-s"), T0 - timedelta(days=1))
        resume = decision(Action.RESUME, id="d-r")
        assert state.check(context(resume, history=(GRANTED, suspended))) is None

    def test_insertion_before_a_pending_change_must_keep_it_valid(self) -> None:
        pending_withdraw = approved(WITHDRAW, T0, T0 + timedelta(days=5))
        earlier_withdraw = approved(decision(Action.WITHDRAW, id="d-3"), T0, T0 + timedelta(days=4))
        v = state.check(
            context(earlier_withdraw, history=(GRANTED, pending_withdraw), stage=Stage.APPROVE)
        )
        assert v is not None and "withdraw" in v.message


class TestNotice:
    def test_reduction_needs_notice(self) -> None:
        d = approved(WITHDRAW, T0, T0 + timedelta(hours=71))
        v = notice.check(context(d, stage=Stage.APPROVE))
        assert v is not None and v.rule == "R-NOTICE" and "72h" in v.message

    def test_notice_times_are_told_in_the_policy_zone(self) -> None:
        """Whoever typed Karachi time reads Karachi time back, not a UTC instant."""
        ctx = context(approved(WITHDRAW, T0, T0 + timedelta(hours=1)), stage=Stage.APPROVE)
        v = notice.check(ctx)
        assert v is not None
        earliest = local_text(T0 + timedelta(hours=72), ctx.policy.timezone)
        assert f"no earlier than {earliest}" in v.message
        assert "Z " not in v.message and "Z)" not in v.message

    def test_after_notice_is_fine(self) -> None:
        assert notice.check(context(approved(WITHDRAW, T0, T0 + timedelta(hours=72)))) is None

    def test_emergency_needs_no_notice(self) -> None:
        d = approved(replace(WITHDRAW, emergency=True), T0, T0)
        assert notice.check(context(d)) is None

    def test_no_back_dating_even_for_grants(self) -> None:
        d = approved(decision(), T0, T0 - timedelta(minutes=1))
        v = notice.check(context(d))
        assert v is not None and "before the decision" in v.message

    def test_grants_take_effect_at_once(self) -> None:
        assert notice.check(context(approved(decision(), T0, T0))) is None


def _downgrade(reason_code: str = "resource-redeployment") -> Decision:
    return decision(Action.DOWNGRADE, id="d-4", category="nominal", reason_code=reason_code)


class TestEntitlement:
    def test_below_the_office_floor_needs_the_committee(self) -> None:
        d = _downgrade()
        ctx = context(d, history=(GRANTED,), actor=CHIEF, stage=Stage.APPROVE)
        v = floors.check_entitlement(ctx)
        assert v is not None and v.rule == "R-ENTITLEMENT" and "rank 2" in v.message

    def test_committee_may(self) -> None:
        ctx = context(_downgrade(), history=(GRANTED,), actor=COMMITTEE, stage=Stage.APPROVE)
        assert floors.check_entitlement(ctx) is None

    def test_exempt_reason_may(self) -> None:
        ctx = context(
            _downgrade("court-order"), history=(GRANTED,), actor=CHIEF, stage=Stage.APPROVE
        )
        assert floors.check_entitlement(ctx) is None

    def test_proposing_is_not_refused_but_reports_the_need(self) -> None:
        ctx = context(_downgrade(), history=(GRANTED,))
        assert floors.check_entitlement(ctx) is None
        assert floors.entitlement_shortfall(ctx) is not None

    def test_down_to_the_floor_is_fine(self) -> None:
        d = decision(
            Action.DOWNGRADE, id="d-5", category="standard", reason_code="resource-redeployment"
        )
        ctx = context(d, history=(GRANTED,), actor=CHIEF, stage=Stage.APPROVE)
        assert floors.check_entitlement(ctx) is None


def _assessment(level: str, days: int = 90) -> ThreatAssessment:
    return ThreatAssessment(
        "t-1",
        "ali",
        level,
        "SB",
        T0 - timedelta(days=1),
        T0 + timedelta(days=days),
        "summary",
        "sb",
        T0 - timedelta(days=1),
    )


class TestThreat:
    def test_severe_threat_floor(self) -> None:
        d = decision(Action.DOWNGRADE, id="d-6", category="standard", reason_code="court-order")
        ctx = context(
            d,
            history=(GRANTED,),
            actor=CHIEF,
            stage=Stage.APPROVE,
            assessments=(_assessment("severe"),),
        )
        v = floors.check_threat(ctx)
        assert v is not None and v.rule == "R-THREAT" and "t-1" in v.message

    def test_expired_assessment_sets_no_floor(self) -> None:
        d = replace(WITHDRAW, reason_code="court-order")
        ctx = context(
            d,
            history=(GRANTED,),
            actor=CHIEF,
            stage=Stage.APPROVE,
            at=T0 + timedelta(days=10),
            assessments=(_assessment("severe", days=2),),
        )
        assert floors.check_threat(ctx) is None

    def test_moderate_threat_has_no_floor(self) -> None:
        ctx = context(
            WITHDRAW,
            history=(GRANTED,),
            actor=CHIEF,
            stage=Stage.APPROVE,
            assessments=(_assessment("moderate"),),
        )
        assert floors.check_threat(ctx) is None

    def test_upgrades_are_never_held_back(self) -> None:
        ctx = context(
            decision(Action.UPGRADE, id="d-7", category="dedicated"),
            history=(GRANTED,),
            actor=CHIEF,
            stage=Stage.APPROVE,
            assessments=(_assessment("severe"),),
        )
        assert floors.check_threat(ctx) is None
