"""Triggers that keep the logs append-only, whatever code or SQL asks (PostgreSQL and
SQLite):

- ``access_accesslogentry`` (who viewed or exported which child): no UPDATE, no DELETE;
- ``axes_accesslog`` (sign-ins): no DELETE, and an UPDATE only to set ``logout_time``
  once, which django-axes does when the user signs out;
- ``axes_accessfailurelog`` (failed sign-ins, when enabled): no UPDATE, no DELETE.

TRUNCATE is not a row change and is not refused: in production the application's
database role should not own the tables (docs/operations.md). The SQL is here, not in
app code, so this migration stays as it ran; tests read ``SQLITE_DROP`` and
``SQLITE_CREATE`` to let a test database be flushed.
"""

from django.db import migrations

REFUSED = "The access and sign-in logs are append-only"

# Every column of axes' sign-in log except logout_time: none may change.
_SIGN_IN_COLUMNS = (
    "id",
    "user_agent",
    "ip_address",
    "username",
    "http_accept",
    "path_info",
    "attempt_time",
    "session_hash",
)


def _changed(op: str) -> str:
    return " OR ".join(f"NEW.{c} {op} OLD.{c}" for c in _SIGN_IN_COLUMNS)


POSTGRESQL_CREATE = f"""
CREATE FUNCTION iro_refuse_log_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = '{REFUSED}: ' || TG_OP || ' on ' || TG_TABLE_NAME || ' refused',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER iro_access_log_append_only BEFORE UPDATE OR DELETE ON access_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION iro_refuse_log_change();
CREATE TRIGGER iro_sign_in_log_no_delete BEFORE DELETE ON axes_accesslog
    FOR EACH ROW EXECUTE FUNCTION iro_refuse_log_change();
CREATE TRIGGER iro_sign_in_log_only_logout BEFORE UPDATE ON axes_accesslog
    FOR EACH ROW WHEN (OLD.logout_time IS NOT NULL OR {_changed("IS DISTINCT FROM")})
    EXECUTE FUNCTION iro_refuse_log_change();
CREATE TRIGGER iro_failure_log_append_only BEFORE UPDATE OR DELETE ON axes_accessfailurelog
    FOR EACH ROW EXECUTE FUNCTION iro_refuse_log_change();
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS iro_access_log_append_only ON access_accesslogentry;
DROP TRIGGER IF EXISTS iro_sign_in_log_no_delete ON axes_accesslog;
DROP TRIGGER IF EXISTS iro_sign_in_log_only_logout ON axes_accesslog;
DROP TRIGGER IF EXISTS iro_failure_log_append_only ON axes_accessfailurelog;
DROP FUNCTION IF EXISTS iro_refuse_log_change();
"""


def _sqlite_refuse(name: str, when: str, table: str, condition: str = "") -> str:
    where = f" WHEN {condition}" if condition else ""
    return (
        f"CREATE TRIGGER {name} BEFORE {when} ON {table}{where} "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSED}: {when} on {table} refused'); END"
    )


SQLITE_CREATE = [
    _sqlite_refuse("iro_access_log_append_only", "UPDATE", "access_accesslogentry"),
    _sqlite_refuse("iro_access_log_no_delete", "DELETE", "access_accesslogentry"),
    _sqlite_refuse("iro_sign_in_log_no_delete", "DELETE", "axes_accesslog"),
    _sqlite_refuse(
        "iro_sign_in_log_only_logout",
        "UPDATE",
        "axes_accesslog",
        f"OLD.logout_time IS NOT NULL OR {_changed('IS NOT')}",
    ),
    _sqlite_refuse("iro_failure_log_append_only", "UPDATE", "axes_accessfailurelog"),
    _sqlite_refuse("iro_failure_log_no_delete", "DELETE", "axes_accessfailurelog"),
]
SQLITE_TRIGGERS = [
    "iro_access_log_append_only",
    "iro_access_log_no_delete",
    "iro_sign_in_log_no_delete",
    "iro_sign_in_log_only_logout",
    "iro_failure_log_append_only",
    "iro_failure_log_no_delete",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]



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
    dependencies = [
        ("access", "0003_initial"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(create, drop)]
