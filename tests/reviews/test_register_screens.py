"""The evidence register's screens through the HTTP client: the register, a source and its
editor, marking it, merging near-duplicates, broken links, and a reference's source chosen
inside a change; every form keeps what was typed when refused; every screen reads a fixed
number of queries, however many sources or pages."""

import datetime as dt

import pytest
from django.urls import reverse

from infopages.models import Page, Reference, Source
from reviews import services
from reviews.core.audit import Action
from reviews.models import AuditEvent, ReviewFlag

NG101 = "NICE. Advanced breast cancer: diagnosis and treatment (NG101). 2017."
NG101_URL = "https://www.nice.org.uk/guidance/ng101"


def html_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def editor_client(client, author):
    client.force_login(author)
    return client


@pytest.fixture
def ng101(author):
    return services.add_source(by=author, citation=NG101, url=NG101_URL, publisher="NICE")


@pytest.fixture
def citing_pages(make_page, publish, author, ng101):
    """``n`` live pages looked after by the author, due for review from a month ago to a
    year ahead, whose working copy cites NG101."""

    def make(n: int) -> list[Page]:
        pages = []
        today = dt.date.today()
        for index in range(n):
            page = make_page(slug=f"page-{index}", title=f"Page {index:02d}")
            publish(page, next_review_on=today + dt.timedelta(days=index * 13 - 30))
            Page.objects.filter(pk=page.pk).update(owner=author)
            change = services.start_change(page=page, by=author, summary="Evidence")
            services.edit_in_change(
                change=change,
                obj=Reference(page=page, citation=NG101, url=NG101_URL, source=ng101),
                by=author,
                comment="NICE",
            )
            pages.append(page)
        return pages

    return make


def test_the_register_lists_and_finds_sources(editor_client, ng101, author):
    services.add_source(by=author, citation="BMJ 2021;372:n71", url="https://www.bmj.com/n71")

    everything = html_of(editor_client.get(reverse("reviews:sources")))
    found = html_of(editor_client.get(reverse("reviews:sources"), {"q": "ng101"}))

    assert "2 sources" in everything and "BMJ 2021" in everything
    assert "1 source" in found and NG101 in found and "BMJ" not in found


def test_adding_a_source_and_an_exact_duplicate_is_refused_with_the_text_kept(editor_client, ng101):
    response = editor_client.post(
        reverse("reviews:add_source"),
        {"citation": f" {NG101} ", "url": NG101_URL + "/", "publisher": "Typed publisher"},
    )

    html = html_of(response)
    assert response.status_code == 200 and "already in the register" in html
    assert "Typed publisher" in html
    response = editor_client.post(
        reverse("reviews:add_source"), {"citation": "NICE. Suspected cancer (NG12). 2015."}
    )
    added = Source.objects.get(identifier="NG12")
    assert response["Location"] == reverse("reviews:source", args=[added.pk])


def test_the_source_editor_saves_and_shows_a_conflict_with_both_texts(editor_client, ng101):
    url = reverse("reviews:edit_source", args=[ng101.pk])
    form = html_of(editor_client.get(url))
    assert 'name="lock_version"' in form and "Correct a source" in form

    data = {
        "citation": NG101,
        "url": NG101_URL,
        "publisher": ng101.publisher,
        "identifier": ng101.identifier,
        "version_or_date": "Updated 2024",
    }  # every field, as the form sends them
    response = editor_client.post(url, {**data, "lock_version": "0"})
    assert response.status_code == 302
    stale = editor_client.post(url, {**data, "version_or_date": "Mine", "lock_version": "0"})

    html = html_of(stale)
    assert "Someone else changed this source" in html
    assert 'value="Mine"' in html and "Updated 2024" in html  # mine kept, theirs beside it
    assert Source.objects.get(pk=ng101.pk).version_or_date == "Updated 2024"
    assert "version or date" in AuditEvent.objects.get(action=Action.SOURCE_CHANGED).message


def test_marking_a_source_flags_the_pages_citing_it(editor_client, ng101, citing_pages):
    pages = citing_pages(2)

    refused = editor_client.post(
        reverse("reviews:mark_source", args=[ng101.pk]), {"status": "updated", "note": ""}
    )
    assert "Say what changed" in html_of(refused) and not ReviewFlag.objects.exists()
    response = editor_client.post(
        reverse("reviews:mark_source", args=[ng101.pk]),
        {"status": "updated", "note": "NICE NG101 updated October 2026"},
        follow=True,
    )

    html = html_of(response)
    assert "2 pages citing it are now flagged" in html
    assert {f.page for f in ReviewFlag.objects.all()} == set(pages)
    assert "NICE NG101 updated October 2026" in html and "Review needed" in html


def test_merging_two_records_keeps_one_and_moves_the_references(
    editor_client, ng101, citing_pages, author
):
    citing_pages(1)
    twin = services.add_source(
        by=author, citation="NICE NG101", url="http://nice.org.uk/guidance/ng101"
    )

    suggestions = html_of(editor_client.get(reverse("reviews:merge_sources")))
    assert "the same link" in suggestions.lower()
    pair = reverse("reviews:merge_sources") + f"?a={ng101.pk}&b={twin.pk}"
    compare = html_of(editor_client.get(pair))
    assert "Which record to keep" in compare and "Page 00" in compare

    response = editor_client.post(pair, {"keep": str(twin.pk), "reason": "One guideline"})

    assert response["Location"] == reverse("reviews:source", args=[twin.pk])
    assert Source.objects.get(pk=ng101.pk).merged_into == twin
    assert Reference.objects.get().source == twin


def test_ticking_two_in_the_register_opens_them_side_by_side(editor_client, ng101, author):
    other = services.add_source(by=author, citation="Another")

    html = html_of(
        editor_client.get(reverse("reviews:merge_sources"), {"pick": [ng101.pk, other.pk]})
    )

    assert "Which record to keep" in html and "Another" in html


def test_a_reviewer_may_read_the_register_but_not_change_it(client, medic, ng101):
    client.force_login(medic)

    html = html_of(client.get(reverse("reviews:source", args=[ng101.pk])))

    assert NG101 in html and "Has this source changed?" not in html
    assert client.get(reverse("reviews:edit_source", args=[ng101.pk])).status_code == 403


def test_broken_links_are_listed_for_the_workspace(client, medic, ng101, author):
    fine = services.add_source(by=author, citation="Works fine", url="https://example.org/")
    Source.objects.filter(pk=ng101.pk).update(
        link_status="broken", link_status_code=404, link_checked_at="2027-01-04T06:00Z"
    )
    Source.objects.filter(pk=fine.pk).update(link_status="ok", link_checked_at="2027-01-04T06:00Z")
    client.force_login(medic)

    html = html_of(client.get(reverse("reviews:broken_links")))

    assert NG101 in html and "HTTP 404" in html and "Works fine" not in html


# The reference editor: a source picked from the register inside a change.


def test_finding_and_using_a_source_fills_the_reference_and_links_it(
    editor_client, draft_change, ng101
):
    add = reverse("reviews:add_reference", args=[draft_change.pk])

    found = html_of(editor_client.get(add, {"find": "NG101"}))
    assert "Use this source" in found and f"?source={ng101.pk}" in found
    chosen = html_of(editor_client.get(add, {"source": ng101.pk}))
    assert f'value="{ng101.pk}"' in chosen and NG101_URL in chosen
    response = editor_client.post(
        add,
        {"source": ng101.pk, "citation": "NICE NG101", "url": NG101_URL, "comment": "Evidence"},
    )

    assert response.status_code == 302
    reference = Reference.objects.get(page=draft_change.page)
    assert reference.source == ng101 and reference.citation == "NICE NG101"  # the page's words
    assert Source.objects.count() == 1


def test_a_reference_without_a_chosen_source_adds_one_to_the_register(editor_client, draft_change):
    editor_client.post(
        reverse("reviews:add_reference", args=[draft_change.pk]),
        {"citation": "Macmillan. Bone scan. 2025.", "comment": "Evidence"},
    )

    reference = Reference.objects.get(page=draft_change.page)
    assert reference.source.citation == "Macmillan. Bone scan. 2025."


def test_the_reference_editor_says_when_its_source_was_updated(
    editor_client, draft_change, ng101, author
):
    reference = services.edit_in_change(
        change=draft_change,
        obj=Reference(page=draft_change.page, citation=NG101, url=NG101_URL, source=ng101),
        by=author,
        comment="NICE",
    ).obj
    services.mark_source(source=ng101, by=author, status="updated", note="New NG101")

    html = html_of(
        editor_client.get(reverse("reviews:edit_reference", args=[draft_change.pk, reference.pk]))
    )
    panel = html_of(editor_client.get(draft_change.get_absolute_url()))

    assert "Marked updated" in html and "New NG101" in html
    assert "Review needed" in panel and "Updated</span>" in panel


# Queries: the same for 3 or 30 sources and pages.


@pytest.mark.parametrize("n", [3, 30])
def test_the_register_screens_read_a_fixed_number_of_queries(
    editor_client, ng101, citing_pages, author, django_assert_max_num_queries, n
):
    citing_pages(n)
    for index in range(n):
        services.add_source(by=author, citation=f"Source {index}", url=f"https://x.org/{index}")
    services.mark_source(source=ng101, by=author, status="updated", note="New edition")
    Source.objects.filter(url__startswith="https://x.org/").update(
        link_status="broken", link_status_code=404
    )
    editor_client.get(reverse("reviews:dashboard"))  # the session and groups, read once
    screens = [  # (screen, query, queries measured with 3 and with 30)
        (reverse("reviews:sources"), {}, 8),
        (reverse("reviews:sources"), {"q": "source", "status": "current"}, 8),
        (reverse("reviews:source", args=[ng101.pk]), {}, 9),
        (reverse("reviews:edit_source", args=[ng101.pk]), {}, 5),
        (reverse("reviews:merge_sources"), {}, 5),
        (reverse("reviews:merge_sources"), {"a": ng101.pk, "b": ng101.pk + 1}, 13),
        (reverse("reviews:broken_links"), {}, 6),
        # n pages flagged, in every list; and the versions out of date (none)
        (reverse("reviews:calendar"), {}, 17),
        (
            reverse("reviews:dashboard"),
            {},
            14,
        ),  # n flagged pages looked after (+1 for the count over 8)
    ]
    for url, params, most in screens:
        with django_assert_max_num_queries(most, info=url):
            assert editor_client.get(url, params).status_code == 200


@pytest.mark.parametrize("n", [3, 30])
def test_marking_a_source_costs_the_same_for_3_or_30_pages(
    ng101, citing_pages, author, django_assert_max_num_queries, n
):
    citing_pages(n)

    with django_assert_max_num_queries(12):
        marked = services.mark_source(source=ng101, by=author, status="withdrawn", note="Gone")

    assert len(marked.flags) == n
