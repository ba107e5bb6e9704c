"""Benchmark: ``send_review_reminders`` over 2,000 live pages, each due a reminder today.

Builds the pages in a scratch database (bulk inserts: this measures the command, not the
set-up), runs the command, and prints its time and number of queries; then runs it again
(nothing is left to send, so it queues nothing) and prints the same. Email goes to memory.

    .venv/bin/python bench/reminders.py                      # SQLite, in a temporary file
    createdb -h 127.0.0.1 -U postgres portal_bench_reminders
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_reminders \\
        .venv/bin/python bench/reminders.py                  # PostgreSQL (the database is emptied)

Options: ``--pages N`` (2000).
"""

import argparse
import datetime as dt
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret-benchmark-only-not-a-secret")
os.environ.setdefault("LOG_LEVEL", "WARNING")
SCRATCH = None
if not os.environ.get("DATABASE_URL"):
    SCRATCH = tempfile.NamedTemporaryFile(suffix=".sqlite3", delete=False)
    os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH.name}"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from infopages.models import Page, PublishedPage, Topic  # noqa: E402
from reviews.core import notifications, policy  # noqa: E402
from reviews.models import Notification, ReviewReminder  # noqa: E402

# Each page is due a different reminder today: 90, 30 and 7 days ahead, today, overdue.
OFFSETS = [90, 30, 7, 0, -7, -14, -35, -42]


def build(pages: int) -> None:
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    users = get_user_model()
    editors = Group.objects.get_or_create(name=policy.EDITORS)[0]
    publishers = Group.objects.get_or_create(name=policy.PUBLISHERS)[0]
    owners = users.objects.bulk_create(
        [users(username=f"editor{i}", email=f"editor{i}@example.org") for i in range(20)]
    )
    editors.user_set.add(*owners)
    publisher = users.objects.create(username="publisher", email="publisher@example.org")
    publishers.user_set.add(publisher)
    topic = Topic.objects.create(name="Cancer types", slug="cancer-types")
    created = Page.objects.bulk_create(
        [
            Page(
                slug=f"page-{i}",
                title=f"Page {i}",
                summary="About it.",
                topic=topic,
                owner=owners[i % 20] if i % 10 else None,  # one in ten: the team address
            )
            for i in range(pages)
        ],
        batch_size=1000,
    )
    today, now = timezone.localdate(), timezone.now()
    PublishedPage.objects.bulk_create(
        [
            PublishedPage(
                page=page,
                slug=page.slug,
                title=page.title,
                summary=page.summary,
                topic=topic,
                topic_path=topic.slug,
                kind=PublishedPage.Kind.IMPORTED,
                reviewed_on=today - dt.timedelta(days=900),
                next_review_on=today + dt.timedelta(days=OFFSETS[i % len(OFFSETS)]),
                published_at=now,
                is_current=True,
            )
            for i, page in enumerate(created)
        ],
        batch_size=1000,
    )


SENDING = {"seconds": 0.0}
_send_now = notifications.send_now


def timed_send_now(pks):
    """Time the emails leaving (after the commit), apart from recording and queueing."""
    started = time.perf_counter()
    try:
        return _send_now(pks)
    finally:
        SENDING["seconds"] += time.perf_counter() - started


notifications.send_now = timed_send_now


def timed_run() -> tuple[float, int, str]:
    SENDING["seconds"] = 0.0
    out = io.StringIO()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        call_command("send_review_reminders", stdout=out)
        elapsed = time.perf_counter() - started
    return elapsed, len(queries), out.getvalue().strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    args = parser.parse_args()
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    mail.outbox = []
    print(f"{connection.vendor}: building {args.pages} live pages…", flush=True)
    build(args.pages)
    first = timed_run()
    print(f"first run:  {first[0]:.2f} s, {first[1]} queries: {first[2]}")
    print(f"            of which {SENDING['seconds']:.2f} s sending the emails after the commit")
    print(
        f"            {ReviewReminder.objects.count()} reminders recorded, "
        f"{Notification.objects.count()} emails queued, {len(mail.outbox)} sent"
    )
    second = timed_run()
    print(f"second run: {second[0]:.2f} s, {second[1]} queries: {second[2]}")
    if SCRATCH is not None:
        connection.close()
        os.unlink(SCRATCH.name)


if __name__ == "__main__":
    main()
