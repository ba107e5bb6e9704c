"""Editing a page within a change request, through the HTTP client: saving, conflicts between
two editors (nothing lost), adding and removing sections, and restoring earlier versions."""

import pytest
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from infopages.models import Page, Section
from reviews import services
from reviews.models import AuditEvent, ChangeRequest
from tests.reviews.conftest import NEW_TEXT, OLD_TEXT

State = ChangeRequest.State


def html_of(response) -> str:
    return response.content.decode()


def edit_url(change, section) -> str:
    return reverse("reviews:edit_section", args=[change.pk, section.pk])


@pytest.fixture
def symptoms(draft_change):
    return Section.objects.get(page=draft_change.page, anchor="symptoms")


def test_editor_saves_a_section_and_sees_the_change_in_the_diff(
    client, draft_change, author, symptoms
):
    client.force_login(author)
    form = html_of(client.get(edit_url(draft_change, symptoms)))
    assert "Pain.</textarea>" in form
    assert f'name="lock_version" value="{symptoms.lock_version}"' in form

    response = client.post(
        edit_url(draft_change, symptoms),
        {
            "heading": "Symptoms",
            "body": "Pain and tiredness.",
            "comment": "Add tiredness",
            "lock_version": symptoms.lock_version,
        },
        follow=True,
    )

    html = html_of(response)
    assert "Saved “Symptoms”." in html
    assert 'Pain <ins><span class="visually-hidden">[Added: </span>and tiredness' in html
    version = Version.objects.get_for_object(symptoms).first()
    assert (version.revision.user, version.revision.get_comment()) == (author, "Add tiredness")


def test_two_editors_saving_the_same_section_lose_nothing(
    draft_change, author, second_editor, symptoms
):
    mine, theirs = Client(), Client()
    mine.force_login(author)
    theirs.force_login(second_editor)
    started_from = symptoms.lock_version
    # Both open the form at the same version...
    assert f'value="{started_from}"' in html_of(mine.get(edit_url(draft_change, symptoms)))
    assert f'value="{started_from}"' in html_of(theirs.get(edit_url(draft_change, symptoms)))
    # ...Sam saves first...
    theirs.post(
        edit_url(draft_change, symptoms),
        {
            "heading": "Symptoms",
            "body": "Pain, tiredness and breathlessness.",
            "comment": "More symptoms",
            "lock_version": started_from,
        },
    )
    events = AuditEvent.objects.count()

    # ...then Erin saves from the version she opened.
    response = mine.post(
        edit_url(draft_change, symptoms),
        {
            "heading": "Symptoms",
            "body": "Bone pain, which may be worse at night.",
            "comment": "Bone pain",
            "lock_version": started_from,
        },
    )

    html = html_of(response)
    assert response.status_code == 409
    assert "Sam Second saved this while you were editing, so your text was not saved." in html
    assert "Bone pain, which may be worse at night.</textarea>" in html  # hers, still editable
    assert "Saved meanwhile by Sam Second" in html
    assert "Pain, tiredness and breathlessness." in html  # his, beside it
    assert "“More symptoms”" in html
    assert f'name="lock_version" value="{started_from + 1}"' in html
    assert Section.objects.get(pk=symptoms.pk).body == "Pain, tiredness and breathlessness."
    assert AuditEvent.objects.count() == events


def test_saving_again_after_a_conflict_keeps_both_versions(
    client, draft_change, author, second_editor, symptoms, edit_section
):
    started_from = symptoms.lock_version
    edit_section(draft_change, "symptoms", "Pain and breathlessness.", by=second_editor)
    client.force_login(author)
    conflict = client.post(
        edit_url(draft_change, symptoms),
        {
            "heading": "Symptoms",
            "body": "Bone pain.",
            "comment": "Bone pain",
            "lock_version": started_from,
        },
    )
    assert conflict.status_code == 409

    client.post(
        edit_url(draft_change, symptoms),
        {
            "heading": "Symptoms",
            "body": "Bone pain and breathlessness.",
            "comment": "Merged",
            "lock_version": started_from + 1,
        },
    )

    assert Section.objects.get(pk=symptoms.pk).body == "Bone pain and breathlessness."
    bodies = [v.field_dict["body"] for v in Version.objects.get_for_object(symptoms)]
    assert bodies[:2] == ["Bone pain and breathlessness.", "Pain and breathlessness."]


def test_a_save_without_a_comment_keeps_the_text_and_asks_for_one(
    client, draft_change, author, symptoms
):
    client.force_login(author)

    response = client.post(
        edit_url(draft_change, symptoms),
        {
            "heading": "Symptoms",
            "body": "Pain and fatigue.",
            "comment": "",
            "lock_version": symptoms.lock_version,
        },
    )

    html = html_of(response)
    assert "Say in a few words what you changed." in html
    assert "Pain and fatigue.</textarea>" in html
    assert Section.objects.get(pk=symptoms.pk).body == "Pain."


def test_preview_shows_how_it_will_look_without_saving(client, draft_change, author, symptoms):
    client.force_login(author)

    response = client.post(
        edit_url(draft_change, symptoms),
        {
            "heading": "Symptoms",
            "body": "- Pain\n- Tiredness",
            "comment": "List",
            "lock_version": symptoms.lock_version,
            "preview": "1",
        },
    )

    html = html_of(response)
    assert "How it will look (not saved yet)" in html
    assert "<li>Tiredness</li>" in html
    assert Section.objects.get(pk=symptoms.pk).body == "Pain."


def test_editing_an_approved_change_warns_and_sends_it_back_to_review(
    client, approved_change, author
):
    section = Section.objects.get(page=approved_change.page, anchor="symptoms")
    client.force_login(author)
    assert "Saving sends it back to the reviewers" in html_of(
        client.get(edit_url(approved_change, section))
    )

    client.post(
        edit_url(approved_change, section),
        {
            "heading": "Symptoms",
            "body": "Pain, tiredness.",
            "comment": "Tiredness",
            "lock_version": section.lock_version,
        },
    )

    approved_change.refresh_from_db()
    assert approved_change.state == State.IN_REVIEW


def test_a_reviewer_cannot_edit_a_section(client, draft_change, medic, symptoms):
    client.force_login(medic)

    assert client.get(edit_url(draft_change, symptoms)).status_code == 403
    response = client.post(
        edit_url(draft_change, symptoms),
        {
            "heading": "Symptoms",
            "body": "Changed by a reviewer.",
            "comment": "x",
            "lock_version": symptoms.lock_version,
        },
    )

    assert response.status_code == 403
    assert Section.objects.get(pk=symptoms.pk).body == "Pain."


def test_a_section_of_another_page_cannot_be_edited_through_this_change(
    client, draft_change, author, make_page
):
    other = make_page(slug="bone-scan", title="Bone scan").sections.first()
    client.force_login(author)

    assert client.get(edit_url(draft_change, other)).status_code == 404


def test_a_published_change_can_no_longer_be_edited(client, approved_change, publisher, author):
    from reviews import services

    services.publish(change=approved_change, by=publisher)
    section = Section.objects.get(page=approved_change.page, anchor="symptoms")
    client.force_login(author)

    response = client.get(edit_url(approved_change, section), follow=True)

    assert "it can no longer be edited" in html_of(response)


def test_a_save_after_the_change_was_published_meanwhile_keeps_the_editors_text(
    client, approved_change, publisher, author
):
    section = Section.objects.get(page=approved_change.page, anchor="symptoms")
    client.force_login(author)
    client.get(edit_url(approved_change, section))  # the editor opens the form...
    services.publish(change=approved_change, by=publisher)  # ...a publisher publishes...

    response = client.post(  # ...then the editor saves.
        edit_url(approved_change, section),
        {
            "heading": "Symptoms",
            "body": "Bone pain, worse at night.",
            "comment": "Bone pain",
            "lock_version": section.lock_version,
        },
    )

    html = html_of(response)
    assert "Bone pain, worse at night.</textarea>" in html
    assert "already been published, so it can no longer be edited" in html
    assert Section.objects.get(pk=section.pk).body == "Pain."


def test_a_save_to_a_section_removed_meanwhile_keeps_the_editors_text(
    client, draft_change, author, second_editor, symptoms
):
    url = edit_url(draft_change, symptoms)
    section_pk, started_from = symptoms.pk, symptoms.lock_version
    client.force_login(author)
    client.get(url)  # Erin opens the form...
    services.remove_in_change(  # ...Sam removes the section...
        change=draft_change, obj=symptoms, by=second_editor, comment="Covered elsewhere"
    )

    response = client.post(  # ...then Erin saves.
        url,
        {
            "heading": "Symptoms",
            "body": "Bone pain, worse at night.",
            "comment": "Bone pain",
            "lock_version": started_from,
        },
    )

    assert response.status_code == 409
    html = html_of(response)
    assert "Bone pain, worse at night.</textarea>" in html
    assert "was removed while you were editing" in html
    assert not Section.objects.filter(pk=section_pk).exists()


def test_a_save_to_a_section_of_another_page_is_not_found(client, draft_change, author, make_page):
    other = make_page(slug="bone-scan", title="Bone scan").sections.first()
    client.force_login(author)

    response = client.post(
        edit_url(draft_change, other),
        {"heading": "x", "body": "y", "comment": "z", "lock_version": other.lock_version},
    )

    assert response.status_code == 404


def test_editor_adds_a_section_at_the_end(client, draft_change, author):
    client.force_login(author)

    response = client.post(
        reverse("reviews:add_section", args=[draft_change.pk]),
        {"heading": "Living with it", "body": "Support is available.", "comment": "New section"},
        follow=True,
    )

    section = Section.objects.get(page=draft_change.page, heading="Living with it")
    assert (section.anchor, section.position) == ("living-with-it", 2)
    html = html_of(response)
    assert "Added the section “Living with it”" in html
    assert "New</span>" in html


def test_editor_changes_the_title_and_summary(client, draft_change, author):
    page = draft_change.page
    client.force_login(author)

    client.post(
        reverse("reviews:edit_page", args=[draft_change.pk]),
        {
            "title": "Secondary (metastatic) breast cancer",
            "summary": page.summary,
            "comment": "Add the other name",
            "lock_version": page.lock_version,
        },
    )

    assert Page.objects.get(pk=page.pk).title == "Secondary (metastatic) breast cancer"
    html = html_of(client.get(draft_change.get_absolute_url()))
    assert 'Secondary <ins><span class="visually-hidden">[Added: </span>(metastatic)<span' in html


def test_editor_removes_a_section_with_a_reason(client, draft_change, author, symptoms):
    client.force_login(author)

    response = client.post(
        reverse("reviews:remove_section", args=[draft_change.pk, symptoms.pk]),
        {"comment": "Covered elsewhere"},
        follow=True,
    )

    assert not Section.objects.filter(pk=symptoms.pk).exists()
    html = html_of(response)
    assert "Removed the section “Symptoms”" in html
    assert "Removed</span>" in html  # shown as removed in the diff


def test_removing_a_section_needs_a_reason(client, draft_change, author, symptoms):
    client.force_login(author)

    response = client.post(
        reverse("reviews:remove_section", args=[draft_change.pk, symptoms.pk]), {"comment": ""}
    )

    assert "Say why the section is removed." in html_of(response)
    assert Section.objects.filter(pk=symptoms.pk).exists()


# Restoring earlier versions


def test_page_history_lists_each_sections_versions(client, draft_change, medic):
    client.force_login(medic)

    html = html_of(client.get(reverse("reviews:page_history", args=[draft_change.page.pk])))

    assert "Section: What is it?" in html
    assert "(2 versions)" in html
    assert NEW_TEXT in html and OLD_TEXT in html
    assert "Restore as a new draft" not in html  # reviewers only look


def test_editor_restores_an_earlier_version_as_a_new_draft(client, approved_change, author):
    section = Section.objects.get(page=approved_change.page, anchor="what-is-it")
    first = Version.objects.get_for_object(section).last()
    client.force_login(author)
    assert "Restore as a new draft" in html_of(
        client.get(reverse("reviews:page_history", args=[approved_change.page.pk]))
    )

    response = client.post(
        reverse("reviews:restore_version", args=[approved_change.page.pk]),
        {"version": first.pk},
        follow=True,
    )

    assert Section.objects.get(pk=section.pk).body == OLD_TEXT
    approved_change.refresh_from_db()
    assert approved_change.state == State.IN_REVIEW  # the restore goes through review again
    assert "It is a draft in this change request" in html_of(response)


def test_editor_restores_the_page_as_published_before(client, draft_change, author, live_page):
    publication = live_page.publications.get()
    client.force_login(author)

    client.post(
        reverse("reviews:restore_publication", args=[live_page.pk]),
        {"publication": publication.pk},
    )

    assert Section.objects.get(page=live_page, anchor="what-is-it").body == OLD_TEXT


def test_a_version_of_another_page_is_not_restored_here(client, draft_change, author, make_page):
    other = make_page(slug="bone-scan", title="Bone scan").sections.first()
    version = Version.objects.get_for_object(other).first()
    client.force_login(author)

    response = client.post(
        reverse("reviews:restore_version", args=[draft_change.page.pk]),
        {"version": version.pk},
        follow=True,
    )

    assert "That version is not part of this page." in html_of(response)


def test_a_reviewer_cannot_restore(client, draft_change, medic):
    section = Section.objects.get(page=draft_change.page, anchor="what-is-it")
    first = Version.objects.get_for_object(section).last()
    client.force_login(medic)

    response = client.post(
        reverse("reviews:restore_version", args=[draft_change.page.pk]), {"version": first.pk}
    )

    assert response.status_code == 403
    assert Section.objects.get(pk=section.pk).body == NEW_TEXT
