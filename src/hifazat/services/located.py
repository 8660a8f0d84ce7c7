"""Errors of one row of a file, located: the file, the line and what the row was."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from hifazat.domain.errors import DomainError, InvalidInput, Refusal


@contextmanager
def row(source: str, line: int, label: str) -> Iterator[None]:
    """Re-raises any error of one row with the file and line it came from."""
    where = f"{source}:{line}: {label}"
    try:
        yield
    except Refusal as refusal:
        raise refusal.located(where) from None
    except InvalidInput as error:
        raise InvalidInput(where, f"{error.field}: {error.message}") from None
    except DomainError as error:
        raise InvalidInput(where, str(error)) from None
