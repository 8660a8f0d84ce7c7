"""The public transparency report over a real registry: the command line writes HTML and PDF,
the public gets it without signing in, and no private person is ever named."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.conftest import SCENARIO, Api, Registry, missing, write_scenario

PRIVATE = "Zainab Qureshi"
PERIOD = ("--from", "2024-01-01T00:00:00+05:00")


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


def test_cli_writes_html_and_pdf_without_private_names(registry: Registry, tmp_path: Path) -> None:
    _with_private_person(registry, tmp_path)
    html = tmp_path / "report.html"
    assert registry.cli("report", "transparency", "-o", str(html), *PERIOD).exit_code == 0
    page = html.read_text("utf-8")
    assert "Transparency report" in page and "<svg" in page
    assert "Khalid Maqbool Siddiqui" in page  # a public figure is named
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
    ):
        assert heading in text
    assert PRIVATE not in text
    bad = registry.cli("report", "transparency", "--format", "docx", "-o", str(pdf))
    assert bad.exit_code == 2


def test_the_public_reads_it_without_signing_in(api: Api) -> None:
    data = api.client.get("/api/v1/reports/transparency?from=2024-01-01T00:00:00%2B05:00")
    assert data.status_code == 200
    page = api.client.get("/public/transparency")
    assert page.status_code == 200 and "Transparency report" in page.text
    pdf = api.client.get("/public/transparency.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
