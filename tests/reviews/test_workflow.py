import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from infopages.models import PublishedPage, Reference, Section
from infopages.selectors import publication_as_of
from infopages.services import save_with_version
from reviews import services
from reviews.core.errors import InvalidInput
from reviews.models import AuditEvent, ChangeRequest
from tests.reviews.conftest import NEW_TEXT, OLD_TEXT

State = ChangeRequest.State


def test_full_review_walks_from_draft_to_the_public_page(
    client, live_page, author, medic, lay, publisher, edit_section, approve, request_changes
):
    change = services.start_change(
        page=live_page, by=author, summary="Full review: clearer definition.", is_full_review=True
    )
    edit_section(change, "what-is-it", "Breast cancer that has spread.", by=author)
    assert change.state == State.DRAFT

    services.submit_for_review(change=change, by=author)
    assert change.state == State.IN_REVIEW

    request_changes(change, medic, comment="Say where it has spread from.")
    assert change.state == State.CHANGES_REQUESTED

    edit_section(change, "what-is-it", NEW_TEXT, by=author)
    services.submit_for_review(change=change, by=author)
    approve(change, medic)
    assert change.state == State.IN_REVIEW  # a full review also needs the lay reviewer

    approve(change, lay)
    assert change.state == State.APPROVED

    publication = services.publish(change=change, by=publisher)

    assert change.state == State.PUBLISHED and change.publication == publication
    html = client.get(live_page.get_absolute_url()).content.decode()
    assert NEW_TEXT in html
    assert OLD_TEXT not in html


def test_a_never_published_page_goes_live_through_a_full_review(
    client, make_page, author, medic, lay, publisher, approve
):
    page = make_page(slug="bone-scan", title="Bone scan")
    change = services.start_change(page=page, by=author, summary="New page about bone scans.")
    assert change.is_full_review  # its first publication dates it
    with pytest.raises(InvalidInput, match="first publication must be a full review"):
        services.update_change_details(change=change, by=author, is_full_review=False)
    services.submit_for_review(change=change, by=author)
    approve(change, medic)
    approve(change, lay)

    publication = services.publish(change=change, by=publisher)

    assert "Bone scan" in client.get(page.get_absolute_url()).content.decode()
    assert publication.reviewed_on == timezone.localdate(publication.published_at)


def test_publication_records_source_versions_and_who_approved(approved_change, medic, publisher):
    publication = services.publish(change=approved_change, by=publisher)

    assert publication.versions == approved_change.source_versions()
    assert [(a["name"], a["role"]) for a in publication.approved_by] == [("Asha Patel", "medical")]
    assert publication.published_by == publisher
    assert approved_change.items.filter(version_id__in=publication.source_versions["sections"])


def test_earlier_publications_remain_so_any_past_date_can_be_answered(
    approved_change, live_page, publisher
):
    before_change = timezone.now()
    first = PublishedPage.objects.get(page=live_page, is_current=True)

    services.publish(change=approved_change, by=publisher)

    then = publication_as_of(slug=live_page.slug, moment=before_change)
    now = publication_as_of(slug=live_page.slug, moment=timezone.now())
    assert then == first and OLD_TEXT in then.plain_text and NEW_TEXT not in then.plain_text
    assert NEW_TEXT in now.plain_text
    first.refresh_from_db()
    assert not first.is_current and first.superseded_at is not None


def test_publishing_shows_what_was_signed_off_not_later_edits_to_the_working_copy(
    client, approved_change, author, publisher
):
    # An edit saved outside the change request (say, in the admin) after approval.
    section = approved_change.page.sections.get(anchor="what-is-it")
    section.body = "UNREVIEWED TEXT"
    save_with_version(section, by=author, comment="Admin edit")

    services.publish(change=approved_change, by=publisher)

    html = client.get(approved_change.page.get_absolute_url()).content.decode()
    assert NEW_TEXT in html
    assert "UNREVIEWED TEXT" not in html


def test_scheduled_change_is_published_by_the_command_when_due(client, approved_change, publisher):
    at = timezone.now() + dt.timedelta(hours=2)
    services.schedule(change=approved_change, by=publisher, at=at)
    call_command("publish_scheduled", stdout=io.StringIO())
    assert approved_change.state == State.SCHEDULED
    assert NEW_TEXT not in client.get(approved_change.page.get_absolute_url()).content.decode()

    # Two hours pass.
    ChangeRequest.objects.filter(pk=approved_change.pk).update(
        scheduled_for=timezone.now() - dt.timedelta(minutes=1)
    )
    output = io.StringIO()
    call_command("publish_scheduled", stdout=output)

    assert "1 scheduled change(s) published." in output.getvalue()
    approved_change.refresh_from_db()
    assert approved_change.state == State.PUBLISHED
    assert NEW_TEXT in client.get(approved_change.page.get_absolute_url()).content.decode()


def test_publish_due_leaves_changes_whose_time_has_not_come(approved_change, publisher):
    services.schedule(
        change=approved_change, by=publisher, at=timezone.now() + dt.timedelta(days=1)
    )

    assert services.publish_due(now=timezone.now() + dt.timedelta(hours=23)) == []
    assert len(services.publish_due(now=timezone.now() + dt.timedelta(days=2))) == 1


def test_scheduled_change_can_be_unscheduled_and_stays_approved(approved_change, publisher):
    services.schedule(
        change=approved_change, by=publisher, at=timezone.now() + dt.timedelta(days=1)
    )

    services.unschedule(change=approved_change, by=publisher)

    assert approved_change.state == State.APPROVED and approved_change.scheduled_for is None


def test_withdrawn_change_leaves_the_public_page_as_it_was(client, submitted_change, author):
    services.withdraw(change=submitted_change, by=author, reason="Not needed after all.")

    assert submitted_change.state == State.WITHDRAWN
    assert OLD_TEXT in client.get(submitted_change.page.get_absolute_url()).content.decode()


def test_change_request_covers_page_fields_and_new_sections(
    client, live_page, author, medic, publisher, approve
):
    change = services.start_change(page=live_page, by=author, summary="New title and a section.")
    live_page.title = "Secondary (metastatic) breast cancer"
    services.edit_in_change(
        change=change,
        obj=live_page,
        by=author,
        comment="Title",
        expected_lock_version=live_page.lock_version,
    )
    services.edit_in_change(
        change=change,
        obj=Section(
            page=live_page, position=9, heading="Living with it", body="Support is available."
        ),
        by=author,
        comment="New section",
    )
    services.edit_in_change(
        change=change,
        obj=Reference(page=live_page, citation="NICE CG81 (2017)"),
        by=author,
        comment="Reference",
    )
    services.submit_for_review(change=change, by=author)
    approve(change, medic)
    services.publish(change=change, by=publisher)

    html = client.get(live_page.get_absolute_url()).content.decode()
    assert "Secondary (metastatic) breast cancer" in html
    assert "Support is available." in html
    assert "NICE CG81 (2017)" in html


def test_removed_section_disappears_from_the_page_once_published(
    client, live_page, author, medic, publisher, approve
):
    change = services.start_change(page=live_page, by=author, summary="Drop the symptoms section.")
    services.remove_in_change(
        change=change, obj=live_page.sections.get(anchor="symptoms"), by=author, comment="Moved"
    )
    services.submit_for_review(change=change, by=author)
    approve(change, medic)
    services.publish(change=change, by=publisher)

    html = client.get(live_page.get_absolute_url()).content.decode()
    assert 'id="symptoms"' not in html
    assert OLD_TEXT in html


@pytest.mark.parametrize("state_after", ["in_review", "changes_requested"])
def test_comment_thread_is_shared_by_editors_and_reviewers(
    submitted_change, author, medic, request_changes, state_after
):
    if state_after == "changes_requested":
        request_changes(submitted_change, medic)
    services.add_comment(change=submitted_change, by=medic, body="Is 'spread' clear enough?")
    services.add_comment(change=submitted_change, by=author, body="I think so; see line 2.")

    thread = [(c.author, c.body) for c in submitted_change.comments.all()]
    assert thread == [
        (medic, "Is 'spread' clear enough?"),
        (author, "I think so; see line 2."),
    ]


def test_scheduled_change_that_can_no_longer_be_published_goes_back_to_approved(
    approved_change, publisher, groups, run_on_commit, mailoutbox
):
    services.schedule(
        change=approved_change, by=publisher, at=timezone.now() + dt.timedelta(hours=1)
    )
    publisher.groups.remove(groups["Publishers"])  # left the organisation meanwhile

    published = run_on_commit(services.publish_due, now=timezone.now() + dt.timedelta(hours=2))

    assert published == []
    approved_change.refresh_from_db()
    assert approved_change.state == State.APPROVED and approved_change.scheduled_for is None
    event = AuditEvent.objects.filter(change_request_id=approved_change.pk).last()
    assert event.action == "scheduled_publish_failed"
    assert "Only publishers can publish" in event.message
    assert [email.to for email in mailoutbox] == [["pat@example.org"]]
    assert mailoutbox[0].subject.startswith("Not published:")
