"""What a reviewer is told of their own sign-off: once they approved and it still counts,
no screen, list or email asks them again, until an edit makes it lapse (issue 17)."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from reviews.core import policy
from reviews.models import ChangeRequest
from tests.reviews.conftest import require_sign_offs

State = ChangeRequest.State


def html_for(client, user, change) -> str:
    client.force_login(user)
    return client.get(change.get_absolute_url()).content.decode()


def test_after_approving_a_change_still_waiting_for_a_lay_reviewer_the_medic_sees_no_form(
    client, recertification, medic, approve
):
    signed = approve(recertification, medic)

    html = html_for(client, medic, recertification)

    at = timezone.localtime(signed.created_at)
    said = f"You approved this on {at:%-d %B} at {at:%H:%M}; waiting for 1 lay reviewer."
    assert said in html
    assert "Send my decision" not in html
    assert "Your sign-off is needed" not in html
    assert "In review: waiting for 1 lay reviewer." in html


def test_the_lay_reviewer_is_still_asked_after_the_medic_approved(
    client, recertification, medic, lay, approve
):
    approve(recertification, medic)

    html = html_for(client, lay, recertification)

    assert "Your sign-off is needed" in html
    assert "Send my decision" in html
    assert "You approved this" not in html


def test_an_edit_after_their_approval_asks_the_reviewer_again(
    client, recertification, medic, author, approve, edit_section
):
    approve(recertification, medic)
    edit_section(recertification, "symptoms", "Pain and tiredness.", by=author)

    html = html_for(client, medic, recertification)

    assert "Send my decision" in html
    assert "You approved this on" not in html
    assert "no longer counts: the page was edited after it." in html


def test_posting_the_same_approval_again_is_refused_with_a_message(
    client, recertification, medic, approve
):
    approve(recertification, medic)
    client.force_login(medic)

    response = client.post(
        reverse("reviews:sign_off", args=[recertification.pk]),
        {"decision": "approve", "seen_hash": recertification.content_hash},
    )

    html = response.content.decode()
    assert "You have already given this decision on this version." in html
    assert recertification.sign_offs.count() == 1


@pytest.fixture
def two_medics_needed(live_page, member):
    require_sign_offs(page=live_page, medical=2)
    return member("dr_okafor", policy.MEDICAL_REVIEWERS, first_name="Ngozi", last_name="Okafor")


def test_waiting_for_your_sign_off_leaves_out_a_change_you_approved_that_counts(
    client, submitted_change, medic, two_medics_needed, approve
):
    other_medic = two_medics_needed
    approve(submitted_change, medic)
    dashboard = reverse("reviews:dashboard")

    client.force_login(medic)
    mine = client.get(dashboard).content.decode()
    client.force_login(other_medic)
    theirs = client.get(dashboard).content.decode()

    review_link = f"Review “{submitted_change.page.title}”"
    assert review_link not in mine
    assert "Nothing is waiting for you." in mine
    assert review_link in theirs


def test_a_change_sent_back_to_review_does_not_email_a_reviewer_whose_approval_counts(
    submitted_change, medic, two_medics_needed, approve, member, run_on_commit, mailoutbox
):
    other_medic = two_medics_needed
    third = member("dr_lind", policy.MEDICAL_REVIEWERS, first_name="Sven", last_name="Lind")
    approve(submitted_change, medic)
    approve(submitted_change, other_medic)
    submitted_change.refresh_from_db()
    assert submitted_change.state == State.APPROVED
    mailoutbox.clear()

    # The second medic leaves the role: the change goes back to review, one medic short.
    medics = Group.objects.get(name=policy.MEDICAL_REVIEWERS)
    run_on_commit(medics.user_set.remove, other_medic)

    submitted_change.refresh_from_db()
    assert submitted_change.state == State.IN_REVIEW
    asked = sorted(a for m in mailoutbox if re.match("Please review", m.subject) for a in m.to)
    assert asked == [third.email]


def test_a_reviewer_who_approved_may_still_choose_to_ask_for_changes(
    client, recertification, medic, approve
):
    approve(recertification, medic)
    client.force_login(medic)
    assert "?decide=again#sign-off" in html_for(client, medic, recertification)

    again = client.get(recertification.get_absolute_url() + "?decide=again").content.decode()
    assert "Send my decision" in again

    client.post(
        reverse("reviews:sign_off", args=[recertification.pk]),
        {
            "decision": "request_changes",
            "comment": "On reflection, say how long the scan takes.",
            "seen_hash": recertification.content_hash,
        },
    )
    recertification.refresh_from_db()
    assert recertification.state == State.CHANGES_REQUESTED
