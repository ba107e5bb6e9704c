"""What a shared link shows: OpenGraph and Twitter card metadata from the published page, and
the dates of the home page's recently updated pages."""

import re

from infopages.services import save_with_version


def meta(html: str, key: str) -> str:
    """The content of the <meta> whose property or name is ``key`` (exactly one)."""
    found = re.findall(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', html)
    assert len(found) == 1, (key, found)
    return found[0]


def test_a_page_carries_link_preview_metadata_from_its_publication(
    client, make_page, publish, settings
):
    settings.SITE_URL = "https://information.example.org"
    publish(make_page(slug="bone-scan", title="Bone scan"))

    html = client.get("/info/bone-scan/").content.decode()

    assert meta(html, "og:type") == "article"
    assert meta(html, "og:title") == "Bone scan"
    assert meta(html, "og:description") == "About bone scan."
    assert meta(html, "og:url") == "https://information.example.org/info/bone-scan/"
    assert meta(html, "og:site_name") == "Cancer information"
    assert meta(html, "twitter:card") == "summary"


def test_link_preview_metadata_is_escaped(client, make_page, publish):
    page = make_page(slug="scans", title='Scans "and" <tests>')
    publish(page)

    html = client.get("/info/scans/").content.decode()

    assert meta(html, "og:title") == "Scans &quot;and&quot; &lt;tests&gt;"
    assert meta(html, "og:description") == "About scans &quot;and&quot; &lt;tests&gt;."


def test_link_preview_shows_what_is_published_not_the_draft(client, make_page, publish, editor):
    page = make_page(slug="bone-scan", title="Bone scan")
    publish(page)
    page.title = "Bone scan (draft title)"
    save_with_version(page, by=editor, comment="Draft")

    html = client.get("/info/bone-scan/").content.decode()

    assert meta(html, "og:title") == "Bone scan"


def test_home_and_topic_pages_carry_link_preview_metadata(client, make_page, publish, settings):
    settings.SITE_URL = "https://information.example.org"
    publish(make_page())

    home = client.get("/").content.decode()
    topic = client.get("/topics/cancer-types/").content.decode()

    assert meta(home, "og:url") == "https://information.example.org/"
    assert meta(home, "og:type") == "website"
    assert meta(topic, "og:url") == "https://information.example.org/topics/cancer-types/"
    assert meta(topic, "og:title") == "Cancer types"
    assert meta(topic, "og:site_name") == "Cancer information"


def test_recently_updated_on_the_home_page_shows_each_pages_date(
    client, make_page, publish, time_machine
):
    time_machine.move_to("2026-11-24 15:00 +00:00")
    publish(make_page(slug="bone-scan", title="Bone scan"))

    html = client.get("/").content.decode()

    recent = html.split('id="recent-heading"', 1)[1]
    assert 'Updated <time datetime="2026-11-24">24 November 2026</time>' in recent
