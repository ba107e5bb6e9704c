import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from infopages.search import highlight, matching_publications

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search runs on PostgreSQL"
)


def search(client, q, **params):
    response = client.get(reverse("infopages:search"), {"q": q, **params})
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def scan_pages(make_page, publish):
    """One page with "scan" in its title, another that mentions scans only in its body."""
    body_match = make_page(
        slug="secondary-breast-cancer",
        title="Secondary breast cancer",
        sections=[("Diagnosis", "You may have a bone scan or a CT scan to see where it is.")],
    )
    title_match = make_page(
        slug="bone-scan",
        title="Bone scan",
        sections=[("What is it?", "A test that shows areas of unusual bone.")],
    )
    publish(body_match)
    publish(title_match)
    return title_match, body_match


def result_titles(html: str) -> list[str]:
    import re

    return re.findall(r'<h2><a href="/info/[^"]+/(?:#[^"]*)?">([^<]+)</a></h2>', html)


def test_search_finds_published_pages_by_title_and_body(client, scan_pages):
    titles = result_titles(search(client, "scan"))

    assert set(titles) == {"Bone scan", "Secondary breast cancer"}


def test_title_match_ranks_above_body_match(client, scan_pages):
    assert result_titles(search(client, "bone scan"))[0] == "Bone scan"


@on_postgresql
def test_search_uses_english_stemming(client, scan_pages):
    assert "Bone scan" in result_titles(search(client, "scanning"))


@on_postgresql
def test_title_match_ranks_above_body_match_on_postgresql(client, make_page, publish):
    # Many body mentions must still not beat one title match.
    body = make_page(
        slug="scans-in-general",
        title="Tests you may have",
        sections=[("Scans", "Fatigue fatigue fatigue. Fatigue after a scan.")],
    )
    title = make_page(
        slug="tiredness-fatigue",
        title="Tiredness (fatigue)",
        sections=[("What is it?", "Feeling very tired.")],
    )
    publish(body)
    publish(title)

    ranked = list(matching_publications("fatigue"))

    assert [p.slug for p in ranked] == ["tiredness-fatigue", "scans-in-general"]


@on_postgresql
def test_search_counts_and_ranks_through_the_gin_indexes(scan_pages):
    """The stored vector's partial GIN index answers the match, and one on live titles finds
    the title matches ranked first; nothing recomputes a page's vector."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
            "('published_live_search', 'published_live_title_search')"
        )
        found = dict(cursor.fetchall())
    assert "USING gin (search_vector)" in found["published_live_search"]
    assert "is_current" in found["published_live_search"]
    assert (
        "to_tsvector('english'::regconfig, (title)::text)" in found["published_live_title_search"]
    )
    assert "is_current" in found["published_live_title_search"]
    with CaptureQueriesContext(connection) as ranking:
        assert [p.slug for p in matching_publications("bone scan")[0:2]] == [
            "bone-scan",
            "secondary-breast-cancer",
        ]
    (ranked_sql,) = [
        q["sql"] for q in ranking.captured_queries if "websearch_to_tsquery" in q["sql"]
    ]
    with connection.cursor() as cursor:
        # A tiny table is cheaper to scan; make the planner show whether it *can* use the
        # indexes (the other indexes on live rows go, in this test's transaction only).
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'infopages_publishedpage' "
            "AND indexname NOT IN ('published_live_search', 'published_live_title_search') "
            "AND indexdef NOT LIKE '%%UNIQUE%%(id)'"
        )
        for (index,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX IF EXISTS "{index}" CASCADE')
        cursor.execute("EXPLAIN " + ranked_sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "published_live_search" in plan, plan
    assert "published_live_title_search" in plan, plan


def test_snippet_highlights_matches_in_the_body(client, scan_pages):
    html = search(client, "CT")

    assert "<mark>CT</mark>" in html


def test_snippet_escapes_page_text(client, make_page, publish):
    page = make_page(sections=[("Odd", "Fish & chips. Use `<script>alert(1)</script>` scan text")])
    publish(page)

    html = search(client, "scan")

    assert "<script>alert(1)" not in html
    assert "Fish &amp; chips" in html and "<mark>scan</mark>" in html


def test_highlight_only_ever_emits_mark_tags():
    text = "\ue000<b>bold</b>\ue001 and a stray \ue000 <i>marker"

    assert highlight(text) == "<mark>&lt;b&gt;bold&lt;/b&gt;</mark> and a stray  &lt;i&gt;marker"


def test_search_with_no_results_suggests_topics(client, scan_pages):
    html = search(client, "xylophone")

    assert "We could not find any pages about “xylophone”" in html
    assert '<a href="/topics/cancer-types/">Cancer types</a>' in html
    assert '<a href="/topics/cancer-types/breast-cancer/">Breast cancer</a>' in html


def test_empty_search_shows_the_form_and_topics(client, scan_pages):
    html = search(client, "")

    assert '<input id="search-q" name="q" type="search" value=""' in html
    assert "Browse our topics" in html


def test_search_query_is_escaped_in_the_page(client, scan_pages):
    html = search(client, '"><script>alert(1)</script>')

    assert "<script>alert(1)" not in html


def test_search_ignores_withdrawn_and_superseded_publications(client, scan_pages, publish, editor):
    from infopages.models import Section
    from infopages.publishing import retire_current
    from infopages.services import save_with_version

    title_match, body_match = scan_pages
    retire_current(page=title_match)
    section = Section.objects.get(page=body_match)
    section.body = "Only blood tests now."
    save_with_version(section, by=editor, comment="edit")
    publish(body_match)

    assert result_titles(search(client, "scan")) == []


def test_search_results_are_paginated(client, make_page, publish):
    for n in range(23):
        publish(make_page(slug=f"scan-{n}", title=f"Scan {n:02d}"))

    first, second = search(client, "scan"), search(client, "scan", page=2)

    assert len(result_titles(first)) == 20 and len(result_titles(second)) == 3
    assert "23 pages found, showing 1 to 20" in first
    assert 'href="?q=scan&amp;page=2"' in first


def test_search_strips_control_characters_from_the_query():
    from infopages.search import clean_query

    assert clean_query("a\x00b\x1f  c\ue000d\x7f") == "a b c d"
    assert clean_query(None) == "" and clean_query("\x00") == ""


def test_a_nul_byte_in_the_query_is_answered_not_a_server_error(client, scan_pages):
    """PostgreSQL refuses NUL in text: it must never reach the database."""
    assert client.get(reverse("infopages:search"), {"q": "a\x00b"}).status_code == 200

    assert "Bone scan" in result_titles(search(client, "bone\x00scan"))


def test_search_matches_whole_words_only(client, make_page, publish):
    publish(make_page(slug="scandal", title="Rumours", sections=[("Gossip", "A scandal.")]))
    publish(make_page(slug="bone-scan", title="Bone scan", sections=[("What", "A scan.")]))

    html = search(client, "scan")

    assert result_titles(html) == ["Bone scan"]
    assert "<mark>scan</mark>dal" not in html


def test_snippet_highlights_whole_words_not_parts_of_them(client, make_page, publish):
    publish(make_page(sections=[("Treatment", "You may have hormones as a tablet.")]))

    html = search(client, "hormones")

    assert "<mark>hormones</mark>" in html
    assert "<mark>hormone</mark>s" not in html


def test_snippet_keeps_list_items_apart(client, make_page, publish):
    body = "You may have:\n\n- a bone scan\n- a blood test\n- a CT scan"
    publish(make_page(sections=[("Tests", body)]))

    html = search(client, "blood")

    assert "a bone scan · a <mark>blood</mark> test · a CT scan" in html


def test_results_link_to_the_section_that_matched(client, make_page, publish):
    publish(
        make_page(
            sections=[
                ("What is it?", "Cancer that has spread."),
                ("Tests you may have", "A bone scan shows where it is."),
            ]
        )
    )

    html = search(client, "bone scan")

    assert 'href="/info/secondary-breast-cancer/#tests-you-may-have"' in html


def test_a_title_only_match_links_to_the_page_itself(client, make_page, publish):
    publish(make_page(slug="fatigue", title="Fatigue", sections=[("What", "Feeling tired.")]))

    html = search(client, "fatigue")

    assert '<h2><a href="/info/fatigue/">Fatigue</a></h2>' in html


def test_a_nul_byte_in_the_query_is_harmless(client, scan_pages):
    response = client.get(reverse("infopages:search"), {"q": "bone\x00 scan"})

    assert response.status_code == 200
    assert result_titles(response.content.decode())[0] == "Bone scan"


def test_search_needs_the_same_few_queries_with_many_pages(
    client, make_page, publish, django_assert_max_num_queries
):
    publish(make_page(slug="scan-0", title="Scan 0", sections=[("A", "A bone scan.")]))
    with django_assert_max_num_queries(5) as few:
        search(client, "bone scan")
    for n in range(1, 30):
        publish(make_page(slug=f"scan-{n}", title=f"Scan {n}", sections=[("A", "A bone scan.")]))

    with django_assert_max_num_queries(len(few.captured_queries)):
        html = search(client, "bone scan")
    assert len(result_titles(html)) == 20


def test_search_index_follows_publication_and_take_down(client, make_page, publish, editor):
    from infopages.models import Section
    from infopages.publishing import retire_current
    from infopages.services import save_with_version

    page = make_page(sections=[("What", "A rare word: zoledronic.")])
    publish(page)
    assert result_titles(search(client, "zoledronic")) == ["Secondary breast cancer"]

    section = Section.objects.get(page=page)
    section.body = "Now about denosumab."
    save_with_version(section, by=editor, comment="edit")
    publish(page)
    assert result_titles(search(client, "zoledronic")) == []
    assert result_titles(search(client, "denosumab")) == ["Secondary breast cancer"]

    retire_current(page=page)
    assert result_titles(search(client, "denosumab")) == []


@pytest.mark.parametrize(
    "q",
    [
        "or",
        "bone or",
        "or or not scan",
        "-scan",
        "scan -bone",
        '"bone',
        "scan & | ! :*",
        "a_b scan",
    ],
)
def test_words_that_look_like_operators_are_searched_as_words(client, scan_pages, q):
    """The snippets' any-word query is built from the reader's words with "or" between them:
    whatever they typed, it is a search, never an error."""
    html = search(client, q)

    assert "Search results for" in html
