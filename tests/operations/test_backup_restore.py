"""`iro backup` and `iro restore` (review finding 17): a complete, checked copy or no file;
an exact round trip while the service writes; no overwriting of data without --force."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from iro.operations import backups
from iro.operations.backups import (
    HOLDS_DATA,
    MISSING_PROGRAM,
    NOT_A_BACKUP,
    NOT_FOUND,
    POSTGRESQL,
    SQLITE,
    STILL_BUSY,
    TARGET_EXISTS,
    WRONG_KIND,
    BackupError,
    Database,
    backup,
    restore,
)

SRC = str(Path(backups.__file__).parents[2])
SEEDED_AGENCIES = 20_000
MAX_WRITES = 5_000
MAX_WRITING_SECONDS = 20.0


def iro(*args: str, var: Path) -> subprocess.CompletedProcess:
    """The `iro` console command on a SQLite database in ``var``."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "IRO_ENV")}
    env |= {"IRO_VAR_DIR": str(var), "PYTHONPATH": SRC}
    return subprocess.run(
        [sys.executable, "-m", "iro.cli", *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=var,
    )


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """An empty SQLite database with every migration applied, made once per module."""
    var = tmp_path_factory.mktemp("migrated")
    done = iro("migrate", "--no-input", "-v", "0", var=var)
    assert done.returncode == 0, done.stderr
    return var / "iro.sqlite3"


@pytest.fixture
def live(migrated, tmp_path) -> Path:
    """A copy of the migrated database, in WAL mode as the service runs it, with data."""
    var = tmp_path / "var"
    var.mkdir()
    path = var / "iro.sqlite3"
    shutil.copy(migrated, path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    with conn:
        conn.executemany(
            "INSERT INTO people_agency (name, kind) VALUES (?, 'police')",
            ((f"Seeded agency {n:06d} " + "x" * 100,) for n in range(SEEDED_AGENCIES)),
        )
        conn.executemany(
            "INSERT INTO people_closureday (date, description) VALUES (?, ?)",
            ((f"2025-12-{day:02d}", "Council closure") for day in range(24, 32)),
        )
    conn.close()
    return path


def empty_copy(migrated: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "iro.sqlite3"
    shutil.copy(migrated, path)
    return path


# --- Comparing databases --------------------------------------------------------------------


def _tables(cursor, kind: str) -> list[str]:
    if kind == SQLITE:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    else:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
    return [r[0] for r in cursor.fetchall()]


def fingerprint(cursor, kind: str) -> dict[str, tuple[int, str]]:
    """Every table: its row count and a checksum of every row, in key order."""
    out = {}
    for table in _tables(cursor, kind):
        cursor.execute(f'SELECT * FROM "{table}" ORDER BY 1')  # noqa: S608
        rows = cursor.fetchall()
        digest = hashlib.sha256(repr(rows).encode()).hexdigest()
        out[table] = (len(rows), digest)
    return out


def agency_names(cursor) -> list[str]:
    cursor.execute("SELECT name FROM people_agency ORDER BY id")
    return [r[0] for r in cursor.fetchall()]


def sqlite_fingerprint(path: Path) -> dict[str, tuple[int, str]]:
    conn = sqlite3.connect(path)
    try:
        return fingerprint(conn.cursor(), SQLITE)
    finally:
        conn.close()


class Writer(threading.Thread):
    """Adds agencies named W000000, W000001... one a transaction, until stopped
    (bounded in count and time)."""

    def __init__(self, connect) -> None:
        super().__init__(daemon=True)
        self.connect = connect
        self.written = 0
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        conn = self.connect()
        started = time.monotonic()
        try:
            while (
                not self.stop.is_set()
                and self.written < MAX_WRITES
                and time.monotonic() - started < MAX_WRITING_SECONDS
            ):
                cursor = conn.cursor()
                cursor.execute(
                    "INSERT INTO people_agency (name, kind) VALUES (%s, 'health')"
                    if not isinstance(conn, sqlite3.Connection)
                    else "INSERT INTO people_agency (name, kind) VALUES (?, 'health')",
                    (f"W{self.written:06d}",),
                )
                conn.commit()
                self.written += 1
        except BaseException as exc:  # reported by the test through finish()
            self.error = exc
        finally:
            conn.close()

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + MAX_WRITING_SECONDS
        while self.written < count and self.is_alive() and time.monotonic() < deadline:
            time.sleep(0.005)

    def finish(self) -> None:
        self.stop.set()
        self.join(timeout=MAX_WRITING_SECONDS + 5)
        assert self.error is None, self.error


def assert_snapshot_of(restored: list[str], live: list[str]) -> int:
    """The restored agencies are the seeded ones and the writer's first k, for some k:
    a consistent snapshot, no gap, nothing torn. Returns k."""
    seeded = [n for n in live if not n.startswith("W")]
    written = [n for n in restored if n.startswith("W")]
    assert restored[: len(seeded)] == seeded
    assert written == [f"W{i:06d}" for i in range(len(written))]
    return len(written)


# --- SQLite ---------------------------------------------------------------------------------


def test_a_sqlite_backup_taken_while_rows_are_written_restores_exactly(live, migrated, tmp_path):
    db = Database(SQLITE, str(live))
    writer = Writer(lambda: sqlite3.connect(live, timeout=20))
    writer.start()
    writer.wait_for(20)
    target = backup(db, tmp_path / "during.sqlite3")
    at_backup = writer.written
    writer.wait_for(at_backup + 20)
    writer.finish()

    restored_path = empty_copy(migrated, tmp_path / "restored")
    restore(Database(SQLITE, str(restored_path)), target)
    restored, now = sqlite_fingerprint(restored_path), sqlite_fingerprint(live)
    assert restored.keys() == now.keys()
    for table in now:
        if table != "people_agency":
            assert restored[table] == now[table], table
    with sqlite3.connect(restored_path) as a, sqlite3.connect(live) as b:
        k = assert_snapshot_of(agency_names(a.cursor()), agency_names(b.cursor()))
    assert 20 <= k < writer.written  # taken while the writer was writing

    # Once writing has stopped, a second backup is the database exactly.
    again = backup(db, tmp_path / "after.sqlite3")
    second = empty_copy(migrated, tmp_path / "second")
    restore(Database(SQLITE, str(second)), again)
    assert sqlite_fingerprint(second) == sqlite_fingerprint(live)
    assert sqlite_fingerprint(second)["people_agency"][0] == SEEDED_AGENCIES + writer.written


def test_the_backup_waits_for_a_lock_to_be_released(live, tmp_path):
    conn = sqlite3.connect(live, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=DELETE")  # so a write lock keeps readers out
    conn.execute("BEGIN EXCLUSIVE")
    conn.execute("INSERT INTO people_agency (name, kind) VALUES ('Locked in', 'police')")
    release = threading.Timer(0.5, lambda: conn.execute("COMMIT"))
    release.start()
    target = backup(Database(SQLITE, str(live)), tmp_path / "backup.sqlite3")
    release.join()
    conn.close()
    assert sqlite_fingerprint(target)["people_agency"][0] == SEEDED_AGENCIES + 1


def test_a_backup_that_stays_locked_fails_and_leaves_no_file(live, tmp_path, monkeypatch):
    monkeypatch.setattr(backups, "BUSY_TIMEOUT_SECONDS", 0.05)
    monkeypatch.setattr(backups, "BUSY_RETRIES", 3)
    monkeypatch.setattr(backups, "BUSY_PAUSE_SECONDS", 0.01)
    conn = sqlite3.connect(live, isolation_level=None)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute("BEGIN EXCLUSIVE")
    conn.execute("INSERT INTO people_agency (name, kind) VALUES ('Locked in', 'police')")
    out = tmp_path / "backups"
    out.mkdir()
    try:
        with pytest.raises(BackupError) as failed:
            backup(Database(SQLITE, str(live)), out / "backup.sqlite3")
    finally:
        conn.execute("ROLLBACK")
        conn.close()
    assert str(failed.value).startswith(STILL_BUSY.split("{")[0])
    assert list(out.iterdir()) == []  # no empty, partial or temporary file


def test_a_backup_never_replaces_an_existing_file_without_force(live, tmp_path):
    db = Database(SQLITE, str(live))
    target = tmp_path / "backup.sqlite3"
    target.write_bytes(b"an older backup")
    with pytest.raises(BackupError) as refused:
        backup(db, target)
    assert str(refused.value) == TARGET_EXISTS.format(path=target)
    assert target.read_bytes() == b"an older backup"
    backup(db, target, force=True)
    assert sqlite_fingerprint(target) == sqlite_fingerprint(live)


def test_restore_refuses_to_replace_data_without_force_and_says_what_it_holds(
    live, migrated, tmp_path
):
    older = backup(Database(SQLITE, str(migrated)), tmp_path / "empty.sqlite3")
    before = sqlite_fingerprint(live)
    with pytest.raises(BackupError) as refused:
        restore(Database(SQLITE, str(live)), older)
    summary = f"{SEEDED_AGENCIES + 8:,} rows in 2 tables"
    assert str(refused.value) == HOLDS_DATA.format(summary=summary)
    assert sqlite_fingerprint(live) == before
    result = restore(Database(SQLITE, str(live)), older, force=True)
    assert result.replaced == summary
    assert sqlite_fingerprint(live) == sqlite_fingerprint(migrated)


def test_restore_refuses_what_is_not_a_backup_of_this_kind(live, tmp_path):
    db = Database(SQLITE, str(live))
    missing = tmp_path / "missing.sqlite3"
    junk = tmp_path / "notes.txt"
    junk.write_text("not a backup")
    foreign = tmp_path / "other.sqlite3"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.close()
    dump = tmp_path / "iro.dump"
    dump.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 100)
    with pytest.raises(BackupError) as raised:
        restore(db, missing)
    assert str(raised.value) == NOT_FOUND.format(path=missing)
    with pytest.raises(BackupError) as raised:
        restore(db, junk)
    assert str(raised.value).startswith(NOT_A_BACKUP.format(path=junk, why="")[:-1])
    with pytest.raises(BackupError) as raised:
        restore(db, foreign)
    assert "has no migrations table" in str(raised.value)
    with pytest.raises(BackupError) as raised:
        restore(db, dump)
    assert str(raised.value) == WRONG_KIND.format(path=dump, found="PostgreSQL", expected="SQLite")


def test_the_commands_round_trip_and_refuse_bad_input_with_one_line(live, tmp_path):
    var = live.parent
    made = iro("backup", str(tmp_path / "nightly.sqlite3"), var=var)
    assert made.returncode == 0, made.stderr
    assert "Backed up the SQLite database to" in made.stdout
    again = iro("backup", str(tmp_path / "nightly.sqlite3"), var=var)
    refused = iro("restore", str(tmp_path / "nightly.sqlite3"), var=var)
    missing = iro("restore", str(tmp_path / "nope.sqlite3"), var=var)
    for done in (again, refused, missing):
        assert done.returncode == 2
        assert done.stdout == ""
        assert len(done.stderr.strip().splitlines()) == 1
        assert "Traceback" not in done.stderr
    assert "add --force" in refused.stderr
    assert f"{SEEDED_AGENCIES + 8:,} rows" in refused.stderr

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    restored = iro("restore", str(tmp_path / "nightly.sqlite3"), var=fresh)
    assert restored.returncode == 0, restored.stderr
    assert "replacing nothing" in restored.stdout
    assert iro("migrate", "--check", var=fresh).returncode == 0
    assert sqlite_fingerprint(fresh / "iro.sqlite3") == sqlite_fingerprint(live)


# --- PostgreSQL -----------------------------------------------------------------------------


@pytest.fixture
def postgres(django_db_blocker, transactional_db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("runs when DATABASE_URL points at PostgreSQL")
    return Database.from_settings(connection.settings_dict)


def test_a_postgresql_backup_taken_while_rows_are_written_restores_exactly(postgres, tmp_path):
    import psycopg

    from iro.people.models import Agency

    Agency.objects.bulk_create(
        Agency(name=f"Seeded agency {n:06d}", kind="police") for n in range(2000)
    )
    restored_db = Database(POSTGRESQL, f"{postgres.name}_restore", postgres.user,
                           postgres.password, postgres.host, postgres.port)  # fmt: skip

    def connect(name: str):
        return psycopg.connect(
            dbname=name,
            user=postgres.user or None,
            password=postgres.password or None,
            host=postgres.host or None,
            port=postgres.port or None,
        )

    admin = connect("postgres")
    admin.autocommit = True
    admin.execute(f'DROP DATABASE IF EXISTS "{restored_db.name}"')
    admin.execute(f'CREATE DATABASE "{restored_db.name}"')
    try:
        writer = Writer(lambda: connect(postgres.name))
        writer.start()
        writer.wait_for(20)
        target = backup(postgres, tmp_path / "iro.dump")
        at_backup = writer.written
        writer.wait_for(at_backup + 20)
        writer.finish()

        restore(restored_db, target)
        with connect(restored_db.name) as a, connect(postgres.name) as b:
            restored, now = fingerprint(a.cursor(), POSTGRESQL), fingerprint(b.cursor(), POSTGRESQL)
            assert restored.keys() == now.keys()
            for table in now:
                if table != "people_agency":
                    assert restored[table] == now[table], table
            k = assert_snapshot_of(agency_names(a.cursor()), agency_names(b.cursor()))
        assert 20 <= k < writer.written

        # The restored database holds data now: a second restore needs --force.
        with pytest.raises(BackupError) as refused:
            restore(restored_db, target)
        assert "add --force" in str(refused.value)
        again = backup(postgres, tmp_path / "after.dump")
        restore(restored_db, again, force=True)
        with connect(restored_db.name) as a, connect(postgres.name) as b:
            assert fingerprint(a.cursor(), POSTGRESQL) == fingerprint(b.cursor(), POSTGRESQL)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{restored_db.name}" WITH (FORCE)')
        admin.close()


def test_a_sqlite_backup_cannot_be_restored_into_postgresql(postgres, live, tmp_path):
    target = backup(Database(SQLITE, str(live)), tmp_path / "b.sqlite3")
    with pytest.raises(BackupError) as raised:
        restore(postgres, target)
    assert str(raised.value) == WRONG_KIND.format(
        path=target, found="SQLite", expected="PostgreSQL"
    )


def test_without_the_postgresql_client_programs_the_backup_says_so_and_leaves_no_file(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(backups.shutil, "which", lambda name: None)
    db = Database(POSTGRESQL, "iro", host="127.0.0.1")
    with pytest.raises(BackupError) as raised:
        backup(db, tmp_path / "iro.dump")
    assert str(raised.value) == MISSING_PROGRAM.format(program="pg_dump")
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_only_looks_like_a_dump_is_not_a_backup(postgres, tmp_path):
    fake = tmp_path / "fake.dump"
    fake.write_bytes(b"PGDMP" + b"rubbish" * 20)
    with pytest.raises(BackupError) as raised:
        restore(postgres, fake, force=True)
    assert str(raised.value).startswith(f"{fake} is not an iro backup (pg_restore failed")
