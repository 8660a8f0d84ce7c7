"""Gathering witnesses' cosignatures on the latest checkpoint (C2SP tlog-witness, as the client).

Each witness is asked to cosign the latest checkpoint, from the size it last cosigned for this
registry, with a consistency proof; a 409 tells the size it holds, and one retry from there
follows. A cosignature is kept only once it verifies with the witness's key from the policy.
Nothing here runs inside a decision's transaction: a witness that is down, slow or refusing
delays only its own cosignature, never a decision (the server asks after each checkpoint, with
back-off per witness: `serving.witnessing`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from hifazat.domain.errors import InvalidInput
from hifazat.ledger.cosignature import (
    AddCheckpoint,
    CosignerKey,
    add_signature_lines,
    cosignature_lines,
    format_add_checkpoint,
)
from hifazat.ledger.merkle import consistency_proof
from hifazat.ledger.note import NoteError
from hifazat.services.ledger import cosigned_note
from hifazat.services.unit_of_work import UnitOfWork

log = logging.getLogger("hifazat.witnessing")

#: POST a body to a URL: (status, content type, text), or raise OSError when unreachable
Post = Callable[[str, str], tuple[int, str, str]]


@dataclass(frozen=True)
class Witness:
    """A witness as the policy names its key and the deployment its address."""

    key: CosignerKey
    url: str

    @property
    def name(self) -> str:
        return self.key.name


@dataclass(frozen=True)
class Asked:
    witness: str
    tree_size: int
    #: cosigned, already (held from before), refused, unreachable or behind
    outcome: str
    detail: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "witness": self.witness,
            "tree_size": self.tree_size,
            "outcome": self.outcome,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Standing:
    """The latest checkpoint with the cosignatures it gathered, and whether they make quorum."""

    tree_size: int
    note: str
    witnesses: tuple[str, ...]
    quorum: int

    @property
    def witnessed(self) -> bool:
        return self.quorum > 0 and len(self.witnesses) >= self.quorum


@dataclass(frozen=True)
class Witnesses:
    """The policy's witnesses, those the deployment can reach, and the quorum."""

    keys: tuple[CosignerKey, ...]
    quorum: int
    reachable: tuple[Witness, ...]
    #: named by the policy, with no address in the deployment's settings
    unaddressed: tuple[str, ...]


@dataclass
class Backoff:
    """When to ask each witness next: at once while it answers, and after a failure after
    twice the last wait (from `base` seconds up to `cap`), so a witness that is down is not
    hammered and one that recovers is soon asked again."""

    base: float
    cap: float = 3600.0
    _next: dict[str, float] = field(default_factory=dict)
    _wait: dict[str, float] = field(default_factory=dict)

    def due(self, witnesses: Sequence[Witness], now: float) -> list[Witness]:
        return [w for w in witnesses if self._next.get(w.name, 0.0) <= now]

    def record(self, asked: Sequence[Asked], now: float) -> None:
        for a in asked:
            if a.outcome in ("cosigned", "already"):
                self._next.pop(a.witness, None)
                self._wait.pop(a.witness, None)
            else:
                wait = min(self.cap, max(self.base, 2 * self._wait.get(a.witness, 0.0)))
                self._wait[a.witness] = wait
                self._next[a.witness] = now + wait
                log.warning("witness %s: %s %s; next try in %.0f s", a.witness, a.outcome,
                            a.detail, wait)  # fmt: skip


def parse_urls(text: str) -> dict[str, str]:
    """HIFAZAT_WITNESS_URLS: `NAME=URL` pairs separated by spaces or commas."""
    urls = {}
    for item in text.replace(",", " ").split():
        name, eq, url = item.partition("=")
        if not eq or not name or not url.startswith(("http://", "https://")):
            raise InvalidInput("HIFAZAT_WITNESS_URLS", f"{item!r} is not NAME=http(s)://…")
        urls[name] = url
    return urls


def witnesses(uow: UnitOfWork, urls: Mapping[str, str]) -> Witnesses:
    with uow.reading():
        try:
            policy = uow.repo.policy()
        except InvalidInput:  # no policy loaded yet: no witnesses either
            return Witnesses((), 0, (), ())
    keys = tuple(CosignerKey.parse(k) for k in policy.witness_keys)
    return Witnesses(
        keys,
        policy.witness_quorum,
        tuple(Witness(k, urls[k.name]) for k in keys if k.name in urls),
        tuple(k.name for k in keys if k.name not in urls),
    )


def standing(uow: UnitOfWork, keys: Sequence[CosignerKey], quorum: int) -> Standing | None:
    """The latest checkpoint, its note carrying every cosignature held (valid ones only)."""
    with uow.reading():
        latest = uow.ledger.latest_checkpoint()
        if latest is None:
            return None
        note = cosigned_note(uow, latest.tree_size, latest.note)
    named = []
    for key in keys:
        try:
            if key.timestamp(note) is not None:
                named.append(key.name)
        except NoteError:
            log.error("a kept cosignature by %s does not verify", key.name)
    return Standing(latest.tree_size, note, tuple(named), quorum)


def gather(uow: UnitOfWork, witnesses: Sequence[Witness], post: Post, now: datetime) -> list[Asked]:
    """Asks each witness that has not yet cosigned the latest checkpoint to cosign it."""
    with uow.reading():
        latest = uow.ledger.latest_checkpoint()
        if latest is None:
            return []
        note = cosigned_note(uow, latest.tree_size, latest.note)
        last = uow.ledger.cosigned_sizes()
    out = []
    for witness in witnesses:
        if witness.key.timestamp(note) is not None:
            out.append(Asked(witness.name, latest.tree_size, "already"))
            continue
        out.append(_ask(uow, witness, latest.tree_size, latest.note, last.get(witness.name, 0),
                        post, now))  # fmt: skip
    return out


def _request(uow: UnitOfWork, old: int, size: int, note: str) -> str:
    with uow.reading():
        proof = consistency_proof(old, size, uow.ledger.nodes()) if 0 < old < size else []
    return format_add_checkpoint(AddCheckpoint(old, tuple(proof), note))


def _ask(
    uow: UnitOfWork, witness: Witness, size: int, note: str, old: int, post: Post, now: datetime
) -> Asked:
    url = witness.url.rstrip("/") + "/add-checkpoint"
    tried = set()
    while True:
        tried.add(old)
        try:
            status, kind, text = post(url, _request(uow, old, size, note))
        except OSError as error:
            return Asked(witness.name, size, "unreachable", str(error))
        if status == 409 and kind.startswith("text/x.tlog.size"):
            held = text.strip()
            if not held.isdigit():
                return Asked(witness.name, size, "refused", f"409 with a size of {held!r}")
            if int(held) > size:
                log.error(
                    "witness %s holds size %s of this log, beyond its latest checkpoint %s: "
                    "the log was rolled back, or another copy of it ran on",
                    witness.name, held, size,
                )  # fmt: skip
                return Asked(witness.name, size, "behind", f"the witness holds size {held}")
            if int(held) in tried:
                return Asked(witness.name, size, "refused", f"409 again at size {held}")
            old = int(held)
            continue
        if status != 200:
            return Asked(witness.name, size, "refused", f"{status}: {text.strip()[:200]}")
        return _keep(uow, witness, size, note, text, now)


def _keep(
    uow: UnitOfWork, witness: Witness, size: int, note: str, text: str, now: datetime
) -> Asked:
    try:
        lines = [line for line in cosignature_lines(text) if line.startswith(f"— {witness.name} ")]
        mine = [
            line
            for line in lines
            if witness.key.timestamp(add_signature_lines(note, f"{line}\n")) is not None
        ]
    except NoteError as error:
        return Asked(witness.name, size, "refused", f"a cosignature that fails: {error}")
    if not mine:
        return Asked(witness.name, size, "refused", "no cosignature by its key in the answer")
    stamp = witness.key.timestamp(add_signature_lines(note, f"{mine[0]}\n"))
    assert stamp is not None
    with uow.another() as writing:  # `uow` was marked as a read above
        writing.ledger.add_cosignature(size, witness.name, mine[0], stamp, now)
        writing.commit()
    return Asked(witness.name, size, "cosigned")
