"""An outside reviewer's decision is a sign-off like any other: bound to the content they
saw, counted towards the roles the change needs, refused if they wrote part of it, lapsing
when their invitation is revoked, shown as an outside reviewer's in the workspace and the
audit log, and credited on the public page after a full review unless they opt out. Four
eyes for staff is unchanged."""

import csv
import io

import pytest
from django.urls import reverse

from infopages.models import PublishedPage
from reviews import services
from reviews.core.audit import Action
from reviews.core.errors import InvalidInput, InvalidTransition, NotAllowed, StaleContent
from reviews.core.status import ReviewStatus
from reviews.models import AuditEvent, ChangeRequest, Decision, SignOff
from tests.reviews.conftest import require_sign_offs

State = ChangeRequest.State


def decide(invitation, change, decision=Decision.APPROVE, **kwargs):
    return services.decide_as_invited(
        invitation=invitation,
        decision=decision,
        seen_hash=kwargs.pop("seen_hash", change.content_hash),
        sections=kwargs.pop("sections", ReviewStatus(change).section_ids),
        **kwargs,
    )


def test_an_outside_approval_counts_towards_the_role_and_approves_the_change(
    submitted_change, invite, mailoutbox, run_on_commit
):
    invitation, _path = invite(submitted_change)

    signed = run_on_commit(decide, invitation, submitted_change)

    submitted_change.refresh_from_db()
    assert submitted_change.state == State.APPROVED
    assert signed.reviewer is None and signed.invitation == invitation
    assert signed.content_hash == submitted_change.content_hash
    assert signed.credit["name"] == "Dr Amira Hale" and signed.credit["outside"] is True
    review = ReviewStatus(submitted_change)
    assert review.counting == [signed] and review.missing == {}
    event = AuditEvent.objects.get(action=Action.SIGNED_OFF)
    assert event.actor is None and "outside reviewer Dr Amira Hale" in event.message
    approved = [m for m in mailoutbox if m.subject.startswith("Approved")]
    assert approved and "Dr Amira Hale (outside reviewer, medical reviewer)" in approved[0].body


def test_an_outside_request_for_changes_goes_to_the_editors(
    submitted_change, invite, mailoutbox, run_on_commit, author
):
    invitation, _path = invite(submitted_change)

    run_on_commit(
        decide, invitation, submitted_change, Decision.REQUEST_CHANGES, comment="Say more."
    )

    submitted_change.refresh_from_db()
    assert submitted_change.state == State.CHANGES_REQUESTED
    told = [m for m in mailoutbox if m.to == [author.email]]
    assert "Dr Amira Hale (outside reviewer, medical reviewer) asked for changes" in told[-1].body


def test_a_decision_on_content_edited_since_is_refused(
    submitted_change, invite, author, edit_section
):
    invitation, _path = invite(submitted_change)
    seen = submitted_change.content_hash
    edit_section(submitted_change, "symptoms", "Pain, and more.", by=author)

    with pytest.raises(StaleContent):
        decide(invitation, submitted_change, seen_hash=seen)
    assert not SignOff.objects.exists()
    invitation.refresh_from_db()
    assert invitation.decided_at is None  # they may read again and decide


def test_an_outside_approval_stops_counting_when_the_content_changes(
    submitted_change, invite, author, edit_section
):
    invitation, _path = invite(submitted_change)
    decide(invitation, submitted_change)

    edit_section(submitted_change, "symptoms", "Pain, and more.", by=author)

    submitted_change.refresh_from_db()
    assert submitted_change.state == State.IN_REVIEW
    assert ReviewStatus(submitted_change).counting == []


def test_an_author_cannot_be_invited_nor_sign_off_as_an_outside_reviewer(
    submitted_change, invite, author, second_editor, edit_section
):
    with pytest.raises(NotAllowed, match="wrote part of this change"):
        invite(submitted_change, email=author.email.upper())

    invitation, _path = invite(submitted_change, email="sam.home@example.net")
    # An editor with that address (their home one, say) writes part of the change.
    second_editor.email = "Sam.Home@example.net"
    second_editor.save()
    edit_section(submitted_change, "symptoms", "Pain, and more.", by=second_editor)

    with pytest.raises(NotAllowed, match="Someone with your email address wrote part"):
        decide(invitation, submitted_change)
    assert not SignOff.objects.exists()


def test_people_with_an_account_sign_off_in_the_workspace_not_by_a_link(
    submitted_change, invite, medic
):
    with pytest.raises(InvalidInput, match="account on the portal"):
        invite(submitted_change, email=medic.email)


def test_one_working_link_per_address_and_only_in_a_role_the_change_needs(submitted_change, invite):
    invite(submitted_change)
    with pytest.raises(InvalidTransition, match="already has a link"):
        invite(submitted_change, email="AMIRA.HALE@hospital.example")
    with pytest.raises(InvalidInput, match="does not need a lay reviewer"):
        invite(submitted_change, email="lay.person@example.net", role="lay")


def test_one_person_invited_twice_is_one_reviewer(
    submitted_change, invite, publisher, author, edit_section
):
    """Two approvals from one address do not make two reviewers of a change needing two."""
    first, _ = invite(submitted_change)
    decide(first, submitted_change)
    edit_section(submitted_change, "symptoms", "Pain, and more.", by=author)
    second, _ = invite(submitted_change)  # the first has decided: a new link

    decide(second, submitted_change)

    review = ReviewStatus(submitted_change)
    assert [s.invitation for s in review.latest] == [second]


def test_staff_four_eyes_is_unchanged(
    submitted_change, invite, author, second_editor, publisher, approve
):
    """The page's owner may invite (having written none of the change), and its author still
    neither signs it off nor publishes it."""
    page = submitted_change.page
    page.owner = second_editor
    page.save()
    invitation, _path = invite(submitted_change, by=second_editor)
    with pytest.raises(NotAllowed):
        approve(submitted_change, author)
    decide(invitation, submitted_change)
    submitted_change.refresh_from_db()

    with pytest.raises(NotAllowed):
        services.publish(change=submitted_change, by=author)
    services.publish(change=submitted_change, by=publisher)
    assert submitted_change.state == State.PUBLISHED


def test_only_publishers_and_the_pages_owner_invite(submitted_change, invite, second_editor, medic):
    for someone in (second_editor, medic):
        with pytest.raises(NotAllowed, match="Only publishers"):
            invite(submitted_change, by=someone)


def test_revoking_after_an_approval_sends_the_change_back_to_review(
    submitted_change, invite, publisher, medic, approve
):
    """A change needing two medical sign-offs, approved with an outside reviewer's."""
    require_sign_offs(page=submitted_change.page, medical=2)
    approve(submitted_change, medic)
    invitation, _path = invite(submitted_change)
    decide(invitation, submitted_change)
    submitted_change.refresh_from_db()
    assert submitted_change.state == State.APPROVED

    services.revoke_invitation(invitation=invitation, by=publisher)

    submitted_change.refresh_from_db()
    assert submitted_change.state == State.IN_REVIEW
    lapsed = ReviewStatus(submitted_change).lapsed
    assert [entry.reason for entry in lapsed] == ["their invitation was revoked"]
    event = AuditEvent.objects.filter(action=Action.SIGN_OFF_LAPSED).get()
    assert "Dr Amira Hale (outside reviewer, their invitation was revoked)" in event.message


@pytest.fixture
def full_review(live_page, author, edit_section, medic, lay, publisher):
    change = services.start_change(
        page=live_page, by=author, summary="Checked every part.", is_full_review=True
    )
    edit_section(change, "symptoms", "Pain, and tiredness.", by=author)
    return services.submit_for_review(change=change, by=author)


@pytest.mark.parametrize("named", [True, False])
def test_the_public_page_credits_the_outside_reviewer_unless_they_opt_out(
    client, full_review, invite, approve, lay, publisher, named
):
    invitation, _path = invite(full_review)
    decide(invitation, full_review, named=named)
    approve(full_review, lay)
    full_review.refresh_from_db()

    publication = services.publish(change=full_review, by=publisher)

    credit = {
        "name": "Dr Amira Hale" if named else "",
        "role": "Consultant Clinical Oncologist",
        "credentials": "MBBS FRCR" if named else "",
    }
    assert credit in publication.reviewers
    html = client.get(publication.get_absolute_url()).content.decode()
    assert "Consultant Clinical Oncologist" in html
    assert ("Dr Amira Hale, MBBS FRCR" in html) is named
    approver = next(a for a in publication.approved_by if a.get("invitation"))
    assert approver["name"] == "Dr Amira Hale" and "outside reviewer" in approver["role_label"]


def test_the_decision_screen_of_a_full_review_offers_the_opt_out(
    client, full_review, invite, open_link
):
    invitation, path = invite(full_review)
    open_link(client, path)
    html = client.get(path).content.decode()
    assert "Name me on the page" in html
    assert "Dr Amira Hale, MBBS FRCR, Consultant Clinical Oncologist" in html

    client.post(
        path + "decision/",
        {
            "decision": "approve",
            "seen_hash": full_review.content_hash,
            "sections": ReviewStatus(full_review).section_ids,
            "role": "medical",
        },
    )  # the box left unticked

    signed = SignOff.objects.get(invitation=invitation)
    assert signed.credit["named"] is False and signed.credit["name"] == ""


def test_the_change_page_lists_invitations_and_shows_outside_decisions(
    client, submitted_change, invite, publisher, open_link
):
    waiting, _ = invite(submitted_change, email="waiting@hospital.example", name="Dr Wait")
    revoked, _ = invite(submitted_change, email="gone@hospital.example", name="Dr Gone")
    services.revoke_invitation(invitation=revoked, by=publisher)
    decided, path = invite(submitted_change)
    client.force_login(publisher)
    before = client.get(submitted_change.get_absolute_url()).content.decode()
    assert reverse("reviews:invite", args=[submitted_change.pk]) in before
    client.logout()
    open_link(client, path)
    client.post(
        path + "decision/", {"decision": "approve", "seen_hash": submitted_change.content_hash}
    )
    client.logout()
    client.force_login(publisher)

    html = client.get(submitted_change.get_absolute_url()).content.decode()

    assert "Outside reviewers" in html
    assert "Sent, not opened yet" in html and "Revoked" in html and "Decided" in html
    assert "Dr Amira Hale</strong> (outside reviewer, medical reviewer): Approve" in html
    assert reverse("reviews:invite", args=[submitted_change.pk]) not in html  # approved now
    assert reverse("reviews:revoke_invitation", args=[submitted_change.pk, waiting.pk]) in html


def test_inviting_through_the_screen(client, submitted_change, publisher, mailoutbox):
    client.force_login(publisher)
    url = reverse("reviews:invite", args=[submitted_change.pk])
    assert "They review as" in client.get(url).content.decode()

    with_errors = client.post(url, {"name": "Dr Ana Silva", "email": "not-an-address"})
    response = client.post(
        url,
        {
            "name": "Dr Ana Silva",
            "email": "ana.silva@hospital.example",
            "role": "medical",
            "public_role": "Consultant Radiologist",
            "days": "7",
        },
    )

    assert with_errors.status_code == 200 and "Enter an email address" in (
        with_errors.content.decode()
    )
    assert response.status_code == 302
    invitation = submitted_change.invitations.get()
    assert round((invitation.expires_at - invitation.created_at).total_seconds() / 86400) == 7


def test_invitations_and_outside_decisions_are_in_the_audit_csv(
    admin_client, submitted_change, invite, client, open_link
):
    _invitation, path = invite(submitted_change)
    open_link(client, path)
    client.post(
        path + "decision/", {"decision": "approve", "seen_hash": submitted_change.content_hash}
    )

    response = admin_client.get(reverse("reviews:audit_csv"))

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_action = {row["what"]: row for row in rows}
    assert (
        "Invited Dr Amira Hale (amira.hale@hospital.example)"
        in (by_action["invitation_sent"]["details"])
    )
    outside = "outside reviewer amira.hale@hospital.example"
    assert by_action["invitation_opened"]["who"] == outside
    assert by_action["signed_off"]["who"] == outside
    assert by_action["signed_off"]["who (name)"] == "Dr Amira Hale"
    assert by_action["approved"]["who"] == "system"
    assert PublishedPage.objects.count() == 1  # nothing published by any of this


def test_invited_again_after_an_edit_they_see_first_what_changed_since_they_approved(
    client, submitted_change, invite, open_link, publisher, author, edit_section
):
    first, _ = invite(submitted_change)
    decide(first, submitted_change)
    edit_section(submitted_change, "symptoms", "Pain, and sneaked words.", by=author)
    client.force_login(publisher)
    again = client.get(
        reverse("reviews:invite", args=[submitted_change.pk]) + f"?again={first.pk}"
    ).content.decode()
    assert 'value="amira.hale@hospital.example"' in again and 'value="MBBS FRCR"' in again
    client.logout()

    _second, path = invite(submitted_change)
    open_link(client, path)
    html = client.get(path).content.decode()

    assert "What changed since you approved" in html
    since = html[html.index('id="since-heading"') : html.index('id="why-heading"')]
    assert "sneaked words" in since
