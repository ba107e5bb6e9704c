"""The audit log is append-only in the ORM and, underneath it, in the database."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, models, transaction

from infopages import search_index
from reviews.core.audit import record
from reviews.core.models.audit import AppendOnlyError
from reviews.models import AuditEvent

ACTION = "commented"


@pytest.fixture
def event(db):
    return record(action=ACTION, message="Original")


def unchanged(event) -> bool:
    return AuditEvent.objects.filter(pk=event.pk, message="Original").exists()


def test_queryset_update_is_refused_and_changes_nothing(event):
    with pytest.raises(AppendOnlyError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).update(message="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(message="x")

    assert unchanged(event)


def test_queryset_delete_is_refused_and_deletes_nothing(event):
    with pytest.raises(AppendOnlyError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()

    assert unchanged(event)


def test_bulk_update_is_refused(event):
    event.message = "x"

    with pytest.raises(AppendOnlyError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["message"])

    assert unchanged(event)


def test_the_database_refuses_an_update_that_bypasses_the_queryset(event):
    plain = models.QuerySet(AuditEvent)  # what a careless raw path would do

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        plain.filter(pk=event.pk).update(message="x")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        plain.filter(pk=event.pk)._raw_delete(connection.alias)

    assert unchanged(event)


def test_the_database_refuses_raw_sql(event):
    table = connection.ops.quote_name(AuditEvent._meta.db_table)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET message = 'x' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table}")

    assert unchanged(event)


def test_adding_events_still_works(event):
    record(action=ACTION, message="Another")

    assert AuditEvent.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_the_log_and_the_guard_stays():
    """What the suite does after each transactional or live-server test (TRUNCATE on
    PostgreSQL; on SQLite, DELETE with the triggers lifted for the flush only)."""
    record(action=ACTION, message="Before the flush")

    call_command("flush", interactive=False, verbosity=0)

    assert not AuditEvent.objects.exists()
    event = record(action=ACTION, message="Original")
    with pytest.raises(DatabaseError, match="append-only"):
        models.QuerySet(AuditEvent).filter(pk=event.pk).update(message="x")
    assert unchanged(event)


def test_flush_is_refused_outside_the_tests_and_changes_nothing(event, settings, make_user):
    settings.AUDIT_LOG_FLUSH_ALLOWED = False  # as in production
    someone = make_user("someone")

    with pytest.raises(CommandError, match="would empty the audit log"):
        call_command("flush", interactive=False, verbosity=0)

    assert unchanged(event)
    assert type(someone).objects.filter(pk=someone.pk).exists()


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's (SQLite deletes)"
)


def settle_deferred_checks(cursor) -> None:
    """PostgreSQL refuses TRUNCATE while the test's own transaction still has foreign-key
    checks pending (a separate session's TRUNCATE has none)."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@postgresql_only
def test_the_database_refuses_truncate(event):
    table = connection.ops.quote_name(AuditEvent._meta.db_table)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            settle_deferred_checks(cursor)
            cursor.execute(f"TRUNCATE {table}")

    assert unchanged(event)


@postgresql_only
def test_the_database_refuses_a_truncate_cascading_from_the_users_table(event, make_user):
    record(action=ACTION, message="By someone", actor=make_user("someone"))
    users = connection.ops.quote_name(get_user_model()._meta.db_table)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            settle_deferred_checks(cursor)
            cursor.execute(f"TRUNCATE {users} CASCADE")

    assert AuditEvent.objects.count() == 2


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_after_the_suites_flush_truncate_is_refused_again():
    record(action=ACTION, message="Before the flush")

    call_command("flush", interactive=False, verbosity=0)

    event = record(action=ACTION, message="Original")
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table}")
    assert unchanged(event)


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_full_text_index_too(make_page, publish):
    """On SQLite the index is two virtual tables Django does not know: a flush that left them
    would let a later test's pages (whose ids start again) be found by old words."""
    if not search_index.uses_fts5():
        pytest.skip("SQLite's full-text index")
    publish(make_page(sections=[("Scans", "A bone scan looks at the bones.")]))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {search_index.PAGE_TABLE}")
        assert cursor.fetchone()[0] == 1

        call_command("flush", interactive=False, verbosity=0)

        for table in (search_index.PAGE_TABLE, search_index.SECTION_TABLE):
            cursor.execute(f"SELECT count(*) FROM {table}")
            assert cursor.fetchone()[0] == 0, table
