import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from infopages.models import PublishedPage, Section
from infopages.publishing import PublishingRefused
from infopages.services import save_with_version


def test_published_page_shows_title_sections_and_review_dates(client, make_page, publish):
    page = make_page()
    publish(page)

    response = client.get(reverse("infopages:page", kwargs={"slug": page.slug}))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Secondary breast cancer</h1>" in html
    assert 'id="what-is-it"' in html and "Cancer that has spread." in html
    assert "Date reviewed" in html and "1 March 2026" in html
    assert "Next review" in html and "1 March 2029" in html


def test_unpublished_page_is_not_found(client, make_page):
    page = make_page()

    response = client.get(reverse("infopages:page", kwargs={"slug": page.slug}))

    assert response.status_code == 404
    assert b"Cancer that has spread" not in response.content


def test_draft_edit_never_appears_on_public_page(client, make_page, publish, editor):
    page = make_page()
    publish(page)
    section = page.sections.get(anchor="what-is-it")
    section.body = "DRAFT TEXT NOT YET SIGNED OFF"
    save_with_version(
        section, by=editor, comment="Draft", expected_lock_version=section.lock_version
    )

    for url in [reverse("infopages:home"), reverse("infopages:page", args=[page.slug])]:
        response = client.get(url)
        assert b"DRAFT TEXT" not in response.content
    assert b"Cancer that has spread." in client.get(page.get_absolute_url()).content


@pytest.mark.parametrize("n_sections", [2, 25])
def test_public_page_query_count_is_bounded(
    client, make_page, publish, editor, django_assert_max_num_queries, n_sections
):
    page = make_page(sections=[(f"Part {i}", f"Body {i}") for i in range(n_sections)])
    for _ in range(5):  # many versions of every section
        for section in Section.objects.filter(page=page):
            section.body += " more"
            save_with_version(section, by=editor, comment="edit")
    publish(page)

    with django_assert_max_num_queries(4):
        response = client.get(page.get_absolute_url())
    assert response.status_code == 200


def test_markdown_is_not_rendered_on_each_request(client, make_page, publish, monkeypatch):
    page = make_page()
    publish(page)

    def fail(*args, **kwargs):
        raise AssertionError("markdown rendered during a public request")

    monkeypatch.setattr("infopages.markdown.render_markdown", fail)
    monkeypatch.setattr("infopages.markdown.render_checked", fail)
    monkeypatch.setattr("infopages.publishing.render_checked", fail)  # publishing renders so
    assert client.get(page.get_absolute_url()).status_code == 200


def test_home_lists_topics_and_recently_published_pages(client, make_page, publish):
    publish(make_page())
    make_page(slug="bone-scan", title="Bone scan")  # never published

    html = client.get(reverse("infopages:home")).content.decode()

    assert '<a href="/topics/cancer-types/">Cancer types</a>' in html
    assert '<a href="/topics/cancer-types/breast-cancer/">Breast cancer</a>' in html
    assert "(1 page)" in html
    assert '<a href="/info/secondary-breast-cancer/">Secondary breast cancer</a>' in html
    assert "Bone scan" not in html


def test_a_second_live_page_at_one_address_is_refused(client, make_page, publish, editor):
    """A page renamed in its working copy keeps its address until a publication moves it, so
    a new page cannot take that address meanwhile: readers would get the wrong page."""
    old = make_page(title="Old page", sections=[("What is it?", "The old text.")])
    publish(old)
    old.slug = "renamed-page"
    save_with_version(old, by=editor, comment="Renamed", expected_lock_version=old.lock_version)
    new = make_page(slug="secondary-breast-cancer-2", title="New page")
    new.slug = "secondary-breast-cancer"

    with pytest.raises(PublishingRefused, match="Another live page, “Old page”"):
        publish(new)

    html = client.get("/info/secondary-breast-cancer/").content.decode()
    assert "The old text." in html


def test_the_database_refuses_two_current_publications_at_one_address(make_page, publish):
    first = publish(make_page(slug="one", title="One"))
    second = publish(make_page(slug="two", title="Two"))

    with pytest.raises(IntegrityError), transaction.atomic():
        PublishedPage.objects.filter(pk=second.pk).update(slug=first.slug)


def test_a_page_published_at_a_new_address_sends_readers_on_from_the_old_one(
    client, make_page, publish, editor
):
    page = make_page(sections=[("What is it?", "The text.")])
    publish(page)
    page.slug = "metastatic-breast-cancer"
    save_with_version(page, by=editor, comment="Renamed", expected_lock_version=page.lock_version)
    publish(page)

    response = client.get("/info/secondary-breast-cancer/")

    assert response.status_code == 301
    assert response["Location"] == "/info/metastatic-breast-cancer/"
    assert client.get("/info/secondary-breast-cancer/print/")["Location"] == (
        "/info/metastatic-breast-cancer/print/"
    )
    assert client.get("/info/never-existed/").status_code == 404
