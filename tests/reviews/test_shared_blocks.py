"""Shared blocks (issue 21): a block is reviewed once, through the same change requests,
sign-offs and audit as a page; pages embed it by a marker; publishing a new version of it
republishes every live page showing it, without touching their review dates or sign-offs."""

from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from infopages import publishing, republishing
from infopages.models import Block, BlockPublication, PublishedPage
from infopages.shared_blocks import misplaced_markers, names_in
from reviews import services
from reviews.blocks import services as blocks
from reviews.blocks.models import BlockRepublication
from reviews.core import policy, selectors
from reviews.core.errors import InvalidInput, InvalidTransition, WorkflowError
from reviews.core.status import ReviewStatus
from reviews.models import AuditEvent
from tests.reviews.conftest import FIELDS, MARKER, PHONE


def live(page) -> PublishedPage:
    return PublishedPage.objects.current().get(page=page)


def test_a_block_goes_through_review_and_readers_see_it_in_place(
    client, live_page, support_line, embed
):
    version = support_line.publications.get()
    assert version.number == 1 and "tel:+448081570192" in version.html
    publication = embed(live_page)

    assert list(publication.blocks.values_list("number", flat=True)) == [1]
    html = client.get(f"/info/{live_page.slug}/").content.decode()
    assert f'<a href="tel:+448081570192">{PHONE}</a>' in html
    assert '<ul class="contact-list">' in html and MARKER not in html
    assert PHONE in client.get(f"/info/{live_page.slug}/print/").content.decode()
    api = client.get(f"/api/pages/{live_page.slug}/").json()
    assert api["blocks"] == [{"name": "support-line", "version": 1}]
    found = client.get("/search/", {"q": "Monday to Friday"}).content.decode()
    assert live_page.title in found


def test_a_block_needs_the_sign_offs_its_type_names_and_four_eyes(
    author, publisher, second_editor, approve
):
    change = blocks.create_block(name="hours", kind="support_line", title="Hours", by=author)
    block = Block.objects.get(name="hours")
    _values, counters = blocks.working_values(block)
    blocks.edit_block(
        change=change, values=FIELDS, lock_versions=counters, by=author, comment="Text"
    )
    services.submit_for_review(change=change, by=author)
    review = ReviewStatus(change)
    assert {str(role): count for role, count in review.missing.items()} == {"publisher": 1}
    with pytest.raises(InvalidTransition, match="in review"):
        services.publish(change=change, by=publisher)
    author.groups.add(Group.objects.get(name=policy.PUBLISHERS))  # a publisher who wrote it
    with pytest.raises(WorkflowError):
        approve(change, author, role="publisher")
    approve(change, publisher, role="publisher")
    assert ReviewStatus(change).is_fully_approved
    # The block's diffs and audit are the core's: its fields are its sections.
    events = AuditEvent.objects.filter(change_request_id=change.pk).values_list("action", flat=True)
    assert {"block_created", "edited", "submitted", "approved"} <= set(events)


def test_a_block_change_republishes_every_page_using_it_without_touching_review_dates(
    client, pages_with_block, change_block
):
    pages = pages_with_block(3)
    before = {page.pk: live(page) for page in pages}
    change_block(hours="Every day, 8am to 8pm")

    for page in pages:
        now, then = live(page), before[page.pk]
        assert now.pk != then.pk and now.kind == PublishedPage.Kind.BLOCK_UPDATED
        assert (now.reviewed_on, now.next_review_on) == (then.reviewed_on, then.next_review_on)
        assert now.reviewers == then.reviewers and now.approved_by == then.approved_by
        assert now.source_versions == then.source_versions  # its own signed content
        assert list(now.blocks.values_list("number", flat=True)) == [2]
        assert now.public_note == "New opening hours."
        html = client.get(f"/info/{page.slug}/").content.decode()
        assert "Every day, 8am to 8pm" in html and "Monday to Friday" not in html
    run = BlockRepublication.objects.get(block_publication__number=2)
    assert (run.total, run.republished, run.is_finished) == (3, 3, True)
    assert AuditEvent.objects.filter(action="block_republished").count() == 3
    assert AuditEvent.objects.filter(action="block_republication_finished").count() == 1


def test_a_page_sign_off_does_not_lapse_when_its_block_changes(
    live_page, support_line, embed, author, medic, publisher, approve, change_block, edit_section
):
    embed(live_page)
    change = services.start_change(page=live_page, by=author, summary="Symptoms")
    edit_section(change, "symptoms", "Pain, and tiredness.", by=author)
    services.submit_for_review(change=change, by=author)
    approve(change, medic)
    signed = change.content_hash

    change_block(hours="Every day, 8am to 8pm")

    change.refresh_from_db()
    assert change.content_hash == signed and ReviewStatus(change).is_fully_approved
    publication = services.publish(change=change, by=publisher)
    assert list(publication.blocks.values_list("number", flat=True)) == [2]
    assert "Every day, 8am to 8pm" in publication.sections.first().html


def test_a_page_never_shows_a_block_version_nobody_signed(
    client, live_page, support_line, embed, author
):
    embed(live_page)
    draft = services.start_change(page=support_line.page, by=author, summary="Draft")
    _values, counters = blocks.working_values(support_line)
    blocks.edit_block(
        change=draft,
        values={**FIELDS, "hours": "Unsigned hours"},
        lock_versions=counters,
        by=author,
        comment="Not reviewed yet",
    )
    # Republishing finds nothing newer that was signed; a new publication takes version 1.
    assert republishing.republish_with_blocks(page=live_page, block=support_line) is None
    again = publishing.publish_content(
        page=live_page,
        content=publishing.content_from_working_copy(live_page),
        review=publishing.ReviewRecord(kind="change", reviewed_on=None, next_review_on=None),
    )
    assert list(again.blocks.values_list("number", flat=True)) == [1]
    assert BlockPublication.objects.filter(block=support_line).count() == 1
    html = client.get(f"/info/{live_page.slug}/").content.decode()
    assert "Unsigned hours" not in html and "Monday to Friday" in html


def test_a_block_never_published_unknown_or_retired_is_refused_on_save(
    live_page, author, publisher, support_line
):
    blocks.create_block(name="draft-only", kind="paragraph", title="Draft", by=author)
    change = services.start_change(page=live_page, by=author, summary="Embed")
    section = live_page.sections.first()
    for marker, says in [
        ("{{block:no-such-block}}", "There is no shared block called “no-such-block”"),
        ("{{block:draft-only}}", "has not been published yet"),
        ("Call us {{block:support-line}} today", "on a line of its own"),
    ]:
        section.refresh_from_db()
        section.body = f"Text.\n\n{marker}\n"
        with pytest.raises(InvalidInput, match=says):
            services.edit_in_change(
                change=change,
                obj=section,
                by=author,
                comment="Try",
                expected_lock_version=section.lock_version,
            )


def test_retiring_a_used_block_is_refused_and_an_unused_one_retires(
    live_page, support_line, embed, publisher, author
):
    embed(live_page)
    with pytest.raises(InvalidTransition, match="still used"):
        blocks.retire_block(block=support_line, by=publisher, reason="Line closed")
    with pytest.raises(Exception, match="publisher"):
        blocks.retire_block(block=support_line, by=author, reason="Line closed")

    Block.objects.filter(pk=support_line.pk).update(retired_at=None)
    spare = blocks.create_block(name="spare", kind="paragraph", title="Spare", by=author)
    services.withdraw(change=spare, by=author)
    retired = blocks.retire_block(
        block=Block.objects.get(name="spare"), by=publisher, reason="Not needed"
    )
    assert retired.retired_at is not None
    assert AuditEvent.objects.filter(action="block_retired").count() == 1
    change = services.start_change(page=live_page, by=author, summary="Embed spare")
    section = live_page.sections.first()
    section.body = "Text.\n\n{{block:spare}}\n"
    with pytest.raises(InvalidInput, match="was retired"):
        services.edit_in_change(
            change=change,
            obj=section,
            by=author,
            comment="Try",
            expected_lock_version=section.lock_version,
        )


def test_an_interrupted_republication_resumes_and_finishes_without_duplicates(
    pages_with_block, change_block
):
    pages = pages_with_block(5)
    change_block(hours="Every day, 8am to 8pm", run_first_batch=False)
    run = BlockRepublication.objects.get(block_publication__number=2)
    assert (run.total, run.republished) == (5, 0)

    real = republishing.republish_pages_with_blocks
    calls = []

    def crash_in_the_second_group(**kwargs):
        calls.append(kwargs["page_ids"])
        result = real(**kwargs)
        if len(calls) == 2:  # after writing the third and fourth pages, before the commit
            raise RuntimeError("the server was stopped")
        return result

    with mock.patch(
        "reviews.blocks.services.republish_pages_with_blocks", crash_in_the_second_group
    ):
        with pytest.raises(RuntimeError):
            blocks.run_unfinished(batch_size=2, group_size=2)
    run.refresh_from_db()
    assert run.republished == 2 and not run.is_finished
    assert blocks.remaining_count(run) == 3  # the second group's transaction was undone

    assert blocks.run_unfinished(batch_size=2) == 3
    assert blocks.run_unfinished(batch_size=2) == 0  # nothing left, nothing twice
    run.refresh_from_db()
    assert (run.republished, run.is_finished) == (5, True)
    for page in pages:
        showing_v2 = PublishedPage.objects.filter(page=page, blocks__number=2)
        assert showing_v2.count() == 1
    assert AuditEvent.objects.filter(action="block_republished").count() == 5


def test_the_command_works_through_unfinished_runs(pages_with_block, change_block):
    from django.core.management import call_command

    pages_with_block(3)
    change_block(hours="Every day, 8am to 8pm", run_first_batch=False)
    call_command("republish_blocks", "--batch-size", "2", "--group-size", "1")
    assert BlockRepublication.objects.get(block_publication__number=2).is_finished
    assert not PublishedPage.objects.current().filter(blocks__number=1).exists()


def test_what_readers_saw_before_the_change_shows_the_old_block_text(
    client, live_page, support_line, embed, change_block, publisher
):
    embed(live_page)
    before = timezone.now()
    change_block(hours="Every day, 8am to 8pm")

    then = publishing.PublishedPage.objects.filter(slug=live_page.slug).live_at(before).get()
    assert "Monday to Friday" in then.sections.first().html
    assert list(then.blocks.values_list("number", flat=True)) == [1]
    client.force_login(publisher)
    day = timezone.localdate(before).isoformat()
    url = reverse("reviews:page_as_of", args=[live_page.pk])
    listed = client.get(url, {"date": day}).content.decode()
    old_copy = reverse("reviews:publication", args=[live_page.pk, then.pk])
    assert old_copy in listed
    shown = client.get(old_copy).content.decode()
    assert "Monday to Friday" in shown and "Every day, 8am to 8pm" not in shown


def test_a_public_page_with_a_block_needs_few_queries(
    client, live_page, support_line, embed, django_assert_max_num_queries
):
    embed(live_page)
    with django_assert_max_num_queries(4):
        response = client.get(f"/info/{live_page.slug}/")
    assert PHONE in response.content.decode()


def test_the_block_screens(client, live_page, support_line, embed, author, publisher):
    embed(live_page)
    client.force_login(author)
    listing = client.get(reverse("reviews:blocks")).content.decode()
    assert "{{block:support-line}}" in listing and "Version 1" in listing
    detail = client.get(reverse("reviews:block", args=["support-line"])).content.decode()
    assert live_page.title in detail and "Where used" in detail

    response = client.post(reverse("reviews:start_block_change", args=["support-line"]))
    editor_url = response["Location"]
    form = client.get(editor_url)
    assert form.status_code == 200 and "How it will look on a page" in form.content.decode()
    data = {**FIELDS, "phone": "not a number", "comment": "Typo"}
    data |= {f"lock_{key}": n for key, n in blocks.working_values(support_line)[1].items()}
    refused = client.post(editor_url, data)
    assert refused.status_code == 400 and "UK phone number" in refused.content.decode()
    data["phone"] = "020 7946 0123"
    saved = client.post(editor_url, data)
    assert saved.status_code == 302
    change = selectors.open_change_for(support_line.page)
    page = client.get(change.get_absolute_url()).content.decode()
    assert "A shared block" in page and "tel:+442079460123" in page

    client.force_login(publisher)
    refused = client.post(
        reverse("reviews:retire_block", args=["support-line"]), {"reason": "Closed"}
    )
    assert refused.status_code == 409 and "still used" in refused.content.decode()


def test_the_page_reviewer_sees_the_block_in_place(client, live_page, support_line, author, medic):
    change = services.start_change(page=live_page, by=author, summary="Add the support line")
    section = live_page.sections.first()
    section.body = f"{section.body}\n\n{MARKER}\n"
    services.edit_in_change(
        change=change,
        obj=section,
        by=author,
        comment="Support line",
        expected_lock_version=section.lock_version,
    )
    services.submit_for_review(change=change, by=author)
    client.force_login(medic)
    page = client.get(change.get_absolute_url()).content.decode()
    assert "Shared block, reviewed on its own" in page and "tel:+448081570192" in page

    client.force_login(author)
    editor = client.get(reverse("reviews:edit_section", args=[change.pk, section.pk]))
    assert "Shared blocks you can embed here" in editor.content.decode()


paragraphs = st.lists(
    st.one_of(
        st.text(alphabet="abc .,", min_size=1, max_size=20).filter(str.strip),
        st.sampled_from(["{{block:one}}", "{{block:two-b}}"]),
    ),
    min_size=1,
    max_size=8,
)


@given(paragraphs)
def test_markers_between_empty_lines_are_found_and_none_refused(parts):
    text = "\n\n".join(parts)
    expected = [p[8:-2] for p in parts if p.startswith("{{block:")]
    assert names_in(text) == list(dict.fromkeys(expected))
    assert misplaced_markers(text) == []


@given(paragraphs)
def test_a_marker_run_into_other_text_is_refused(parts):
    text = "\n".join(parts)
    markers = [p for p in parts if p.startswith("{{block:")]
    if markers and len(parts) > 1:
        assert misplaced_markers(text)


def test_marker_forms():
    assert names_in("a\n\n{{block:one}}\n\nb\n\n{{block:two}}") == ["one", "two"]
    assert misplaced_markers("{{ block: one }}") == ["{{ block: one }}"]
    assert misplaced_markers("Call {{block:one}} now") == ["{{block:one}}"]


def test_a_snapshot_taken_before_any_block_shows_none(client, live_page):
    assert client.get(f"/api/pages/{live_page.slug}/").json()["blocks"] == []
