"""The audit log refuses TRUNCATE too, on PostgreSQL: a statement trigger (row triggers,
migration 0004, do not fire for TRUNCATE, nor for a TRUNCATE ... CASCADE from a table the
log points at). It calls 0004's function, which refuses whatever the operation.

Only the table's owner can disable or drop it: run the portal as a role that does not own
its tables (docs/operations.md), and nothing the application does can empty the log.
``manage.py flush`` refuses unless ``AUDIT_LOG_FLUSH_ALLOWED`` (the test settings only);
then it lifts this trigger for the flush, in the same transaction.

SQLite has no TRUNCATE: it deletes, which 0004's triggers refuse already.
"""

from django.db import migrations

FORWARDS = """
    CREATE TRIGGER reviews_auditevent_no_truncate
    BEFORE TRUNCATE ON reviews_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION reviews_auditevent_append_only()
"""
BACKWARDS = "DROP TRIGGER IF EXISTS reviews_auditevent_no_truncate ON reviews_auditevent"


def run(statement):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0009_recently_published_index"),
    ]

    operations = [
        migrations.RunPython(run(FORWARDS), run(BACKWARDS)),
    ]
