"""People and forces by name on every page, never by slug or login: each name is looked up
once a page, on first use, from the same registry the page reads."""

from __future__ import annotations

from typing import Any

from hifazat.domain.errors import DomainError


class Names:
    """A page's names: protectees, providers and users, by their ids. An id that names nobody
    (a user since removed, say) reads as itself rather than failing the page."""

    def __init__(self, registry: Any) -> None:
        self._registry = registry
        self._people: dict[str, str] = {}
        self._providers: dict[str, str] | None = None
        self._users: dict[str, str] = {}

    def person(self, protectee_id: str | None) -> str:
        if not protectee_id:
            return "—"
        if protectee_id not in self._people:
            with self._registry.uow().reading() as uow:
                found = uow.repo.protectees([protectee_id])
            got = found.get(protectee_id)
            self._people[protectee_id] = got.name if got else protectee_id
        return self._people[protectee_id]

    def provider(self, provider_id: str | None) -> str:
        if not provider_id:
            return "—"
        if self._providers is None:
            with self._registry.uow().reading() as uow:
                self._providers = {p.id: p.name for p in uow.repo.providers().values()}
        return self._providers.get(provider_id, provider_id)

    def category(self, provider_id: str | None, category_id: str | None) -> str:
        """A category's name within its provider (ids are only unique there)."""
        if not category_id:
            return "—"
        with self._registry.uow().reading() as uow:
            try:
                provider = uow.repo.provider(provider_id) if provider_id else None
            except DomainError:
                provider = None
        if provider is None:
            return category_id
        return next((c.name for c in provider.categories if c.id == category_id), category_id)

    def user(self, user_id: str | None) -> str:
        if not user_id:
            return "—"
        if user_id not in self._users:
            with self._registry.uow().reading() as uow:
                found = uow.repo.users([user_id])
            got = found.get(user_id)
            self._users[user_id] = got.name if got else user_id
        return self._users[user_id]
