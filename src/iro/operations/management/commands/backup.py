"""``iro backup FILE``: a complete, checked copy of the whole database, or nothing."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from iro.operations.backups import BackupError, Database, backup, data_summary, row_counts


class Command(BaseCommand):
    help = (
        "Back up the database to FILE: SQLite through the online backup API, PostgreSQL "
        "with pg_dump --format=custom. Safe while the service runs. The file appears only "
        "once complete and checked; an existing FILE is kept unless --force."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="where to write the backup")
        parser.add_argument("--force", action="store_true", help="replace FILE if it exists")

    def handle(self, *args, file: str, force: bool, **options) -> None:
        try:
            db = Database.from_settings(connections[DEFAULT_DB_ALIAS].settings_dict)
            written = backup(db, Path(file), force=force)
            summary = data_summary(row_counts(db))
        except BackupError as exc:
            raise CommandError(str(exc), returncode=2) from None
        size = written.stat().st_size
        self.stdout.write(
            f"Backed up the {db.label} database to {written} ({size:,} bytes; {summary})."
        )
