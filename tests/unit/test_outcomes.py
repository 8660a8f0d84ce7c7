"""Every error the registry shows a person has one kind (domain.errors.Outcome), and every entry
point says each kind in its own form: a new error cannot be forgotten by one of them (issue 14)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import hifazat
from hifazat.api.errors import ANSWERS
from hifazat.cli.core import EXIT_CODES
from hifazat.domain.errors import DomainError, Outcome
from hifazat.web.errors import STATUSES


def _subclasses(cls: type[DomainError]) -> set[type[DomainError]]:
    found = set(cls.__subclasses__())
    return found.union(*(_subclasses(sub) for sub in found))


def _every_error() -> list[type[DomainError]]:
    """Every subclass of DomainError that any module of the package defines."""
    for module in pkgutil.walk_packages(hifazat.__path__, "hifazat."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    errors = {c for c in _subclasses(DomainError) if c.__module__.startswith("hifazat.")}
    return sorted(errors, key=lambda c: f"{c.__module__}.{c.__qualname__}")


ERRORS = _every_error()


def test_the_errors_are_found_wherever_they_are_defined() -> None:
    names = {c.__name__ for c in ERRORS}
    assert {"Refusal", "InvalidInput", "NotFound", "Conflict", "Forbidden", "AuthFailed"} <= names


@pytest.mark.parametrize("error", ERRORS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_error_has_a_kind(error: type[DomainError]) -> None:
    assert isinstance(getattr(error, "outcome", None), Outcome)


def test_the_base_has_no_kind_to_inherit() -> None:
    # else an error defined without one would silently take the base's
    assert "outcome" not in vars(DomainError)


@pytest.mark.parametrize(
    "table",
    [ANSWERS, EXIT_CODES, STATUSES],
    ids=["api status and code", "cli exit code", "web page status"],
)
def test_every_entry_point_says_every_kind(table: dict[Outcome, object]) -> None:
    assert set(table) == set(Outcome)
