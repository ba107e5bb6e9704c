"""At 2,000 pages citing one source: marking it, the screens showing the register and the
flags, the plain-English report and the reminders read no more queries than with three pages
(the bounds are those measured with 3 and 30 in the screens' own tests). The pages are made
in bulk: this measures the screens, not the set-up."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from infopages.models import Page, PublishedPage, Reference, Source
from reviews import services
from reviews.models import PageReadability, ReviewFlag

PAGES = 2000


@pytest.fixture
def two_thousand_pages(topic, author):
    """2,000 live pages looked after by the author, each citing NICE NG101 in its working
    copy and in its live publication, and each scored for plain English."""
    source = Source.objects.create(
        citation="NICE. Advanced breast cancer (NG101). 2017.",
        url="https://www.nice.org.uk/guidance/ng101",
        link_status="broken",
        link_status_code=404,
    )
    pages = Page.objects.bulk_create(
        [
            Page(slug=f"page-{n}", title=f"Page {n:04d}", summary="-", topic=topic, owner=author)
            for n in range(PAGES)
        ]
    )
    Reference.objects.bulk_create(
        [Reference(page=page, citation=source.citation, source=source) for page in pages]
    )
    now = timezone.now()
    publications = PublishedPage.objects.bulk_create(
        [
            PublishedPage(
                page=page,
                slug=page.slug,
                title=page.title,
                summary="-",
                topic=topic,
                topic_path="cancer-types/breast-cancer",
                reviewed_on=dt.date(2026, 3, 1),
                next_review_on=dt.date(2029, 3, 1) - dt.timedelta(days=n % 900),
                published_at=now,
                is_current=True,
            )
            for n, page in enumerate(pages)
        ]
    )
    source.publications.add(*publications)
    PageReadability.objects.bulk_create(
        [
            PageReadability(publication=p, page_id=p.page_id, reading_age=9 + n % 9, words=100)
            for n, p in enumerate(publications)
        ]
    )
    return source


def test_two_thousand_pages_cost_no_more_queries_than_three(
    client,
    two_thousand_pages,
    author,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    source = two_thousand_pages

    with django_assert_max_num_queries(12):
        marked = services.mark_source(source=source, by=author, status="updated", note="New")
    assert len(marked.flags) == PAGES

    client.force_login(author)
    client.get(reverse("reviews:dashboard"))  # the session and groups, read once
    shown = {}
    for url, most in [
        (reverse("reviews:sources"), 8),
        (reverse("reviews:source", args=[source.pk]), 9),
        (reverse("reviews:broken_links"), 6),
        (reverse("reviews:calendar"), 17),  # 16, and the versions out of date (none)
        (reverse("reviews:dashboard"), 14),
        (reverse("reviews:readability_report"), 12),
    ]:
        with django_assert_max_num_queries(most, info=url):
            response = client.get(url)
        assert response.status_code == 200
        shown[url] = response.content.decode()
    assert '(<span class="count">(2000)' in shown[reverse("reviews:calendar")] or (
        'Review needed now: a source changed <span class="count">(2000)</span>'
        in shown[reverse("reviews:calendar")]
    )
    assert "cited by 2000 pages" in shown[reverse("reviews:sources")]

    # 12 with three pages; here one more insert per thousand reminders, and per thousand
    # emails (2,000 flags and the reviews due, in batches of 1,000), and one for the language
    # versions out of date (none here), and nothing else.
    with django_assert_max_num_queries(17), django_capture_on_commit_callbacks(execute=False):
        call_command("send_review_reminders", stdout=io.StringIO())
    assert ReviewFlag.objects.filter(cleared_at=None).count() == PAGES
