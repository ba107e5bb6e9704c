"""Four eyes hold through outside reviewers: an outside approval counts only when the link
was sent by someone who wrote none of the change, to a mailbox that is neither an author's
nor the inviter's (``erin+x@`` is ``erin@``), checked when inviting, when the reviewer
decides, and whenever the approval is counted (issue 18, item 2)."""

import pytest
from django.urls import reverse

from reviews import services
from reviews.core import policy
from reviews.core.errors import InvalidInput, InvalidTransition, NotAllowed
from reviews.core.models.invitations import mailbox_of
from reviews.core.status import ReviewStatus
from reviews.models import ChangeRequest, Decision, Invitation, SignOff
from tests.reviews.conftest import require_sign_offs

State = ChangeRequest.State


def decide(invitation, change):
    return services.decide_as_invited(
        invitation=invitation,
        decision=Decision.APPROVE,
        seen_hash=change.content_hash,
        sections=ReviewStatus(change).section_ids,
    )


INVITATION = {
    "name": "Erin at home",
    "role": "medical",
    "public_role": "Consultant Clinical Oncologist",
    "days": 14,
}


def test_an_author_who_makes_themselves_owner_cannot_invite_their_own_tagged_address(
    client, submitted_change, author, mailoutbox
):
    """The attack of issue 18: owner of the page, then an invitation to ``editor+x@``."""
    client.force_login(author)
    page = submitted_change.page
    owner_url = reverse("reviews:change_owner", args=[page.pk])
    assert client.post(owner_url, {"owner": author.pk}).status_code == 302
    page.refresh_from_db()
    assert page.owner == author

    invite_url = reverse("reviews:invite", args=[submitted_change.pk])
    response = client.post(invite_url, {**INVITATION, "email": "editor+x@example.org"})

    assert response.status_code == 403
    assert "You wrote part of this change" in response.content.decode()
    assert not Invitation.objects.exists()
    assert not [m for m in mailoutbox if m.to == ["editor+x@example.org"]]
    submitted_change.refresh_from_db()
    assert submitted_change.state == State.IN_REVIEW


def test_an_owner_who_edits_after_inviting_cannot_have_the_link_approve_the_change(
    client, submitted_change, second_editor, invite, open_link, edit_section
):
    """Invited while they wrote none of it, then they edit: the link's approval is refused."""
    page = submitted_change.page
    page.owner = second_editor
    page.save()
    _invitation, path = invite(submitted_change, by=second_editor, email="friend@example.net")
    edit_section(submitted_change, "symptoms", "Pain, and my own words.", by=second_editor)
    open_link(client, path)

    response = client.post(
        path + "decision/", {"decision": "approve", "seen_hash": submitted_change.content_hash}
    )

    assert "The person who invited you has since written part" in response.content.decode()
    assert not SignOff.objects.exists()
    submitted_change.refresh_from_db()
    assert submitted_change.state == State.IN_REVIEW


def test_an_approval_lapses_when_its_inviter_edits_the_change_even_back_to_what_was_approved(
    submitted_change, member, invite, edit_section
):
    """Same content hash as approved, but the inviter is an author now."""
    inviter = member("robin", policy.EDITORS, policy.PUBLISHERS, first_name="Robin")
    invitation, _path = invite(submitted_change, by=inviter)
    decide(invitation, submitted_change)
    approved_hash = submitted_change.content_hash
    edit_section(submitted_change, "symptoms", "Pain, briefly.", by=inviter)
    edit_section(submitted_change, "symptoms", "Pain.", by=inviter)
    submitted_change.refresh_from_db()
    assert submitted_change.content_hash == approved_hash

    review = ReviewStatus(submitted_change)

    assert review.counting == [] and review.missing
    assert [entry.reason for entry in review.lapsed] == [
        "the person who invited them wrote part of the change"
    ]


@pytest.mark.parametrize(
    "author_address, invited",
    [
        ("editor@example.org", "editor+x@example.org"),
        ("editor@example.org", "EDITOR@Example.ORG"),
        ("erin.editor@gmail.com", "ErinEditor+nhs@googlemail.com"),
        ("erineditor@googlemail.com", "e.r.i.n.editor@gmail.com"),
    ],
)
def test_a_variant_of_an_authors_address_cannot_be_invited(
    submitted_change, invite, author, author_address, invited
):
    author.email = author_address
    author.save()

    with pytest.raises(NotAllowed, match="wrote part of this change"):
        invite(submitted_change, email=invited)
    assert not Invitation.objects.exists()


def test_the_inviters_own_address_cannot_be_invited(submitted_change, invite, publisher):
    with pytest.raises(NotAllowed, match="your own address"):
        invite(submitted_change, email="Pat+outside@example.org")


def test_a_tagged_address_of_someone_with_an_account_cannot_be_invited(
    submitted_change, invite, second_editor
):
    """An editor who wrote none of it still signs off only in the workspace, as a reviewer."""
    with pytest.raises(InvalidInput, match="account on the portal"):
        invite(submitted_change, email="sam+link@example.org")


def test_an_approval_stops_counting_when_an_author_takes_its_address(
    submitted_change, invite, author, publisher
):
    invitation, _path = invite(submitted_change, email="amira.hale@hospital.example")
    decide(invitation, submitted_change)
    submitted_change.refresh_from_db()
    assert submitted_change.state == State.APPROVED

    author.email = "Amira.Hale+home@hospital.example"
    author.save()

    with pytest.raises(InvalidTransition, match="does not have every sign-off"):
        services.publish(change=submitted_change, by=publisher)
    lapsed = ReviewStatus(submitted_change).lapsed
    assert [entry.reason for entry in lapsed] == [
        "their address is that of someone who wrote part of the change"
    ]


def test_variants_of_one_address_are_one_reviewer(submitted_change, invite, author):
    """Two approvals from one mailbox do not make two reviewers of a change needing two."""
    require_sign_offs(page=submitted_change.page, medical=2)
    first, _ = invite(submitted_change, email="amira@hospital.example")
    decide(first, submitted_change)
    second, _ = invite(submitted_change, email="Amira+again@hospital.example")

    with pytest.raises(InvalidTransition, match="already given this decision"):
        decide(second, submitted_change)
    assert ReviewStatus(submitted_change).missing


def test_an_author_who_owns_the_page_may_still_revoke_a_link(
    submitted_change, invite, author, publisher
):
    """Revoking only ever takes an approval away, so the owner keeps it though they wrote it."""
    page = submitted_change.page
    page.owner = author
    page.save()
    invitation, _path = invite(submitted_change, by=publisher)

    services.revoke_invitation(invitation=invitation, by=author)

    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


@pytest.mark.parametrize(
    "address, mailbox",
    [
        ("Erin+Review@Example.org", "erin@example.org"),
        (" e.r.i.n@googlemail.com ", "erin@gmail.com"),
        ("e.r.i.n@example.org", "e.r.i.n@example.org"),  # dots matter elsewhere
    ],
)
def test_addresses_are_compared_by_the_mailbox_they_reach(address, mailbox):
    assert mailbox_of(address) == mailbox
