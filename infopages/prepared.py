"""Queries readers send thousands of times, prepared once per PostgreSQL connection.

Planning such a query costs as much as running it (or twice as much, for the page query), so
on PostgreSQL each is prepared on a connection the first time it runs there and executed by
name afterwards; on SQLite it simply runs. The SQL is written with ``%s`` placeholders, as
for any Django cursor. A connection pooler in transaction mode needs its prepared-statement
support (docs/performance.md).
"""

from django.db import connection


def fetch(name: str, sql: str, params: list, types: tuple[str, ...], *, many: bool = False):
    """Run ``sql`` with ``params`` (of PostgreSQL ``types``); its rows (``many``) or first row."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(sql, params)
        else:
            raw = connection.connection
            prepared = getattr(raw, "portal_prepared", None)
            if prepared is None:
                prepared = raw.portal_prepared = set()
            if name not in prepared:
                numbered = sql
                for number in range(1, len(types) + 1):
                    numbered = numbered.replace("%s", f"${number}", 1)
                cursor.execute(f"PREPARE {name}({', '.join(types)}) AS {numbered}")
                prepared.add(name)
            cursor.execute(f"EXECUTE {name}({', '.join(['%s'] * len(params))})", params)
        return cursor.fetchall() if many else cursor.fetchone()
