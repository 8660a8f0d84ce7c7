"""Canonical entry encoding: one byte string per fact, reproducible by anyone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from hifazat.ledger.canonical import (
    canonical_json,
    decode_entry,
    encode_entry,
    format_time,
    parse_time,
)

PKT = timezone(timedelta(hours=5))


def test_entry_is_rfc8785() -> None:
    at = datetime(2025, 3, 1, 14, 30, tzinfo=PKT)
    payload = {"z": [3, 1.5, None, True], "a": "شاہد — ok", "m": {"y": 1, "b": "\u2028"}}
    got = encode_entry(7, "decision.approved", at, "u:42", payload)
    want = (
        '{"actor":"u:42","at":"2025-03-01T09:30:00Z","kind":"decision.approved",'
        '"payload":{"a":"شاہد — ok","m":{"b":"\u2028","y":1},"z":[3,1.5,null,true]},"seq":7}'
    ).encode()
    assert got == want


def test_time_rendering() -> None:
    assert format_time(datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)) == "2025-01-02T03:04:05Z"
    assert format_time(datetime(2025, 1, 2, 3, 4, 5, 120, tzinfo=UTC)) == (
        "2025-01-02T03:04:05.000120Z"
    )
    assert format_time(datetime(2025, 1, 1, 2, 0, tzinfo=PKT)) == "2024-12-31T21:00:00Z"
    with pytest.raises(ValueError, match="naive"):
        format_time(datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="naive"):
        encode_entry(1, "k", datetime(2025, 1, 1), "a", {})


@pytest.mark.parametrize(
    "text",
    [
        "2025-01-02T03:04:05",
        "2025-01-02T03:04:05+00:00",
        "2025-01-02 03:04:05Z",
        "2025-01-02T03:04:05.000000Z",
        "2025-01-02T03:04:05.12Z",
        "2025-02-30T03:04:05Z",
        "2025-01-02T03:04:05z",
    ],
)
def test_parse_time_refuses_other_spellings(text: str) -> None:
    with pytest.raises(ValueError):
        parse_time(text)


@settings(max_examples=50, deadline=None, derandomize=True)
@given(st.datetimes(timezones=st.just(UTC)))
def test_time_round_trip(at: datetime) -> None:
    assert parse_time(format_time(at)) == at


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    seq=st.integers(0, 2**53 - 1),
    kind=st.text(min_size=1, max_size=20),
    actor=st.text(max_size=20),
    payload=st.dictionaries(
        st.text(max_size=8),
        st.recursive(
            st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(),
            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner),
            max_leaves=8,
        ),
        max_size=5,
    ),
    at=st.datetimes(timezones=st.just(UTC)),
)
def test_decode_round_trip(
    seq: int, kind: str, actor: str, payload: dict[str, object], at: datetime
) -> None:
    data = encode_entry(seq, kind, at, actor, payload)
    entry = decode_entry(data)
    assert (entry.seq, entry.kind, entry.at, entry.actor, entry.payload) == (
        seq,
        kind,
        at,
        actor,
        payload,
    )


@pytest.mark.parametrize(
    "data",
    [
        b'{"actor":"a","at":"2025-01-02T03:04:05Z","kind":"k","payload":{},"seq":1} ',
        b'{"at":"2025-01-02T03:04:05Z","actor":"a","kind":"k","payload":{},"seq":1}',
        b'{"actor":"a","at":"2025-01-02T03:04:05Z","kind":"k","payload":{},"seq":1,"x":0}',
        b'{"actor":"a","at":"2025-01-02T03:04:05+00:00","kind":"k","payload":{},"seq":1}',
        b'{"actor":"a","at":"2025-01-02T03:04:05Z","kind":"k","payload":[],"seq":1}',
        b'{"actor":"a","at":"2025-01-02T03:04:05Z","kind":"k","payload":{},"seq":"1"}',
        b"\xff",
    ],
)
def test_decode_refuses_non_canonical(data: bytes) -> None:
    with pytest.raises(ValueError):
        decode_entry(data)


def test_encode_refuses_bad_arguments() -> None:
    at = datetime(2025, 1, 1, tzinfo=UTC)
    with pytest.raises(ValueError):
        encode_entry(-1, "k", at, "a", {})
    with pytest.raises(ValueError):
        encode_entry(True, "k", at, "a", {})
    with pytest.raises(ValueError):
        encode_entry(1, "", at, "a", {})
    with pytest.raises(ValueError):
        encode_entry(1, "k", at, "a", {"x": float("nan")})
    with pytest.raises(ValueError):
        encode_entry(1, "k", at, "a", {"x": 2**60})


_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=400, derandomize=True)
@given(st.dictionaries(st.text(), _json, max_size=5))
def test_the_fast_encoder_writes_exactly_what_rfc8785_writes(document: dict[str, Any]) -> None:
    try:
        expected = bytes(rfc8785.dumps(document))
    except rfc8785.CanonicalizationError:
        with pytest.raises(ValueError):
            canonical_json(document)
        return
    assert canonical_json(document) == expected


@pytest.mark.parametrize(
    "document",
    [
        {"\U0001f600": 1, "\ue000": 2},  # sorted by UTF-16 units, not code points
        {"a": '\x00\x1f\x7f\u2028 "quote" back\\slash'},
        {"n": 2**53 - 1, "f": 1e21, "g": 1e-7, "h": -0.0},
    ],
)
def test_the_fast_encoder_agrees_where_plain_json_would_not(document: dict[str, Any]) -> None:
    assert canonical_json(document) == bytes(rfc8785.dumps(document))
