"""Every refused step says why and changes nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from infopages.models import PublishedPage, Section
from reviews import services
from reviews.core.errors import InvalidInput, InvalidTransition, NotAllowed
from reviews.models import AuditEvent, ChangeRequest, Comment, Decision, SignOff
from tests.reviews.conftest import OLD_TEXT

State = ChangeRequest.State


def snapshot(change):
    change.refresh_from_db()
    return (
        change.state,
        change.content_hash,
        SignOff.objects.count(),
        Comment.objects.count(),
        AuditEvent.objects.count(),
        PublishedPage.objects.count(),
        list(Section.objects.values_list("body", flat=True)),
    )


def test_publishing_an_unapproved_change_is_refused(client, submitted_change, publisher):
    before = snapshot(submitted_change)

    with pytest.raises(InvalidTransition, match="only a change request that is approved or"):
        services.publish(change=submitted_change, by=publisher)

    assert snapshot(submitted_change) == before
    assert OLD_TEXT in client.get(submitted_change.page.get_absolute_url()).content.decode()


def test_publishing_needs_a_publisher(approved_change, second_editor):
    before = snapshot(approved_change)

    with pytest.raises(NotAllowed, match="Only publishers can publish"):
        services.publish(change=approved_change, by=second_editor)

    assert snapshot(approved_change) == before


def test_a_publisher_who_wrote_part_of_the_change_cannot_publish_it(
    draft_change, author, medic, groups, approve
):
    author.groups.add(groups["Publishers"])
    services.submit_for_review(change=draft_change, by=author)
    approve(draft_change, medic)
    before = snapshot(draft_change)

    with pytest.raises(NotAllowed, match="another publisher must publish it"):
        services.publish(change=draft_change, by=author)
    with pytest.raises(NotAllowed, match="another publisher must publish it"):
        services.schedule(change=draft_change, by=author, at=timezone.now() + dt.timedelta(days=1))

    assert snapshot(draft_change) == before


ACTIONS_ON_A_CHANGE = {
    "approve": lambda change, people: services.sign_off(
        change=change,
        reviewer=people["medic"],
        decision=Decision.APPROVE,
        seen_hash=change.content_hash,
    ),
    "submit": lambda change, people: services.submit_for_review(change=change, by=people["author"]),
    "edit": lambda change, people: services.edit_in_change(
        change=change,
        obj=change.page.sections.first(),
        by=people["author"],
        comment="More",
    ),
    "publish": lambda change, people: services.publish(change=change, by=people["publisher"]),
    "comment": lambda change, people: services.add_comment(
        change=change, by=people["medic"], body="Hello?"
    ),
    "withdraw": lambda change, people: services.withdraw(change=change, by=people["author"]),
}


@pytest.mark.parametrize("action", ACTIONS_ON_A_CHANGE)
def test_acting_on_a_withdrawn_change_request_is_refused(
    submitted_change, author, medic, publisher, action
):
    services.withdraw(change=submitted_change, by=author, reason="Superseded")
    before = snapshot(submitted_change)
    people = {"author": author, "medic": medic, "publisher": publisher}

    with pytest.raises(InvalidTransition, match="was withdrawn, so it can no longer be"):
        ACTIONS_ON_A_CHANGE[action](submitted_change, people)

    assert snapshot(submitted_change) == before


def test_acting_on_a_published_change_request_is_refused(approved_change, author, publisher):
    services.publish(change=approved_change, by=publisher)
    section = approved_change.page.sections.first()

    with pytest.raises(InvalidTransition, match="already been published"):
        services.edit_in_change(change=approved_change, obj=section, by=author, comment="More")


def test_signing_off_a_draft_is_refused(draft_change, medic, approve):
    with pytest.raises(
        InvalidTransition,
        match="This change request is a draft; only a change request that is in review",
    ):
        approve(draft_change, medic)


def test_submitting_without_a_summary_is_refused(live_page, author, edit_section):
    change = services.start_change(page=live_page, by=author)
    edit_section(change, "symptoms", "Pain and tiredness.", by=author)
    before = snapshot(change)

    with pytest.raises(InvalidInput, match="what changed and why"):
        services.submit_for_review(change=change, by=author)

    assert snapshot(change) == before


def test_submitting_with_nothing_changed_is_refused(live_page, author):
    change = services.start_change(page=live_page, by=author, summary="Nothing really")

    with pytest.raises(InvalidInput, match="Nothing in this change differs"):
        services.submit_for_review(change=change, by=author)

    assert change.state == State.DRAFT


def test_a_second_open_change_request_for_a_page_is_refused(draft_change, second_editor):
    with pytest.raises(InvalidTransition, match="already has an open change request"):
        services.start_change(page=draft_change.page, by=second_editor, summary="Mine")

    assert ChangeRequest.objects.count() == 1


def test_only_editors_start_or_submit_change_requests(live_page, draft_change, medic):
    with pytest.raises(NotAllowed, match="Only editors"):
        services.start_change(page=live_page, by=medic, summary="A reviewer's own idea")
    with pytest.raises(NotAllowed, match="Only editors"):
        services.submit_for_review(change=draft_change, by=medic)


def test_editing_another_page_in_a_change_is_refused(draft_change, make_page, author):
    other = make_page(slug="bone-scan", title="Bone scan").sections.first()
    other.body = "Sneaked in"
    before = snapshot(draft_change)

    with pytest.raises(InvalidInput, match="is not part of “Secondary breast cancer”"):
        services.edit_in_change(change=draft_change, obj=other, by=author, comment="Oops")

    assert snapshot(draft_change) == before


def test_scheduling_in_the_past_is_refused(approved_change, publisher):
    before = snapshot(approved_change)

    with pytest.raises(InvalidInput, match="in the future"):
        services.schedule(
            change=approved_change, by=publisher, at=timezone.now() - dt.timedelta(minutes=5)
        )

    assert snapshot(approved_change) == before


def test_commenting_needs_a_workflow_role_and_some_text(submitted_change, make_user, medic):
    with pytest.raises(NotAllowed, match="Only editors, reviewers and publishers"):
        services.add_comment(change=submitted_change, by=make_user("reader"), body="Hi")
    with pytest.raises(InvalidInput, match="Write a comment"):
        services.add_comment(change=submitted_change, by=medic, body="   ")

    assert Comment.objects.count() == 0


def test_summary_cannot_be_changed_while_in_review(submitted_change, author):
    with pytest.raises(InvalidTransition):
        services.update_change_details(change=submitted_change, by=author, summary="Other")

    submitted_change.refresh_from_db()
    assert submitted_change.summary == "Explain where the cancer has spread from."
