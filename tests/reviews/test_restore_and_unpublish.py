import datetime as dt

import pytest
from django.utils import timezone
from reversion.models import Version

from infopages.models import PublishedPage
from reviews import services
from reviews.core.errors import InvalidInput, InvalidTransition, NotAllowed
from reviews.models import AuditEvent, ChangeRequest
from tests.reviews.conftest import NEW_TEXT, OLD_TEXT

State = ChangeRequest.State


def test_emergency_unpublish_takes_the_page_down_at_once_and_is_audited(
    client, live_page, publisher
):
    services.unpublish_page(page=live_page, by=publisher, reason="Dosage error found")

    response = client.get(live_page.get_absolute_url())
    assert response.status_code == 404
    assert OLD_TEXT.encode() not in response.content
    event = AuditEvent.objects.get(action="unpublished")
    assert (event.actor, event.page, event.message) == (publisher, live_page, "Dosage error found")
    assert PublishedPage.objects.filter(page=live_page).count() == 1  # kept in the history


def test_only_publishers_can_take_a_page_down(client, live_page, author):
    with pytest.raises(NotAllowed, match="Only publishers can take a page down"):
        services.unpublish_page(page=live_page, by=author, reason="I think it is wrong")

    assert client.get(live_page.get_absolute_url()).status_code == 200
    assert not AuditEvent.objects.filter(action="unpublished").exists()


def test_taking_a_page_down_needs_a_reason(client, live_page, publisher):
    with pytest.raises(InvalidInput, match="Give the reason"):
        services.unpublish_page(page=live_page, by=publisher, reason=" ")

    assert client.get(live_page.get_absolute_url()).status_code == 200


def test_taking_down_a_page_that_is_not_live_is_refused(make_page, publisher):
    with pytest.raises(InvalidTransition, match="not published"):
        services.unpublish_page(page=make_page(), by=publisher, reason="Just in case")


def test_taking_a_page_down_cancels_its_scheduled_publication(client, approved_change, publisher):
    services.schedule(
        change=approved_change, by=publisher, at=timezone.now() + dt.timedelta(hours=1)
    )

    services.unpublish_page(page=approved_change.page, by=publisher, reason="Dosage error")

    approved_change.refresh_from_db()
    assert approved_change.state == State.APPROVED
    assert services.publish_due(now=timezone.now() + dt.timedelta(hours=2)) == []
    assert client.get(approved_change.page.get_absolute_url()).status_code == 404


def test_restored_version_is_a_draft_that_goes_through_review(
    client, live_page, author, second_editor, medic, publisher, approve, approved_change
):
    services.publish(change=approved_change, by=publisher)
    section = live_page.sections.get(anchor="what-is-it")
    original = Version.objects.get_for_object(section).last()  # the very first version

    change = services.restore_as_draft(version=original, by=second_editor)

    assert change.state == State.DRAFT and change != approved_change
    section.refresh_from_db()
    assert section.body == OLD_TEXT  # back in the working copy...
    assert NEW_TEXT in client.get(live_page.get_absolute_url()).content.decode()  # ...not live
    services.update_change_details(
        change=change, by=second_editor, summary="Go back to the shorter definition."
    )
    services.submit_for_review(change=change, by=second_editor)
    approve(change, medic)
    services.publish(change=change, by=publisher)
    html = client.get(live_page.get_absolute_url()).content.decode()
    assert OLD_TEXT in html and NEW_TEXT not in html


def test_restoring_into_an_approved_change_sends_it_back_to_review(approved_change, second_editor):
    section = approved_change.page.sections.get(anchor="what-is-it")
    original = Version.objects.get_for_object(section).last()

    change = services.restore_as_draft(version=original, by=second_editor)

    assert change == approved_change
    change.refresh_from_db()
    assert change.state == State.IN_REVIEW


def test_restorer_cannot_sign_off_the_restored_text(
    live_page, approved_change, publisher, member, approve
):
    services.publish(change=approved_change, by=publisher)
    nurse = member("nurse", "Editors", "Medical reviewers")
    section = live_page.sections.get(anchor="what-is-it")
    change = services.restore_as_draft(
        version=Version.objects.get_for_object(section).last(), by=nurse
    )
    services.submit_for_review(change=change, by=nurse)

    with pytest.raises(NotAllowed, match="You wrote part of this change"):
        approve(change, nurse)


def test_a_whole_earlier_publication_can_be_restored_as_a_draft(
    client, live_page, author, approved_change, publisher
):
    first = PublishedPage.objects.get(page=live_page, is_current=True)
    services.publish(change=approved_change, by=publisher)

    change = services.restore_publication_as_draft(publication=first, by=author)

    assert change.state == State.DRAFT
    assert live_page.sections.get(anchor="what-is-it").body == OLD_TEXT
    assert NEW_TEXT in client.get(live_page.get_absolute_url()).content.decode()
    assert AuditEvent.objects.filter(action="restored", change_request_id=change.pk).exists()


def test_restoring_needs_an_editor(live_page, medic):
    version = Version.objects.get_for_object(live_page.sections.first()).first()

    with pytest.raises(NotAllowed, match="Only editors can restore"):
        services.restore_as_draft(version=version, by=medic)

    assert not ChangeRequest.objects.exists()


def test_restoring_a_removed_section_whose_anchor_was_reused_is_refused_with_a_reason(
    draft_change, author
):
    from infopages.models import Section

    symptoms = draft_change.page.sections.get(anchor="symptoms")
    removed = Version.objects.get_for_object(symptoms).first()
    services.remove_in_change(change=draft_change, obj=symptoms, by=author, comment="Rewrite")
    services.edit_in_change(
        change=draft_change,
        obj=Section(page=draft_change.page, position=5, heading="Symptoms"),
        by=author,
        comment="Written afresh",
    )

    with pytest.raises(InvalidInput, match="already has a section at #symptoms"):
        services.restore_as_draft(version=removed, by=author)

    assert draft_change.page.sections.filter(anchor="symptoms").count() == 1
