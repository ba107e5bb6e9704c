"""Run as the role ops/app_role.sql sets up (the tables owned by another role), the
application can add to the audit log and read it, and cannot change, delete, empty or alter
it, nor disable its triggers. PostgreSQL only: SQLite has no roles."""

import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from reviews.core.audit import record
from reviews.models import AuditEvent

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles: PostgreSQL"),
    pytest.mark.django_db(transaction=True),  # the role's own session must see the rows
]

GRANTS = Path(__file__).resolve().parents[2] / "ops" / "app_role.sql"
TABLE = AuditEvent._meta.db_table


@pytest.fixture
def app_session():
    """A session as a fresh application role, granted exactly what ops/app_role.sql grants;
    the tables stay the test database owner's (as they would be the migration role's)."""
    role = f"portal_app_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (owner,) = cursor.fetchone()
        cursor.execute(f"CREATE ROLE {role} LOGIN")
        grants = GRANTS.read_text().replace("portal_app", role).replace("portal_owner", owner)
        cursor.execute(grants)
    params = connection.settings_dict
    session = psycopg.connect(
        host=params["HOST"] or "127.0.0.1",
        port=params["PORT"] or 5432,
        dbname=params["NAME"],
        user=role,
        autocommit=True,
    )
    try:
        yield session
    finally:
        session.close()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {role}")
            cursor.execute(f"DROP ROLE {role}")


@pytest.fixture
def event(transactional_db):
    return record(action="commented", message="Original")


def refused(session, sql: str) -> str:
    with pytest.raises(psycopg.Error) as failure:
        session.execute(sql)
    return str(failure.value)


def test_the_application_role_can_add_events_and_read_them(app_session, event):
    app_session.execute(
        f"INSERT INTO {TABLE} (created_at, action, versions, message) "
        "VALUES (now(), 'commented', '{}', 'Added by the application role')"
    )

    assert app_session.execute(f"SELECT count(*) FROM {TABLE}").fetchone() == (2,)


def test_the_application_role_cannot_update_an_event(app_session, event):
    assert "permission denied" in refused(app_session, f"UPDATE {TABLE} SET message = 'x'")
    assert AuditEvent.objects.get(pk=event.pk).message == "Original"


def test_the_application_role_cannot_delete_an_event(app_session, event):
    assert "permission denied" in refused(app_session, f"DELETE FROM {TABLE}")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_application_role_cannot_truncate_the_log(app_session, event):
    assert "permission denied" in refused(app_session, f"TRUNCATE {TABLE}")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_application_role_cannot_disable_the_logs_triggers(app_session, event):
    message = refused(app_session, f"ALTER TABLE {TABLE} DISABLE TRIGGER ALL")
    assert "must be owner" in message
    assert "must be owner" in refused(
        app_session, f"DROP TRIGGER reviews_auditevent_no_truncate ON {TABLE}"
    )


def test_the_application_role_still_meets_the_trigger_where_it_may_write(app_session, event):
    """Should UPDATE ever be granted on the log by mistake, the trigger still refuses it."""
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT UPDATE ON {TABLE} TO {app_session.info.user}")

    assert "append-only" in refused(app_session, f"UPDATE {TABLE} SET message = 'x'")
    assert AuditEvent.objects.get(pk=event.pk).message == "Original"
