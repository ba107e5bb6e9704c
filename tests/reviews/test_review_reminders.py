"""Review reminders (``manage.py send_review_reminders``): owners are emailed 90, 30 and 7 days
before a live page's next review, on the day and weekly once it has passed, the publishers
too from 30 days overdue; each reminder once, whatever runs, and none lost to a mail outage.
"""

import datetime as dt
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from reviews import services
from reviews.core.notifications import set_frequency
from reviews.models import Frequency, Notification, ReviewReminder

TODAY = dt.date(2027, 5, 10)
UNCONFIGURED = {"default": {"BACKEND": "portal.mail.NotConfiguredEmailBackend"}}


def at(day: dt.date, hour: int = 7):
    """The clock at ``hour`` UTC on ``day`` (cron's morning run)."""
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC), tick=False
    )


@pytest.fixture(autouse=True)
def frozen_clock():
    with at(TODAY):
        yield


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """Run the command as cron does (its transaction commits, so emails leave); its output."""

    def run(*args: str) -> str:
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_review_reminders", *args, stdout=out)
        return out.getvalue()

    return run


@pytest.fixture
def owned_page(make_page, publish, author):
    """A live page looked after by its author, due for review on ``due``."""

    def make(due: dt.date, slug="secondary-breast-cancer", title="Secondary breast cancer"):
        page = make_page(slug=slug, title=title)
        publish(page, reviewed_on=dt.date(2025, 1, 1), next_review_on=due)
        page.owner = author
        page.save(update_fields=["owner"])
        return page

    return make


def sent_to(outbox) -> list[tuple[str, str]]:
    return [(email.to[0], email.subject) for email in outbox]


def test_an_owner_is_reminded_90_days_before_with_a_link_to_the_schedule(
    owned_page, remind, mailoutbox
):
    page = owned_page(TODAY + dt.timedelta(days=90))

    output = remind()

    assert sent_to(mailoutbox) == [
        ("editor@example.org", "Review due in 90 days: Secondary breast cancer")
    ]
    body = mailoutbox[0].body
    assert body.startswith("Hello Erin,")
    assert "is due for its full review on 8 August 2027, in 90 days" in body
    assert "It was last reviewed on 1 January 2025." in body
    assert f"http://127.0.0.1:8000/reviews/pages/{page.pk}/schedule/" in body
    assert "1 reminder(s) queued." in output
    reminder = ReviewReminder.objects.get()
    assert (reminder.kind, reminder.due_on, reminder.recipients) == (
        "90_days",
        TODAY + dt.timedelta(days=90),
        ["editor"],
    )


def test_the_series_90_30_7_days_the_day_then_weekly_and_the_publishers_after_30_days(
    owned_page, publisher, remind, mailoutbox
):
    due = TODAY + dt.timedelta(days=100)
    owned_page(due)
    sent: dict[int, list[str]] = {}

    day = TODAY
    while day <= due + dt.timedelta(days=43):
        with at(day):
            remind()
            remind()  # a second run the same day sends nothing more
        if mailoutbox:
            sent[(day - due).days] = sorted(email.to[0] for email in mailoutbox)
            mailoutbox.clear()
        day += dt.timedelta(days=1)

    owner, both = ["editor@example.org"], ["editor@example.org", "pat@example.org"]
    assert sent == {
        -90: owner,
        -30: owner,
        -7: owner,
        0: owner,
        7: owner,
        14: owner,
        21: owner,
        28: owner,
        35: both,  # more than 30 days overdue: the publishers are told too
        42: both,
    }
    kinds = list(ReviewReminder.objects.order_by("sent_on").values_list("kind", flat=True))
    assert kinds == [
        "90_days",
        "30_days",
        "7_days",
        "due",
        "overdue_1",
        "overdue_2",
        "overdue_3",
        "overdue_4",
        "overdue_5",
        "overdue_6",
    ]


@pytest.mark.parametrize(
    ("days_left", "subject"),
    [
        (30, "Review due in 30 days"),
        (7, "Review due in 7 days"),
        (1, "Review due in 1 day"),
        (0, "Review due today"),
        (-1, "Review overdue by 1 day"),
        (-7, "Review overdue by 7 days"),
        (-36, "Review overdue by 36 days"),
    ],
)
def test_each_reminder_says_when_the_review_is_due(
    owned_page, remind, mailoutbox, days_left, subject
):
    owned_page(TODAY + dt.timedelta(days=days_left))

    remind()

    assert [email.subject for email in mailoutbox] == [f"{subject}: Secondary breast cancer"]


def test_no_reminder_more_than_90_days_ahead(owned_page, remind, mailoutbox):
    owned_page(TODAY + dt.timedelta(days=91))

    assert "0 reminder(s) queued." in remind()
    assert mailoutbox == [] and not ReviewReminder.objects.exists()


def test_a_missed_run_sends_the_stage_it_finds_once_not_every_missed_one(
    owned_page, remind, mailoutbox
):
    owned_page(TODAY + dt.timedelta(days=20))  # first seen 20 days before: the 30-day one

    remind()
    with at(TODAY + dt.timedelta(days=1)):
        remind()

    assert [email.subject for email in mailoutbox] == [
        "Review due in 20 days: Secondary breast cancer"
    ]


def test_the_escalation_names_the_owner_for_the_publishers(
    owned_page, publisher, remind, mailoutbox
):
    owned_page(TODAY - dt.timedelta(days=35))

    remind()

    by_address = {email.to[0]: email for email in mailoutbox}
    assert sorted(by_address) == ["editor@example.org", "pat@example.org"]
    body = by_address["pat@example.org"].body
    assert "more than 30 days overdue" in body and "looked after by Erin Editor" in body
    assert ReviewReminder.objects.get().escalated


def test_a_page_nobody_looks_after_reminds_the_team_address(
    make_page, publish, remind, mailoutbox, settings
):
    settings.REVIEW_TEAM_EMAIL = "info-team@example.org"
    page = make_page()
    publish(page, next_review_on=TODAY + dt.timedelta(days=30))

    remind()

    assert sent_to(mailoutbox) == [
        ("info-team@example.org", "Review due in 30 days: Secondary breast cancer")
    ]
    assert mailoutbox[0].body.startswith("Hello,")
    assert "pages that nobody looks after" in mailoutbox[0].body
    notification = Notification.objects.get()
    assert (notification.user, notification.address) == (None, "info-team@example.org")


def test_an_owner_who_has_left_is_replaced_by_the_team_address(
    owned_page, author, remind, mailoutbox, settings
):
    settings.REVIEW_TEAM_EMAIL = "info-team@example.org"
    owned_page(TODAY + dt.timedelta(days=7))
    author.is_active = False
    author.save()

    remind()

    assert [email.to for email in mailoutbox] == [["info-team@example.org"]]


def test_pages_that_are_not_live_get_no_reminder(
    make_page, publish, owned_page, publisher, remind, mailoutbox
):
    make_page(slug="draft-only", title="Never published")  # no publication at all
    taken_down = owned_page(TODAY + dt.timedelta(days=7))
    services.unpublish_page(page=taken_down, by=publisher, reason="Dosage error")

    assert "0 reminder(s) queued." in remind()
    assert mailoutbox == []


def test_a_daily_digest_reader_gets_the_reminder_in_their_digest(
    owned_page, author, remind, mailoutbox
):
    set_frequency(user=author, frequency=Frequency.DAILY)
    owned_page(TODAY + dt.timedelta(days=30))

    remind()
    assert mailoutbox == []

    call_command("send_review_digests", stdout=io.StringIO())
    assert [email.subject for email in mailoutbox] == ["Your daily review digest: 1 update"]
    assert "Review due in 30 days: Secondary breast cancer" in mailoutbox[0].body


def test_a_mail_server_outage_delays_a_reminder_and_never_loses_or_repeats_it(
    owned_page, remind, settings
):
    working = settings.MAILERS
    settings.MAILERS = UNCONFIGURED
    owned_page(TODAY + dt.timedelta(days=7))

    remind()  # the send fails: the reminder is recorded, its email waits in the outbox
    remind()  # the same day again: nothing new is queued
    assert ReviewReminder.objects.count() == 1
    assert Notification.objects.filter(sent_at__isnull=True).count() == 1

    settings.MAILERS = working
    mail.outbox = []
    with at(TODAY, hour=8):  # the mail server is back; the digest command retries
        call_command("send_review_digests", stdout=io.StringIO())
        call_command("send_review_digests", stdout=io.StringIO())
    with at(TODAY + dt.timedelta(days=1)):
        remind()

    assert [email.subject for email in mail.outbox] == [
        "Review due in 7 days: Secondary breast cancer"
    ]
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


def test_a_new_full_review_starts_a_fresh_series(
    owned_page, author, medic, lay, publisher, approve, remind, mailoutbox
):
    page = owned_page(TODAY - dt.timedelta(days=7))
    remind()
    assert [email.subject for email in mailoutbox] == [
        "Review overdue by 7 days: Secondary breast cancer"
    ]
    change = services.start_change(
        page=page, by=author, summary="Three-yearly review.", is_full_review=True
    )
    services.submit_for_review(change=change, by=author)
    approve(change, medic)
    approve(change, lay)
    services.publish(change=change, by=publisher)  # next review: 10 May 2030
    mailoutbox.clear()

    with at(dt.date(2030, 2, 9)):  # 90 days before the new date
        remind()

    assert [email.subject for email in mailoutbox] == [
        "Review due in 90 days: Secondary breast cancer"
    ]
    assert list(ReviewReminder.objects.order_by("id").values_list("due_on", "kind")) == [
        (TODAY - dt.timedelta(days=7), "overdue_1"),
        (dt.date(2030, 5, 10), "90_days"),
    ]


def test_a_review_brought_forward_starts_a_fresh_series(owned_page, publisher, remind, mailoutbox):
    page = owned_page(TODAY + dt.timedelta(days=60))
    remind()
    services.set_next_review(
        page=page, on=TODAY + dt.timedelta(days=5), reason="Safety alert", by=publisher
    )

    remind()

    assert [email.subject for email in mailoutbox] == [
        "Review due in 60 days: Secondary breast cancer",
        "Review due in 5 days: Secondary breast cancer",
    ]


def test_a_full_review_under_way_is_mentioned(owned_page, author, remind, mailoutbox):
    page = owned_page(TODAY)
    change = services.start_change(page=page, by=author, is_full_review=True)

    remind()

    assert f"A full review is already under way (change request #{change.pk})" in (
        mailoutbox[0].body
    )


def test_dry_run_prints_what_it_would_send_and_records_nothing(owned_page, remind, mailoutbox):
    owned_page(TODAY + dt.timedelta(days=30))

    output = remind("--dry-run")

    assert "Would remind: “Secondary breast cancer”, review due 2027-06-09 (30_days) to editor" in (
        output
    )
    assert "1 reminder(s) would be sent." in output
    assert mailoutbox == []
    assert not ReviewReminder.objects.exists() and not Notification.objects.exists()
    remind()
    assert len(mailoutbox) == 1  # the real run still sends it


@pytest.mark.parametrize("pages", [3, 30])
def test_the_command_reads_a_fixed_number_of_queries_whatever_the_number_of_pages(
    make_page, publish, author, publisher, remind, mailoutbox, django_assert_max_num_queries, pages
):
    for index in range(pages):
        page = make_page(slug=f"page-{index}", title=f"Page {index}")
        publish(page, next_review_on=TODAY - dt.timedelta(days=35 + index % 3))
        page.owner = author if index % 2 else None
        page.save(update_fields=["owner"])

    # 11, one for review flags and one for language versions out of date (there are none)
    with django_assert_max_num_queries(13):
        remind()

    assert ReviewReminder.objects.count() == pages
    assert len(mailoutbox) == 2 * pages  # each to its owner or the team, and to the publisher
