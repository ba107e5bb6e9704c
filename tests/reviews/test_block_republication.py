"""Republishing the pages that embed a shared block, fast (issue 21 follow-up): small groups
of pages a transaction with their reads and writes made once, each page still its own new
snapshot, exactly as publishing its signed versions again would show it; the figures of
sections whose HTML did not change are kept; the authors' email links to the block's page."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version

from infopages import events, publishing, republishing
from infopages.models import Block, PublishedPage, PublishedSection
from infopages.plain_english import count_sentences
from reviews.blocks import services as blocks
from reviews.blocks.models import BlockRepublication
from reviews.models import AuditEvent
from reviews.readability import scoring
from reviews.readability.models import PageReadability

NEW_HOURS = "Saturdays and Sundays, 10am to 4pm"


def live(page) -> PublishedPage:
    return PublishedPage.objects.current().get(page=page)


def test_a_republished_page_shows_what_publishing_its_signed_versions_again_would(
    pages_with_block, change_block
):
    (page,) = pages_with_block(1)
    before = live(page)
    change_block(hours=NEW_HOURS)
    after = live(page)

    for name in republishing._COPIED:  # its own signed content, as it was
        assert getattr(after, name) == getattr(before, name), name
    assert after.kind == PublishedPage.Kind.BLOCK_UPDATED and after.pk != before.pk
    # The swapped HTML is what rendering the signed text with the new block gives.
    again = publishing.publish_content(
        page=page,
        content=publishing.content_from_versions(
            page=page,
            versions=Version.objects.filter(pk__in=after.versions.ids()),
            trail=after.topic_trail,
        ),
        review=publishing.ReviewRecord(kind="change", reviewed_on=None, next_review_on=None),
    )
    shown = list(after.sections.values_list("anchor", "html", "plain_text", "source_version_id"))
    fresh = list(again.sections.values_list("anchor", "html", "plain_text", "source_version_id"))
    assert shown == fresh
    assert after.plain_text == again.plain_text and NEW_HOURS in after.plain_text


def test_republishing_costs_the_same_queries_for_two_pages_as_for_five(
    pages_with_block, change_block, django_capture_on_commit_callbacks
):
    pages_with_block(8)
    change_block(hours=NEW_HOURS, run_first_batch=False)
    run = BlockRepublication.objects.select_related("block_publication__block", "started_by").get()

    counts = []
    for limit in (2, 5):  # one group each; one page is left, so neither finishes the run
        with CaptureQueriesContext(connection) as queries:
            with django_capture_on_commit_callbacks(execute=True):
                assert blocks.republish_batch(run, limit=limit) == limit
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]
    assert counts[1] <= 30  # the group's reads, writes, followers and after-commit figures
    assert AuditEvent.objects.filter(action="block_republished").count() == 7


def test_search_finds_the_new_block_text_and_not_the_old(client, pages_with_block, change_block):
    pages = pages_with_block(3)
    change_block(hours=NEW_HOURS)

    found = client.get("/search/", {"q": "Saturdays"}).content.decode()
    for page in pages:
        assert f"/info/{page.slug}/" in found
    gone = client.get("/search/", {"q": "Monday"}).content.decode()
    assert not any(f"/info/{page.slug}/" in gone for page in pages)


def test_only_the_sections_holding_the_block_are_scored_again(
    pages_with_block, change_block, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the page's figures, scored
        (page,) = pages_with_block(1)
    before = live(page)
    change_block(hours=NEW_HOURS, run_first_batch=False)
    run = BlockRepublication.objects.get()

    with mock.patch(
        "reviews.readability.scoring.count_sentences", wraps=count_sentences
    ) as counted:
        with django_capture_on_commit_callbacks(execute=True):
            blocks.republish_batch(run)
    after = live(page)
    assert counted.call_count == 1  # the first section, which holds the block
    kept = PageReadability.objects.get(publication=after)
    scratch = scoring.figures_for(after)  # everything scored again
    assert (kept.reading_age, kept.ease, kept.words) == (
        scratch.reading_age,
        scratch.ease,
        scratch.words,
    )
    assert kept.sections == scratch.sections
    old = PageReadability.objects.get(publication=before)
    assert kept.sections[1:] == old.sections[1:] and kept.sections[0] != old.sections[0]


def test_a_second_runner_finds_nothing_left_to_do(pages_with_block, change_block):
    pages = pages_with_block(2)
    change_block(hours=NEW_HOURS)
    block = Block.objects.get(name="support-line")

    again = republishing.republish_pages_with_blocks(
        page_ids=[page.pk for page in pages], block=block
    )
    assert again.publications == {} and again.refused == {}
    assert PublishedPage.objects.filter(kind=PublishedPage.Kind.BLOCK_UPDATED).count() == 2


def test_a_page_whose_published_text_lost_the_block_is_refused_and_the_run_finishes(
    pages_with_block, change_block
):
    tampered, fine = pages_with_block(2)
    PublishedSection.objects.filter(publication=live(tampered)).update(html="<p>Other.</p>")
    change_block(hours=NEW_HOURS)

    run = BlockRepublication.objects.get()
    assert run.is_finished and run.republished == 1
    assert "does not hold the shared block “support-line”" in run.refused[str(tampered.pk)]
    assert live(tampered).kind != PublishedPage.Kind.BLOCK_UPDATED
    assert live(fine).kind == PublishedPage.Kind.BLOCK_UPDATED


def test_the_published_email_for_a_block_links_to_its_page_in_the_workspace(
    client, author, support_line, change_block, mailoutbox
):
    mailoutbox.clear()
    change = change_block(hours=NEW_HOURS)

    (email,) = [e for e in mailoutbox if e.subject.startswith("Published:")]
    assert email.to == [author.email] and f"#{change.pk}" in email.subject
    workspace = reverse("reviews:block", args=["support-line"])
    assert f"http://127.0.0.1:8000{workspace}" in email.body
    assert "/info/" not in email.body
    client.force_login(author)
    assert client.get(workspace).status_code == 200


@pytest.mark.parametrize("group_size", [1, 3])
def test_any_group_size_republishes_every_page_once(pages_with_block, change_block, group_size):
    pages = pages_with_block(4)
    change_block(hours=NEW_HOURS, run_first_batch=False)

    assert blocks.run_unfinished(batch_size=10, group_size=group_size) == 4
    for page in pages:
        assert PublishedPage.objects.filter(page=page, blocks__number=2).count() == 1
        assert NEW_HOURS in live(page).sections.first().html


def test_a_follower_without_a_form_for_many_is_told_of_each_page(
    pages_with_block, change_block, monkeypatch
):
    seen = []
    followers = [*events.subscribers(events.IN_TRANSACTION), lambda e: seen.append(e.page.pk)]
    monkeypatch.setitem(events._handlers, events.IN_TRANSACTION, followers)
    pages = pages_with_block(3)
    seen.clear()

    change_block(hours=NEW_HOURS)

    assert sorted(seen) == sorted(page.pk for page in pages)
