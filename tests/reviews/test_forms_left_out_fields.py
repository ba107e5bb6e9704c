"""A workspace form that replaces what is stored refuses a submission that leaves one of its
fields out, rather than blank what was there: a POST carrying only the CSRF token changes
nothing (issue 18, item 6). Browsers send every field a form shows (an unticked box
excepted), so people using the screens never meet the refusal."""

import pytest
from django.test import Client
from django.urls import reverse

from reviews import services
from reviews.models import AuditEvent

REFUSED = "The form arrived without"


@pytest.fixture
def csrf_client(author):
    """A browser: CSRF checks apply, so each POST must carry the token from a page."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(author)
    return browser


def token_from(browser, url) -> str:
    assert browser.get(url).status_code == 200
    return browser.cookies["csrftoken"].value


def test_a_post_with_only_the_csrf_token_leaves_the_changes_summary_alone(
    csrf_client, draft_change
):
    token = token_from(csrf_client, draft_change.get_absolute_url())
    events = AuditEvent.objects.count()

    response = csrf_client.post(
        reverse("reviews:update_details", args=[draft_change.pk]),
        {"csrfmiddlewaretoken": token},
        follow=True,
    )

    assert REFUSED in response.content.decode() and "What changed and why" in (
        response.content.decode()
    )
    draft_change.refresh_from_db()
    assert draft_change.summary == "Explain where the cancer has spread from."
    assert AuditEvent.objects.count() == events


def test_the_details_form_as_a_browser_sends_it_still_saves(csrf_client, draft_change):
    """An unticked "full review" box is not sent at all, and still means no."""
    token = token_from(csrf_client, draft_change.get_absolute_url())

    csrf_client.post(
        reverse("reviews:update_details", args=[draft_change.pk]),
        {"csrfmiddlewaretoken": token, "summary": "Where it spreads to."},
    )

    draft_change.refresh_from_db()
    assert draft_change.summary == "Where it spreads to."
    assert draft_change.is_full_review is False


def test_a_section_edit_without_its_text_keeps_the_text(csrf_client, draft_change):
    section = draft_change.page.sections.get(anchor="symptoms")
    edit = reverse("reviews:edit_section", args=[draft_change.pk, section.pk])
    token = token_from(csrf_client, edit)

    response = csrf_client.post(
        edit,
        {
            "csrfmiddlewaretoken": token,
            "heading": section.heading,
            "comment": "Tidy",
            "lock_version": section.lock_version,
        },
    )

    assert response.status_code == 200 and REFUSED in response.content.decode()
    section.refresh_from_db()
    assert section.body == "Pain."


def test_the_owner_form_without_its_field_keeps_the_owner(csrf_client, live_page, author):
    services.set_owner(page=live_page, owner=author, by=author)
    schedule = reverse("reviews:page_schedule", args=[live_page.pk])
    token = token_from(csrf_client, schedule)

    response = csrf_client.post(
        reverse("reviews:change_owner", args=[live_page.pk]), {"csrfmiddlewaretoken": token}
    )

    assert REFUSED in response.content.decode()
    live_page.refresh_from_db()
    assert live_page.owner == author
