"""Reviewer roles are rows the administrators keep: adding a role and requiring it for a topic,
in the admin, makes that topic's changes need it, with no code change. Outside reviewers can
be invited in it, and every change to roles and requirements is audited."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from infopages.models import Topic
from reviews import services
from reviews.core.audit import Action
from reviews.core.errors import NotAllowed
from reviews.core.status import ReviewStatus
from reviews.models import (
    AuditEvent,
    ChangeRequest,
    Decision,
    ReviewerRole,
    SignOffRequirement,
)
from tests.reviews.conftest import requirement_rows

State = ChangeRequest.State


@pytest.fixture
def topic(db):
    """Pages in these tests are about medicines (overrides the shared fixture)."""
    return Topic.objects.create(name="Medicines", slug="medicines")


def add_role(admin_client, *, code="pharmacist", label="pharmacist", group_name="Pharmacists"):
    group = Group.objects.create(name=group_name)
    response = admin_client.post(
        reverse("admin:reviews_reviewerrole_add"),
        {
            "code": code,
            "label": label,
            "public_label": label.capitalize(),
            "group": group.pk,
            "position": 2,
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return ReviewerRole.objects.get(code=code)


def require_for_topic(admin_client, topic, rows):
    return admin_client.post(
        reverse("admin:reviews_signoffrequirement_add"),
        {"topic": topic.pk, **requirement_rows(rows)},
    )


@pytest.fixture
def pharmacist_required(admin_client, topic):
    """Through the admin: a Pharmacist role, and Medicines needing one medical reviewer and
    one pharmacist on every change."""
    pharmacist = add_role(admin_client)
    medical = ReviewerRole.objects.get(code="medical")
    response = require_for_topic(admin_client, topic, [(medical, 1, 0), (pharmacist, 1, 0)])
    assert response.status_code == 302, response.content.decode()[:3000]
    return pharmacist


@pytest.fixture
def pharmacist(member, pharmacist_required):
    user = member("phil", first_name="Phil", last_name="Okoro")
    user.groups.add(Group.objects.get(name="Pharmacists"))
    return user


def test_a_role_required_for_a_topic_in_the_admin_is_needed_before_approval(
    pharmacist_required, submitted_change, medic, approve
):
    approve(submitted_change, medic)

    submitted_change.refresh_from_db()
    assert submitted_change.state == State.IN_REVIEW
    assert ReviewStatus(submitted_change).missing == {"pharmacist": 1}


def test_the_change_page_says_it_waits_for_the_new_role(
    pharmacist_required, submitted_change, medic, approve, client
):
    approve(submitted_change, medic)
    client.force_login(medic)

    page = client.get(submitted_change.get_absolute_url()).content.decode()

    assert "In review: waiting for 1 pharmacist." in page


def test_a_member_of_the_roles_group_signs_off_in_it_and_the_change_is_approved(
    pharmacist, submitted_change, medic, approve, client
):
    approve(submitted_change, medic)
    client.force_login(pharmacist)

    response = client.post(
        reverse("reviews:sign_off", args=[submitted_change.pk]),
        {
            "decision": Decision.APPROVE,
            "comment": "Doses are right.",
            "seen_hash": submitted_change.content_hash,
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    submitted_change.refresh_from_db()
    assert submitted_change.state == State.APPROVED
    assert submitted_change.sign_offs.get(reviewer=pharmacist).role == "pharmacist"
    assert (
        "Approved as pharmacist"
        in AuditEvent.objects.filter(action=Action.SIGNED_OFF).last().message
    )


def test_someone_outside_the_roles_group_cannot_sign_off_in_it(
    pharmacist_required, submitted_change, medic, approve
):
    with pytest.raises(NotAllowed, match="Only pharmacists can sign off as a pharmacist"):
        approve(submitted_change, medic, role="pharmacist")


def test_an_outside_reviewer_can_be_invited_in_the_new_role(
    pharmacist_required, submitted_change, medic, approve, invite, mailoutbox, run_on_commit
):
    approve(submitted_change, medic)

    invitation, _path = invite(
        submitted_change, role="pharmacist", public_role="Pharmacist", email="ola@pharmacy.example"
    )
    run_on_commit(
        services.decide_as_invited,
        invitation=invitation,
        decision=Decision.APPROVE,
        seen_hash=submitted_change.content_hash,
        sections=ReviewStatus(submitted_change).section_ids,
    )

    submitted_change.refresh_from_db()
    assert invitation.role == "pharmacist"
    assert "as a pharmacist" in mailoutbox[0].body
    assert submitted_change.state == State.APPROVED


def test_the_invitation_form_offers_the_new_role(
    pharmacist_required, submitted_change, publisher, client
):
    client.force_login(publisher)

    page = client.get(reverse("reviews:invite", args=[submitted_change.pk])).content.decode()

    assert 'value="pharmacist"' in page and "Pharmacist" in page


def test_a_topic_without_the_role_does_not_need_it(admin_client, submitted_change, medic, approve):
    add_role(admin_client)

    approve(submitted_change, medic)

    submitted_change.refresh_from_db()
    assert submitted_change.state == State.APPROVED


def test_a_requirement_needing_nobody_on_every_change_is_refused(admin_client, topic):
    pharmacist = add_role(admin_client)

    response = require_for_topic(admin_client, topic, [(pharmacist, 0, 1)])

    assert response.status_code == 200
    assert "Every change must be signed off by someone" in response.content.decode()
    assert not SignOffRequirement.objects.filter(topic=topic).exists()


def test_the_default_requirement_cannot_be_deleted(admin_client):
    default = SignOffRequirement.objects.get(topic=None, page=None)

    admin_client.post(
        reverse("admin:reviews_signoffrequirement_delete", args=[default.pk]), {"post": "yes"}
    )

    assert SignOffRequirement.objects.filter(pk=default.pk).exists()


def test_adding_a_role_and_requiring_it_are_audited(pharmacist_required):
    messages = [
        e.message for e in AuditEvent.objects.filter(action=Action.ADMIN_CHANGED).order_by("id")
    ]

    assert messages[0].startswith("In the admin: added reviewer role “pharmacist”: code: ")
    assert "group: Pharmacists" in messages[0]
    assert messages[1].startswith("In the admin: added sign-off requirement “Medicines”")
    assert (
        "medical reviewer: 1 (0 for a full review); pharmacist: 1 (0 for a full review)"
        in (messages[1])
    )


def test_changing_a_requirements_rows_is_audited(admin_client, pharmacist_required, topic):
    requirement = SignOffRequirement.objects.get(topic=topic)
    rows = list(requirement.roles.order_by("role__position"))
    medical = ReviewerRole.objects.get(code="medical")

    admin_client.post(
        reverse("admin:reviews_signoffrequirement_change", args=[requirement.pk]),
        {
            "topic": topic.pk,
            **requirement_rows([(medical, 1, 0), (pharmacist_required, 2, 0)], rows),
        },
    )

    changed = AuditEvent.objects.filter(action=Action.ADMIN_CHANGED).order_by("id").last()
    assert changed.message.startswith("In the admin: changed sign-off requirement “Medicines”")
    assert "pharmacist: 1 (0 for a full review) → " in changed.message
    assert changed.message.endswith("pharmacist: 2 (0 for a full review)")


def test_an_inactive_role_is_needed_nowhere(
    admin_client, pharmacist_required, submitted_change, medic, approve
):
    pharmacist_required.active = False
    pharmacist_required.save()

    approve(submitted_change, medic)

    submitted_change.refresh_from_db()
    assert submitted_change.state == State.APPROVED
