"""The section form refuses bodies the renderer could not show in bounded time, and keeps the
editor's text with the reason, so nothing typed or pasted is lost."""

import html

import pytest
from django.urls import reverse

from infopages.models import Section

TOO_LONG = "Word " * 12_200  # 61,000 characters
BRACKETS = "A paste gone wrong: " + "[" * 16_000


@pytest.fixture
def symptoms(draft_change):
    return Section.objects.get(page=draft_change.page, anchor="symptoms")


def post_section(client, change, section, body):
    return client.post(
        reverse("reviews:edit_section", args=[change.pk, section.pk]),
        {
            "heading": "Symptoms",
            "body": body,
            "comment": "Paste",
            "lock_version": section.lock_version,
        },
    )


def test_the_form_shows_the_limit_and_does_not_cut_pastes_off(
    client, draft_change, author, symptoms
):
    client.force_login(author)

    page = client.get(reverse("reviews:edit_section", args=[draft_change.pk, symptoms.pk]))

    text = page.content.decode()
    assert "Up to 60,000 characters. Markdown:" in text
    textarea = text[text.index("<textarea") : text.index(">", text.index("<textarea"))]
    assert 'name="body"' in textarea and "maxlength" not in textarea


@pytest.mark.parametrize(
    "body,message",
    [
        (
            TOO_LONG,
            "This section is 61,000 characters long; the most a section can hold is 60,000. "
            "Split it into two sections.",
        ),
        (
            BRACKETS,
            "There are 16,000 &#x27;[&#x27; without a matching &#x27;]&#x27; in the paragraph "
            "starting on line 1.",
        ),
        (
            "".join("    " * level + "- item\n" for level in range(12)),
            "Lists are nested 9 levels deep here (line 9); the most is 8.",
        ),
    ],
    ids=["too long", "unclosed brackets", "nested too deep"],
)
def test_a_body_over_the_limits_is_refused_and_kept_in_the_form(
    client, draft_change, author, symptoms, body, message
):
    client.force_login(author)
    before = symptoms.body

    response = post_section(client, draft_change, symptoms, body)

    assert response.status_code == 200
    text = response.content.decode()
    assert message in text
    assert html.escape(body.strip("\n")) in text  # the editor's text, still in the textarea
    symptoms.refresh_from_db()
    assert symptoms.body == before


def test_a_new_section_over_the_limit_is_refused(client, draft_change, author):
    client.force_login(author)
    sections = Section.objects.count()

    response = client.post(
        reverse("reviews:add_section", args=[draft_change.pk]),
        {"heading": "More", "body": TOO_LONG, "comment": "Add"},
    )

    assert response.status_code == 200
    assert "the most a section can hold is 60,000" in response.content.decode()
    assert Section.objects.count() == sections


def test_a_long_ordinary_section_is_saved(client, draft_change, author, symptoms):
    client.force_login(author)
    body = "\n\n".join(f"Paragraph {n}: " + "plain words " * 40 for n in range(100))
    assert 40_000 < len(body) < 60_000

    response = post_section(client, draft_change, symptoms, body)

    assert response.status_code == 302
    symptoms.refresh_from_db()
    assert symptoms.body == body
