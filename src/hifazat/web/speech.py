"""Refusals as a page's reader reads them: the rule's message in their language, times in the
deployment's zone, people and forces by name (domain.said keeps each message as words)."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from hifazat.access.redaction import Speak
from hifazat.domain.errors import InvalidInput
from hifazat.domain.said import Ref, Said, text_of
from hifazat.i18n import words
from hifazat.serving.requests import of_request
from hifazat.web.names import Names
from hifazat.web.pages import language_for


def speaker(request: Request, who: Any, zone: str) -> Speak:
    """How this page's messages read: its reader's language, with names looked up once."""
    said_in = words(language_for(request, who), zone)
    names = Names(of_request(request))
    lookup = {"person": names.person, "provider": names.provider, "user": names.user}

    def name(ref: Ref) -> str:
        found = lookup.get(ref.kind)
        return found(ref.id) if found else ref.id

    def speak(message: str | Said) -> str:
        return text_of(message, said_in, name)

    return speak


def spoken_error(request: Request, who: Any, reg: Any, error: InvalidInput) -> str:
    """A field's error as the page's reader reads it (English where not yet kept as words)."""
    with reg.uow() as uow:
        zone = uow.repo.policy().timezone
    return speaker(request, who, zone)(error.said or error.message)
