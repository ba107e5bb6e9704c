"""Plain-English scores where editors and reviewers work: beside the text in the section
editor (as saved, as previewed, and when a save is refused), and on the change page for each
changed section, before and after, from the renderings the diff already made. Readers see
none of it."""

from unittest import mock

import pytest
from django.urls import reverse

from infopages.markdown import render_markdown
from reviews import services
from tests.reviews.test_readability import DENSE, PLAIN


def html_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def symptoms(draft_change):
    return draft_change.page.sections.get(anchor="symptoms")


def edit_url(change, section) -> str:
    return reverse("reviews:edit_section", args=[change.pk, section.pk])


def post(client, change, section, body, **extra):
    data = {
        "heading": section.heading,
        "body": body,
        "comment": "Plainer",
        "lock_version": section.lock_version,
        **extra,
    }
    return client.post(edit_url(change, section), data)


def test_the_section_editor_scores_the_saved_text_and_names_the_hard_sentences(
    client, draft_change, author, symptoms, edit_section
):
    edit_section(draft_change, "symptoms", DENSE, by=author)
    symptoms.refresh_from_db()
    client.force_login(author)

    html = html_of(client.get(edit_url(draft_change, symptoms)))

    assert "Plain English" in html and "Reading age" in html
    assert "<strong>above</strong> our target of 11" in html and ", as saved" in html
    assert "Sentences that make it harder" in html
    assert "long words: Metastatic, carcinoma, frequently" in html


def test_the_preview_scores_the_text_typed(client, draft_change, author, symptoms):
    client.force_login(author)

    with mock.patch(
        "reviews.core.views.editing.render_markdown", wraps=render_markdown
    ) as rendered:
        html = html_of(post(client, draft_change, symptoms, PLAIN, preview="1"))

    assert "as typed in the form (not saved yet)" in html
    assert "within our target of 11" in html and "No long sentences" in html
    assert rendered.call_count == 1  # the preview's rendering is scored, not rendered again


def test_a_refused_save_still_scores_the_text_typed(
    client, draft_change, author, second_editor, symptoms, edit_section
):
    started_from = symptoms.lock_version
    edit_section(draft_change, "symptoms", "Pain.", by=second_editor)  # saved meanwhile
    client.force_login(author)

    response = post(client, draft_change, symptoms, DENSE, lock_version=started_from)

    html = html_of(response)
    assert response.status_code == 409
    assert "as typed in the form" in html and "Sentences that make it harder" in html


def test_a_short_text_is_too_short_to_score(client, draft_change, author, symptoms):
    client.force_login(author)

    html = html_of(client.get(edit_url(draft_change, symptoms)))  # "Pain."

    assert "Too short to score" in html


def test_other_edit_screens_show_no_score(client, draft_change, author):
    client.force_login(author)

    html = html_of(client.get(reverse("reviews:edit_page", args=[draft_change.pk])))

    assert "Plain English" not in html


@pytest.mark.parametrize(
    ("before", "after", "verdict"), [(PLAIN, DENSE, "harder to read"), (DENSE, PLAIN, "easier")]
)
def test_the_change_page_says_whether_each_section_got_easier_or_harder_to_read(
    client, make_page, publish, author, medic, before, after, verdict
):
    page = make_page(slug="scored", title="Scored", sections=[("What is it?", before)])
    publish(page)
    change = services.start_change(page=page, by=author, summary="Rewritten")
    section = page.sections.get()
    section.body = after
    services.edit_in_change(
        change=change, obj=section, by=author, comment="x", expected_lock_version=0
    )
    client.force_login(medic)

    with mock.patch("reviews.core.diffs.parts.render_markdown", wraps=render_markdown) as rendered:
        html = html_of(client.get(change.get_absolute_url()))

    assert "Plain English:" in html and verdict in html
    assert "reading age" in html and "our target of 11" in html
    assert rendered.call_count == 2  # the published text and the new one, each once


def test_readers_never_see_the_scores(client, approved_change, publisher):
    services.publish(change=approved_change, by=publisher)

    html = html_of(client.get(approved_change.page.get_absolute_url()))

    assert "eading age" not in html and "Plain English" not in html
