import pytest
from django.urls import reverse

from infopages.models import Section
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
    monkeypatch.setattr("infopages.publishing.render_markdown", fail)
    assert client.get(page.get_absolute_url()).status_code == 200


def test_home_lists_published_pages_by_topic(client, make_page, publish):
    publish(make_page())
    make_page(slug="bone-scan", title="Bone scan")  # never published

    html = client.get(reverse("infopages:home")).content.decode()

    assert "Cancer types &gt; Breast cancer" in html
    assert "Secondary breast cancer" in html
    assert "Bone scan" not in html


def test_newest_snapshot_wins_when_two_live_pages_share_a_slug(client, make_page, publish, editor):
    """A renamed page keeps its old address until it is published again; a new page that
    takes the old slug and is published later is what readers get there."""
    old = make_page(title="Old page", sections=[("What is it?", "The old text.")])
    publish(old)
    old.slug = "renamed-page"
    save_with_version(old, by=editor, comment="Renamed", expected_lock_version=old.lock_version)
    new = make_page(title="New page", sections=[("What is it?", "The new text.")])
    publish(new)

    html = client.get("/info/secondary-breast-cancer/").content.decode()

    assert "The new text." in html and "The old text." not in html
