"""The transparency-dev/merkle proof vectors: the verifiers accept exactly the good cases."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import pytest

from hifazat.ledger.merkle import ProofError, verify_consistency, verify_inclusion


def _vectors_dir() -> Path:
    shared = os.environ.get("HIFAZAT_SHARED_DIR")
    base = Path(shared) if shared else Path(__file__).resolve().parents[3].parent / "shared"
    return base / "testvectors" / "merkle"


VECTORS = _vectors_dir()


def _cases(kind: str) -> list[Any]:
    folder = VECTORS / kind
    if not folder.is_dir():
        reason = f"Merkle test vectors not found at {folder} (set HIFAZAT_SHARED_DIR)"
        return [pytest.param(None, id=f"{kind}-absent", marks=pytest.mark.skip(reason=reason))]
    return [
        pytest.param(path, id=str(path.relative_to(folder)))
        for path in sorted(folder.rglob("*.json"))
    ]


def _b64(value: str) -> bytes:
    return base64.b64decode(value)


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


@pytest.mark.parametrize("path", _cases("inclusion"))
def test_inclusion_vector(path: Path) -> None:
    case = _load(path)
    proof = [_b64(p) for p in case["proof"] or []]
    args = (_b64(case["leafHash"]), case["leafIdx"], case["treeSize"], proof, _b64(case["root"]))
    if case["wantErr"]:
        with pytest.raises(ProofError):
            verify_inclusion(*args)
    else:
        verify_inclusion(*args)


@pytest.mark.parametrize("path", _cases("consistency"))
def test_consistency_vector(path: Path) -> None:
    case = _load(path)
    proof = [_b64(p) for p in case["proof"] or []]
    args = (case["size1"], case["size2"], proof, _b64(case["root1"]), _b64(case["root2"]))
    if case["wantErr"]:
        with pytest.raises(ProofError):
            verify_consistency(*args)
    else:
        verify_consistency(*args)


def test_vector_set_is_complete() -> None:
    if not VECTORS.is_dir():
        pytest.skip(f"Merkle test vectors not found at {VECTORS} (set HIFAZAT_SHARED_DIR)")
    assert len(list((VECTORS / "inclusion").rglob("*.json"))) == 98
    assert len(list((VECTORS / "consistency").rglob("*.json"))) == 98
