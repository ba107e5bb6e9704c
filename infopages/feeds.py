"""An Atom feed of recently published or re-reviewed pages, for partners who follow changes."""

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from infopages import selectors
from infopages.views import canonical_url

FEED_ENTRIES = 30


class RecentlyUpdatedFeed(Feed):
    feed_type = Atom1Feed
    title = "Cancer information: recently updated pages"
    subtitle = "Pages newly published or updated after review by medical experts."
    link = "/"

    def items(self):
        return selectors.recently_updated(FEED_ENTRIES)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return canonical_url(item.get_absolute_url())

    def item_guid(self, item):
        return canonical_url(f"{item.get_absolute_url()}#publication-{item.pk}")

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at
