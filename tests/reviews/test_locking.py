import pytest

from infopages.models import Section
from infopages.services import EditConflict
from reviews import services
from reviews.models import AuditEvent


def test_second_save_from_the_same_starting_version_is_refused_with_both_texts(
    draft_change, author, second_editor
):
    # Both editors open the same section at the same version.
    mine = Section.objects.get(page=draft_change.page, anchor="symptoms")
    theirs = Section.objects.get(pk=mine.pk)
    started_from = mine.lock_version
    hash_before = draft_change.content_hash

    theirs.body = "Pain, tiredness and breathlessness."
    services.edit_in_change(
        change=draft_change,
        obj=theirs,
        by=second_editor,
        comment="Symptoms",
        expected_lock_version=started_from,
    )
    events = AuditEvent.objects.count()
    hash_after_first = draft_change.content_hash

    mine.body = "Bone pain."
    with pytest.raises(EditConflict) as conflict:
        services.edit_in_change(
            change=draft_change,
            obj=mine,
            by=author,
            comment="Symptoms",
            expected_lock_version=started_from,
        )

    assert conflict.value.mine.body == "Bone pain."
    assert conflict.value.theirs.body == "Pain, tiredness and breathlessness."
    assert "Your text has not been lost" in str(conflict.value)
    assert Section.objects.get(pk=mine.pk).body == "Pain, tiredness and breathlessness."
    draft_change.refresh_from_db()
    assert draft_change.content_hash == hash_after_first != hash_before
    assert AuditEvent.objects.count() == events


def test_saving_again_from_the_latest_version_succeeds_after_a_conflict(
    draft_change, author, second_editor
):
    section = Section.objects.get(page=draft_change.page, anchor="symptoms")
    stale = section.lock_version
    section.body = "First"
    services.edit_in_change(
        change=draft_change,
        obj=section,
        by=second_editor,
        comment="1",
        expected_lock_version=stale,
    )

    latest = Section.objects.get(pk=section.pk)
    latest.body = "First, then mine"
    services.edit_in_change(
        change=draft_change,
        obj=latest,
        by=author,
        comment="2",
        expected_lock_version=latest.lock_version,
    )

    assert Section.objects.get(pk=section.pk).body == "First, then mine"
