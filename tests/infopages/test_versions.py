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


def test_the_admin_saves_no_versions_pages_are_edited_in_the_workspace(admin_client, make_page):
    page = make_page()
    section = page.sections.get(anchor="symptoms")
    versions = Version.objects.get_for_object(section).count()

    response = admin_client.post(
        f"/admin/infopages/section/{section.pk}/change/",
        {"page": page.pk, "position": 1, "heading": "Symptoms", "body": "Edited in the admin."},
    )

    assert response.status_code == 403
    assert Section.objects.get(pk=section.pk).body == "Pain."
    assert Version.objects.get_for_object(section).count() == versions
