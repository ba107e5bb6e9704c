"""One event per publication: the public caches get one new generation, the search index
follows inside the transaction, and plain-English figures follow only once it commits."""

import datetime as dt
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from infopages.models import PublicReviewNotice, PublishedPage, Topic
from reviews import services
from reviews.core import policy
from reviews.core.services.imports import import_pages
from reviews.models import PageReadability
from tests.reviews.conftest import NEW_TEXT
from tests.reviews.test_import_pages import GOOD_PAGE


def generation_bumps(action, *args, **kwargs) -> int:
    """How many times ``action`` gave the read model a new generation."""
    with CaptureQueriesContext(connection) as queries:
        action(*args, **kwargs)
    return sum(
        1
        for query in queries.captured_queries
        if query["sql"].startswith("UPDATE") and "publicgeneration" in query["sql"]
    )


@pytest.fixture
def full_review(live_page, author, medic, lay, approve, edit_section):
    """An approved full review of the live page, with an edit or none (a re-certification)."""

    def approved(*, edit: bool):
        change = services.start_change(
            page=live_page, by=author, summary="Full review.", is_full_review=True
        )
        if edit:
            edit_section(change, "what-is-it", NEW_TEXT, by=author)
        services.submit_for_review(change=change, by=author)
        approve(change, medic)
        approve(change, lay)
        return change

    return approved


def test_a_publication_gives_the_read_model_one_new_generation(approved_change, publisher):
    assert generation_bumps(services.publish, change=approved_change, by=publisher) == 1


def test_a_full_review_ending_the_review_notice_gives_one_new_generation(full_review, publisher):
    change = full_review(edit=True)
    assert PublicReviewNotice.objects.filter(page=change.page, ended_at=None).exists()

    assert generation_bumps(services.publish, change=change, by=publisher) == 1
    assert not PublicReviewNotice.objects.filter(page=change.page, ended_at=None).exists()


def test_a_recertification_gives_the_read_model_one_new_generation(full_review, publisher):
    change = full_review(edit=False)

    assert generation_bumps(services.publish, change=change, by=publisher) == 1
    assert change.page.publications.get(is_current=True).kind == PublishedPage.Kind.RECERTIFIED


def test_a_take_down_gives_the_read_model_one_new_generation(live_page, publisher):
    bumps = generation_bumps(
        services.unpublish_page, page=live_page, by=publisher, reason="Unsafe advice."
    )

    assert bumps == 1


def test_bringing_a_review_forward_gives_the_read_model_one_new_generation(live_page, publisher):
    on = timezone.localdate() + dt.timedelta(days=30)

    bumps = generation_bumps(
        services.set_next_review, page=live_page, on=on, reason="New NICE guidance.", by=publisher
    )

    assert bumps == 1


def test_an_imported_page_gives_the_read_model_one_new_generation(member, tmp_path: Path):
    importer = member("ivy", policy.PUBLISHERS)
    path = tmp_path / "page.md"
    path.write_text(GOOD_PAGE, encoding="utf-8")
    import_pages([path], by=importer)  # creates the topics, which refresh the caches too
    path.write_text(GOOD_PAGE.replace("has spread.", "has spread further."), encoding="utf-8")
    assert Topic.objects.exists()

    assert generation_bumps(import_pages, [path], by=importer) == 1


def test_readability_is_scored_only_once_the_publication_commits(
    approved_change, publisher, django_capture_on_commit_callbacks
):
    class RolledBack(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RolledBack), transaction.atomic():
            services.publish(change=approved_change, by=publisher)
            raise RolledBack

    assert callbacks == []
    assert not PageReadability.objects.exists()
    assert not PublishedPage.objects.filter(kind=PublishedPage.Kind.CHANGE).exists()


def test_a_committed_publication_is_scored_after_commit_not_before(
    approved_change, publisher, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publication = services.publish(change=approved_change, by=publisher)
        assert not PageReadability.objects.filter(publication=publication).exists()

    for callback in callbacks:
        callback()
    assert PageReadability.objects.filter(publication=publication).exists()
