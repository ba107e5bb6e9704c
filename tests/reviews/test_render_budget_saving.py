"""Text that cannot be rendered within the budget is refused wherever it is saved (the editing
service, the section form, import, restore) and at publication; where it is already stored,
the change page still answers, showing it as escaped plain text (issue 18)."""

import re
import time

import pytest
from django.urls import reverse
from reversion.models import Version

from infopages import markdown as renderer
from infopages import plain_english as readability
from infopages.models import PublishedPage, Section
from infopages.publishing import PublishingRefused
from infopages.services import save_with_version
from reviews import services
from reviews.core.errors import InvalidInput, InvalidTransition
from tests.infopages.found_bodies import FOUND_BODIES
from tests.infopages.renderers import (  # noqa: F401 (fixtures)
    BUDGET,
    fail_rather_than_hang,
)
from tests.reviews.test_import_limits import BODY, refused, with_front
from tests.reviews.test_import_pages import importer  # noqa: F401 (the publisher who imports)

GUARD = BUDGET + 2.5  # the rest of the request, and a renderer's start on a busy machine
TOO_SLOW_TEXT = "This text took too long to turn into a page (more than 1 second)."
TOO_SLOW = re.escape(TOO_SLOW_TEXT)
ENDLESS = "tests.infopages.renderers.endless_on_marker"


pytestmark = pytest.mark.usefixtures("render_budget")  # 1 second, nothing remembered


@pytest.fixture
def symptoms(draft_change):
    return Section.objects.get(page=draft_change.page, anchor="symptoms")


def stored_as_old_data(section: Section, body: str) -> None:
    """Save ``body`` as text saved before the budget existed would be: no check at all."""
    section.body = body
    save_with_version(section, by=None, comment="Saved before the budget")


@pytest.mark.parametrize("name", FOUND_BODIES)
def test_the_editing_service_refuses_a_found_body_within_the_budget(
    draft_change, author, symptoms, name
):
    versions = Version.objects.get_for_object(symptoms).count()
    symptoms.body = FOUND_BODIES[name]
    start = time.perf_counter()

    with pytest.raises(InvalidInput, match=f"^Text: {TOO_SLOW}"):
        services.edit_in_change(
            change=draft_change,
            obj=symptoms,
            by=author,
            comment="Paste",
            expected_lock_version=symptoms.lock_version,
        )

    assert time.perf_counter() - start < GUARD
    assert Version.objects.get_for_object(symptoms).count() == versions
    symptoms.refresh_from_db()
    assert symptoms.body == "Pain."


@pytest.mark.parametrize("name", FOUND_BODIES)
def test_the_section_form_refuses_a_found_body_and_keeps_it(
    client, draft_change, author, symptoms, name
):
    client.force_login(author)
    url = reverse("reviews:edit_section", args=[draft_change.pk, symptoms.pk])
    body = FOUND_BODIES[name]
    # Not what is measured: the first request loads templates and URLs, and the first score
    # of a text its syllable dictionary (seconds on a busy machine).
    client.get(url)
    readability.score_sentences(readability.sentences_of_html(renderer.plain_paragraphs(body)))
    start = time.perf_counter()

    response = client.post(
        url,
        {"heading": "Symptoms", "body": body, "comment": "Paste", "lock_version": 1},
    )

    assert time.perf_counter() - start < GUARD
    assert response.status_code == 200
    assert TOO_SLOW_TEXT in response.content.decode()
    assert response.context["form"]["body"].value() == body  # kept as typed
    symptoms.refresh_from_db()
    assert symptoms.body == "Pain."


def test_a_new_section_with_a_found_body_is_refused_by_the_service(draft_change, author):
    sections = Section.objects.count()

    with pytest.raises(InvalidInput, match=TOO_SLOW):
        services.edit_in_change(
            change=draft_change,
            obj=Section(page=draft_change.page, heading="More", body=FOUND_BODIES["bulleted"]),
            by=author,
            comment="Add",
        )

    assert Section.objects.count() == sections


def test_the_change_page_with_a_found_body_stored_answers_with_it_as_plain_text(
    client, live_page, author
):
    stored_as_old_data(live_page.sections.get(anchor="symptoms"), FOUND_BODIES["numbered"])
    change = services.start_change(page=live_page, by=author, summary="Tidy the symptoms.")
    client.force_login(author)
    client.get(reverse("reviews:dashboard"))  # the first request loads templates and URLs
    start = time.perf_counter()

    response = client.get(reverse("reviews:change", args=[change.pk]))

    assert time.perf_counter() - start < GUARD
    assert response.status_code == 200
    assert "9. ///details<br>" in response.content.decode()  # its words, as plain paragraphs


def test_a_render_past_its_budget_is_stopped_and_the_change_page_still_answers(
    client, draft_change, author, symptoms, render_budget
):
    services.edit_in_change(
        change=draft_change,
        obj=Section(page=draft_change.page, heading="Care", body="Some SLOW <b>care</b>."),
        by=author,
        comment="Add",
    )
    render_budget.MARKDOWN_RENDER_CONVERTER = ENDLESS  # as if the renderer now hung on that text
    client.force_login(author)
    client.get(reverse("reviews:dashboard"))  # the first request loads templates and URLs
    start = time.perf_counter()

    response = client.get(reverse("reviews:change", args=[draft_change.pk]))

    assert time.perf_counter() - start < GUARD
    assert response.status_code == 200
    text = response.content.decode()
    assert "Some SLOW &lt;b&gt;care&lt;/b&gt;." in text and "<b>care</b>" not in text
    assert "spread to other parts of the body" in text  # the other sections render as usual


def test_publishing_a_body_that_cannot_render_in_budget_is_refused(live_page, publish):
    current = PublishedPage.objects.get(page=live_page, is_current=True)
    stored_as_old_data(live_page.sections.get(anchor="symptoms"), FOUND_BODIES["bulleted"])

    with pytest.raises(
        PublishingRefused, match=f"The section “Symptoms” cannot be published: {TOO_SLOW}"
    ):
        publish(live_page)

    assert PublishedPage.objects.get(page=live_page, is_current=True) == current


def test_publishing_text_saved_before_the_limits_is_refused_not_shown_plain(live_page, publish):
    current = PublishedPage.objects.get(page=live_page, is_current=True)
    stored_as_old_data(live_page.sections.get(anchor="symptoms"), "[" * 16_000)

    with pytest.raises(PublishingRefused, match="The section “Symptoms” cannot be published: "):
        publish(live_page)

    assert PublishedPage.objects.get(page=live_page, is_current=True) == current


def test_the_publisher_is_told_which_section_to_edit(approved_change, publisher, render_budget):
    current = PublishedPage.objects.get(page=approved_change.page, is_current=True)
    render_budget.MARKDOWN_RENDER_CONVERTER = (
        "tests.infopages.renderers.endless"  # a renderer that hangs
    )

    with pytest.raises(InvalidTransition, match="The section “What is it\\?” cannot be published"):
        services.publish(change=approved_change, by=publisher)

    approved_change.refresh_from_db()
    assert approved_change.state == approved_change.State.APPROVED
    assert PublishedPage.objects.get(page=approved_change.page, is_current=True) == current


def test_restoring_a_version_that_cannot_render_in_budget_is_refused(
    live_page, author, second_editor
):
    symptoms = live_page.sections.get(anchor="symptoms")
    stored_as_old_data(symptoms, FOUND_BODIES["numbered"])
    stored_as_old_data(symptoms, "Pain, fixed.")
    hostile = Version.objects.get_for_object(symptoms)[1]

    with pytest.raises(InvalidInput, match="The section “Symptoms” cannot be restored as it was"):
        services.restore_as_draft(version=hostile, by=second_editor)

    symptoms.refresh_from_db()
    assert symptoms.body == "Pain, fixed."


def test_restoring_a_publication_with_a_section_that_cannot_render_is_refused(
    live_page, publish, author, render_budget
):
    symptoms = live_page.sections.get(anchor="symptoms")
    stored_as_old_data(symptoms, FOUND_BODIES["rule between details"])
    render_budget.MARKDOWN_RENDER_CONVERTER = "tests.infopages.renderers.words_only"
    old = publish(live_page)  # published before the budget, by a renderer that finished
    render_budget.MARKDOWN_RENDER_CONVERTER = renderer.DEFAULT_CONVERTER
    stored_as_old_data(symptoms, "Pain, fixed.")

    with pytest.raises(InvalidInput, match="The section “Symptoms” cannot be restored as it was"):
        services.restore_publication_as_draft(publication=old, by=author)

    symptoms.refresh_from_db()
    assert symptoms.body == "Pain, fixed."


def test_importing_a_found_body_is_refused_and_other_files_import(db, tmp_path):
    text = with_front("").replace(BODY, "## Where it spreads\n\n" + FOUND_BODIES["numbered"])

    error, bad = refused(tmp_path, text)

    assert error.startswith(f"{bad}:18: section 'Where it spreads': {TOO_SLOW_TEXT}")
