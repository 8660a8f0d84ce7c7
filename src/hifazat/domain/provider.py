"""Authorities that protect people, and the tiers of cover they offer."""

from __future__ import annotations

from dataclasses import dataclass

from hifazat.domain.errors import NotFound


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    rank: int
    personnel: int
    vehicles: int


@dataclass(frozen=True)
class Provider:
    id: str
    name: str
    level: str
    jurisdiction: str
    pool_personnel: int
    pool_vehicles: int
    categories: tuple[Category, ...]

    def category(self, category_id: str) -> Category:
        for category in self.categories:
            if category.id == category_id:
                return category
        raise NotFound(f"category of {self.id}", category_id)
