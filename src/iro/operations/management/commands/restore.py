"""``iro restore FILE``: replace the database with a backup made by ``iro backup``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from iro.operations.backups import BackupError, Database, restore

RESTORED = "Restored {file} into the {kind} database, replacing {replaced}; it now holds {now}."
MIGRATE_NOW = (
    "The backup is from an earlier version: {count} migrations are not applied. "
    "Run `iro migrate` before starting the service."
)


class Command(BaseCommand):
    help = (
        "Restore a backup made by `iro backup` into the database, replacing everything in "
        "it (all or nothing). A database that holds data is only replaced with --force."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the backup to restore")
        parser.add_argument(
            "--force", action="store_true", help="replace a database that holds data"
        )

    def handle(self, *args, file: str, force: bool, **options) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        try:
            db = Database.from_settings(connection.settings_dict)
            connections.close_all()  # nothing of ours holds the database open
            result = restore(db, Path(file), force=force)
        except BackupError as exc:
            raise CommandError(str(exc), returncode=2) from None
        self.stdout.write(
            RESTORED.format(file=file, kind=db.label, replaced=result.replaced, now=result.restored)
        )
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            self.stdout.write(MIGRATE_NOW.format(count=len(plan)))
