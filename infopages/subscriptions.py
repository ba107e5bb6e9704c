"""What follows every publication, inside its transaction (``infopages.events``).

All must be atomic with the snapshot: a search finding a page taken down, a cache serving
the old page after the change was logged, or a live page without its stored body, would each
show readers what is no longer live (or nothing).
"""

from infopages.caching import LISTING, page_tag, record_change, topic_tags
from infopages.events import IN_TRANSACTION, PagePublished, Publication, on_publication
from infopages.page_bodies import store_body
from infopages.search_index import index_publication, unindex_publication


def update_search_index(event: PagePublished) -> None:
    """The snapshot taken off the site is found no more; the new one is found."""
    if event.replaced is not None:
        unindex_publication(event.replaced)
    if event.kind != Publication.TAKEN_DOWN:
        index_publication(event.publication)


def store_page_body(event: PagePublished) -> None:
    """The new snapshot's page, rendered once now rather than on its first reader's request."""
    if event.kind != Publication.TAKEN_DOWN:
        store_body(event.publication, getattr(event.publication, "new_sections", None))


def refresh_public_caches(event: PagePublished) -> None:
    """One change logged per publication, however many rows it wrote, naming what readers may
    now see differently: the page (and so the pages linking to it), the topics it left and
    joined, and the lists of pages. Every other cached response stays."""
    tags = {page_tag(event.page.pk), LISTING, *topic_tags(event.publication.topic_path)}
    if event.publication.source_page_id:  # a version: its English page's switcher, and theirs
        tags.add(page_tag(event.publication.source_page_id))
    if event.replaced is not None:
        tags |= topic_tags(event.replaced.topic_path)
    record_change(tags)


def subscribe() -> None:
    """Called once by ``InfopagesConfig.ready``."""
    on_publication(update_search_index, phase=IN_TRANSACTION)
    on_publication(store_page_body, phase=IN_TRANSACTION)
    on_publication(refresh_public_caches, phase=IN_TRANSACTION)
