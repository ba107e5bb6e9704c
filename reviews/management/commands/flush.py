"""Django's ``flush``, which must not empty the append-only audit log outside the tests.

Without ``AUDIT_LOG_FLUSH_ALLOWED`` (on only in ``portal.settings_test``) it refuses and
changes nothing: a flush would erase who signed off what, which the charity must be able to
show for ever.

The test suite flushes after every transactional or live-server test, so there the triggers
that refuse it are lifted for the flush only, in its transaction, and are back before it
commits (nobody else ever sees them missing): on SQLite, which flushes with DELETE, the row
triggers are read from the schema, dropped and created again; on PostgreSQL, which flushes
with TRUNCATE, the TRUNCATE trigger (migration 0010) is disabled and enabled again, which
only the table's owner may do. On SQLite the full-text index's virtual tables are emptied
with the rest.
"""

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from infopages import search_index
from reviews.core.models import AuditEvent

REFUSED = (
    "Refused: flush would empty the audit log, which is append-only (who did what, and who "
    "signed off what, kept for ever). To start again, create a new database and migrate it. "
    "The test settings allow it (AUDIT_LOG_FLUSH_ALLOWED)."
)
TRUNCATE_TRIGGER = 1 << 5  # pg_trigger.tgtype's bit for TRUNCATE triggers


class Command(flush.Command):
    help = flush.Command.help + " Refused unless AUDIT_LOG_FLUSH_ALLOWED (tests only)."

    def handle(self, **options):
        if not getattr(settings, "AUDIT_LOG_FLUSH_ALLOWED", False):
            raise CommandError(REFUSED)
        database = options.get("database", DEFAULT_DB_ALIAS)
        connection = connections[database]
        table = AuditEvent._meta.db_table
        with transaction.atomic(using=database), connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                    [table],
                )
                triggers = cursor.fetchall()
                for name, _ in triggers:
                    cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")
                super().handle(**options)
                for _, sql in triggers:
                    cursor.execute(sql)
                # SQLite's full-text index is two virtual tables Django does not know: emptied
                # too, or a later test's pages (their ids start again) would find old words.
                for fts in (search_index.PAGE_TABLE, search_index.SECTION_TABLE):
                    cursor.execute(
                        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [fts]
                    )
                    if cursor.fetchone():
                        cursor.execute(f"DELETE FROM {connection.ops.quote_name(fts)}")
            elif connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass(%s) "
                    "AND NOT tgisinternal AND tgenabled <> 'D' AND tgtype & %s <> 0",
                    [table, TRUNCATE_TRIGGER],
                )
                triggers = [connection.ops.quote_name(name) for (name,) in cursor.fetchall()]
                quoted = connection.ops.quote_name(table)
                for name in triggers:
                    cursor.execute(f"ALTER TABLE {quoted} DISABLE TRIGGER {name}")
                super().handle(**options)
                for name in triggers:
                    cursor.execute(f"ALTER TABLE {quoted} ENABLE TRIGGER {name}")
            else:
                super().handle(**options)
