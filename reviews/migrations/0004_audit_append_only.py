"""The audit log refuses UPDATE and DELETE in the database itself, not only in the ORM.

PostgreSQL: a row trigger raises ``restrict_violation``. TRUNCATE fires no row triggers:
migration 0010 adds a statement trigger for it.

SQLite: two triggers RAISE(ABORT). SQLite flushes with DELETE, so ``reviews``' own ``flush``
command lifts these triggers for the flush only and puts them back (same transaction).

Beware: a later migration that rewrites audit rows must drop and re-create the trigger, and
on SQLite one that remakes the table (most ALTERs) drops the triggers with the old table and
must create them again (tests/reviews/test_audit_append_only.py checks they are there).
"""

from django.db import migrations

MESSAGE = "The audit log is append-only: its events cannot be changed or deleted."

POSTGRESQL = {
    "forwards": [
        f"""
        CREATE FUNCTION reviews_auditevent_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION USING
                ERRCODE = 'restrict_violation',
                MESSAGE = '{MESSAGE}',
                DETAIL = TG_OP || ' on ' || TG_TABLE_NAME || ' refused.';
        END
        $$
        """,
        """
        CREATE TRIGGER reviews_auditevent_append_only
        BEFORE UPDATE OR DELETE ON reviews_auditevent
        FOR EACH ROW EXECUTE FUNCTION reviews_auditevent_append_only()
        """,
    ],
    "backwards": [
        "DROP TRIGGER IF EXISTS reviews_auditevent_append_only ON reviews_auditevent",
        "DROP FUNCTION IF EXISTS reviews_auditevent_append_only()",
    ],
}
SQLITE = {
    "forwards": [
        f"""
        CREATE TRIGGER reviews_auditevent_no_update BEFORE UPDATE ON reviews_auditevent
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
        """,
        f"""
        CREATE TRIGGER reviews_auditevent_no_delete BEFORE DELETE ON reviews_auditevent
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
        """,
    ],
    "backwards": [
        "DROP TRIGGER IF EXISTS reviews_auditevent_no_update",
        "DROP TRIGGER IF EXISTS reviews_auditevent_no_delete",
    ],
}
BY_VENDOR = {"postgresql": POSTGRESQL, "sqlite": SQLITE}


def run(direction):
    def operation(apps, schema_editor):
        for statement in BY_VENDOR.get(schema_editor.connection.vendor, {}).get(direction, []):
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0003_sign_off_credit_and_sections"),
    ]

    operations = [
        migrations.RunPython(run("forwards"), run("backwards")),
    ]
