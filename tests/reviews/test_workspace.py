"""The workspace's dashboard and change request page, through the HTTP client: what each
role sees, the steps they take from it, and the refusals (403, nothing changed)."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from infopages.models import PublishedPage
from reviews import services
from reviews.core import policy
from reviews.models import AuditEvent, ChangeRequest, Comment, NotificationPreference, SignOff
from tests.reviews.conftest import NEW_TEXT, OLD_TEXT

State = ChangeRequest.State


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def html_of(response) -> str:
    return response.content.decode()


def everything_counted():
    return (
        ChangeRequest.objects.count(),
        SignOff.objects.count(),
        Comment.objects.count(),
        PublishedPage.objects.count(),
        AuditEvent.objects.count(),
    )


# Who may come in


@pytest.mark.parametrize("name", ["reviews:dashboard"])
def test_anonymous_people_are_sent_to_the_login_page(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_sign_off_is_sent_to_the_login_page_and_changes_nothing(client, submitted_change):
    before = everything_counted()

    response = client.post(
        reverse("reviews:sign_off", args=[submitted_change.pk]),
        {"decision": "approve", "seen_hash": submitted_change.content_hash},
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert everything_counted() == before


def test_people_without_a_workflow_role_are_refused(as_user, make_user, submitted_change):
    client = as_user(make_user("reader"))

    assert client.get(reverse("reviews:dashboard")).status_code == 403
    response = client.get(submitted_change.get_absolute_url())
    assert response.status_code == 403
    assert "Nothing was changed" in html_of(response)


def test_action_urls_only_accept_posts(as_user, submitted_change, medic):
    response = as_user(medic).get(reverse("reviews:sign_off", args=[submitted_change.pk]))

    assert response.status_code == 405


# The dashboard, by role


def test_reviewer_sees_the_changes_waiting_for_their_sign_off(as_user, submitted_change, medic):
    html = html_of(as_user(medic).get(reverse("reviews:dashboard")))

    assert "Waiting for your sign-off" in html
    assert "Review “Secondary breast cancer”" in html
    assert submitted_change.get_absolute_url() in html
    assert "Start a change" not in html
    assert "Take a page down" not in html


def test_reviewer_with_nothing_to_do_is_told_so(as_user, approved_change, medic):
    html = html_of(as_user(medic).get(reverse("reviews:dashboard")))

    assert "Nothing is waiting for you." in html


def test_editor_sees_changes_sent_back_and_their_own_open_changes(
    as_user, submitted_change, author, medic, request_changes
):
    request_changes(submitted_change, medic)

    html = html_of(as_user(author).get(reverse("reviews:dashboard")))

    assert "Sent back for changes" in html
    sent_back = html.split("Sent back for changes", 1)[1].split("Your open changes", 1)[0]
    assert "Secondary breast cancer" in sent_back
    assert "Changes requested" in sent_back
    assert "Start a change" in html
    assert "Waiting for your sign-off" not in html


def test_publisher_sees_approved_changes_and_the_take_down_form(
    as_user, approved_change, publisher
):
    html = html_of(as_user(publisher).get(reverse("reviews:dashboard")))

    ready = html.split("Approved: ready to publish", 1)[1].split("Scheduled", 1)[0]
    assert approved_change.get_absolute_url() in ready
    assert "Take this page down now" in html
    assert "Start a change" not in html


def test_everyone_sees_recently_published_changes(as_user, approved_change, publisher, lay):
    services.publish(change=approved_change, by=publisher)

    html = html_of(as_user(lay).get(reverse("reviews:dashboard")))

    recent = html.split("Recently published", 1)[1]
    assert approved_change.get_absolute_url() in recent


# Starting a change


def test_editor_starts_a_change_for_a_page(as_user, live_page, second_editor):
    client = as_user(second_editor)

    response = client.post(
        reverse("reviews:start_change"),
        {"page": live_page.slug, "summary": "Update the symptoms."},
        follow=True,
    )

    change = ChangeRequest.objects.get()
    assert response.redirect_chain[-1][0] == change.get_absolute_url()
    assert (change.page, change.created_by, change.state) == (live_page, second_editor, "draft")
    html = html_of(response)
    assert "Started a change request for “Secondary breast cancer”" in html
    assert "Update the symptoms." in html


def test_starting_a_second_change_for_a_page_says_why_and_keeps_the_summary(
    as_user, draft_change, second_editor
):
    response = as_user(second_editor).post(
        reverse("reviews:start_change"),
        {"page": draft_change.page.slug, "summary": "My own plan for this page."},
    )

    html = html_of(response)
    assert response.status_code == 200
    assert "already has an open change request: " in html
    assert f'<a href="{draft_change.get_absolute_url()}">change request #{draft_change.pk}' in html
    assert "My own plan for this page." in html
    assert ChangeRequest.objects.count() == 1


def test_reviewer_cannot_start_a_change(as_user, live_page, medic):
    response = as_user(medic).post(reverse("reviews:start_change"), {"page": live_page.slug})

    assert response.status_code == 403
    assert not ChangeRequest.objects.exists()


def test_notification_preference_is_saved_from_the_dashboard(as_user, medic):
    response = as_user(medic).post(
        reverse("reviews:notification_preference"), {"frequency": "daily"}, follow=True
    )

    assert NotificationPreference.objects.get(user=medic).frequency == "daily"
    assert "we will email you in a daily digest" in html_of(response)
    assert 'value="daily" required id="id_frequency_1" checked' in html_of(response)


# The change request page


def test_change_page_shows_a_word_diff_against_the_published_text_and_a_preview(
    as_user, submitted_change, medic
):
    html = html_of(as_user(medic).get(submitted_change.get_absolute_url()))

    assert "In review: waiting for 1 medical reviewer." in html
    assert "Explain where the cancer has spread from." in html
    assert '<span class="visually-hidden">[Removed: </span>Cancer' in html
    assert '<span class="visually-hidden">[Added: </span>Secondary breast cancer is' in html
    assert '<p class="changed">' + NEW_TEXT + "</p>" in html  # how it will look, marked
    assert "Symptoms" not in html.split("What changes on the page", 1)[1].split("Your decision")[0]


def test_diff_and_preview_escape_what_editors_type(
    as_user, draft_change, author, edit_section, medic
):
    edit_section(draft_change, "symptoms", 'Pain <script>alert("x")</script> & more', by=author)

    html = html_of(as_user(medic).get(draft_change.get_absolute_url()))

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_reviewer_approves_through_the_sign_off_form(as_user, submitted_change, medic):
    client = as_user(medic)
    page = html_of(client.get(submitted_change.get_absolute_url()))
    assert "Your decision" in page
    assert f'value="{submitted_change.content_hash}"' in page

    response = client.post(
        reverse("reviews:sign_off", args=[submitted_change.pk]),
        {"decision": "approve", "comment": "Clear.", "seen_hash": submitted_change.content_hash},
        follow=True,
    )

    submitted_change.refresh_from_db()
    assert submitted_change.state == State.APPROVED
    html = html_of(response)
    assert "Thank you: your decision has been recorded." in html
    assert "Approved: it has every sign-off it needs." in html
    assert "approved by Asha Patel" in html


def test_sign_off_on_stale_content_is_refused_with_the_message_shown(
    as_user, submitted_change, medic, author, edit_section
):
    seen = submitted_change.content_hash  # the reviewer opens the page...
    edit_section(submitted_change, "symptoms", "Pain and tiredness.", by=author)  # ...it moves on
    before = everything_counted()

    response = as_user(medic).post(
        reverse("reviews:sign_off", args=[submitted_change.pk]),
        {"decision": "approve", "comment": "Looks right to me.", "seen_hash": seen},
    )

    html = html_of(response)
    assert response.status_code == 200
    assert "This change was edited after you opened it" in html
    assert "Looks right to me.</textarea>" in html  # their comment is kept
    submitted_change.refresh_from_db()
    assert f'value="{submitted_change.content_hash}"' in html  # now bound to what they see
    assert "Pain and tiredness." in html
    assert everything_counted() == before


def test_asking_for_changes_needs_a_comment_and_keeps_the_choice(as_user, submitted_change, medic):
    response = as_user(medic).post(
        reverse("reviews:sign_off", args=[submitted_change.pk]),
        {"decision": "request_changes", "comment": "", "seen_hash": submitted_change.content_hash},
    )

    html = html_of(response)
    assert "Say what needs to change" in html
    assert 'value="request_changes" required id="id_decision_1" checked' in html
    assert not SignOff.objects.exists()


def test_the_author_posting_a_sign_off_gets_403_and_nothing_changes(
    as_user, submitted_change, author, groups
):
    author.groups.add(groups[policy.MEDICAL_REVIEWERS])  # a reviewer too, but wrote the change
    before = everything_counted()

    response = as_user(author).post(
        reverse("reviews:sign_off", args=[submitted_change.pk]),
        {"decision": "approve", "seen_hash": submitted_change.content_hash},
    )

    assert response.status_code == 403
    assert "You wrote part of this change" in html_of(response)
    assert everything_counted() == before
    submitted_change.refresh_from_db()
    assert submitted_change.state == State.IN_REVIEW


def test_author_who_reviews_is_told_why_there_is_no_sign_off_form(
    as_user, submitted_change, author, groups
):
    author.groups.add(groups[policy.MEDICAL_REVIEWERS])

    html = html_of(as_user(author).get(submitted_change.get_absolute_url()))

    assert "You wrote part of this change, so someone else must sign it off." in html
    assert "Send my decision" not in html


def test_reviewer_cannot_sign_off_in_a_role_they_do_not_hold(as_user, submitted_change, medic):
    before = everything_counted()

    response = as_user(medic).post(
        reverse("reviews:sign_off", args=[submitted_change.pk]),
        {"decision": "approve", "role": "lay", "seen_hash": submitted_change.content_hash},
    )

    assert response.status_code == 403
    assert everything_counted() == before


def test_a_reviewer_posting_publish_gets_403_and_nothing_is_published(
    as_user, client, approved_change, medic
):
    before = everything_counted()

    response = as_user(medic).post(reverse("reviews:publish", args=[approved_change.pk]))

    assert response.status_code == 403
    assert "Only publishers can publish" in html_of(response)
    assert everything_counted() == before
    client.logout()
    assert OLD_TEXT in html_of(client.get(approved_change.page.get_absolute_url()))


def test_publisher_publishes_an_approved_change(as_user, client, approved_change, publisher):
    html = html_of(as_user(publisher).get(approved_change.get_absolute_url()))
    assert "Publish now" in html

    response = client.post(reverse("reviews:publish", args=[approved_change.pk]), follow=True)

    assert "Published: readers now see the new “Secondary breast cancer”." in html_of(response)
    client.logout()
    assert NEW_TEXT in html_of(client.get(approved_change.page.get_absolute_url()))


def test_publisher_schedules_and_then_cancels_a_publication(as_user, approved_change, publisher):
    client = as_user(publisher)
    when = timezone.localtime() + dt.timedelta(days=2)

    response = client.post(
        reverse("reviews:schedule", args=[approved_change.pk]),
        {"publish_at": when.strftime("%Y-%m-%dT%H:%M")},
        follow=True,
    )

    approved_change.refresh_from_db()
    assert approved_change.state == State.SCHEDULED
    assert f"Scheduled for {when:%-d %B %Y at %H:%M}." in html_of(response)
    assert "Cancel the scheduled publication" in html_of(response)

    response = client.post(reverse("reviews:unschedule", args=[approved_change.pk]), follow=True)

    approved_change.refresh_from_db()
    assert approved_change.state == State.APPROVED
    assert "The scheduled publication was cancelled." in html_of(response)


def test_scheduling_in_the_past_is_refused_and_keeps_the_time(as_user, approved_change, publisher):
    response = as_user(publisher).post(
        reverse("reviews:schedule", args=[approved_change.pk]),
        {"publish_at": "2020-01-02T09:30"},
    )

    html = html_of(response)
    assert "Choose a publication time in the future" in html
    assert 'value="2020-01-02T09:30"' in html
    approved_change.refresh_from_db()
    assert approved_change.state == State.APPROVED


def test_editor_sends_a_draft_for_review(as_user, draft_change, author, medic):
    response = as_user(author).post(reverse("reviews:submit", args=[draft_change.pk]), follow=True)

    draft_change.refresh_from_db()
    assert draft_change.state == State.IN_REVIEW
    assert "Sent for review." in html_of(response)


def test_sending_a_change_without_a_summary_says_what_is_missing(
    as_user, live_page, author, edit_section
):
    change = services.start_change(page=live_page, by=author)
    edit_section(change, "symptoms", "Pain and tiredness.", by=author)

    response = as_user(author).post(reverse("reviews:submit", args=[change.pk]), follow=True)

    assert "Say in a sentence or two what changed and why" in html_of(response)
    change.refresh_from_db()
    assert change.state == State.DRAFT


def test_editor_rewrites_the_summary(as_user, draft_change, author):
    as_user(author).post(
        reverse("reviews:update_details", args=[draft_change.pk]),
        {"summary": "Say where it spreads to.", "is_full_review": "on"},
    )

    draft_change.refresh_from_db()
    assert (draft_change.summary, draft_change.is_full_review) == ("Say where it spreads to.", True)


def test_comments_are_posted_and_shown_in_the_thread(as_user, submitted_change, medic):
    response = as_user(medic).post(
        reverse("reviews:comment", args=[submitted_change.pk]),
        {"body": "Is “spread” clear enough for readers?"},
        follow=True,
    )

    html = html_of(response)
    assert "Your comment was added." in html
    thread = html.split('id="comments-heading"', 1)[1]
    assert "Asha Patel" in thread
    assert "Is “spread” clear enough for readers?" in thread


def test_an_empty_comment_is_refused_with_a_message(as_user, submitted_change, medic):
    response = as_user(medic).post(
        reverse("reviews:comment", args=[submitted_change.pk]), {"body": "   "}
    )

    assert "Write a comment before sending it." in html_of(response)
    assert not Comment.objects.exists()


def test_stale_sign_offs_are_marked_as_no_longer_counting(
    as_user, approved_change, author, edit_section, medic
):
    edit_section(approved_change, "symptoms", "Pain, tiredness.", by=author)

    html = html_of(as_user(medic).get(approved_change.get_absolute_url()))

    assert "Given on earlier content, no longer counts." in html
    assert "Still needed: 1 medical reviewer." in html
    assert "Send my decision" in html


def test_editor_withdraws_a_change_with_a_reason(as_user, submitted_change, author):
    response = as_user(author).post(
        reverse("reviews:withdraw", args=[submitted_change.pk]),
        {"reason": "Superseded by the full review."},
        follow=True,
    )

    submitted_change.refresh_from_db()
    assert submitted_change.state == State.WITHDRAWN
    assert "Withdrawn on" in html_of(response)
    assert AuditEvent.objects.filter(
        action="withdrawn", message="Superseded by the full review."
    ).exists()


def test_reviewer_cannot_withdraw(as_user, submitted_change, medic):
    response = as_user(medic).post(reverse("reviews:withdraw", args=[submitted_change.pk]))

    assert response.status_code == 403
    submitted_change.refresh_from_db()
    assert submitted_change.state == State.IN_REVIEW


# Emergency take-down


def test_publisher_takes_a_page_down_with_a_reason(as_user, client, live_page, publisher):
    response = as_user(publisher).post(
        reverse("reviews:unpublish"),
        {"page": live_page.title, "reason": "Dosage error"},
        follow=True,
    )

    assert "is no longer on the public site" in html_of(response)
    assert AuditEvent.objects.get(action="unpublished").message == "Dosage error"
    client.logout()
    assert client.get(live_page.get_absolute_url()).status_code == 404


def test_taking_a_page_down_needs_a_reason(as_user, client, live_page, publisher):
    response = as_user(publisher).post(
        reverse("reviews:unpublish"), {"page": live_page.slug, "reason": ""}
    )

    assert "Give the reason for taking the page down." in html_of(response)
    client.logout()
    assert client.get(live_page.get_absolute_url()).status_code == 200


def test_an_editor_cannot_take_a_page_down(as_user, client, live_page, author):
    response = as_user(author).post(
        reverse("reviews:unpublish"), {"page": live_page.slug, "reason": "I think it is wrong"}
    )

    assert response.status_code == 403
    client.logout()
    assert client.get(live_page.get_absolute_url()).status_code == 200


def test_a_decision_refused_because_someone_decided_first_says_why(
    as_user, submitted_change, medic, member, approve
):
    other_medic = member("dr_wu", policy.MEDICAL_REVIEWERS)
    seen = submitted_change.content_hash  # both open the page...
    approve(submitted_change, other_medic)  # ...the other medic approves first

    response = as_user(medic).post(
        reverse("reviews:sign_off", args=[submitted_change.pk]),
        {"decision": "request_changes", "comment": "Too long.", "seen_hash": seen},
    )

    assert "This change request is approved; only a change request that is in review" in (
        html_of(response)
    )
    assert SignOff.objects.count() == 1


def test_posts_without_the_csrf_token_are_refused(submitted_change, medic):
    client = Client(enforce_csrf_checks=True)
    client.force_login(medic)

    response = client.post(
        reverse("reviews:sign_off", args=[submitted_change.pk]),
        {"decision": "approve", "seen_hash": submitted_change.content_hash},
    )

    assert response.status_code == 403
    assert not SignOff.objects.exists()


def test_pages_are_named_by_title_or_address_never_listed_all(as_user, author, make_page):
    """At thousands of pages a list of every page is unusable: the dashboard asks for a
    title or an address, and suggests pages when it is unclear."""
    for n in range(30):
        make_page(slug=f"bone-scan-{n}", title=f"Bone scan {n}")
    client = as_user(author)

    dashboard = html_of(client.get(reverse("reviews:dashboard")))
    assert "Bone scan 17" not in dashboard

    unclear = html_of(client.post(reverse("reviews:start_change"), {"page": "bone scan"}))
    assert "Which page?" in unclear and "Bone scan 1 (bone-scan-1)" in unclear
    assert unclear.count("(bone-scan-") == 8  # a few suggestions, not every page
    missing = html_of(client.post(reverse("reviews:start_change"), {"page": "no such thing"}))
    assert "No page is called “no such thing”" in missing

    by_link = client.post(reverse("reviews:start_change"), {"page": "/info/bone-scan-17/"})
    assert by_link.status_code == 302
    assert ChangeRequest.objects.get().page.slug == "bone-scan-17"
