"""Publishing asks for an optional one-line note for readers, which the page's public
history shows; scheduling asks for it too, for when the change goes live."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from infopages.models import PUBLIC_NOTE_MAX_LENGTH, PublishedPage
from reviews import services
from reviews.core.audit import Action
from reviews.core.errors import InvalidInput
from reviews.models import AuditEvent, ChangeRequest

NOTE = "Updated the information about bone scans"


def test_the_confirmation_screen_asks_for_the_note_and_publishing_keeps_it(
    client, approved_change, publisher
):
    client.force_login(publisher)
    url = reverse("reviews:publish", args=[approved_change.pk])
    assert "Note for readers (optional)" in client.get(url).content.decode()

    response = client.post(url, {"seen_hash": approved_change.content_hash, "public_note": NOTE})

    assert response.status_code == 302
    publication = PublishedPage.objects.current().get(page=approved_change.page)
    assert publication.public_note == NOTE
    assert NOTE in AuditEvent.objects.get(action=Action.PUBLISHED).message
    history = client.get(reverse("infopages:page_history", args=[publication.slug]))
    assert NOTE in history.content.decode()


def test_a_minor_change_may_have_no_note(client, approved_change, publisher):
    client.force_login(publisher)
    client.post(
        reverse("reviews:publish", args=[approved_change.pk]),
        {"seen_hash": approved_change.content_hash, "public_note": "  "},
    )

    assert PublishedPage.objects.current().get(page=approved_change.page).public_note == ""


def test_a_note_too_long_is_refused_with_what_was_typed_kept(client, approved_change, publisher):
    client.force_login(publisher)
    long_note = "Word " * 60

    response = client.post(
        reverse("reviews:publish", args=[approved_change.pk]),
        {"seen_hash": approved_change.content_hash, "public_note": long_note},
    )

    html = response.content.decode()
    assert response.status_code == 200 and "Publish now" in html
    assert f"at most {PUBLIC_NOTE_MAX_LENGTH} characters" in html
    assert "Word Word Word" in html
    approved_change.refresh_from_db()
    assert approved_change.state == ChangeRequest.State.APPROVED


def test_the_service_keeps_the_note_to_one_line(approved_change, publisher):
    with pytest.raises(InvalidInput, match="one line"):
        services.publish(change=approved_change, by=publisher, public_note="x" * 201)

    publication = services.publish(
        change=approved_change, by=publisher, public_note="Updated the\n  information"
    )

    assert publication.public_note == "Updated the information"


def test_a_scheduled_change_goes_live_with_the_note_given_when_scheduling(
    client, approved_change, publisher
):
    client.force_login(publisher)
    at = timezone.localtime(timezone.now() + dt.timedelta(days=1)).replace(second=0, microsecond=0)
    client.post(
        reverse("reviews:schedule", args=[approved_change.pk]),
        {"publish_at": at.strftime("%Y-%m-%dT%H:%M"), "public_note": NOTE},
    )
    approved_change.refresh_from_db()
    assert approved_change.state == ChangeRequest.State.SCHEDULED

    with time_machine.travel(at + dt.timedelta(minutes=1)):
        [publication] = services.publish_due()

    assert publication.public_note == NOTE
