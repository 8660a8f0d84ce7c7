"""Errors the domain raises; interfaces translate them into exit codes and HTTP statuses."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:  # said.py reads times.py, which raises these errors
    from hifazat.domain.said import Said


class Outcome(StrEnum):
    """What an error means to whoever asked, in one place: each entry point maps these kinds,
    not the error classes, to its own form (an HTTP status and code, an exit code, a page)."""

    REFUSED = "refused"  # a rule said no
    INVALID = "invalid"  # the input cannot be understood
    NOT_FOUND = "not-found"
    CONFLICT = "conflict"  # it collides with a change made meanwhile
    FORBIDDEN = "forbidden"  # the caller may not do this
    UNAUTHENTICATED = "unauthenticated"  # the caller is not known


class DomainError(Exception):
    """Base of every error a caller is expected to show to a person. Each subclass names its
    `outcome`; the base names none, so a new error cannot be left unclassified
    (tests/unit/test_outcomes.py)."""

    outcome: ClassVar[Outcome]


@dataclass(frozen=True)
class Restricted:
    """A rule's message that tells of a threat assessment, as readers without the need to know
    it may see it: who may read what is access's call, not the rule's."""

    protectee: str
    #: for those who may see an assessment's level but not the assessment (its id)
    level_only: str | Said
    #: for those who may not learn that an assessment exists
    nothing: str | Said


@dataclass(frozen=True)
class Violation:
    """One rule that refused a change (or calls for the committee); a refusal may carry
    several. `message` is the whole of it, in English; `said`, the same kept as words, for a
    reader of another language; `restricted`, what others may see instead."""

    rule: str
    message: str
    restricted: Restricted | None = None
    said: Said | None = field(default=None, compare=False)

    @classmethod
    def of(
        cls, rule: str, msgid: str, restricted: Restricted | None = None, **values: Any
    ) -> Violation:
        """The rule's message kept as words (domain.said): English where it always was,
        translated where a page shows it."""
        from hifazat.domain.said import Said

        said = Said(msgid, **values)
        return cls(rule, said.text(), restricted, said)


class Refusal(DomainError):
    """A policy rule stopped the change: nothing was written but the attempt."""

    outcome = Outcome.REFUSED

    def __init__(self, violations: list[Violation] | Violation) -> None:
        self.violations = violations if isinstance(violations, list) else [violations]
        if not self.violations:
            raise ValueError("a refusal needs at least one violation")
        super().__init__(f"{self.rule}: {self.message}")

    @property
    def rule(self) -> str:
        return self.violations[0].rule

    def located(self, where: str) -> Refusal:
        """The same refusal, each message prefixed with where it arose (a file's line)."""
        return Refusal([Violation(v.rule, f"{where}: {v.message}") for v in self.violations])

    @classmethod
    def as_read(cls, shown: list[dict[str, str]]) -> Refusal:
        """A refusal rebuilt from its rules as one reader may read them (access.redaction)."""
        return cls([Violation(v["rule"], v["message"]) for v in shown])

    @property
    def message(self) -> str:
        return self.violations[0].message


class InvalidInput(DomainError):
    """Input that cannot be understood; `field` names the key, option or line at fault. The
    message may be kept as words (domain.said), for a page to say in its reader's language."""

    outcome = Outcome.INVALID

    def __init__(self, field: str, message: str | Said) -> None:
        self.field = field
        self.said = None if isinstance(message, str) else message
        self.message = message if isinstance(message, str) else message.text()
        super().__init__(f"{field}: {self.message}")


class NotFound(DomainError):
    outcome = Outcome.NOT_FOUND

    def __init__(self, kind: str, ident: str) -> None:
        self.kind = kind
        self.ident = ident
        super().__init__(f"unknown {kind} {ident!r}")


class Conflict(DomainError):
    """The change collides with one made meanwhile (a duplicate id, a double approval), or with
    the state the record is in; the message may be kept as words, as InvalidInput's."""

    outcome = Outcome.CONFLICT

    def __init__(self, message: str | Said) -> None:
        self.said = None if isinstance(message, str) else message
        super().__init__(message if isinstance(message, str) else message.text())
