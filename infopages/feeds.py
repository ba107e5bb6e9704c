"""An Atom feed of recently published or re-reviewed pages, for partners who follow changes."""

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.views.decorators.http import require_safe

from infopages import caching, selectors
from infopages.history import latest_entry
from infopages.languages import kind_of_language
from infopages.views import INFORMATION_TEAM, canonical_url

FEED_ENTRIES = 30


class RecentlyUpdatedFeed(Feed):
    feed_type = Atom1Feed
    title = "Cancer information: recently updated pages"
    subtitle = "Pages newly published or updated after review by medical experts."
    # Atom requires an author of the feed (or of every entry): who writes the pages.
    author_name = INFORMATION_TEAM

    def author_link(self):
        return canonical_url("/")

    def get_object(self, request, language: str = ""):
        """The feed of one language's pages (empty: English): ``/cy/feeds/updated/``."""
        kind = kind_of_language(language)
        self.language = kind.lang  # one instance per request (see the view below)
        return kind

    def link(self, obj):
        return f"/{obj.code}/" if obj.code else "/"

    def items(self, obj):
        return selectors.recently_updated(FEED_ENTRIES, language=obj.code)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        """The page's summary, after what this publication did, as its public history says
        ("Reviewed and updated: ..."). Atom carries it as HTML: both are escaped."""
        entry = latest_entry(item)
        if entry is None:
            return format_html("<p>{}</p>", item.summary)
        what = f"{entry.label}: {entry.note}" if entry.note else entry.label
        return format_html("<p>{}</p><p>{}</p>", what, item.summary)

    def item_link(self, item):
        return canonical_url(item.get_absolute_url())

    def item_guid(self, item):
        return canonical_url(f"{item.get_absolute_url()}#publication-{item.pk}")

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at


@require_safe
def recently_updated_feed(request: HttpRequest, language: str = "") -> HttpResponse:
    """The feed, cached and revalidated like every public response (``infopages.caching``)."""

    def build() -> HttpResponse:
        return caching.set_public_headers(RecentlyUpdatedFeed()(request, language=language))

    return caching.cached_public_response(request, f"feed:updated:{language}", build)
