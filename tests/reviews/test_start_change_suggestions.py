"""Starting a change from an unclear page name: the dashboard offers the pages it might be
as buttons of the same (POST, CSRF-protected) form, each starting the change in one step
with what the editor typed kept."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from reviews.models import ChangeRequest

START = reverse("reviews:start_change")


@pytest.fixture
def bone_scans(make_page):
    return [make_page(slug=f"bone-scan-{n}", title=f"Bone scan {n}") for n in range(1, 4)]


@pytest.fixture
def editor_client(client, author):
    client.force_login(author)
    return client


def suggestion_buttons(html: str) -> list[tuple[str, str]]:
    """(value, label) of each button choosing a suggested page."""
    return re.findall(
        r'<button type="submit" name="chosen_page" value="([^"]+)"[^>]*>([^<]+)<', html
    )


def test_an_unclear_name_offers_each_matching_page_as_a_button(editor_client, bone_scans):
    html = editor_client.post(START, {"page": "bone scan"}).content.decode()

    assert "Several pages match “bone scan”: choose one below" in html
    assert suggestion_buttons(html) == [
        (f"bone-scan-{n}", f"Start a change to Bone scan {n} (bone-scan-{n})") for n in (1, 2, 3)
    ]
    assert not ChangeRequest.objects.exists()


def test_a_suggestion_starts_the_change_for_its_page_with_what_was_typed(editor_client, bone_scans):
    typed = {"page": "bone scan", "summary": "New dose advice", "is_full_review": "on"}

    response = editor_client.post(START, {**typed, "chosen_page": "bone-scan-2"})

    change = ChangeRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == change.get_absolute_url()
    assert change.page == bone_scans[1]
    assert change.summary == "New dose advice" and change.is_full_review


def test_the_suggestions_keep_what_was_typed_in_the_form(editor_client, bone_scans):
    typed = {"page": "bone scan", "summary": "New dose advice", "is_full_review": "on"}

    html = editor_client.post(START, typed).content.decode()

    assert "\nNew dose advice</textarea>" in html
    assert re.search(r'<input type="checkbox" name="is_full_review"[^>]*checked', html)
    assert 'value="bone scan"' in html


def test_the_suggestions_come_after_the_main_button_so_enter_still_presses_it(
    editor_client, bone_scans
):
    html = editor_client.post(START, {"page": "bone scan"}).content.decode()

    form = html[html.index(f'action="{START}"') :]
    assert form.index('<button type="submit">Start a change</button>') < form.index("chosen_page")


def test_a_suggestion_is_chosen_only_by_a_post_with_a_csrf_token(author, bone_scans):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(author)

    assert browser.get(START, {"chosen_page": "bone-scan-2"}).status_code == 405
    assert browser.post(START, {"chosen_page": "bone-scan-2"}).status_code == 403
    assert not ChangeRequest.objects.exists()


def test_a_chosen_page_that_does_not_exist_is_refused_and_nothing_starts(editor_client, bone_scans):
    html = editor_client.post(
        START, {"page": "bone scan", "summary": "Kept", "chosen_page": "no-such-page"}
    ).content.decode()

    assert "No page is called “no-such-page”" in html
    assert "\nKept</textarea>" in html
    assert not ChangeRequest.objects.exists()
