"""A desk's program, written against the client openapi-python-client generates from the served
document (docs/api.md, "A generated client"): no hand-made request, header or cookie.

    openapi-python-client generate --url https://REGISTRY/api/openapi.json --meta none \\
        --output-path hifazat_client
    python api_client.py https://REGISTRY OPERATOR PASSWORD APPROVER PASSWORD PROTECTEE PROVIDER

It signs an operator in with a session and an approver with a bearer token, reads the register,
proposes a withdrawal and has it approved, each with an idempotency key and each retried, and
reads the rule that refuses a proposal with no reason. It prints what it saw, as JSON;
tests/integration/api/test_generated_client.py runs it on both databases and type-checks it
(mypy --strict, with no `Any` allowed in any expression)."""

from __future__ import annotations

import json
import sys
import uuid
from typing import TypedDict

from hifazat_client import AuthenticatedClient
from hifazat_client.api.auth import auth_login, auth_me, auth_token_create
from hifazat_client.api.decisions import decisions_approve, decisions_propose
from hifazat_client.api.protectees import protectees_list, protectees_status
from hifazat_client.models import (
    ApproveBody,
    DecisionView,
    ErrorResponse,
    LoginBody,
    Me,
    ProposalBody,
    ProposalBodyAction,
    Proposed,
    ProtecteePage,
    SessionStarted,
    StatusView,
    TokenBody,
    TokenBodyScopesItem,
    TokenMade,
)


class Refused(Exception):
    """The registry answered with an error where the walk expected an answer."""

    def __init__(self, step: str, answer: ErrorResponse | None) -> None:
        said = f"{answer.error.code}: {answer.error.message}" if answer else "no answer"
        super().__init__(f"{step}: {said}")


class Walk(TypedDict):
    signed_in_as: str
    session_via: str
    token_via: str
    protectees_listed: int
    protectees_total: int
    status_protectee: str
    status_personnel: int
    status_covers: list[str]
    status_etag: str
    status_not_modified: int
    proposed: str
    proposed_again: str
    approved: str
    approved_by: str | None
    approved_again: str
    approved_again_replayed: bool
    refused_code: str
    refused_rules: list[str]


def session_for(base_url: str, user: str, password: str) -> tuple[AuthenticatedClient, str]:
    """A client whose cookie jar holds the session, and the CSRF token its writes echo. It
    carries no token: the empty Authorization header it sends is no credential."""
    client = AuthenticatedClient(base_url=base_url, token="", prefix="")
    started = auth_login.sync(client=client, body=LoginBody(user=user, password=password))
    if not isinstance(started, SessionStarted):
        raise Refused("sign in", started)
    return client, started.csrf_token


def token_for(base_url: str, user: str, password: str) -> AuthenticatedClient:
    """A bearer token, minted from a session (a token never mints another)."""
    session, csrf = session_for(base_url, user, password)
    made = auth_token_create.sync(
        client=session,
        body=TokenBody(scopes=[TokenBodyScopesItem.READ, TokenBodyScopesItem.WRITE], ttl_days=1),
        x_csrf_token=csrf,
    )
    if not isinstance(made, TokenMade):
        raise Refused("make a token", made)
    return AuthenticatedClient(base_url=base_url, token=made.token)


def me(client: AuthenticatedClient) -> Me:
    found = auth_me.sync(client=client)
    if not isinstance(found, Me):
        raise Refused("who am I", found)
    return found


def walk(
    base_url: str,
    operator: tuple[str, str],
    approver: tuple[str, str],
    protectee: str,
    provider: str,
) -> Walk:
    desk, csrf = session_for(base_url, *operator)
    chief = token_for(base_url, *approver)

    page = protectees_list.sync(client=desk, limit=5)
    if not isinstance(page, ProtecteePage):
        raise Refused("list protectees", page)

    read = protectees_status.sync_detailed(protectee, client=desk)
    status = read.parsed
    if not isinstance(status, StatusView):
        raise Refused("status", status)
    etag = read.headers["ETag"]
    unchanged = protectees_status.sync_detailed(protectee, client=desk, if_none_match=etag)

    body = ProposalBody(
        action=ProposalBodyAction.WITHDRAW,
        protectee=protectee,
        provider=provider,
        reason_code="court-order",
        reason="A court ordered a security review of this cover",
    )
    key = f"desk-{uuid.uuid4()}"
    proposed = decisions_propose.sync(
        client=desk, body=body, idempotency_key=key, x_csrf_token=csrf
    )
    if not isinstance(proposed, Proposed):
        raise Refused("propose", proposed)
    again = decisions_propose.sync(client=desk, body=body, idempotency_key=key, x_csrf_token=csrf)
    if not isinstance(again, Proposed):
        raise Refused("propose again", again)

    approval = f"chief-{uuid.uuid4()}"
    approved = decisions_approve.sync(
        proposed.decision, client=chief, body=ApproveBody(), idempotency_key=approval
    )
    if not isinstance(approved, DecisionView):
        raise Refused("approve", approved)
    retried = decisions_approve.sync_detailed(
        proposed.decision, client=chief, body=ApproveBody(), idempotency_key=approval
    )
    if not isinstance(retried.parsed, DecisionView):
        raise Refused("approve again", None)

    unreasoned = ProposalBody(
        action=ProposalBodyAction.WITHDRAW, protectee=protectee, provider=provider
    )
    refused = decisions_propose.sync(client=desk, body=unreasoned, x_csrf_token=csrf)
    if not isinstance(refused, ErrorResponse):
        raise Refused("a proposal with no reason was not refused", None)
    violations = refused.error.violations
    rules = (
        [str(v.additional_properties.get("rule", "")) for v in violations]
        if isinstance(violations, list)
        else []
    )

    return Walk(
        signed_in_as=me(desk).user.id,
        session_via=me(desk).via.value,
        token_via=me(chief).via.value,
        protectees_listed=len(page.items),
        protectees_total=page.total,
        status_protectee=status.protectee,
        status_personnel=status.totals.personnel,
        status_covers=[f"{c.provider}:{c.category}:{c.state.value}" for c in status.coverages],
        status_etag=etag,
        status_not_modified=int(unchanged.status_code),
        proposed=proposed.decision,
        proposed_again=again.decision,
        approved=approved.decision,
        approved_by=approved.approved_by if isinstance(approved.approved_by, str) else None,
        approved_again=retried.parsed.decision,
        approved_again_replayed=retried.headers.get("Idempotent-Replayed") == "true",
        refused_code=refused.error.code,
        refused_rules=rules,
    )


def main(argv: list[str]) -> int:
    base_url, operator, operator_password, approver, approver_password = argv[:5]
    protectee, provider = argv[5:7]
    try:
        seen = walk(
            base_url,
            (operator, operator_password),
            (approver, approver_password),
            protectee,
            provider,
        )
    except Refused as refused:
        print(refused, file=sys.stderr)
        return 1
    print(json.dumps(seen, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
