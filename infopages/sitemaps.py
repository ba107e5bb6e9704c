"""Sitemaps of the home page, live topics and live pages, on the canonical ``SITE_URL``.

``/sitemap.xml`` is an index of sections; the pages' section is split into sitemaps of
``PageSitemap.limit`` pages each, so no response grows with the number of pages.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from infopages import selectors


class CanonicalSitemap(Sitemap):
    """Absolute URLs on SITE_URL whatever host the request came in on (no sites framework)."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme or "https"

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class HomeSitemap(CanonicalSitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return ["infopages:home"]

    def location(self, item):
        return reverse(item)


class TopicSitemap(CanonicalSitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return selectors.all_topics(selectors.live_topic_tree())

    def location(self, item):
        return item.get_absolute_url()


class PageSitemap(CanonicalSitemap):
    changefreq = "monthly"
    priority = 1.0
    limit = 1000

    def items(self):
        return selectors.live_addresses()

    def lastmod(self, item):
        return item.published_at

    def get_urls(self, page=1, site=None, protocol=None):
        """Each page with its language versions as alternates (hreflang), both ways: one
        more query per sitemap, for the families of the pages on it."""
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        base = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        families = selectors.live_families([url["item"] for url in urls])
        for url in urls:
            item = url["item"]
            members = families.get(item.source_page_id or item.page_id, [])
            languages = [m for m in members if m.language != "easy-read"]
            if len(languages) > 1:
                url["alternates"] = [
                    {"lang_code": m.language_kind.lang, "location": base + m.get_absolute_url()}
                    for m in languages
                ]
        return urls


SITEMAPS = {"home": HomeSitemap, "topics": TopicSitemap, "pages": PageSitemap}
