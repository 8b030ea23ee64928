"""Backups of the whole database, and restoring one: ``iro backup`` and ``iro restore``.

SQLite: Python's online backup API (``sqlite3.Connection.backup``) copies the database
in one step, inside one read transaction, so the copy is a consistent snapshot while the
service keeps writing (in WAL mode writers are not held up). A step that finds the
database busy or locked is retried after a pause, a bounded number of times. The copy is
written to a temporary file beside the target, checked (``PRAGMA integrity_check`` and
the migrations table), made self-contained (rollback journal, not WAL) and only then
renamed into place: a failed backup leaves no file, never an empty or partial one.

PostgreSQL: ``pg_dump --format=custom`` (a consistent snapshot too) into a temporary
file, checked with ``pg_restore --list``, then renamed into place; restoring is
``pg_restore --clean --if-exists --single-transaction``, so a failed restore changes
nothing. Both need the PostgreSQL client programs (Debian: postgresql-client).

A restore refuses to replace a database that holds data unless forced, and says what it
would replace. Every refusal is a ``BackupError`` with a one-line message.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"

# Tables `migrate` fills by itself: rows there are not data a restore would lose.
BOOKKEEPING_TABLES = frozenset(
    {"django_migrations", "django_content_type", "auth_permission", "sqlite_sequence"}
)

# A busy or locked database: SQLite waits up to BUSY_TIMEOUT_SECONDS for a lock; the copy
# is then tried again, BUSY_RETRIES times at most, BUSY_PAUSE_SECONDS apart, and given up.
BUSY_TIMEOUT_SECONDS = 5.0
BUSY_RETRIES = 10
BUSY_PAUSE_SECONDS = 0.5

UNSUPPORTED_ENGINE = "backups work on SQLite and PostgreSQL databases, not {engine}"
IN_MEMORY = "the database is in memory: there is no file to back up or restore"
TARGET_EXISTS = "{path} already exists: choose another name, or add --force to replace it"
NO_FOLDER = "the folder {folder} does not exist"
A_FOLDER = "{path} is a folder: give a file name"
SAME_FILE = "{path} is the live database itself: give another file"
NOT_FOUND = "{path} does not exist"
NOT_A_BACKUP = "{path} is not an iro backup ({why})"
WRONG_KIND = (
    "{path} is a {found} backup, but this database is {expected}: it cannot be restored here"
)
STILL_BUSY = (
    "the database stayed busy or locked for {seconds:.0f} seconds: nothing was written; try again"
)
CHECK_FAILED = "the copy failed its integrity check ({detail}): nothing was written"
HOLDS_DATA = (
    "the database holds data ({summary}): restoring would replace all of it with the "
    "backup; add --force to do so"
)
MISSING_PROGRAM = (
    "{program} is not installed: PostgreSQL backups need the PostgreSQL client programs "
    "(Debian package postgresql-client)"
)
PROGRAM_FAILED = "{program} failed: {detail}"


class BackupError(Exception):
    """A backup or restore refused or failed; ``str()`` is one line for the operator."""


@dataclass(frozen=True)
class Database:
    """Where the database is, from a Django ``DATABASES`` entry."""

    kind: str
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    @classmethod
    def from_settings(cls, entry: Mapping) -> Database:
        engine = entry.get("ENGINE", "")
        if engine.endswith("sqlite3"):
            name = str(entry.get("NAME") or "")
            if not name or name == ":memory:" or "mode=memory" in name:
                raise BackupError(IN_MEMORY)
            return cls(SQLITE, name)
        if "postgresql" in engine:
            return cls(
                POSTGRESQL,
                str(entry.get("NAME") or ""),
                str(entry.get("USER") or ""),
                str(entry.get("PASSWORD") or ""),
                str(entry.get("HOST") or ""),
                str(entry.get("PORT") or ""),
            )
        raise BackupError(UNSUPPORTED_ENGINE.format(engine=engine or "(none)"))

    @property
    def label(self) -> str:
        return "SQLite" if self.kind == SQLITE else "PostgreSQL"


# --- What a database holds -----------------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    return [r[0] for r in rows]


def _pg_connect(db: Database, name: str | None = None):
    import psycopg

    return psycopg.connect(
        dbname=name or db.name,
        user=db.user or None,
        password=db.password or None,
        host=db.host or None,
        port=db.port or None,
        autocommit=True,
    )


def _pg_tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
    )
    return [r[0] for r in cursor.fetchall()]


def row_counts(db: Database) -> dict[str, int]:
    """Rows in each table of the database (empty when it does not exist yet)."""
    if db.kind == SQLITE:
        if not Path(db.name).exists() or Path(db.name).stat().st_size == 0:
            return {}
        conn = sqlite3.connect(f"file:{db.name}?mode=ro", uri=True, timeout=20)
        try:
            return {
                t: conn.execute(f"SELECT count(*) FROM {_quote(t)}").fetchone()[0]  # noqa: S608
                for t in _sqlite_tables(conn)
            }
        finally:
            conn.close()
    with _pg_connect(db) as conn, conn.cursor() as cursor:
        counts = {}
        for t in _pg_tables(cursor):
            cursor.execute(f"SELECT count(*) FROM {_quote(t)}")  # noqa: S608
            counts[t] = cursor.fetchone()[0]
        return counts


def data_summary(counts: Mapping[str, int]) -> str:
    """What a restore would replace, in a few words: "12 children, 40 users, 5,310 rows"."""
    held = {t: n for t, n in counts.items() if t not in BOOKKEEPING_TABLES and n}
    parts = []
    for table, word in (("children_child", "children"), ("people_user", "users")):
        if held.get(table):
            parts.append(f"{held[table]:,} {word}")
    rows, tables = sum(held.values()), len(held)
    parts.append(
        f"{rows:,} row{'' if rows == 1 else 's'} in {tables} table{'' if tables == 1 else 's'}"
    )
    return ", ".join(parts)


def holds_data(counts: Mapping[str, int]) -> bool:
    return any(n for t, n in counts.items() if t not in BOOKKEEPING_TABLES)


# --- Backup ----------------------------------------------------------------------------------


def _same_file(db: Database, path: Path) -> bool:
    return db.kind == SQLITE and path.exists() and path.resolve() == Path(db.name).resolve()


def _check_target(db: Database, target: Path, *, force: bool) -> None:
    if not target.parent.is_dir():
        raise BackupError(NO_FOLDER.format(folder=target.parent))
    if target.is_dir():
        raise BackupError(A_FOLDER.format(path=target))
    if _same_file(db, target):
        raise BackupError(SAME_FILE.format(path=target))
    if target.exists() and not force:
        raise BackupError(TARGET_EXISTS.format(path=target))


def _partial(target: Path) -> Path:
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(handle)
    return Path(name)


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def backup(db: Database, target: Path, *, force: bool = False) -> Path:
    """Write a backup of ``db`` to ``target``, complete and checked, or nothing at all."""
    target = Path(target).absolute()
    _check_target(db, target, force=force)
    partial = _partial(target)
    try:
        if db.kind == SQLITE:
            _sqlite_backup(Path(db.name), partial)
        else:
            _pg_backup(db, partial)
        _fsync(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


class _TooBusy(Exception):
    pass


def _copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    """The whole database in one step (one read transaction: a consistent snapshot),
    retried while the source is busy or locked, at most ``BUSY_RETRIES`` times."""
    busy = 0

    def progress(status: int, remaining: int, total: int) -> None:
        nonlocal busy
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            busy += 1
            if busy > BUSY_RETRIES:
                raise _TooBusy

    source.backup(target, pages=-1, progress=progress, sleep=BUSY_PAUSE_SECONDS)


def _is_busy(exc: sqlite3.Error) -> bool:
    message = str(exc).lower()
    return "locked" in message or "busy" in message


def _retrying(action):
    """Run ``action`` again (a bounded number of times) while SQLite says the database is
    busy or locked; any other SQLite error is a one-line ``BackupError``."""
    started = time.monotonic()
    for attempt in range(BUSY_RETRIES + 1):
        try:
            return action()
        except (sqlite3.Error, _TooBusy) as exc:
            if isinstance(exc, sqlite3.Error) and not _is_busy(exc):
                raise BackupError(f"SQLite: {exc}") from None
            if isinstance(exc, _TooBusy) or attempt == BUSY_RETRIES:
                seconds = time.monotonic() - started
                raise BackupError(STILL_BUSY.format(seconds=seconds)) from None
            time.sleep(BUSY_PAUSE_SECONDS)
    raise AssertionError("unreachable")


def _sqlite_backup(source_path: Path, partial: Path) -> None:
    if not source_path.exists():
        raise BackupError(NOT_FOUND.format(path=source_path))

    def copy() -> None:
        source = sqlite3.connect(
            f"file:{source_path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_SECONDS
        )
        target = sqlite3.connect(partial)
        try:
            _copy(source, target)
            # One self-contained file: no -wal beside it to lose.
            target.execute("PRAGMA journal_mode=DELETE")
            _check_sqlite_copy(target)
        finally:
            target.close()
            source.close()

    _retrying(copy)


def _check_sqlite_copy(conn: sqlite3.Connection) -> None:
    (result,) = conn.execute("PRAGMA integrity_check").fetchone()
    if result != "ok":
        raise BackupError(CHECK_FAILED.format(detail=result))
    if "django_migrations" not in _sqlite_tables(conn):
        raise BackupError(CHECK_FAILED.format(detail="it has no migrations table"))


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(MISSING_PROGRAM.format(program=name))
    return found


def _pg_arguments(db: Database) -> tuple[list[str], dict[str, str]]:
    args = []
    if db.host:
        args += ["--host", db.host]
    if db.port:
        args += ["--port", db.port]
    if db.user:
        args += ["--username", db.user]
    env = {**os.environ}
    if db.password:
        env["PGPASSWORD"] = db.password
    return [*args, "--no-password"], env


def _run(program: str, args: list[str], env: Mapping[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(  # noqa: S603 - our arguments, no shell
        [_program(program), *args], capture_output=True, text=True, env=env, check=False
    )
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        detail = lines[0] if lines else f"exit status {done.returncode}"
        raise BackupError(PROGRAM_FAILED.format(program=program, detail=detail))
    return done


def _pg_backup(db: Database, partial: Path) -> None:
    args, env = _pg_arguments(db)
    _run("pg_dump", [*args, "--format=custom", f"--file={partial}", f"--dbname={db.name}"], env)
    _run("pg_restore", ["--list", str(partial)], env)


# --- Restore ---------------------------------------------------------------------------------


def kind_of_file(path: Path) -> str:
    """SQLITE or POSTGRESQL, from the file's first bytes; BackupError when neither."""
    if not path.exists():
        raise BackupError(NOT_FOUND.format(path=path))
    if not path.is_file():
        raise BackupError(NOT_A_BACKUP.format(path=path, why="it is not a file"))
    with open(path, "rb") as handle:
        start = handle.read(len(SQLITE_MAGIC))
    if start == SQLITE_MAGIC:
        return SQLITE
    if start.startswith(PG_DUMP_MAGIC):
        return POSTGRESQL
    why = "neither a SQLite database nor a pg_dump custom-format file"
    raise BackupError(NOT_A_BACKUP.format(path=path, why=why))


@dataclass(frozen=True)
class Restored:
    replaced: str  # what the database held before ("nothing" when empty)
    restored: str  # what it holds now


def check_restorable(db: Database, source: Path, *, force: bool) -> dict[str, int]:
    """Refuse a missing or foreign file, the wrong kind, or data without ``force``;
    return the database's row counts as they are."""
    source = Path(source)
    found = kind_of_file(source)
    if _same_file(db, source):
        raise BackupError(SAME_FILE.format(path=source))
    if found != db.kind:
        label = {SQLITE: "SQLite", POSTGRESQL: "PostgreSQL"}
        raise BackupError(WRONG_KIND.format(path=source, found=label[found], expected=db.label))
    if found == SQLITE:
        _check_sqlite_file(source)
    else:
        _args, env = _pg_arguments(db)
        _program("pg_restore")  # a missing program is not a bad file
        try:
            _run("pg_restore", ["--list", str(source)], env)
        except BackupError as exc:
            raise BackupError(NOT_A_BACKUP.format(path=source, why=str(exc))) from None
    counts = row_counts(db)
    if holds_data(counts) and not force:
        raise BackupError(HOLDS_DATA.format(summary=data_summary(counts)))
    return counts


def _check_sqlite_file(source: Path) -> None:
    try:
        conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            _check_sqlite_copy(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(NOT_A_BACKUP.format(path=source, why=str(exc))) from None
    except BackupError as exc:
        raise BackupError(NOT_A_BACKUP.format(path=source, why=str(exc))) from None


def restore(db: Database, source: Path, *, force: bool = False) -> Restored:
    """Replace the database's contents with the backup in ``source``, all or nothing."""
    source = Path(source).absolute()
    before = check_restorable(db, source, force=force)
    if db.kind == SQLITE:
        _sqlite_restore(source, Path(db.name))
    else:
        args, env = _pg_arguments(db)
        _run(
            "pg_restore",
            [*args, "--clean", "--if-exists", "--no-owner", "--no-privileges",
             "--single-transaction", "--exit-on-error", f"--dbname={db.name}", str(source)],
            env,
        )  # fmt: skip
    replaced = data_summary(before) if holds_data(before) else "nothing"
    return Restored(replaced=replaced, restored=data_summary(row_counts(db)))


def _sqlite_restore(source: Path, live: Path) -> None:
    """Copy the backup into the live database through the backup API: one write
    transaction on the live file, so other connections see all of it or none."""

    def copy() -> None:
        backup_file = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        target = sqlite3.connect(live, timeout=BUSY_TIMEOUT_SECONDS)
        try:
            _copy(backup_file, target)
            _check_sqlite_copy(target)
        finally:
            target.close()
            backup_file.close()

    _retrying(copy)
