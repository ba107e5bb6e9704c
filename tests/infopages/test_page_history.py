"""A page's public history: on its own page (linked from "About our information"), in the
API and in the Atom feed. Only public facts: dates, what kind of review, the publisher's
one-line note for readers; never names or anything else of the workspace."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from infopages.history import HISTORY_LIMIT
from infopages.models import Page, PublishedPage
from infopages.publishing import (
    ReviewRecord,
    content_from_working_copy,
    publish_content,
    republish_with_next_review,
)
from infopages.services import save_with_version

Kind = PublishedPage.Kind
DAY = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def published(make_page, editor):
    """A page, and a way to publish it again as the workflow would (kind, note, day)."""
    page = make_page()

    def again(kind=Kind.CHANGE, *, note="", on=DAY, internal="Change request #1: why") -> Page:
        return publish_content(
            page=page,
            content=content_from_working_copy(page),
            review=ReviewRecord(
                kind=kind,
                reviewed_on=on.date(),
                next_review_on=on.date() + dt.timedelta(days=900),
                reviewers=[{"name": "Dr Asha Patel", "role": "Oncologist", "credentials": ""}],
            ),
            by=editor,
            note=internal,
            public_note=note,
            at=on,
        )

    again(Kind.FULL_REVIEW, on=DAY)  # its first publication, through the workflow
    return page, again


def history_html(client, page) -> str:
    response = client.get(reverse("infopages:page_history", kwargs={"slug": page.slug}))
    assert response.status_code == 200
    return response.content.decode()


def test_the_history_lists_reviews_and_noted_changes_newest_first(client, published, editor):
    page, again = published
    again(Kind.CHANGE, note="Updated the information about bone scans", on=DAY.replace(month=5))
    again(Kind.CHANGE, note="", on=DAY.replace(month=6))  # a minor change: not listed
    again(Kind.RECERTIFIED, on=DAY.replace(year=2027))
    again(Kind.FULL_REVIEW, note="Rewritten for clarity", on=DAY.replace(year=2028))
    republish_with_next_review(
        page=page, next_review_on=dt.date(2028, 9, 1), by=editor, note="Brought forward"
    )

    html = history_html(client, page)

    lines = [
        "1 March 2028",
        "Reviewed and updated</strong>: Rewritten for clarity",
        "1 March 2027",
        "Reviewed, no changes</strong>",
        "1 May 2026",
        "Updated</strong>: Updated the information about bone scans",
        "1 March 2026",
        "First published</strong>",
    ]
    positions = [html.index(line) for line in lines]
    assert positions == sorted(positions)
    assert "1 June 2026" not in html  # the minor change without a note
    assert "Brought forward" not in html and "brought forward" not in html
    # Nothing internal: names, the team's own notes.
    for internal in ["Change request #1", editor.get_username(), "Dr Asha Patel"]:
        assert internal not in html


def test_the_note_is_one_line_of_escaped_text(client, published):
    page, again = published
    again(Kind.CHANGE, note="<script>alert(1)</script>\n  and   more")

    html = history_html(client, page)

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; and more" in html


def test_an_imported_page_is_dated_from_its_recorded_review(client, make_page, publish):
    page = make_page()
    publish(page, reviewed_on=dt.date(2024, 2, 1))  # as the import does

    html = history_html(client, page)

    assert "1 February 2024" in html and "Reviewed</strong>" in html
    assert "First published" not in html  # it was, years before it came here


def test_the_page_links_its_history_from_about_our_information(client, published):
    page, _again = published
    html = client.get(page.get_absolute_url()).content.decode()
    about = html[html.index('id="about-our-information"') :]

    assert reverse("infopages:page_history", kwargs={"slug": page.slug}) in about


def test_the_history_is_cacheable_and_revalidates_like_the_page(client, published):
    page, again = published
    url = reverse("infopages:page_history", kwargs={"slug": page.slug})
    first = client.get(url)
    assert "public" in first["Cache-Control"] and first["ETag"]
    assert "Set-Cookie" not in first and "Cookie" not in first.get("Vary", "")

    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    again(Kind.CHANGE, note="Clearer words", on=timezone.now())
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and "Clearer words" in changed.content.decode()


def test_a_moved_page_takes_its_history_along_and_an_unknown_one_is_not_found(
    client, published, editor
):
    page, again = published
    page.slug = "secondary-breast-cancer-new"
    save_with_version(page, by=editor, comment="New address")
    again(Kind.CHANGE, note="New address")

    old = client.get("/info/secondary-breast-cancer/history/")

    assert old.status_code == 301
    assert old["Location"] == "/info/secondary-breast-cancer-new/history/"
    assert client.get("/info/nothing-here/history/").status_code == 404


def test_the_history_is_bounded_and_read_in_few_queries(
    client, published, django_assert_max_num_queries
):
    page, again = published
    for n in range(HISTORY_LIMIT + 5):
        again(Kind.CHANGE, note=f"Change {n}", on=DAY + dt.timedelta(days=n + 1))

    with django_assert_max_num_queries(4):  # the page's validators, related pages, history
        html = history_html(client, page)

    assert html.count('class="history-date"') == HISTORY_LIMIT
    assert "Older entries are not shown" in html
    assert f"Change {HISTORY_LIMIT + 4}" in html and "Change 0<" not in html


def test_the_api_gives_the_history(client, published):
    page, again = published
    again(Kind.CHANGE, note="Updated the information about bone scans", on=DAY.replace(month=5))

    data = client.get(reverse("infopages:api_page", kwargs={"slug": page.slug})).json()

    assert data["history"] == [
        {
            "date": "2026-05-01",
            "kind": "change",
            "label": "Updated",
            "note": "Updated the information about bone scans",
        },
        {"date": "2026-03-01", "kind": "full_review", "label": "First published", "note": ""},
    ]


def test_the_feed_says_what_each_publication_did(client, published, make_page, publish):
    page, again = published
    again(Kind.CHANGE, note="Updated the information about <bone> scans", on=timezone.now())
    other = make_page(slug="bone-scan", title="Bone scan")
    publish(other)

    xml = client.get(reverse("infopages:feed")).content.decode()

    assert "Updated: Updated the information about &amp;lt;bone&amp;gt; scans" in xml
    entry = xml[xml.index("<title>Bone scan</title>") :]
    assert "Updated:" not in entry.split("</entry>")[0]
