import datetime as dt
import io

from django.core.management import call_command
from django.utils import timezone

from reviews import services
from reviews.core.notifications import set_frequency
from reviews.models import Frequency, Notification


def recipients(mailbox):
    return sorted(address for email in mailbox for address in email.to)


def test_reviewers_are_emailed_when_a_change_awaits_them(
    draft_change, author, medic, lay, publisher, run_on_commit, mailoutbox
):
    run_on_commit(services.submit_for_review, change=draft_change, by=author)

    assert recipients(mailoutbox) == ["dr_patel@example.org"]  # not the lay reviewer: not needed
    email = mailoutbox[0]
    assert email.subject == f"Please review: Secondary breast cancer (change #{draft_change.pk})"
    assert "Explain where the cancer has spread from." in email.body
    assert f"http://127.0.0.1:8000/reviews/changes/{draft_change.pk}/" in email.body
    assert email.body.startswith("Hello Asha,")


def test_an_author_who_reviews_is_not_asked_to_review_their_own_change(
    draft_change, author, groups, medic, run_on_commit, mailoutbox
):
    author.groups.add(groups["Medical reviewers"])

    run_on_commit(services.submit_for_review, change=draft_change, by=author)

    assert recipients(mailoutbox) == ["dr_patel@example.org"]


def test_editor_is_emailed_when_changes_are_requested(
    submitted_change, medic, request_changes, run_on_commit, mailoutbox
):
    run_on_commit(request_changes, submitted_change, medic, comment="Mention the liver.")

    assert recipients(mailoutbox) == ["editor@example.org"]
    assert mailoutbox[0].subject.startswith("Changes requested: Secondary breast cancer")
    assert "Asha Patel (medical reviewer) asked for changes" in mailoutbox[0].body
    assert "Mention the liver." in mailoutbox[0].body


def test_editor_and_publishers_are_emailed_when_a_change_is_approved(
    submitted_change, medic, publisher, approve, run_on_commit, mailoutbox
):
    run_on_commit(approve, submitted_change, medic)

    by_address = {email.to[0]: email for email in mailoutbox}
    assert sorted(by_address) == ["editor@example.org", "pat@example.org"]
    assert by_address["editor@example.org"].subject.startswith("Approved:")
    assert "Asha Patel (medical reviewer)" in by_address["editor@example.org"].body
    assert by_address["pat@example.org"].subject.startswith("Ready to publish:")


def test_editor_is_emailed_when_the_change_is_published(
    approved_change, publisher, run_on_commit, mailoutbox
):
    run_on_commit(services.publish, change=approved_change, by=publisher)

    assert recipients(mailoutbox) == ["editor@example.org"]
    assert "http://127.0.0.1:8000/info/secondary-breast-cancer/" in mailoutbox[0].body


def test_reviewers_are_asked_again_after_an_edit_to_an_approved_change(
    approved_change, author, edit_section, run_on_commit, mailoutbox
):
    run_on_commit(edit_section, approved_change, "symptoms", "Pain, tiredness.", by=author)

    assert recipients(mailoutbox) == ["dr_patel@example.org"]
    assert mailoutbox[0].subject.startswith("Please review again:")
    assert "sign-offs given before the edit no longer count" in mailoutbox[0].body


def test_emails_wait_until_the_step_commits(draft_change, author, medic, mailoutbox):
    # No commit here (the test's transaction is rolled back): nothing leaves the outbox.
    services.submit_for_review(change=draft_change, by=author)

    assert mailoutbox == []
    assert Notification.objects.get().sent_at is None


def test_daily_digest_replaces_immediate_emails(
    live_page, author, medic, edit_section, run_on_commit, mailoutbox
):
    set_frequency(user=medic, frequency=Frequency.DAILY)
    change = services.start_change(page=live_page, by=author, summary="Clearer definition")
    edit_section(change, "what-is-it", "Spread.", by=author)
    run_on_commit(services.submit_for_review, change=change, by=author)
    assert mailoutbox == []

    output = io.StringIO()
    call_command("send_review_digests", stdout=output)

    assert recipients(mailoutbox) == ["dr_patel@example.org"]
    digest = mailoutbox[0]
    assert digest.subject == "Your daily review digest: 1 update"
    assert "Please review: Secondary breast cancer" in digest.body
    assert "1 email(s) sent." in output.getvalue()


def test_digest_is_sent_once(submitted_change, medic, mailoutbox):
    Notification.objects.update(frequency=Frequency.DAILY)

    call_command("send_review_digests", stdout=io.StringIO())
    call_command("send_review_digests", stdout=io.StringIO())

    assert len(mailoutbox) == 1
    assert not Notification.objects.filter(sent_at__isnull=True).exists()


def test_unsent_immediate_email_is_retried_by_the_digest_command(
    submitted_change, medic, mailoutbox
):
    # The commit-time send did not happen (say, the mail server was down).
    Notification.objects.update(created_at=timezone.now() - dt.timedelta(hours=1))

    call_command("send_review_digests", stdout=io.StringIO())

    assert recipients(mailoutbox) == ["dr_patel@example.org"]
    assert mailoutbox[0].subject.startswith("Please review:")


def test_a_digest_partly_claimed_by_another_run_is_left_for_the_next_run(
    submitted_change, medic, mailoutbox, monkeypatch
):
    from reviews.core import notifications

    Notification.objects.update(frequency=Frequency.DAILY)
    first = Notification.objects.get(user=medic)
    second = Notification.objects.create(
        user=medic,
        change=submitted_change,
        event=first.event,
        frequency=Frequency.DAILY,
        subject="Please review again",
        body="Again.",
    )
    claim = notifications._claim

    def another_run_claims_the_first_meanwhile(pks, now):
        Notification.objects.filter(pk=first.pk).update(sent_at=now - dt.timedelta(seconds=1))
        return claim(pks, now)

    monkeypatch.setattr(notifications, "_claim", another_run_claims_the_first_meanwhile)
    notifications.send_digests()
    monkeypatch.setattr(notifications, "_claim", claim)

    assert mailoutbox == []  # this run backed off...
    assert Notification.objects.get(pk=second.pk).sent_at is None  # ...and let go of its claim
    notifications.send_digests()
    assert [email.subject for email in mailoutbox] == ["Your daily review digest: 1 update"]
