"""Policy files: validated on load, every error naming its line."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from hifazat.domain.errors import InvalidInput
from hifazat.domain.policy_document import policy_from_document
from hifazat.services.importer import read_policy
from tests.conftest import ROOT

POLICY = (ROOT / "policies" / "pk-sindh-illustrative.yaml").read_text("utf-8")


def _read(tmp_path: Path, text: str) -> dict[str, object]:
    path = tmp_path / "policy.yaml"
    path.write_text(text, "utf-8")
    return read_policy(path)


def test_the_shipped_policy_loads(tmp_path: Path) -> None:
    doc = _read(tmp_path, POLICY)
    assert doc["notice_period"] == "72h" and doc["two_person_rule"] is True


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("review_every: 180d", "review_every: 180 days", "review_every"),
        ("small_cell_threshold: 5", "small_cell_threshold: 5\nsmall_cells: 3", "unknown key"),
        (
            "floor_exempt_reasons: [office-ended,",
            "floor_exempt_reasons: [office-over,",
            "office-over not among the policy's reason_codes",
        ),
        ("timezone: Asia/Karachi", "timezone: Asia/Lahore", "not a known time zone"),
        (
            "provider_level: federal, min_rank: 2}",
            "provider_level: galactic, min_rank: 2}",
            "provider_level",
        ),
        ("  high: {min_rank: 2}", "  extreme: {min_rank: 2}", "threat_floors"),
        (
            "    steps: [approver, committee]",
            "    steps: [approver, chief-minister]",
            "approval_chains[0].steps[1]",
        ),
        (
            "restoring_reason_code: review-outcome",
            "restoring_reason_code: appeal-upheld",
            "not among the policy's reason_codes",
        ),
        (
            "small_cell_threshold: 5",
            "small_cell_threshold: 5\npublic_report:\n  naming_lag: 60d",
            "public_report.naming_lag: '60d' is under 90d",
        ),
    ],
)
def test_bad_policy_names_line(tmp_path: Path, old: str, new: str, message: str) -> None:
    text = POLICY.replace(old, new, 1)
    assert text != POLICY
    line = next(n for n, t in enumerate(text.splitlines(), 1) if new.splitlines()[-1] in t)
    with pytest.raises(InvalidInput) as caught:
        _read(tmp_path, text)
    assert caught.value.field.endswith(f"policy.yaml:{line}")
    assert message in caught.value.message


def test_the_public_report_names_nobody_unless_the_policy_opts_in(tmp_path: Path) -> None:
    doc = _read(tmp_path, POLICY)
    assert doc["public_report"] == {"name_positional_cover": False, "naming_lag": "90d"}
    policy = policy_from_document(doc)
    assert not policy.name_positional_cover and policy.naming_lag == timedelta(days=90)
    opted = POLICY + "public_report: {name_positional_cover: true, naming_lag: 120d}\n"
    policy = policy_from_document(_read(tmp_path, opted))
    assert policy.name_positional_cover and policy.naming_lag == timedelta(days=120)


def test_a_stored_policy_with_a_short_lag_is_refused_too() -> None:
    """Whatever path a document took into the registry, loading it checks the lag again."""
    doc = {**yaml.safe_load(POLICY), "public_report": {"naming_lag": "30d"}}
    with pytest.raises(InvalidInput) as caught:
        policy_from_document(doc)
    assert caught.value.field == "public_report.naming_lag"
