import json
import re

import pytest
from django.db import connection
from django.db.utils import OperationalError
from django.urls import reverse

from infopages.models import Page
from infopages.publishing import retire_current


def page_html(client, slug: str) -> str:
    response = client.get(reverse("infopages:page", args=[slug]))
    assert response.status_code == 200
    return response.content.decode()


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


def test_page_has_contents_list_linking_to_every_section(client, demo_site):
    html = page_html(client, "secondary-breast-cancer")

    contents = html.split('<nav class="contents"', 1)[1].split("</nav>", 1)[0]
    for anchor in ["what-is-secondary-breast-cancer", "symptoms", "diagnosis"]:
        assert f'href="#{anchor}"' in contents
        assert f'<h2 id="{anchor}">' in html
    assert 'href="#about-our-information"' in contents


def test_page_has_one_h1_and_expandable_items(client, demo_site):
    html = page_html(client, "secondary-breast-cancer")

    assert html.count("<h1") == 1
    assert "<details>" in html and "<summary>Bone scan</summary>" in html


def test_page_breadcrumbs_link_each_topic(client, demo_site):
    html = page_html(client, "secondary-breast-cancer")

    crumbs = html.split('aria-label="Breadcrumb"', 1)[1].split("</nav>", 1)[0]
    assert '<a href="/topics/cancer-types/">Cancer types</a>' in crumbs
    assert '<a href="/topics/cancer-types/breast-cancer/">Breast cancer</a>' in crumbs
    assert '<li aria-current="page">Secondary breast cancer</li>' in crumbs


def test_page_shows_related_pages_resources_references_and_reviewers(client, demo_site):
    html = page_html(client, "secondary-breast-cancer")

    assert '<a href="/info/bone-scan/">Bone scan</a>' in html
    assert "Booklets and resources" in html and "Be Part of Research" in html
    assert "National Institute for Health and Care Excellence" in html
    assert "Dr Amira Hale, MBBS FRCR, Consultant Clinical Oncologist" in html
    assert "Date reviewed" in html and "12 June 2025" in html


def test_related_page_that_is_withdrawn_is_not_linked(client, demo_site):
    retire_current(page=demo_site["bone-scan"])

    html = page_html(client, "secondary-breast-cancer")

    related = html.split('<h2 id="related-heading">', 1)[1].split("</section>", 1)[0]
    assert "/info/bone-scan/" not in related
    assert '<a href="/info/ct-scan/">CT scan</a>' in related


def test_review_notice_appears_once_next_review_date_has_passed(client, demo_site):
    overdue = page_html(client, "tiredness-fatigue")  # next review 14 September 2026
    current = page_html(client, "ct-scan")

    notice = "This content is currently being reviewed. New information will be coming soon."
    assert notice in overdue
    assert notice not in current


def test_page_title_description_and_canonical_url(client, demo_site, settings):
    settings.SITE_URL = "https://information.example.org"
    html = page_html(client, "bone-scan")

    assert "<title>Bone scan | Cancer information</title>" in html
    assert '<meta name="description" content="A bone scan' in html
    assert '<link rel="canonical" href="https://information.example.org/info/bone-scan/">' in html


def test_page_describes_itself_as_a_medical_web_page_with_review_date(client, demo_site):
    data = json_ld(page_html(client, "secondary-breast-cancer"))

    assert data["@type"] == "MedicalWebPage"
    assert data["name"] == "Secondary breast cancer"
    assert data["lastReviewed"] == "2025-06-12"
    oncologist = {"name": "Dr Amira Hale", "jobTitle": "Consultant Clinical Oncologist"}
    assert {"@type": "Person", **oncologist} in data["reviewedBy"]


def test_json_ld_cannot_break_out_of_its_script_element(client, make_page, publish, editor):
    page = make_page(title="Scans </script><script>alert(1)</script>")
    publish(page)

    html = page_html(client, page.slug)

    ld = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in ld
    assert json_ld(html)["name"] == "Scans </script><script>alert(1)</script>"


def test_home_links_each_topic_to_its_page(client, demo_site):
    html = client.get(reverse("infopages:home")).content.decode()

    assert '<a href="/topics/tests-and-scans/">Tests and scans</a>' in html
    assert '<a href="/topics/living-with-cancer/side-effects/">' in html


def test_topic_page_lists_subtopics_and_its_pages(client, demo_site):
    parent = client.get("/topics/living-with-cancer/").content.decode()
    child = client.get("/topics/living-with-cancer/side-effects/").content.decode()

    assert "<h1>Living with cancer</h1>" in parent
    assert '<a href="/topics/living-with-cancer/side-effects/">Side effects</a>' in parent
    assert '<a href="/info/tiredness-fatigue/">Tiredness (fatigue)</a>' in child
    assert '<a href="/topics/living-with-cancer/">Living with cancer</a>' in child  # breadcrumb


def test_topic_without_live_pages_is_not_found(client, demo_site):
    from infopages.models import Topic

    Topic.objects.create(name="Rare cancers", slug="rare-cancers")  # nothing published in it

    assert client.get("/topics/rare-cancers/").status_code == 404
    assert client.get("/topics/no-such-topic/").status_code == 404
    assert "Rare cancers" not in client.get(reverse("infopages:home")).content.decode()


def test_printable_view_opens_every_expandable_item_and_keeps_review_dates(client, demo_site):
    response = client.get(reverse("infopages:page_print", args=["secondary-breast-cancer"]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<details>" not in html and "<details open>" in html
    assert "Date reviewed" in html and "Next review" in html
    assert 'class="contents"' not in html and "Was this page helpful?" not in html
    assert '<meta name="robots" content="noindex">' in html


def test_print_stylesheet_hides_navigation_and_prints_link_addresses(client):
    from django.contrib.staticfiles import finders

    with open(finders.find("css/site.css")) as stylesheet:
        css = stylesheet.read()
    print_css = css.split("@media print", 1)[1]
    assert ".contents" in print_css and ".breadcrumbs" in print_css
    assert 'content: " (" attr(href) ")"' in print_css


def test_sitemap_lists_live_pages_and_topics_on_the_canonical_site(client, demo_site, settings):
    settings.SITE_URL = "https://information.example.org"
    retire_current(page=demo_site["ct-scan"])

    index = client.get("/sitemap.xml").content.decode()
    xml = client.get("/sitemap-pages.xml").content.decode()
    xml += client.get("/sitemap-topics.xml").content.decode()

    assert "<loc>https://information.example.org/sitemap-pages.xml</loc>" in index
    assert "<loc>https://information.example.org/sitemap-topics.xml</loc>" in index
    assert "<loc>https://information.example.org/info/bone-scan/</loc>" in xml
    assert "<loc>https://information.example.org/topics/cancer-types/breast-cancer/</loc>" in xml
    assert "/info/ct-scan/" not in xml
    assert "<lastmod>" in xml


def test_robots_txt_points_at_the_sitemap(client, settings):
    settings.SITE_URL = "https://information.example.org"

    response = client.get("/robots.txt")

    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: https://information.example.org/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()


def test_feed_lists_recently_published_pages(client, demo_site):
    response = client.get(reverse("infopages:feed"))

    assert response.status_code == 200
    assert "<title>Bone scan</title>" in response.content.decode()


def test_feed_names_the_information_team_as_its_author(client, demo_site, settings):
    settings.SITE_URL = "https://information.example.org"

    xml = client.get(reverse("infopages:feed")).content.decode()

    feed_head = xml.split("<entry>", 1)[0]
    assert "<author><name>The Cancer information team</name>" in feed_head
    assert "<uri>https://information.example.org/</uri></author>" in feed_head


def test_feed_sends_the_cache_control_of_public_pages(client, demo_site):
    response = client.get(reverse("infopages:feed"))

    assert response["Cache-Control"] == "public, max-age=0, s-maxage=60, stale-if-error=300"
    assert response["ETag"] and response["Last-Modified"]


def test_public_pages_load_nothing_from_other_sites(client, demo_site):
    for url in [
        "/",
        "/topics/tests-and-scans/",
        "/info/secondary-breast-cancer/",
        "/search/?q=scan",
    ]:
        html = client.get(url).content.decode()
        tags = re.findall(r"<(?:script|link|img|iframe|source|video|audio)\b[^>]*>", html)
        loaded = [t for t in tags if 'rel="canonical"' not in t]
        assert loaded and not [t for t in loaded if re.search(r'(?:src|href)="(?:https?:)?//', t)]


def test_public_pages_send_a_strict_content_security_policy(client, demo_site):
    response = client.get("/info/bone-scan/")

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert " style=" not in response.content.decode()


def test_public_page_does_not_vary_on_cookies(client, demo_site):
    """Nothing per reader (session, CSRF token) is in a page, so shared caches may keep it."""
    response = client.get("/info/bone-scan/")

    assert "Cookie" not in response.get("Vary", "")
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert not response.cookies


def test_unknown_page_gets_the_friendly_not_found_page(client, db):
    response = client.get("/info/no-such-page/")

    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()


def test_server_error_gets_the_friendly_error_page(client, db, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr("infopages.page_bodies.live_page", broken)
    client.raise_request_exception = False

    response = client.get("/info/anything/")

    assert response.status_code == 500
    assert "Sorry, there is a problem with this page" in response.content.decode()


def test_unreachable_database_gets_a_503_page(client, demo_site):
    def unreachable(execute, sql, params, many, context):
        raise OperationalError("could not connect to server: Connection refused")

    with connection.execute_wrapper(unreachable):
        response = client.get("/info/bone-scan/")

    assert response.status_code == 503
    assert response["Retry-After"]
    assert "not available just now" in response.content.decode()


@pytest.mark.parametrize("url", ["/", "/topics/living-with-cancer/", "/search/?q=scan"])
def test_listing_pages_need_few_queries(client, demo_site, django_assert_max_num_queries, url):
    # The generation (once a second at most), the topics, their order, and a page of pages;
    # search: the count, a page of results, their best sections and those sections' snippets.
    with django_assert_max_num_queries(5 if url.startswith("/search/") else 4):
        assert client.get(url).status_code == 200


def test_page_with_deep_topic_needs_no_extra_queries(
    client, make_page, publish, topic, django_assert_max_num_queries
):
    from infopages.models import Topic

    deep = Topic.objects.create(name="Metastatic", slug="metastatic", parent=topic)
    deeper = Topic.objects.create(name="Bone", slug="bone", parent=deep)
    page = make_page()
    Page.objects.filter(pk=page.pk).update(topic=deeper)
    page.refresh_from_db()
    publish(page)

    with django_assert_max_num_queries(4):
        html = client.get(page.get_absolute_url()).content.decode()
    assert '<a href="/topics/cancer-types/breast-cancer/metastatic/bone/">Bone</a>' in html


def test_topic_names_come_from_the_publication_not_the_working_copy(
    client, make_page, publish, topic
):
    page = make_page()
    publish(page)
    topic.name = "Renamed without review"
    topic.save()

    for url in [page.get_absolute_url(), "/", "/topics/cancer-types/", f"/api/pages/{page.slug}/"]:
        body = client.get(url).content.decode()
        assert "Breast cancer" in body, url
        assert "Renamed without review" not in body, url
