"""Triggers that keep the log of voids and restores (``journey_correction``) append-only,
whatever code or SQL asks (PostgreSQL and SQLite): no UPDATE, no DELETE. A restore is a
new row, never a change to the void's row.

TRUNCATE is not a row change and is not refused (see docs/operations.md). The SQL is
here, not in app code, so this migration stays as it ran; tests read ``SQLITE_DROP`` and
``SQLITE_CREATE`` to let a test database be flushed.
"""

from django.db import migrations

REFUSED = "The log of voids and restores is append-only"

POSTGRESQL_CREATE = f"""
CREATE FUNCTION iro_refuse_correction_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = '{REFUSED}: ' || TG_OP || ' on ' || TG_TABLE_NAME || ' refused',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER iro_correction_log_append_only BEFORE UPDATE OR DELETE ON journey_correction
    FOR EACH ROW EXECUTE FUNCTION iro_refuse_correction_change();
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS iro_correction_log_append_only ON journey_correction;
DROP FUNCTION IF EXISTS iro_refuse_correction_change();
"""

SQLITE_CREATE = [
    f"CREATE TRIGGER iro_correction_log_no_update BEFORE UPDATE ON journey_correction "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSED}: UPDATE on journey_correction refused'); END",
    f"CREATE TRIGGER iro_correction_log_no_delete BEFORE DELETE ON journey_correction "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSED}: DELETE on journey_correction refused'); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS iro_correction_log_no_update",
    "DROP TRIGGER IF EXISTS iro_correction_log_no_delete",
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_CREATE, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement, params=None)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("journey", "0007_conference_minutes_sent_on")]

    operations = [migrations.RunPython(create, drop)]
