"""Two reminder runs at once (say cron and an operator) send each reminder once: the second
waits on the first's records (the unique constraint), then finds them and sends nothing.
PostgreSQL only: SQLite lets one writer in at a time, so runs cannot overlap there."""

import datetime as dt
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection

from infopages.models import Page
from reviews.core import notifications
from reviews.models import Notification, ReviewReminder
from reviews.schedule.services import reminders

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
)

TODAY = dt.date(2027, 5, 10)


def test_two_runs_at_once_send_each_reminder_once(
    transactional_db, make_page, publish, author, monkeypatch, mailoutbox
):
    page = make_page()
    publish(page, next_review_on=TODAY + dt.timedelta(days=7))
    Page.objects.filter(pk=page.pk).update(owner=author)

    first_recorded, let_first_commit = threading.Event(), threading.Event()
    queue = notifications.queue

    def queue_then_wait(emails):
        created = queue(emails)
        if threading.current_thread().name == "first":
            first_recorded.set()  # its reminder rows are written, not yet committed
            let_first_commit.wait(timeout=30)
        return created

    monkeypatch.setattr(reminders.notifications, "queue", queue_then_wait)
    results, errors = {}, []

    def run():
        try:
            with time_machine.travel(dt.datetime(2027, 5, 10, 7, tzinfo=dt.UTC), tick=False):
                results[threading.current_thread().name] = reminders.send_reminders()
        except Exception as error:  # reported below, with the thread's name
            errors.append(error)
        finally:
            connection.close()

    first = threading.Thread(target=run, name="first")
    second = threading.Thread(target=run, name="second")
    first.start()
    assert first_recorded.wait(timeout=30)
    second.start()  # plans the same reminder; its insert waits for the first transaction
    second.join(timeout=1)
    assert second.is_alive()  # blocked on the first run's uncommitted reminder
    let_first_commit.set()
    first.join(timeout=30)
    second.join(timeout=30)

    assert errors == []
    assert [len(results["first"]), len(results["second"])] == [1, 0]
    assert ReviewReminder.objects.count() == 1
    assert Notification.objects.count() == 1
    assert [email.to for email in mail.outbox] == [["editor@example.org"]]
