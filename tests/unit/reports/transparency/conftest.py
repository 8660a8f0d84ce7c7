"""`pdf_text`: a PDF's text by pdftotext. Without it the PDF tests skip, saying why — unless
HIFAZAT_REQUIRE_ALL=1 (CI), where a missing tool fails the run instead."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable

import pytest

PDFTOTEXT = "/usr/bin/pdftotext"


@pytest.fixture(scope="session")
def pdf_text() -> Callable[[bytes], str]:
    if shutil.which(PDFTOTEXT) is None:
        reason = f"{PDFTOTEXT} is not installed (poppler-utils): cannot read the PDF's text"
        if os.environ.get("HIFAZAT_REQUIRE_ALL") == "1":
            pytest.fail(f"{reason} (HIFAZAT_REQUIRE_ALL=1: CI must provide it)")
        pytest.skip(reason)

    def read(pdf: bytes) -> str:
        done = subprocess.run(
            [PDFTOTEXT, "-layout", "-", "-"], input=pdf, capture_output=True, check=True
        )
        return done.stdout.decode()

    return read
