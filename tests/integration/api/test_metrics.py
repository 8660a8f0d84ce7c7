"""`/metrics`: every figure docs/operations.md lists is scraped, and the figures move with what
the registry does; the request id and the JSON log lines; who may scrape."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from hifazat.services import auth
from hifazat.serving import logs
from tests.conftest import WITHDRAWAL, Api

OPERATIONS = Path(__file__).parents[3] / "docs" / "operations.md"
WITHDRAW = {k: v for k, v in WITHDRAWAL.items() if k not in ("reason", "reason_code")}


def documented() -> set[str]:
    """The metric names the operations guide's table lists."""
    return set(re.findall(r"^\| `(hifazat_[a-z_]+)` \|", OPERATIONS.read_text("utf-8"), re.M))


def scrape(api: Api, role: str = "admin") -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = api.call("GET", "/metrics", role)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def value(
    figures: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str
) -> float:
    return figures.get((name, tuple(sorted(labels.items()))), 0.0)


def test_every_documented_name_is_scraped_and_nothing_undocumented(api: Api) -> None:
    api.call("GET", "/api/v1/protectees/farooq-sattar", "operator")
    api.call("POST", "/api/v1/ledger/checkpoints", "committee")
    text = api.call("GET", "/metrics", "admin").text
    # every family is declared, samples or none (no refusal yet: an empty family)
    declared = set(re.findall(r"^# TYPE (hifazat_[a-z_]+) ", text, re.M))
    listed = documented()
    assert len(listed) >= 14
    assert listed - declared == set(), "in docs/operations.md but not scraped"
    assert declared - listed == set(), "scraped but not in docs/operations.md"


def test_requests_are_counted_by_route_template_never_by_path(api: Api) -> None:
    before = scrape(api)
    route = "/api/v1/protectees/{pid}"
    for _ in range(3):
        assert api.call("GET", "/api/v1/protectees/farooq-sattar", "operator").status_code == 200
    assert api.call("GET", "/api/v1/protectees/no-such-person", "operator").status_code == 404
    after = scrape(api)
    ok = {"method": "GET", "route": route, "status": "200"}
    assert (
        value(after, "hifazat_http_requests_total", **ok)
        - value(before, "hifazat_http_requests_total", **ok)
        == 3
    )
    missing = {**ok, "status": "404"}
    assert (
        value(after, "hifazat_http_requests_total", **missing)
        == value(before, "hifazat_http_requests_total", **missing) + 1
    )
    latency = {"method": "GET", "route": route}
    assert value(after, "hifazat_http_request_duration_seconds_count", **latency) >= 4
    text = api.call("GET", "/metrics", "admin").text
    assert "farooq-sattar" not in text and "no-such-person" not in text
    api.call("GET", "/made-up/path/for/a/scan", None)
    assert 'route="/made-up' not in api.call("GET", "/metrics", "admin").text


def test_decisions_and_refusals_move_with_the_registry(api: Api) -> None:
    reason = "The threat assessment of this month no longer supports it"
    before = scrape(api)
    refused = api.call("POST", "/api/v1/decisions", "operator", json={**WITHDRAW, "reason": reason})
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "R-REASON"  # no reason code
    middle = scrape(api)
    assert value(middle, "hifazat_refusals_total", rule="R-REASON") == (
        value(before, "hifazat_refusals_total", rule="R-REASON") + 1
    )
    assert value(middle, "hifazat_decisions_total", action="withdraw") == value(
        before, "hifazat_decisions_total", action="withdraw"
    )
    made = api.call(
        "POST",
        "/api/v1/decisions",
        "operator",
        json={**WITHDRAW, "reason": reason, "reason_code": "threat-reassessed"},
    )
    assert made.status_code == 201, made.text
    after = scrape(api)
    assert value(after, "hifazat_decisions_total", action="withdraw") == (
        value(before, "hifazat_decisions_total", action="withdraw") + 1
    )
    assert value(after, "hifazat_refusals_total", rule="R-REASON") == value(
        middle, "hifazat_refusals_total", rule="R-REASON"
    )
    assert value(after, "hifazat_ledger_entries") > value(before, "hifazat_ledger_entries")
    assert value(after, "hifazat_registry_up") == 1


def test_the_notice_queue_and_the_checkpoint_are_figures(api: Api) -> None:
    before = scrape(api)
    made = api.call(
        "POST",
        "/api/v1/decisions",
        "operator",
        json=WITHDRAWAL,
    )
    assert made.status_code == 201, made.text
    decided = api.call(
        "POST", f"/api/v1/decisions/{made.json()['decision']}/approve", "approver", json={}
    )
    assert decided.status_code == 200, decided.text  # the approval writes the notices
    api.reg.clock.advance(seconds=30)
    figures = scrape(api)
    assert value(figures, "hifazat_notices", state="pending") > value(
        before, "hifazat_notices", state="pending"
    )
    waiting = value(figures, "hifazat_notices", state="pending")
    assert waiting > 0  # the demo's decisions left notices for the worker
    assert value(figures, "hifazat_notice_queue_oldest_seconds") > 0
    api.reg.clock.advance(minutes=10)
    later = scrape(api)
    assert value(later, "hifazat_notice_queue_oldest_seconds") == pytest.approx(
        value(figures, "hifazat_notice_queue_oldest_seconds") + 600, abs=1
    )
    made = api.call("POST", "/api/v1/ledger/checkpoints", "committee")
    assert made.status_code in (200, 201), made.text
    fresh = scrape(api)
    assert value(fresh, "hifazat_ledger_checkpoint_age_seconds") == 0
    assert value(fresh, "hifazat_ledger_checkpoint_size") == value(fresh, "hifazat_ledger_entries")


def test_a_metrics_token_scrapes_and_reads_nothing_else(api: Api) -> None:
    scraper = auth.create_token(
        api.reg.uow(), "registrar", ["metrics"], timedelta(days=365), api.reg.clock()
    ).secret
    bearer = {"Authorization": f"Bearer {scraper}"}
    assert api.client.get("/metrics", headers=bearer).status_code == 200
    for path in ("/api/v1/protectees", "/api/v1/protectees/farooq-sattar", "/api/v1/users"):
        answer = api.client.get(path, headers=bearer)
        assert answer.status_code == 403, path
        assert answer.json()["error"]["code"] == "FORBIDDEN"
    # a read-write token of the same admin does not scrape: the scope is asked for by name
    reader = auth.create_token(
        api.reg.uow(), "registrar", ["read", "write"], timedelta(days=1), api.reg.clock()
    ).secret
    assert (
        api.client.get("/metrics", headers={"Authorization": f"Bearer {reader}"}).status_code == 403
    )


def test_only_an_admin_may_mint_a_metrics_token(api: Api) -> None:
    from hifazat.domain.errors import Refusal

    with pytest.raises(Refusal):
        auth.create_token(api.reg.uow(), "auditor", ["metrics"], timedelta(days=1), api.reg.clock())


def test_unauthenticated_scrape_is_refused_in_json(api: Api) -> None:
    answer = api.client.get("/metrics")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "UNAUTHENTICATED"


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """The registry's log lines as JSON, as `serve` writes them."""
    stream = io.StringIO()
    handler = logs.handler("json", stream)
    root = logging.getLogger("hifazat")
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def test_each_line_of_a_request_carries_its_id_and_no_path(
    api: Api, json_lines: io.StringIO
) -> None:
    answer = api.call("GET", "/api/v1/protectees/farooq-sattar", "operator")
    rid = answer.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", rid)
    lines = [json.loads(line) for line in json_lines.getvalue().splitlines()]
    mine = [line for line in lines if line.get("request_id") == rid]
    access = [line for line in mine if line["logger"] == "hifazat.access"]
    assert len(access) == 1
    (line,) = access
    assert line["route"] == "/api/v1/protectees/{pid}"
    assert line["status"] == 200 and line["method"] == "GET"
    assert line["level"] == "INFO" and "time" in line and line["duration_ms"] >= 0
    assert "farooq" not in json_lines.getvalue()
    assert api.tokens["operator"] not in json_lines.getvalue()


def test_a_sensible_caller_id_is_kept_and_a_strange_one_replaced(
    api: Api, json_lines: io.StringIO
) -> None:
    kept = api.client.get("/api/v1/health", headers={"X-Request-ID": "proxy-7f3a.42"})
    assert kept.headers["x-request-id"] == "proxy-7f3a.42"
    for strange in ("a" * 65, "two words", "<script>"):
        answer = api.client.get("/api/v1/health", headers={"X-Request-ID": strange})
        assert answer.headers["x-request-id"] != strange
        assert re.fullmatch(r"[0-9a-f]{32}", answer.headers["x-request-id"])
    assert "<script>" not in json_lines.getvalue()
    ids = [json.loads(line)["request_id"] for line in json_lines.getvalue().splitlines()]
    assert "proxy-7f3a.42" in ids


def test_a_server_error_is_counted_and_logged_with_its_id(
    api: Api, json_lines: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hifazat.services import guarded

    monkeypatch.setattr(guarded, "gate", _broken)
    client = type(api.client)(api.client.app, raise_server_exceptions=False)
    bearer = {"Authorization": f"Bearer {api.tokens['admin']}"}
    answer = client.get("/metrics", headers=bearer)
    assert answer.status_code == 500
    rid = answer.headers["x-request-id"]
    lines = [json.loads(line) for line in json_lines.getvalue().splitlines()]
    assert [
        line["status"] for line in lines if line.get("request_id") == rid and "status" in line
    ] == [500]
    assert any(line.get("request_id") == rid and line["level"] == "ERROR" for line in lines)
    monkeypatch.undo()
    counted = value(
        scrape(api), "hifazat_http_requests_total", method="GET", route="/metrics", status="500"
    )
    assert counted == 1


def _broken(*_: object, **__: object) -> None:
    raise RuntimeError("a bug")


def test_a_line_outside_a_request_has_no_id_and_no_terminal_colours(
    json_lines: io.StringIO,
) -> None:
    logging.getLogger("hifazat.api").info(
        "server started", extra={"color_message": "\x1b[1mserver started\x1b[0m"}
    )
    (line,) = [json.loads(text) for text in json_lines.getvalue().splitlines()]
    assert line["request_id"] == "-" and line["message"] == "server started"
    assert "color_message" not in line
