"""The database's backups, for the command line (`hifazat db backup` / `db restore`), which
reaches the store only through the composition root. See docs/backup.md."""

from __future__ import annotations

from hifazat.store.backup import KEPT_HERE, KEPT_THEN, BackupError, Restored, backup, restore
from hifazat.store.backup_manifest import Manifest

__all__ = ["KEPT_HERE", "KEPT_THEN", "BackupError", "Manifest", "Restored", "backup", "restore"]
