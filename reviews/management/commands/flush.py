"""Django's ``flush``, able to empty the append-only audit log on SQLite too.

SQLite flushes with DELETE, which the audit log's triggers refuse (migration 0003), so the
flush would fail, and with it the test suite's teardown of transactional tests. Here the
triggers are read from the schema, dropped, the flush runs, and the very same triggers are
created again, all in one transaction: they are never missing for anyone else. PostgreSQL
flushes with TRUNCATE, which fires no row triggers, so it needs nothing.
"""

from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from reviews.models import AuditEvent


class Command(flush.Command):
    def handle(self, **options):
        database = options.get("database", DEFAULT_DB_ALIAS)
        connection = connections[database]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with transaction.atomic(using=database):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                    [AuditEvent._meta.db_table],
                )
                triggers = cursor.fetchall()
                for name, _ in triggers:
                    cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")
            super().handle(**options)
            with connection.cursor() as cursor:
                for _, sql in triggers:
                    cursor.execute(sql)
