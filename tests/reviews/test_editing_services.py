"""Editing everything a page has inside a change, through the services: references,
resources, the page's topic, address and related pages, and the order of its parts. Each
save is a version and an audit event; stale saves conflict; non-editors are refused."""

import datetime as dt

import pytest
from reversion.models import Revision, Version

from infopages.models import Page, Reference, Resource, Section, Topic
from infopages.services import EditConflict, save_with_version
from reviews import services
from reviews.core.audit import Action
from reviews.core.contents import authors_of
from reviews.core.errors import InvalidInput, NotAllowed, StaleContent
from reviews.models import AuditEvent, ChangeRequest

State = ChangeRequest.State


def versions_of(obj) -> list[Version]:
    return list(Version.objects.get_for_object(obj))


def last_event(change) -> AuditEvent:
    return AuditEvent.objects.filter(change_request_id=change.pk).latest("id")


@pytest.fixture
def reference(draft_change, author):
    saved = services.edit_in_change(
        change=draft_change,
        obj=Reference(
            page=draft_change.page,
            citation="NICE. Advanced breast cancer (NG101). 2017.",
            url="https://www.nice.org.uk/guidance/ng101",
            accessed_on=dt.date(2026, 1, 5),
        ),
        by=author,
        comment="Add the NICE guideline",
    )
    return saved.obj


def test_adding_a_reference_saves_a_version_in_the_change_with_an_audit_event(
    draft_change, author, reference
):
    version = versions_of(reference)[0]
    assert version.field_dict["accessed_on"] == dt.date(2026, 1, 5)
    assert (version.revision.user, version.revision.get_comment()) == (
        author,
        "Add the NICE guideline",
    )
    assert draft_change.items.filter(version=version).exists()  # the change holds it
    event = last_event(draft_change)
    assert event.action == Action.EDITED and event.actor == author
    assert event.message.startswith("Added reference “NICE. Advanced breast cancer")


def test_editing_a_reference_says_what_changed_and_conflicts_when_stale(
    draft_change, author, second_editor, reference
):
    started_from = reference.lock_version
    theirs = Reference.objects.get(pk=reference.pk)
    theirs.accessed_on = dt.date(2026, 2, 1)
    services.edit_in_change(
        change=draft_change,
        obj=theirs,
        by=second_editor,
        comment="Checked the link again",
        expected_lock_version=started_from,
    )
    assert "(changed: accessed date)" in last_event(draft_change).message
    events = AuditEvent.objects.count()

    mine = Reference.objects.get(pk=reference.pk)
    mine.citation = "NICE. NG101, updated 2024."
    with pytest.raises(EditConflict) as conflict:
        services.edit_in_change(
            change=draft_change,
            obj=mine,
            by=author,
            comment="Updated",
            expected_lock_version=started_from,
        )

    assert conflict.value.theirs.accessed_on == dt.date(2026, 2, 1)
    assert Reference.objects.get(pk=reference.pk).citation.startswith("NICE. Advanced")
    assert AuditEvent.objects.count() == events


def test_a_resource_is_added_removed_and_its_versions_kept(draft_change, author, second_editor):
    resource = services.edit_in_change(
        change=draft_change,
        obj=Resource(
            page=draft_change.page, title="Our booklet", url="https://example.org/booklet"
        ),
        by=author,
        comment="Booklet",
    ).obj
    assert resource.position == 0
    resource_pk = resource.pk

    services.remove_in_change(
        change=draft_change, obj=resource, by=second_editor, comment="Out of print"
    )

    assert not Resource.objects.filter(pk=resource_pk).exists()
    assert Version.objects.get_for_object_reference(Resource, resource_pk).count() == 1
    event = last_event(draft_change)
    assert event.action == Action.REMOVED and "Out of print" in event.message
    assert second_editor in authors_of(draft_change)


def test_a_part_that_could_not_be_published_is_refused_in_the_persons_words(draft_change, author):
    with pytest.raises(InvalidInput, match="Link: Enter a valid URL"):
        services.edit_in_change(
            change=draft_change,
            obj=Resource(page=draft_change.page, title="Booklet", url="not a link"),
            by=author,
            comment="Booklet",
        )
    assert not Resource.objects.exists()


def test_removing_needs_a_reason(draft_change, author, reference):
    with pytest.raises(InvalidInput, match="Say why the reference is removed"):
        services.remove_in_change(change=draft_change, obj=reference, by=author, comment=" ")
    assert Reference.objects.filter(pk=reference.pk).exists()


@pytest.mark.parametrize("who", ["medic", "publisher"])
def test_people_who_are_not_editors_cannot_edit_add_remove_or_reorder(
    request, draft_change, reference, who
):
    person = request.getfixturevalue(who)
    reference.citation = "Changed by someone else."
    events, versions = AuditEvent.objects.count(), Version.objects.count()

    with pytest.raises(NotAllowed):
        services.edit_in_change(
            change=draft_change,
            obj=reference,
            by=person,
            comment="x",
            expected_lock_version=reference.lock_version,
        )
    with pytest.raises(NotAllowed):
        services.edit_in_change(
            change=draft_change,
            obj=Reference(page=draft_change.page, citation="New"),
            by=person,
            comment="x",
        )
    with pytest.raises(NotAllowed):
        services.remove_in_change(change=draft_change, obj=reference, by=person, comment="x")
    order = list(draft_change.page.sections.values_list("pk", flat=True))
    with pytest.raises(NotAllowed):
        services.reorder_in_change(
            change=draft_change,
            model=Section,
            order=order[::-1],
            expected_order=order,
            by=person,
            comment="x",
        )

    assert (AuditEvent.objects.count(), Version.objects.count()) == (events, versions)
    assert Reference.objects.get(pk=reference.pk).citation.startswith("NICE.")


def test_a_part_of_another_page_is_refused(draft_change, author, make_page):
    other = make_page(slug="bone-scan", title="Bone scan")
    with pytest.raises(InvalidInput, match="is not part of"):
        services.edit_in_change(
            change=draft_change,
            obj=Reference(page=other, citation="Elsewhere"),
            by=author,
            comment="x",
        )


# The page's own details


def test_the_topic_is_changed_as_a_version_of_the_page(draft_change, author, topic):
    page = Page.objects.get(pk=draft_change.page_id)
    living = Topic.objects.create(name="Living with cancer", slug="living-with-cancer")
    page.topic = living
    services.edit_in_change(
        change=draft_change,
        obj=page,
        by=author,
        comment="Move to living with cancer",
        expected_lock_version=page.lock_version,
    )

    assert versions_of(page)[0].field_dict["topic_id"] == living.pk
    assert "(changed: topic)" in last_event(draft_change).message


def test_a_new_address_is_saved_and_the_audit_event_names_both(draft_change, author):
    page = Page.objects.get(pk=draft_change.page_id)
    page.slug = "metastatic-breast-cancer"
    services.edit_in_change(
        change=draft_change,
        obj=page,
        by=author,
        comment="The name people search for",
        expected_lock_version=page.lock_version,
    )

    message = last_event(draft_change).message
    assert "address /info/secondary-breast-cancer/ → /info/metastatic-breast-cancer/" in message
    assert versions_of(page)[0].field_dict["slug"] == "metastatic-breast-cancer"


def test_an_address_another_page_has_or_is_live_at_is_refused(
    draft_change, author, make_page, publish
):
    bone_scan = make_page(slug="bone-scan", title="Bone scan")
    publish(bone_scan)
    page = Page.objects.get(pk=draft_change.page_id)
    page.slug = "bone-scan"
    with pytest.raises(InvalidInput, match="Another page, “Bone scan”, already has the address"):
        services.edit_in_change(
            change=draft_change,
            obj=page,
            by=author,
            comment="x",
            expected_lock_version=page.lock_version,
        )

    # Renamed in its working copy, Bone scan is still live at its old address until published.
    save_with_version(bone_scan, by=author, comment="x", expected_lock_version=None)
    Page.objects.filter(pk=bone_scan.pk).update(slug="bone-scans")
    with pytest.raises(InvalidInput, match="Readers still find “Bone scan” at /info/bone-scan/"):
        services.edit_in_change(
            change=draft_change,
            obj=page,
            by=author,
            comment="x",
            expected_lock_version=page.lock_version,
        )
    assert Page.objects.get(pk=page.pk).slug == "secondary-breast-cancer"


def test_related_pages_are_saved_in_the_pages_version(draft_change, author, make_page):
    bone_scan = make_page(slug="bone-scan", title="Bone scan")
    page = Page.objects.get(pk=draft_change.page_id)
    hash_before = draft_change.content_hash

    services.edit_in_change(
        change=draft_change,
        obj=page,
        by=author,
        comment="Point to the scan",
        expected_lock_version=page.lock_version,
        related_pages=[bone_scan],
    )

    assert list(page.related_pages.all()) == [bone_scan]
    assert versions_of(page)[0].field_dict["related_pages"] == [bone_scan.pk]
    draft_change.refresh_from_db()
    assert draft_change.content_hash != hash_before  # reviewers sign it off
    assert "(changed: related pages)" in last_event(draft_change).message


def test_a_page_cannot_be_related_to_itself(draft_change, author):
    page = Page.objects.get(pk=draft_change.page_id)
    with pytest.raises(InvalidInput, match="cannot be related to itself"):
        services.edit_in_change(
            change=draft_change,
            obj=page,
            by=author,
            comment="x",
            expected_lock_version=page.lock_version,
            related_pages=[page],
        )


def test_editing_the_page_of_an_approved_change_sends_it_back_to_review(
    approved_change, author, make_page
):
    page = Page.objects.get(pk=approved_change.page_id)
    services.edit_in_change(
        change=approved_change,
        obj=page,
        by=author,
        comment="Related",
        expected_lock_version=page.lock_version,
        related_pages=[make_page(slug="bone-scan", title="Bone scan")],
    )

    approved_change.refresh_from_db()
    assert approved_change.state == State.IN_REVIEW


# Putting parts in order


@pytest.fixture
def three_sections(draft_change, author):
    services.edit_in_change(
        change=draft_change,
        obj=Section(page=draft_change.page, heading="Treatment", body="Drugs."),
        by=author,
        comment="Treatment",
    )
    return list(draft_change.page.sections.order_by("position"))


def test_reordering_sections_is_one_step_with_new_versions_of_the_moved_ones(
    draft_change, author, three_sections
):
    what, symptoms, treatment = three_sections
    revisions, events = Revision.objects.count(), AuditEvent.objects.count()
    unmoved_versions = len(versions_of(what))

    services.reorder_in_change(
        change=draft_change,
        model=Section,
        order=[what.pk, treatment.pk, symptoms.pk],
        expected_order=[what.pk, symptoms.pk, treatment.pk],
        by=author,
        comment="Treatment first",
    )

    assert [s.heading for s in draft_change.page.sections.order_by("position")] == [
        "What is it?",
        "Treatment",
        "Symptoms",
    ]
    assert Revision.objects.count() == revisions + 1  # one revision for both moved sections
    assert versions_of(treatment)[0].field_dict["position"] == 1
    assert versions_of(symptoms)[0].field_dict["position"] == 2
    assert len(versions_of(what)) == unmoved_versions  # not moved, no new version
    assert AuditEvent.objects.count() == events + 1
    event = last_event(draft_change)
    assert event.action == Action.REORDERED and event.actor == author
    assert "1. Secondary breast cancer: What is it?" in event.message
    assert "Treatment first" in event.message
    draft_change.refresh_from_db()
    included = set(draft_change.items.values_list("version_id", flat=True))
    assert versions_of(treatment)[0].pk in included


def test_reordering_from_a_stale_order_conflicts_and_saves_nothing(
    draft_change, author, second_editor, three_sections
):
    what, symptoms, treatment = three_sections
    started_from = [what.pk, symptoms.pk, treatment.pk]
    services.reorder_in_change(
        change=draft_change,
        model=Section,
        order=[treatment.pk, what.pk, symptoms.pk],
        expected_order=started_from,
        by=second_editor,
        comment="Treatment at the top",
    )
    events = AuditEvent.objects.count()

    with pytest.raises(StaleContent, match="Someone changed the sections"):
        services.reorder_in_change(
            change=draft_change,
            model=Section,
            order=[symptoms.pk, what.pk, treatment.pk],
            expected_order=started_from,
            by=author,
            comment="Symptoms first",
        )

    assert AuditEvent.objects.count() == events
    assert list(draft_change.page.sections.order_by("position").values_list("pk", flat=True)) == [
        treatment.pk,
        what.pk,
        symptoms.pk,
    ]


@pytest.mark.parametrize(
    ("order", "message"),
    [
        ("same", "already in this order"),
        ("missing", "must list each of the page's sections once"),
        ("twice", "must list each of the page's sections once"),
    ],
)
def test_an_order_that_is_not_a_new_order_of_every_section_is_refused(
    draft_change, author, three_sections, order, message
):
    ids = [s.pk for s in three_sections]
    orders = {"same": ids, "missing": ids[:2], "twice": [ids[0], ids[0], ids[1]]}
    with pytest.raises(InvalidInput, match=message):
        services.reorder_in_change(
            change=draft_change,
            model=Section,
            order=orders[order],
            expected_order=ids,
            by=author,
            comment="x",
        )


def test_references_are_put_in_order_too(draft_change, author, reference):
    second = services.edit_in_change(
        change=draft_change,
        obj=Reference(page=draft_change.page, citation="Cancer Research UK. 2025."),
        by=author,
        comment="CRUK",
    ).obj
    assert (reference.position, second.position) == (0, 1)

    services.reorder_in_change(
        change=draft_change,
        model=Reference,
        order=[second.pk, reference.pk],
        expected_order=[reference.pk, second.pk],
        by=author,
        comment="Most recent first",
    )

    assert list(draft_change.page.references.values_list("pk", flat=True)) == [
        second.pk,
        reference.pk,
    ]


def test_the_whole_page_is_published_as_edited(
    draft_change, author, medic, publisher, reference, three_sections, make_page, approve
):
    bone_scan = make_page(slug="bone-scan", title="Bone scan")
    page = Page.objects.get(pk=draft_change.page_id)
    page.slug = "metastatic-breast-cancer"
    services.edit_in_change(
        change=draft_change,
        obj=page,
        by=author,
        comment="Address and related",
        expected_lock_version=page.lock_version,
        related_pages=[bone_scan],
    )
    what, symptoms, treatment = three_sections
    services.reorder_in_change(
        change=draft_change,
        model=Section,
        order=[what.pk, treatment.pk, symptoms.pk],
        expected_order=[what.pk, symptoms.pk, treatment.pk],
        by=author,
        comment="Treatment before symptoms",
    )
    services.submit_for_review(change=draft_change, by=author)
    approve(draft_change, medic)

    publication = services.publish(change=draft_change, by=publisher)

    assert publication.slug == "metastatic-breast-cancer"
    assert publication.related_page_ids == [bone_scan.pk]
    assert [s.heading for s in publication.sections.order_by("position")] == [
        "What is it?",
        "Treatment",
        "Symptoms",
    ]
    assert publication.references[0]["accessed_on"] == "2026-01-05"
