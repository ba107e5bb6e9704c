"""The review schedule: dates move with the workflow, never by typing.

A published full review dates the page from the day it goes live; a minor change keeps its
dates; a re-certification ("reviewed, no change needed") is a full review with no edit;
readers are told while a full review is under way and once the next review date has passed.
"""

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from infopages.models import Person, PublishedPage, Topic
from reviews import services
from reviews.core.errors import InvalidInput, NotAllowed
from reviews.models import AuditEvent
from reviews.schedule.dates import review_interval_for
from tests.reviews.conftest import NEW_TEXT

NOTICE = "This content is currently being reviewed. New information will be coming soon."
TODAY = dt.date(2027, 5, 10)


def page_html(client, page) -> str:
    response = client.get(page.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(dt.datetime(2027, 5, 10, 9, 30, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def full_review(live_page, author, edit_section):
    """Start a full review of the live page, optionally with an edit."""

    def start(*, edit: bool = True):
        change = services.start_change(
            page=live_page, by=author, summary="Full review.", is_full_review=True
        )
        if edit:
            edit_section(change, "what-is-it", NEW_TEXT, by=author)
        return change

    return start


@pytest.fixture
def signed_off(author, medic, lay, approve):
    def sign(change):
        services.submit_for_review(change=change, by=author)
        approve(change, medic)
        approve(change, lay)
        change.refresh_from_db()
        assert change.state == "approved"
        return change

    return sign


def test_a_published_full_review_dates_the_page_from_its_publication(
    client, full_review, signed_off, publisher
):
    publication = services.publish(change=signed_off(full_review()), by=publisher)

    assert (publication.reviewed_on, publication.next_review_on) == (TODAY, dt.date(2030, 5, 10))
    assert publication.kind == PublishedPage.Kind.FULL_REVIEW
    html = page_html(client, publication.page)
    assert "10 May 2027" in html and "10 May 2030" in html


def test_a_recertification_is_a_full_review_without_an_edit(
    client, full_review, signed_off, publisher
):
    change = full_review(edit=False)

    publication = services.publish(change=signed_off(change), by=publisher)

    assert publication.kind == PublishedPage.Kind.RECERTIFIED
    assert publication.get_kind_display() == "Reviewed, no changes"
    assert (publication.reviewed_on, publication.next_review_on) == (TODAY, dt.date(2030, 5, 10))
    assert "10 May 2030" in page_html(client, publication.page)


def test_a_recertification_still_needs_every_full_review_sign_off(
    full_review, author, medic, approve, publisher
):
    change = full_review(edit=False)
    services.submit_for_review(change=change, by=author)
    approve(change, medic)

    change.refresh_from_db()
    assert change.state == "in_review"  # the lay reviewer has not signed
    with pytest.raises(Exception, match="approved or scheduled"):
        services.publish(change=change, by=publisher)


def test_a_minor_change_keeps_the_review_dates(approved_change, publisher):
    publication = services.publish(change=approved_change, by=publisher)

    assert (publication.reviewed_on, publication.next_review_on) == (
        dt.date(2026, 3, 1),
        dt.date(2029, 3, 1),
    )
    assert publication.kind == PublishedPage.Kind.CHANGE


def test_a_topic_interval_shortens_the_next_review_and_a_page_may_override_it(
    full_review, signed_off, publisher, live_page, topic
):
    services.set_review_interval(target=topic, months=12, by=publisher)
    publication = services.publish(change=signed_off(full_review()), by=publisher)
    assert publication.next_review_on == dt.date(2028, 5, 10)

    services.set_review_interval(target=live_page, months=6, by=publisher)
    assert review_interval_for(live_page) == 6  # the page's own interval wins over its topic's
    assert AuditEvent.objects.filter(action="review_interval_changed").count() == 2


@pytest.mark.parametrize("months", [0, 37, 120])
def test_no_interval_longer_than_36_months_is_accepted(live_page, publisher, months):
    with pytest.raises(InvalidInput, match="between 1 and 36 months"):
        services.set_review_interval(target=live_page, months=months, by=publisher)


def test_the_database_refuses_an_interval_over_36_months(topic):
    with pytest.raises(IntegrityError), transaction.atomic():
        Topic.objects.filter(pk=topic.pk).update(review_interval_months=48)


def test_a_publisher_brings_the_next_review_forward_with_a_reason(client, live_page, publisher):
    publication = services.set_next_review(
        page=live_page, on=dt.date(2027, 9, 1), reason="New NICE guidance", by=publisher
    )

    assert publication.next_review_on == dt.date(2027, 9, 1)
    assert publication.kind == PublishedPage.Kind.REDATED
    assert publication.reviewed_on == dt.date(2026, 3, 1)  # only the next review moves
    assert "1 September 2027" in page_html(client, live_page)
    event = AuditEvent.objects.get(action="next_review_changed")
    assert "New NICE guidance" in event.message and event.actor == publisher


def test_the_next_review_cannot_be_pushed_past_the_interval(live_page, publisher):
    with pytest.raises(InvalidInput, match="by 1 March 2029 at the latest"):
        services.set_next_review(
            page=live_page, on=dt.date(2029, 6, 1), reason="Too busy", by=publisher
        )


def test_only_a_publisher_moves_a_review_date_and_needs_a_reason(live_page, author, publisher):
    with pytest.raises(NotAllowed):
        services.set_next_review(page=live_page, on=dt.date(2027, 9, 1), reason="x", by=author)
    with pytest.raises(InvalidInput, match="Say why"):
        services.set_next_review(page=live_page, on=dt.date(2027, 9, 1), reason=" ", by=publisher)


def test_the_notice_shows_from_the_day_after_the_next_review_date(client, make_page, publish):
    page = make_page()
    publish(page, next_review_on=dt.date(2027, 5, 10))

    assert NOTICE not in page_html(client, page)  # due today: not yet overdue
    with time_machine.travel(dt.datetime(2027, 5, 11, 8, 0, tzinfo=dt.UTC), tick=False):
        assert NOTICE in page_html(client, page)


def test_the_notice_shows_while_a_full_review_is_under_way_and_goes_once_published(
    client, live_page, full_review, signed_off, publisher
):
    assert NOTICE not in page_html(client, live_page)

    change = full_review()
    html = page_html(client, live_page)
    assert NOTICE in html
    assert "Cancer that has spread." in html  # readers keep the last approved content
    assert NEW_TEXT not in html

    services.publish(change=signed_off(change), by=publisher)
    html = page_html(client, live_page)
    assert NOTICE not in html and NEW_TEXT in html


def test_a_withdrawn_full_review_takes_the_notice_away(client, live_page, full_review, author):
    change = full_review()
    services.withdraw(change=change, by=author)

    assert NOTICE not in page_html(client, live_page)


def test_publishers_reword_the_notice(client, live_page, full_review, publisher):
    full_review()
    services.set_public_wording(
        key="review_notice", text="We are checking this page with our experts.", by=publisher
    )

    html = page_html(client, live_page)
    assert "We are checking this page with our experts." in html and NOTICE not in html


def test_readers_see_the_reviewers_who_signed_the_full_review(
    client, full_review, signed_off, publisher, medic, lay
):
    Person.objects.create(
        user=medic, name="Dr Asha Patel", role="Consultant Oncologist", credentials="MBBS FRCR"
    )
    Person.objects.create(user=lay, name="Lee Morgan", role="Lay reviewer", named_publicly=False)

    publication = services.publish(change=signed_off(full_review()), by=publisher)

    assert publication.reviewers == [
        {"name": "Dr Asha Patel", "role": "Consultant Oncologist", "credentials": "MBBS FRCR"},
        {"name": "", "role": "Lay reviewer", "credentials": ""},
    ]
    html = page_html(client, publication.page)
    assert "Dr Asha Patel, MBBS FRCR, Consultant Oncologist" in html
    assert "Lee Morgan" not in html  # chose not to be named: the role alone


def test_a_minor_change_keeps_the_reviewers_of_the_last_full_review(
    make_page, publish, author, medic, publisher, edit_section, approve
):
    page = make_page()
    imported = [{"name": "Dr Ada Okoro", "role": "Oncologist", "credentials": "MBBS"}]
    publish(page, reviewers=imported)
    change = services.start_change(page=page, by=author, summary="Typo.")
    edit_section(change, "symptoms", "Pain and tiredness.", by=author)
    services.submit_for_review(change=change, by=author)
    approve(change, medic)

    publication = services.publish(change=change, by=publisher)

    assert publication.reviewers == imported


def test_a_credit_changed_after_sign_off_does_not_reach_readers(
    client, full_review, signed_off, publisher, medic
):
    person = Person.objects.create(user=medic, name="Dr Asha Patel", role="Consultant Oncologist")
    change = signed_off(full_review())
    person.name, person.role = "Dr Fake Name", "Not a doctor"
    person.save()

    services.publish(change=change, by=publisher)

    html = page_html(client, change.page)
    assert "Dr Asha Patel" in html and "Dr Fake Name" not in html and "Not a doctor" not in html


def test_a_full_review_approval_must_confirm_every_section(full_review, author, medic, approve):
    change = full_review()
    services.submit_for_review(change=change, by=author)
    first = change.page.sections.order_by("position").first()

    with pytest.raises(InvalidInput, match="Not ticked yet: “Symptoms”"):
        approve(change, medic, sections=[first.pk])

    signed = approve(change, medic)
    assert sorted(signed.sections) == sorted(str(s.pk) for s in change.page.sections.all())


def test_owners_are_editors_and_every_change_of_owner_is_audited(
    live_page, author, publisher, medic
):
    services.set_owner(page=live_page, owner=author, by=publisher)
    assert live_page.owner == author
    with pytest.raises(InvalidInput, match="not an editor"):
        services.set_owner(page=live_page, owner=medic, by=publisher)
    with pytest.raises(NotAllowed):
        services.set_owner(page=live_page, owner=None, by=medic)
    assert AuditEvent.objects.filter(action="owner_changed", page=live_page).count() == 1


def test_timezone_of_dates_is_the_sites(full_review, signed_off, publisher):
    # 23:30 UTC on 31 July is already 1 August in London (BST): the page is dated 1 August.
    with time_machine.travel(dt.datetime(2027, 7, 31, 23, 30, tzinfo=dt.UTC), tick=False):
        publication = services.publish(change=signed_off(full_review()), by=publisher)
    assert publication.reviewed_on == dt.date(2027, 8, 1)
    assert timezone.get_current_timezone_name() == "Europe/London"
