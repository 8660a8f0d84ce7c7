"""What a monitor polls answers with an ETag, and a request naming the current one gets 304 with
no body: a protectee's status, the audits and the public report (issue 21)."""

from __future__ import annotations

import pytest

from tests.conftest import Api

BODY = {
    "action": "withdraw",
    "protectee": "farooq-sattar",
    "provider": "sindh-police",
    "reason_code": "court-order",
    "reason": "A court ordered a security review",
}
STATUS = "/api/v1/protectees/farooq-sattar/status"


def test_a_status_not_modified_since_is_304_until_it_changes(api: Api) -> None:
    first = api.call("GET", STATUS, "auditor")
    tag = first.headers["ETag"]
    assert first.status_code == 200 and tag.startswith('"') and tag.endswith('"')
    assert first.headers["Cache-Control"] == "private, no-cache"
    assert "Authorization" in first.headers["Vary"]

    for named in (tag, f"W/{tag}", f'"other", {tag}', "*"):
        again = api.call("GET", STATUS, "auditor", headers={"If-None-Match": named})
        assert again.status_code == 304, named
        assert again.content == b"" and again.headers["ETag"] == tag
    # the clock alone moves the answer's `at`, not its content: still not modified
    api.reg.clock.advance(minutes=1)
    later = api.call("GET", STATUS, "auditor", headers={"If-None-Match": tag})
    assert later.status_code == 304
    stale = api.call("GET", STATUS, "auditor", headers={"If-None-Match": '"stale"'})
    assert stale.status_code == 200 and stale.headers["ETag"] == tag
    assert stale.json()["at"] != first.json()["at"]

    # a decision that takes effect changes the answer, so its tag
    made = api.call("POST", "/api/v1/decisions", "operator", json=BODY).json()
    for role in ("approver", "committee"):
        api.call("POST", f"/api/v1/decisions/{made['decision']}/approve", role, json={})
    api.reg.clock.advance(days=10)
    changed = api.call("GET", STATUS, "auditor", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag


def test_the_tag_is_of_the_answer_a_reader_may_see(api: Api) -> None:
    """A past instant and the present are different answers; the same answer twice is one tag."""
    now = api.call("GET", STATUS, "auditor").headers["ETag"]
    assert api.call("GET", STATUS, "auditor").headers["ETag"] == now
    past = api.call("GET", f"{STATUS}?at=2024-01-01T00:00:00Z", "auditor").headers["ETag"]
    assert past != now


@pytest.mark.parametrize("path", ["/api/v1/audit/fairness", "/api/v1/capacity", "/api/v1/cost"])
def test_an_audit_answers_304_when_unchanged(api: Api, path: str) -> None:
    first = api.call("GET", path, "auditor")
    assert first.status_code == 200
    again = api.call("GET", path, "auditor", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""


def test_the_public_report_is_cacheable_by_anyone(api: Api) -> None:
    first = api.client.get("/api/v1/reports/transparency")
    assert first.status_code == 200 and first.headers["Cache-Control"] == "public, no-cache"
    assert "Vary" not in first.headers
    again = api.client.get(
        "/api/v1/reports/transparency", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304


def test_a_refused_read_carries_no_tag(api: Api) -> None:
    """Need-to-know first: a reader who may not see a status learns nothing, not even a tag."""
    other = STATUS.replace("farooq-sattar", "mustafa-kamal")
    refused = api.call("GET", other, "protectee")  # Farooq Sattar's own login
    assert refused.status_code in (403, 404) and "ETag" not in refused.headers
