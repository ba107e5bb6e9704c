"""The evidence register's services: references get shared sources, marking a source updated
or withdrawn flags every page citing it, reviewers are shown the flags, and publishing a
change they saw clears them; near-duplicates merge with nothing lost."""

import pytest
from reversion.models import Version

from infopages.models import PublishedPage, Reference, Source
from infopages.register import near_duplicates, pages_citing, source_for
from infopages.services import save_with_version
from reviews import services
from reviews.core import contents
from reviews.core.audit import Action
from reviews.core.errors import InvalidInput, NotAllowed, StaleContent
from reviews.core.status import ReviewStatus
from reviews.evidence import flags
from reviews.models import AuditEvent, Decision, ReviewFlag

NG101 = "NICE. Advanced breast cancer: diagnosis and treatment (NG101). 2017."
NG101_URL = "https://www.nice.org.uk/guidance/ng101"


def add_reference(change, *, by, citation=NG101, url=NG101_URL, source=None):
    reference = Reference(page=change.page, citation=citation, url=url, source=source)
    return services.edit_in_change(change=change, obj=reference, by=by, comment="Evidence").obj


def mark_updated(source, *, by, note="NICE NG101 updated October 2026"):
    return services.mark_source(source=source, by=by, status="updated", note=note)


@pytest.fixture
def cited(draft_change, author):
    """A page whose change adds a reference to NICE NG101."""
    return add_reference(draft_change, by=author)


def test_a_new_reference_gets_a_source_and_an_exact_duplicate_shares_it(
    cited, author, make_page, second_editor
):
    other = make_page(slug="bone-scan", title="Bone scan")
    change = services.start_change(page=other, by=author, summary="Add evidence")
    twin = add_reference(change, by=author, citation=f"  {NG101.upper()} ", url=NG101_URL + "/")

    assert cited.source is not None and cited.source.identifier == "NG101"
    assert twin.source_id == cited.source_id
    assert Source.objects.count() == 1
    added = AuditEvent.objects.filter(action=Action.SOURCE_ADDED)
    assert added.count() == 1 and "NG101" in added.get().message


def test_the_chosen_source_is_kept_and_is_part_of_what_is_signed(cited, author, draft_change):
    other = services.add_source(by=author, citation="Cancer Research UK. Bone scan.")
    before = draft_change.content_hash
    cited.source = other
    services.edit_in_change(
        change=draft_change,
        obj=cited,
        by=author,
        comment="The right source",
        expected_lock_version=cited.lock_version,
    )

    draft_change.refresh_from_db()
    assert Reference.objects.get(pk=cited.pk).source == other
    assert draft_change.content_hash != before
    saved = Version.objects.get_for_object(cited).first()
    assert saved.field_dict["source_id"] == other.pk
    assert (
        "source in the register" in AuditEvent.objects.filter(action=Action.EDITED).last().message
    )


def test_content_signed_before_the_register_keeps_its_hash(submitted_change):
    """A version saved before references had sources names none; the hash leaves the empty
    field out, so sign-offs given before the register keep counting."""
    versions = contents.included_versions(submitted_change)

    assert contents.content_hash(versions) == submitted_change.content_hash


def test_marking_a_source_updated_flags_every_page_citing_it(
    cited, author, draft_change, make_page, publish
):
    live_only = make_page(slug="live-only", title="Live only")
    save_with_version(
        Reference(page=live_only, citation=NG101, url=NG101_URL), by=author, comment="x"
    )
    Reference.objects.filter(page=live_only).update(source=cited.source)
    publish(live_only)
    Reference.objects.filter(page=live_only).delete()  # removed since; still live
    bystander = make_page(slug="bystander", title="Not citing it")

    marked = mark_updated(cited.source, by=author)

    assert {f.page for f in marked.flags} == {draft_change.page, live_only}
    flag = ReviewFlag.objects.get(page=draft_change.page)
    assert flag.is_open and flag.reason == "NICE NG101 updated October 2026"
    assert flag.source_status == "updated" and flag.raised_by == author
    assert not ReviewFlag.objects.filter(page=bystander).exists()
    source = Source.objects.get(pk=cited.source_id)
    assert source.status == "updated" and source.status_changed_at
    event = AuditEvent.objects.get(action=Action.SOURCE_MARKED)
    assert "2 pages flagged" in event.message
    assert AuditEvent.objects.filter(action=Action.REVIEW_FLAGGED, page=live_only).exists()


def test_marking_needs_an_editor_and_a_note(cited, author, medic):
    with pytest.raises(NotAllowed):
        mark_updated(cited.source, by=medic)
    with pytest.raises(InvalidInput, match="Say what changed"):
        mark_updated(cited.source, by=author, note="  ")
    assert not ReviewFlag.objects.exists()


def sign(change, reviewer, *, shown=None, decision=Decision.APPROVE):
    return services.sign_off(
        change=change,
        reviewer=reviewer,
        decision=decision,
        seen_hash=change.content_hash,
        comment="Checked against the new guideline.",
        sections=ReviewStatus(change).section_ids,
        shown={"flags": shown} if shown is not None else None,
    )


@pytest.fixture
def flagged_change(cited, draft_change, author):
    """A change in review on a page flagged because NG101 was updated."""
    mark_updated(cited.source, by=author)
    return services.submit_for_review(change=draft_change, by=author)


def test_publishing_a_change_whose_reviewers_saw_the_flag_clears_it(
    flagged_change, medic, publisher
):
    flag = ReviewFlag.objects.get()
    sign(flagged_change, medic, shown=[flag.pk])

    services.publish(change=flagged_change, by=publisher)

    flag.refresh_from_db()
    assert not flag.is_open and flag.cleared_by_change == flagged_change
    event = AuditEvent.objects.get(action=Action.PUBLISHED)
    assert "Review no longer needed" in event.message
    assert event.versions["cleared_flags"] == [flag.pk]


def test_a_flag_the_approving_reviewer_did_not_see_stays_open(
    cited, submitted_change, medic, publisher, author
):
    sign(submitted_change, medic, shown=[])  # approved before the source changed
    mark_updated(cited.source, by=author)

    services.publish(change=submitted_change, by=publisher)

    assert ReviewFlag.objects.get().is_open
    assert "Still needing review" in AuditEvent.objects.get(action=Action.PUBLISHED).message


def test_a_decision_given_on_a_screen_without_a_new_flag_is_refused(flagged_change, medic, author):
    first = ReviewFlag.objects.get()
    other = services.add_source(by=author, citation="BMJ 2021;372:n71", url="https://bmj.com/x")
    Reference.objects.filter(page=flagged_change.page).update(source=other)
    mark_updated(other, by=author, note="Retracted")

    with pytest.raises(StaleContent, match="after you opened the page"):
        sign(flagged_change, medic, shown=[first.pk])

    assert not flagged_change.sign_offs.exists()
    both = [f.pk for f in flags.open_flags_of(flagged_change.page_id)]
    sign(flagged_change, medic, shown=both)
    assert ReviewFlag.objects.get(pk=first.pk).shown_to.count() == 1


def test_publishing_links_the_publication_to_the_sources_it_cites(cited, draft_change, author):
    publication = PublishedPage.objects.get(page=draft_change.page, is_current=True)
    assert list(publication.sources.all()) == []  # published before the reference

    flagged = pages_citing([cited.source_id])

    assert flagged == {draft_change.page_id}  # the working copy cites it


def test_a_publication_from_versions_saved_before_the_register_uses_the_linked_source(
    live_page, author, approve, medic, lay, publisher
):
    reference = save_with_version(
        Reference(page=live_page, citation=NG101, url=NG101_URL), by=author, comment="Old"
    ).obj
    source, _created = source_for(citation=NG101, url=NG101_URL)
    Reference.objects.filter(pk=reference.pk).update(source=source)  # as the migration does
    change = services.start_change(
        page=live_page, by=author, summary="Reviewed", is_full_review=True
    )
    services.submit_for_review(change=change, by=author)
    approve(change, medic)
    approve(change, lay)

    publication = services.publish(change=change, by=publisher)

    assert Version.objects.get_for_object(reference).first().field_dict["source_id"] is None
    assert list(publication.sources.all()) == [source]


def test_merging_moves_references_and_keeps_the_merged_source(cited, author, make_page):
    other_page = make_page(slug="other", title="Other")
    change = services.start_change(page=other_page, by=author, summary="Evidence")
    near = add_reference(change, by=author, citation="NICE NG101 (2017)", url=NG101_URL)
    pairs, total = near_duplicates()
    assert total == 1 and pairs[0].reason == "the same link"

    services.merge_sources(keep=cited.source, merge=near.source, by=author, reason="Same")

    merged = Source.objects.get(pk=near.source_id)
    assert merged.merged_into_id == cited.source_id
    assert Reference.objects.get(pk=near.pk).source_id == cited.source_id
    assert Reference.objects.get(pk=near.pk).citation == "NICE NG101 (2017)"  # as signed off
    assert pages_citing([cited.source_id]) == {cited.page_id, other_page.pk}
    assert source_for(citation="NICE NG101 (2017)", url=NG101_URL)[0] == cited.source
    assert near_duplicates()[1] == 0
    assert "1 reference moved" in AuditEvent.objects.get(action=Action.SOURCES_MERGED).message


def test_an_outside_reviewer_is_shown_the_flag_and_their_approval_clears_it(
    client, flagged_change, invite, open_link, publisher
):
    flag = ReviewFlag.objects.get()
    invitation, path = invite(flagged_change)
    open_link(client, path)

    html = client.get(path).content.decode()
    assert "NICE NG101 updated October 2026" in html
    assert f'name="flags_shown" value="{flag.pk}"' in html
    assert "/reviews/sources/" not in html  # no way into the workspace from the link
    client.post(
        path + "decision/",
        {"decision": "approve", "seen_hash": flagged_change.content_hash, "flags_shown": flag.pk},
    )
    flagged_change.refresh_from_db()
    assert flagged_change.state == "approved"

    services.publish(change=flagged_change, by=publisher)

    flag.refresh_from_db()
    assert not flag.is_open
