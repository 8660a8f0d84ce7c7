"""`ledger check-receipt` on files that are not receipts: one line on stderr, never a traceback;
a file it cannot read as text is bad input (exit 2, naming the file), a file that is text but no
receipt fails the check (exit 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Registry

UNREADABLE = {
    "random bytes": bytes(range(256)) * 4,
    "latin-1": "Sindh Police, Gar\xe7on".encode("latin-1"),
    "utf-16": "{}".encode("utf-16"),
    "too large": b" " * ((1 << 20) + 1),
}
NOT_RECEIPTS = {
    "deep": ("[" * 100_000 + "]" * 100_000).encode(),
    "not json": b"receipt: yes\n",
    "empty object": b"{}",
    "nul": b'{"entry": "\x00"}',
}


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_an_unreadable_file_is_bad_input(demo: Registry, tmp_path: Path, name: str) -> None:
    path = tmp_path / "receipt.json"
    path.write_bytes(UNREADABLE[name])
    key = demo.cli("ledger", "public-key").stdout.strip()
    result = demo.cli("ledger", "check-receipt", str(path), "--key", key)
    assert result.exit_code == 2, (name, result.output)
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"error: {path}")
    assert "Traceback" not in result.output


@pytest.mark.parametrize("name", sorted(NOT_RECEIPTS))
def test_text_that_is_no_receipt_fails_the_check(demo: Registry, tmp_path: Path, name: str) -> None:
    path = tmp_path / "receipt.json"
    path.write_bytes(NOT_RECEIPTS[name])
    key = demo.cli("ledger", "public-key").stdout.strip()
    result = demo.cli("ledger", "check-receipt", str(path), "--key", key)
    assert result.exit_code in (1, 2), (name, result.output)
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert "Traceback" not in result.output
