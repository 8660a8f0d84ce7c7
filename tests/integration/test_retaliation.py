"""The retaliation test through the registry, on SQLite and PostgreSQL: public events entered
(CLI, API, web, scenario), each a ledger entry; the test's power and false flags measured on
generated histories stored and read back; a party cut on cue flagged beside one cut as often
but at other times; the CLI, the API, the auditor's page, the transparency report and the
protectees' timelines; and the Karachi demo's events, told honestly."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from hifazat.domain.events import EventKind
from tests.conftest import ROLE_USERS, Api, Registry, make_api, write_scenario
from tests.integration.test_web_pages import _signed_in
from tests.retaliation_data import END, START, evenly, party, scenario

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "scenarios" / "karachi-events.yaml"
PERIOD = ("--from", START.isoformat(), "--to", END.isoformat())
#: the clock once the year tested is over (and after the demo's morning of 27 January)
LATER = "2026-02-01T00:00:00+00:00"


def _retaliation(reg: Registry, *extra: str) -> list[dict[str, Any]]:
    found = reg.cli("audit", "retaliation", *PERIOD, *extra, "--json")
    assert found.exit_code == 0, found.output
    result: list[dict[str, Any]] = json.loads(found.stdout)
    return result


def test_the_generators_show_power_and_false_flags(registry: Registry, tmp_path: Path) -> None:
    """20 parties cut at three times the rate in the 14 days after their events, and 200 cut
    at random, in one registry: the planted found in at least 19 of 20, the unbiased flagged
    in at most 5 %."""
    planted = [party(f"planted-{s:02}", s, 3.0) for s in range(20)]
    calm = [party(f"calm-{s:03}", 1000 + s, 1.0, 12) for s in range(200)]
    registry.clock.set(LATER)
    path = write_scenario(tmp_path, scenario(planted + calm), "generated.yaml")
    loaded = registry.cli("import", str(path), "--json")
    assert loaded.exit_code == 0, loaded.output
    assert json.loads(loaded.stdout)["events"] == 220 * 8
    flagged = {f["affiliation"] for f in _retaliation(registry)}
    assert len({a for a in flagged if a.startswith("planted-")}) >= 19
    assert len({a for a in flagged if a.startswith("calm-")}) <= 0.05 * 200


def test_equal_rates_but_only_one_party_s_cuts_follow_its_events(
    registry: Registry, tmp_path: Path
) -> None:
    """Two parties, 24 cuts each over the year (equal rates): one's fall after its events, the
    other's evenly. Only the first is flagged, with its events and the decisions in windows."""
    on_cue = party("OnCue", 5, concentration=1000.0, cuts=24)
    steady = evenly("Steady", 6, 24)
    registry.clock.set(LATER)
    path = write_scenario(tmp_path, scenario([on_cue, steady]), "two.yaml")
    assert registry.cli("import", str(path)).exit_code == 0
    [finding] = _retaliation(registry)
    assert finding["affiliation"] == "OnCue" and finding["provider"] == "city-police"
    assert set(finding) >= {"affiliation", "provider", "events", "decisions", "expected",
                            "observed", "p_value"}  # fmt: skip
    assert finding["observed"] == 24 and finding["expected"] < 24 / 2
    assert finding["p_value"] < 0.05
    assert len(finding["events"]) == 8
    assert all(d["after_events"] for d in finding["decisions"])
    human = registry.cli("audit", "retaliation", *PERIOD)
    assert human.exit_code == 0 and "FLAG" in human.stdout and "Steady" in human.stdout
    # a window as long as the period leaves nothing to compare with: not tested, and said so
    assert _retaliation(registry, "--window", "400d") == []
    moot = registry.cli("audit", "retaliation", *PERIOD, "--window", "400d")
    assert moot.exit_code == 0 and "no longer than the 400-day window" in moot.stdout
    refused = registry.cli("audit", "retaliation", *PERIOD, "--window", "0d")
    assert refused.exit_code == 2 and "window" in refused.output


def test_events_are_entered_by_auditors_and_the_committee_with_clear_errors(
    demo: Registry,
) -> None:
    made = demo.cli("events", "add", "--at", "2026-01-20T11:00:00+05:00", "--affiliation", "PPP",
                    "--kind", "protest", "--title", "Rally at Tibet Centre", "--source",
                    "Dawn, 21 January 2026, p. 3", "--by", "auditor", "--json")  # fmt: skip
    assert made.exit_code == 0, made.output
    event = json.loads(made.stdout)
    assert event["kind"] == "protest" and event["entered_by"] == "auditor"
    before = demo.dump()
    for args, needle in (
        (("--kind", "riot"), "kind"),
        (("--at", "2026-03-01T00:00:00+05:00"), "before it happens"),
        (("--title", "  "), "title"),
        (("--by", "ssu-operator"), "may not"),
    ):
        typed = {"--at": "2026-01-20T11:00:00+05:00", "--affiliation": "PPP", "--kind": "protest",
                 "--title": "Rally", "--source": "Dawn", "--by": "auditor"}  # fmt: skip
        typed.update(dict(zip(args[::2], args[1::2], strict=True)))
        refused = demo.cli("events", "add", *[x for kv in typed.items() for x in kv])
        assert refused.exit_code != 0 and needle in refused.output, (args, refused.output)
    assert demo.dump() == before, "a refused event writes nothing but its attempt"
    again = demo.cli("events", "add", "--id", event["id"], "--at", "2026-01-20T11:00:00+05:00",
                     "--affiliation", "PPP", "--kind", "protest", "--title", "Rally",
                     "--source", "Dawn", "--by", "ptac-chair")  # fmt: skip
    assert again.exit_code != 0 and "already exists" in again.output
    listed = demo.cli("events", "list", "--json")
    assert [e["id"] for e in json.loads(listed.stdout)] == [event["id"]]
    verified = demo.cli("ledger", "verify")
    assert verified.exit_code == 0, verified.output


def test_the_demo_s_events_are_tested_and_the_withdrawal_is_listed_not_counted(
    demo: Registry,
) -> None:
    demo.clock.set("2026-02-10T12:00:00+05:00")
    assert demo.cli("import", str(EVENTS)).exit_code == 0
    found = demo.cli("audit", "retaliation")
    assert found.exit_code == 0, found.output
    assert "MQM-P" in found.stdout and "No findings." in found.stdout
    assert found.stdout.count("no decision behind it, so not counted") == 5
    assert _retaliation(demo) == []


@pytest.fixture
def timed(registry: Registry, tmp_path: Path) -> Api:
    """The demo with a party cut on cue by a provider of its own, behind the API."""
    registry.load_demo()
    registry.clock.set(LATER)
    on_cue = party("OnCue", 5, concentration=1000.0, cuts=24)
    path = write_scenario(tmp_path, scenario([on_cue], policy=False), "timed.yaml")
    loaded = registry.cli("import", str(path))
    assert loaded.exit_code == 0, loaded.output
    return make_api(registry)


def test_the_api_serves_the_test_and_the_register_by_role(timed: Api) -> None:
    query = f"?from={START.isoformat()}&to={END.isoformat()}".replace("+", "%2B")
    for role in sorted(ROLE_USERS):
        audit = timed.call("GET", "/api/v1/audit/retaliation" + query, role)
        listing = timed.call("GET", "/api/v1/events?affiliation=OnCue", role)
        assert listing.status_code == 200 and listing.json()["total"] == 8
        if role in {"admin", "committee", "auditor"}:
            assert audit.status_code == 200, audit.text
            body = audit.json()
            assert [f["affiliation"] for f in body["findings"]] == ["OnCue"]
            assert body["window_days"] == 14
        else:
            assert audit.status_code == 403
    new = {"at": "2025-12-20T10:00:00+05:00", "affiliation": "OnCue", "kind": "defection",
           "title": "An MPA leaves the party", "source": "https://news.example/d"}  # fmt: skip
    for role in sorted(ROLE_USERS):
        made = timed.call("POST", "/api/v1/events", role, json=new,
                          headers={"Idempotency-Key": f"ev-{role}"})  # fmt: skip
        assert made.status_code == (201 if role in {"auditor", "committee"} else 403), made.text
    bad = timed.call("POST", "/api/v1/events", "auditor", json={**new, "kind": "riot"},
                     headers={"Idempotency-Key": "bad"})  # fmt: skip
    assert bad.status_code == 422 and "kind" in bad.text


def test_the_auditor_s_page_charts_events_and_cuts_on_one_time_line(timed: Api) -> None:
    _signed_in(timed, "auditor")
    page = timed.client.get("/audit/retaliation?days=400")
    assert page.status_code == 200
    text = page.text
    assert "<svg" in text and "Public events and cuts of cover" in text
    assert "OnCue" in text and "flagged" in text
    assert text.count('<circle cx="') >= 24  # every cut a mark on the time line
    for user in ("ssu-operator", "farooq"):
        _signed_in(timed, user)
        assert timed.client.get("/audit/retaliation").status_code == 403


def test_events_on_the_web_register_and_the_protectee_s_timeline(timed: Api) -> None:
    token = _signed_in(timed, "ptac-chair")
    form = {"csrf_token": token, "at": "20/12/2025 10:00", "affiliation": "OnCue",
            "kind": "court-case", "title": "Petition against the cuts",
            "source": "SHC 123/2025"}  # fmt: skip
    forged = timed.client.post("/events", data={**form, "csrf_token": "forged"})
    assert forged.status_code == 403
    made = timed.client.post("/events", data=form, follow_redirects=False)
    assert made.status_code == 303, made.text
    page = timed.client.get(made.headers["location"]).text
    assert "The event is recorded" in page and "Petition against the cuts" in page
    wrong = timed.client.post("/events", data={**form, "title": ""})
    assert wrong.status_code == 422 and 'id="title-error"' in wrong.text
    _signed_in(timed, "ssu-operator")
    listed = timed.client.get("/events").text
    assert "Petition against the cuts" in listed and 'action="/events"' not in listed
    refused = timed.client.post(
        "/events", data={**form, "csrf_token": _signed_in(timed, "ssu-operator")}
    )
    assert refused.status_code == 403
    _signed_in(timed, "auditor")
    person = timed.client.get("/protectees/OnCue-000").text
    assert "Public event of" in person and "Rally 0 of OnCue" in person
    timed.client.cookies.set("hifazat_lang", "ur")
    urdu = timed.client.get("/events").text
    assert 'lang="ur"' in urdu and "Public events" not in urdu


def test_the_transparency_report_carries_findings_in_aggregate(timed: Api, tmp_path: Path) -> None:
    query = f"?from={START.isoformat()}&to={END.isoformat()}".replace("+", "%2B")
    report = timed.call("GET", "/api/v1/reports/transparency" + query)
    assert report.status_code == 200, report.text
    body = report.json()["retaliation"]
    [finding] = body["findings"]
    assert finding["affiliation"] == "OnCue" and finding["events"] == 8
    # 24 cuts of 6 private persons: above the small-cell threshold, so shown
    assert finding["observed"] == {"value": 24, "suppressed": False}
    assert "OnCue-0" not in report.text and "r-OnCue" not in report.text
    out = tmp_path / "report.html"
    html = timed.reg.cli("report", "transparency", *PERIOD, "-o", str(out))
    assert html.exit_code == 0, html.stdout
    page = out.read_text()
    assert "Timing findings" in page and "OnCue" in page and "OnCue-0" not in page


def test_every_event_kind_has_words() -> None:
    from hifazat.domain.events import KIND_LABELS

    assert set(KIND_LABELS) == set(EventKind)
    assert re.fullmatch(r"[a-z-]+", "".join(k.value for k in EventKind))
