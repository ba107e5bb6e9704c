import pytest
from reversion.models import Version

from infopages.models import Section
from infopages.services import EditConflict, restore_version, save_with_version


def test_each_save_is_a_version_with_author_and_comment(make_page, editor):
    page = make_page()
    section = page.sections.get(anchor="symptoms")
    section.body = "Pain, tiredness and breathlessness."

    save_with_version(section, by=editor, comment="Added breathlessness", expected_lock_version=0)

    versions = Version.objects.get_for_object(section)
    assert versions.count() == 2
    latest = versions.first()
    assert latest.revision.user == editor
    assert latest.revision.comment == "Added breathlessness"
    assert latest.revision.date_created is not None
    assert latest.field_dict["body"] == "Pain, tiredness and breathlessness."


def test_an_earlier_version_is_restored_as_a_new_version(make_page, editor, make_user):
    page = make_page()
    section = page.sections.get(anchor="symptoms")
    first = Version.objects.get_for_object(section).first()
    section.body = "A later text."
    save_with_version(section, by=editor, comment="Rewrote", expected_lock_version=0)

    other = make_user("other-editor")
    restored = restore_version(version=first, by=other)

    section.refresh_from_db()
    assert section.body == "Pain."
    versions = Version.objects.get_for_object(section)
    assert versions.count() == 3  # nothing rewritten: the restore is a new version on top
    assert restored.version == versions.first()
    assert restored.version.revision.user == other
    assert "Restored the version of" in restored.version.revision.comment
    assert section.lock_version == 2


def test_a_deleted_section_can_be_restored(make_page, editor):
    page = make_page()
    section = page.sections.get(anchor="symptoms")
    section_pk = section.pk
    last = Version.objects.get_for_object(section).first()
    section.delete()

    restore_version(version=last, by=editor)

    assert Section.objects.get(pk=section_pk).body == "Pain."


def test_second_save_from_the_same_starting_version_is_a_conflict(make_page, editor, make_user):
    page = make_page()
    first_copy = page.sections.get(anchor="symptoms")
    second_copy = page.sections.get(anchor="symptoms")
    first_copy.body = "First editor's text."
    second_copy.body = "Second editor's text."
    save_with_version(first_copy, by=editor, comment="one", expected_lock_version=0)

    with pytest.raises(EditConflict) as conflict:
        save_with_version(
            second_copy, by=make_user("second"), comment="two", expected_lock_version=0
        )

    assert conflict.value.mine.body == "Second editor's text."
    assert conflict.value.theirs.body == "First editor's text."
    assert Section.objects.get(pk=first_copy.pk).body == "First editor's text."
    assert Version.objects.get_for_object(first_copy).count() == 2


def test_new_sections_get_unique_stable_anchors(make_page, editor):
    page = make_page(sections=[("Symptoms", "a"), ("Symptoms", "b")])

    anchors = list(page.sections.values_list("anchor", flat=True))
    assert anchors == ["symptoms", "symptoms-2"]

    section = page.sections.get(anchor="symptoms")
    section.heading = "Signs and symptoms"
    save_with_version(section, by=editor, comment="Renamed", expected_lock_version=0)
    section.refresh_from_db()
    assert section.anchor == "symptoms"  # links to the section keep working


def test_admin_saves_are_versions_too(admin_client, make_page):
    page = make_page()
    section = page.sections.get(anchor="symptoms")
    url = f"/admin/infopages/section/{section.pk}/change/"

    response = admin_client.post(
        url,
        {
            "page": page.pk,
            "position": 1,
            "heading": "Symptoms",
            "anchor": "symptoms",
            "body": "Edited in the admin.",
        },
    )

    assert response.status_code == 302
    latest = Version.objects.get_for_object(section).first()
    assert latest.field_dict["body"] == "Edited in the admin."
    assert latest.revision.user.username == "admin"


def test_an_admin_edit_makes_an_open_workspace_edit_conflict(admin_client, make_page, editor):
    page = make_page()
    opened = page.sections.get(anchor="symptoms")  # an editor opens it in the workspace
    admin_client.post(
        f"/admin/infopages/section/{opened.pk}/change/",
        {
            "page": page.pk,
            "position": 1,
            "heading": "Symptoms",
            "anchor": "symptoms",
            "body": "Saved in the admin meanwhile.",
        },
    )

    opened.body = "The editor's own text."
    with pytest.raises(EditConflict) as conflict:
        save_with_version(opened, by=editor, comment="mine", expected_lock_version=0)

    assert conflict.value.theirs.body == "Saved in the admin meanwhile."


def test_an_admin_edit_of_an_inline_section_moves_its_edit_counter_on(admin_client, make_page):
    page = make_page()
    first, second = page.sections.order_by("position")
    management = {
        f"{prefix}-{field}": value
        for prefix, total in [("sections", 2), ("references", 0), ("resources", 0)]
        for field, value in [
            ("TOTAL_FORMS", total),
            ("INITIAL_FORMS", total),
            ("MIN_NUM_FORMS", 0),
            ("MAX_NUM_FORMS", 1000),
        ]
    }
    sections = {}
    for i, section in enumerate([first, second]):
        sections |= {
            f"sections-{i}-id": section.pk,
            f"sections-{i}-page": page.pk,
            f"sections-{i}-position": section.position,
            f"sections-{i}-heading": section.heading,
            f"sections-{i}-anchor": section.anchor,
            f"sections-{i}-body": section.body,
        }
    sections["sections-1-body"] = "Changed inline."

    response = admin_client.post(
        f"/admin/infopages/page/{page.pk}/change/",
        {
            "slug": page.slug,
            "title": page.title,
            "summary": page.summary,
            "topic": page.topic_id,
            "reviewed_on": "2026-03-01",
            "next_review_on": "2029-03-01",
            **management,
            **sections,
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.body == "Changed inline."
    assert second.lock_version == 1
    assert first.lock_version == 0  # untouched sections keep their counter
