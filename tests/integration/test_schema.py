"""The migrations build exactly the schema the code declares, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from hifazat.store.migrate import current_revision, head_revision, upgrade
from hifazat.store.tables import metadata
from tests.conftest import Registry


def test_migrations_match_the_declared_tables(registry: Registry) -> None:
    with registry.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), metadata)
    assert diff == []


def test_upgrade_is_idempotent(registry: Registry) -> None:
    assert current_revision(registry.engine) == head_revision()
    upgrade(registry.engine)
    assert current_revision(registry.engine) == head_revision()


def test_db_upgrade_command(registry: Registry) -> None:
    result = registry.cli("db", "upgrade")
    assert result.exit_code == 0 and "latest schema" in result.stdout
