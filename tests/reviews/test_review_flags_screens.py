"""Review flags on the workspace's screens and in the reminders: a page flagged because a
source it cites changed shows why at the top of its change page and beside the decision,
on the publish confirmation, its owner's dashboard and the review calendar; reviewers'
decisions record that they saw it, and publishing then clears it; its owner is reminded
weekly while it is open."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from infopages.models import Page, Reference
from infopages.services import save_with_version
from reviews import services
from reviews.core.status import ReviewStatus
from reviews.models import ReviewFlag, ReviewReminder

NOTE = "NICE NG101 updated October 2026"


def html_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def flagged(submitted_change, author):
    """A change in review on a page (looked after by its author) whose source was updated
    after the change was started."""
    page = submitted_change.page
    Page.objects.filter(pk=page.pk).update(owner=author)
    reference = Reference(page=page, citation="NICE NG101", url="https://nice.org.uk/ng101")
    services.edit_in_change(change=submitted_change, obj=reference, by=author, comment="NICE")
    source = Reference.objects.get(page=page).source
    services.mark_source(source=source, by=author, status="updated", note=NOTE)
    submitted_change.refresh_from_db()
    return submitted_change


def decide(client, change, *, shown):
    return client.post(
        reverse("reviews:sign_off", args=[change.pk]),
        {
            "decision": "approve",
            "seen_hash": change.content_hash,
            "comment": "Still right.",
            "flags_shown": shown,
        },
    )


def test_the_change_page_says_why_the_page_needs_review(client, flagged, medic):
    client.force_login(medic)

    html = html_of(client.get(flagged.get_absolute_url()))

    assert "Review needed: a source this page cites has changed" in html
    assert html.index(NOTE) < html.index("What changed and why")
    flag = ReviewFlag.objects.get()
    assert f'name="flags_shown" value="{flag.pk}"' in html
    assert "Your decision records that you saw this" in html


def test_a_decision_through_the_screen_records_the_flag_and_publishing_clears_it(
    client, flagged, medic, publisher
):
    flag = ReviewFlag.objects.get()
    client.force_login(medic)
    assert decide(client, flagged, shown=[flag.pk]).status_code == 302
    client.force_login(publisher)

    confirm = html_of(client.get(reverse("reviews:publish", args=[flagged.pk])))
    client.post(reverse("reviews:publish", args=[flagged.pk]), {"seen_hash": flagged.content_hash})

    assert "Publishing clears this flag" in confirm
    flag.refresh_from_db()
    assert flag.cleared_by_change_id == flagged.pk
    published = html_of(client.get(flagged.get_absolute_url()))
    assert "Reviewed because a source changed" in published


def test_a_screen_read_before_the_flag_was_raised_is_asked_to_decide_again(
    client, submitted_change, medic, author
):
    page = submitted_change.page
    services.edit_in_change(
        change=submitted_change,
        obj=Reference(page=page, citation="BMJ 2021;372:n71"),
        by=author,
        comment="BMJ",
    )
    submitted_change.refresh_from_db()
    client.force_login(medic)
    client.get(submitted_change.get_absolute_url())  # read with no flag
    source = Reference.objects.get(page=page).source
    services.mark_source(source=source, by=author, status="withdrawn", note="Retracted")

    response = decide(client, submitted_change, shown=[])

    html = html_of(response)
    assert "after you opened the page" in html and "Retracted" in html
    assert not submitted_change.sign_offs.exists()


def test_a_flag_not_seen_by_every_approving_reviewer_stays_open(
    client, submitted_change, medic, publisher, author, approve
):
    page = submitted_change.page
    services.edit_in_change(
        change=submitted_change, obj=Reference(page=page, citation="Old"), by=author, comment="x"
    )
    submitted_change.refresh_from_db()
    approve(submitted_change, medic)  # before the source changed
    services.mark_source(
        source=Reference.objects.get(page=page).source, by=author, status="updated", note=NOTE
    )
    client.force_login(publisher)

    confirm = html_of(client.get(reverse("reviews:publish", args=[submitted_change.pk])))

    assert "Still flagged after publishing" in confirm and NOTE in confirm


def test_the_owners_dashboard_puts_the_flagged_page_first_with_the_reason(
    client, flagged, author, make_page, publish
):
    other = make_page(slug="a-page-due-first", title="A page due first")
    publish(other, next_review_on=dt.date.today())
    Page.objects.filter(pk=other.pk).update(owner=author)
    client.force_login(author)

    html = html_of(client.get(reverse("reviews:dashboard")))

    looked_after = html[html.index("Pages you look after") :]
    assert looked_after.index("Secondary breast cancer") < looked_after.index("A page due first")
    assert "Review needed now" in looked_after and NOTE in looked_after


def test_the_calendar_lists_flagged_pages_first_and_marks_them_in_the_due_lists(
    client, flagged, medic, author, make_page, publish
):
    due_soon = make_page(slug="bone-scan", title="Bone scan")
    source = ReviewFlag.objects.get().source
    save_with_version(
        Reference(page=due_soon, citation="NICE NG101", source=source), by=author, comment="x"
    )
    publish(due_soon, next_review_on=dt.date.today() + dt.timedelta(days=10))
    services.mark_source(source=source, by=author, status="withdrawn", note="Withdrawn")
    client.force_login(medic)

    html = html_of(client.get(reverse("reviews:calendar")))
    csv = html_of(client.get(reverse("reviews:calendar_csv")))

    flagged_list = html[html.index('id="flagged-heading"') : html.index('id="due-overdue-heading"')]
    assert "(2)" in flagged_list
    assert "Secondary breast cancer" in flagged_list and NOTE in flagged_list
    due_30 = html[html.index('id="due-30-heading"') : html.index('id="due-90-heading"')]
    assert "Bone scan" in due_30 and "Review needed: a source changed" in due_30
    assert csv.splitlines()[0].endswith("Review needed now (a source changed)")
    assert all(line.endswith(",yes") for line in csv.splitlines()[1:])


def test_the_schedule_screen_says_why_the_page_needs_review(client, flagged, medic):
    client.force_login(medic)

    html = html_of(client.get(reverse("reviews:page_schedule", args=[flagged.page_id])))

    assert NOTE in html


# Reminders: a flag is due now.


def remind(day: dt.date, *, capture) -> str:
    out = io.StringIO()
    moment = dt.datetime(day.year, day.month, day.day, 7, tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False), capture(execute=True):
        call_command("send_review_reminders", stdout=out)
    return out.getvalue()


def test_the_owner_is_reminded_of_a_flag_at_once_then_weekly_and_publishers_after_30_days(
    flagged, mailoutbox, django_capture_on_commit_callbacks, author, publisher
):
    flag = ReviewFlag.objects.get()
    raised = flag.raised_at.date()

    first = remind(raised, capture=django_capture_on_commit_callbacks)
    again = remind(raised + dt.timedelta(days=3), capture=django_capture_on_commit_callbacks)
    weekly = remind(raised + dt.timedelta(days=7), capture=django_capture_on_commit_callbacks)
    late = remind(raised + dt.timedelta(days=35), capture=django_capture_on_commit_callbacks)

    assert f"review needed since {raised:%Y-%m-%d} (flag_{flag.pk}_0) to editor" in first
    assert "0 reminder(s) queued" in again
    assert f"(flag_{flag.pk}_1)" in weekly and f"(flag_{flag.pk}_5) to editor, pat" in late
    subjects = [(m.to[0], m.subject) for m in mailoutbox]
    assert subjects[0] == (
        "editor@example.org",
        "Review needed now: Secondary breast cancer (a source it cites was updated)",
    )
    assert ("pat@example.org", subjects[0][1]) in subjects[-2:]
    assert NOTE in mailoutbox[0].body and f"/reviews/changes/{flagged.pk}/" in mailoutbox[0].body
    assert ReviewReminder.objects.filter(kind__startswith="flag_").count() == 3


def test_a_cleared_flag_is_no_longer_reminded(
    flagged, mailoutbox, django_capture_on_commit_callbacks, medic, publisher
):
    flag = ReviewFlag.objects.get()
    services.sign_off(
        change=flagged,
        reviewer=medic,
        decision="approve",
        seen_hash=flagged.content_hash,
        sections=ReviewStatus(flagged).section_ids,
        shown={"flags": [flag.pk]},
    )
    services.publish(change=flagged, by=publisher)

    output = remind(flag.raised_at.date(), capture=django_capture_on_commit_callbacks)

    assert "flag_" not in output
