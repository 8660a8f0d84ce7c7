"""The public transparency report over a real registry: the command line writes HTML and PDF,
the public gets it without signing in, it names nobody by default (counts only), a deployment
that opts in sees only office-holders' positional cover older than the lag named, and the PDF
is rendered once per ledger head."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.conftest import POLICY, SCENARIO, Api, Registry, make_api, missing, write_scenario

PRIVATE = "Zainab Qureshi"
PERIOD = ("--from", "2024-01-01T00:00:00+05:00")
QUERY = "?from=2024-01-01T00:00:00%2B05:00"
#: the scenario's public figures, all holding positional cover since March 2024
FIGURES = {
    "Khalid Maqbool Siddiqui",
    "Mustafa Kamal",
    "Farooq Sattar",
    "Anis Kaimkhani",
    "Ali Khorshidi",
}
#: a public figure whose cover rests on a threat, not an office
JOURNALIST = "Hamid Qalamkar"
#: an office-holder whose positional cover began within the lag
NEW_MINISTER = "Sadia Nawazish"
EXTRA_PEOPLE = (
    "  - {id: hamid, name: " + JOURNALIST + ", affiliation: none-known, public_figure: true,"
    " offices: []}\n"
    "  - {id: sadia, name: " + NEW_MINISTER + ", affiliation: PPP, public_figure: true,"
    " offices: [{class: federal-minister, title: Federal Minister for Ports, since: 2025-12-20}]}\n"
)
EXTRA_DECISIONS = (
    "  - {id: d-101, protectee: hamid, provider: sindh-police, action: grant, category: "
    "nominal, basis: threat, reason_code: threat-assessed, reason: Threatened over his reporting"
    " on extortion, proposed_by: ssu-operator, approved_by: ssu-chief, decided_at: "
    '"2024-06-01T10:00:00+05:00"}\n'
    "  - {id: d-102, protectee: sadia, provider: moi-federal, action: grant, category: standard,"
    " basis: positional, reason_code: office-entitlement, reason: Federal minister entitled to"
    " federal protection, proposed_by: moi-operator, approved_by: moi-approver, decided_at: "
    '"2026-01-02T10:00:00+05:00"}\n'
)


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        missing("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "read.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


def _with_naming(registry: Registry, tmp_path: Path, lag: str = "90d") -> int:
    """The scenario with a journalist and a new minister, under a policy that opts in to naming
    office-holders' positional cover after `lag`; returns the import's exit code."""
    text = (
        SCENARIO.read_text("utf-8")
        .replace("decisions:\n", EXTRA_PEOPLE + "decisions:\n")
        .replace("# On the ground", EXTRA_DECISIONS + "# On the ground")
    )
    path = write_scenario(tmp_path, text, "named.yaml")
    policy = tmp_path / "policies" / POLICY.name
    policy.write_text(
        policy.read_text("utf-8")
        + f"public_report:\n  name_positional_cover: true\n  naming_lag: {lag}\n",
        "utf-8",
    )
    result = registry.cli("import", str(path))
    assert result.exit_code == 0 or "public_report.naming_lag" in result.output, result.output
    return int(result.exit_code)


def _with_private_person(registry: Registry, tmp_path: Path) -> None:
    text = (
        SCENARIO.read_text("utf-8")
        .replace(
            "decisions:\n",
            "  - {id: zainab, name: " + PRIVATE + ", affiliation: none-known, public_figure: false,"
            " offices: []}\ndecisions:\n",
        )
        .replace(
            "# On the ground",
            "  - {id: d-100, protectee: zainab, provider: sindh-police, action: grant, category: "
            "nominal, basis: threat, reason_code: threat-assessed, reason: Threatened witness in a "
            "terrorism trial, proposed_by: ssu-operator, approved_by: ssu-chief, decided_at: "
            '"2024-05-01T10:00:00+05:00"}\n# On the ground',
        )
    )
    path = write_scenario(tmp_path, text, "with-private.yaml")
    result = registry.cli("import", str(path))
    assert result.exit_code == 0, result.output


def test_cli_writes_html_and_pdf_naming_nobody(registry: Registry, tmp_path: Path) -> None:
    _with_private_person(registry, tmp_path)
    html = tmp_path / "report.html"
    assert registry.cli("report", "transparency", "-o", str(html), *PERIOD).exit_code == 0
    page = html.read_text("utf-8")
    assert "Transparency report" in page and "<svg" in page
    assert "Public figures holding cover, by provider and category" in page  # counted
    for name in (*FIGURES, PRIVATE):
        assert name not in page
    assert PRIVATE not in page and "zainab" not in page
    pdf = tmp_path / "report.pdf"
    assert (
        registry.cli("report", "transparency", "--format", "pdf", "-o", str(pdf), *PERIOD).exit_code
        == 0
    )
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        missing("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for heading in (
        "Transparency report",
        "Protectees by category",
        "Decisions by action",
        "Fairness findings",
        "Timing findings",
    ):
        assert heading in text
    assert PRIVATE not in text
    assert not [name for name in FIGURES if name in " ".join(text.split())]
    bad = registry.cli("report", "transparency", "--format", "docx", "-o", str(pdf))
    assert bad.exit_code == 2


def test_the_public_reads_it_without_signing_in(api: Api) -> None:
    data = api.client.get("/api/v1/reports/transparency?from=2024-01-01T00:00:00%2B05:00")
    assert data.status_code == 200
    page = api.client.get("/public/transparency")
    assert page.status_code == 200 and "Transparency report" in page.text
    pdf = api.client.get("/public/transparency.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_by_default_the_public_sees_counts_and_no_name(registry: Registry, tmp_path: Path) -> None:
    _with_private_person(registry, tmp_path)
    api = make_api(registry)
    data = api.client.get("/api/v1/reports/transparency" + QUERY)
    assert data.status_code == 200 and data.json()["named_positional_cover"] is None
    counts = data.json()["protectees_by_category"]
    assert set(counts) == {"private_persons", "public_figures"}
    pdf = api.client.get("/public/transparency.pdf" + QUERY).content
    forms = [data.text, _pdf_text(pdf, tmp_path)]
    for language in ("en", "ur"):
        api.client.cookies.set("hifazat_lang", language)
        forms.append(api.client.get("/public/transparency" + QUERY).text)
    for text in forms:
        for name in (*FIGURES, PRIVATE, "zainab", "khalid-maqbool-siddiqui"):
            assert name not in text


def test_opted_in_it_names_office_holders_positional_cover_older_than_the_lag(
    registry: Registry, tmp_path: Path
) -> None:
    assert _with_naming(registry, tmp_path) == 0
    api = make_api(registry)
    data = api.client.get("/api/v1/reports/transparency" + QUERY).json()["named_positional_cover"]
    assert data["lag_days"] == 90 and data["as_of"] == "2025-10-29T10:00:00Z"
    named = {(c["name"], c["office"], c["provider"]["key"]) for c in data["covers"]}
    assert named == {
        ("Khalid Maqbool Siddiqui", "Federal Minister", "moi-federal"),
        ("Khalid Maqbool Siddiqui", "Federal Minister", "sindh-police"),
        ("Mustafa Kamal", "Federal Minister for Health", "moi-federal"),
        ("Mustafa Kamal", "Federal Minister for Health", "sindh-police"),
        ("Ali Khorshidi", "Opposition Leader, Sindh Assembly", "sindh-police"),
        ("Farooq Sattar", "MQM-P leader", "sindh-police"),
        ("Anis Kaimkhani", "MQM-P leader", "sindh-police"),
    }
    pdf = _pdf_text(api.client.get("/public/transparency.pdf" + QUERY).content, tmp_path)
    pages = [pdf]
    for language in ("en", "ur"):
        api.client.cookies.set("hifazat_lang", language)
        pages.append(api.client.get("/public/transparency" + QUERY).text)
    for text in pages:
        assert all(name in text for name in FIGURES)
        assert JOURNALIST not in text and NEW_MINISTER not in text  # threat; within the lag


def test_a_naming_lag_under_90_days_is_refused(registry: Registry, tmp_path: Path) -> None:
    assert _with_naming(registry, tmp_path, lag="89d") != 0


def test_the_pdf_is_served_from_the_cache_until_the_ledger_moves(api: Api) -> None:
    reports = api.client.app.state.public_reports
    first = api.client.get("/public/transparency.pdf")
    etag = first.headers["ETag"]
    again = api.client.get("/public/transparency.pdf")
    assert again.content == first.content and again.headers["ETag"] == etag
    assert reports.renders["pdf"] == 1
    held = api.client.get("/public/transparency.pdf", headers={"If-None-Match": etag})
    assert held.status_code == 304 and held.content == b""
    proposal = {
        "action": "withdraw",
        "protectee": "farooq-sattar",
        "provider": "sindh-police",
        "reason_code": "court-order",
        "reason": "A court ordered a security review",
    }
    assert api.call("POST", "/api/v1/decisions", "operator", json=proposal).status_code == 201
    after = api.client.get("/public/transparency.pdf", headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["ETag"] != etag
    assert reports.renders["pdf"] == 2
