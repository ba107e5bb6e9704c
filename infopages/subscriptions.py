"""What follows every publication, inside its transaction (``infopages.events``).

All must be atomic with the snapshot: a search finding a page taken down, a cache serving
the old page after the change was logged, or a live page without its stored body, would each
show readers what is no longer live (or nothing).
"""

from infopages.caching import LISTING, page_tag, record_change, topic_tags
from infopages.events import IN_TRANSACTION, PagePublished, Publication, on_publication
from infopages.page_bodies import store_bodies, store_body
from infopages.search_index import (
    index_publication,
    index_publications,
    unindex_publication,
    unindex_publications,
)


def update_search_index(event: PagePublished) -> None:
    """The snapshot taken off the site is found no more; the new one is found."""
    if event.replaced is not None:
        unindex_publication(event.replaced)
    if event.kind != Publication.TAKEN_DOWN:
        index_publication(event.publication)


def update_search_index_all(events: list[PagePublished]) -> None:
    unindex_publications([event.replaced for event in events if event.replaced is not None])
    index_publications(
        [event.publication for event in events if event.kind != Publication.TAKEN_DOWN]
    )


def store_page_body(event: PagePublished) -> None:
    """The new snapshot's page, rendered once now rather than on its first reader's request."""
    if event.kind != Publication.TAKEN_DOWN:
        store_body(event.publication, getattr(event.publication, "new_sections", None))


def store_page_bodies(events: list[PagePublished]) -> None:
    store_bodies([event.publication for event in events if event.kind != Publication.TAKEN_DOWN])


def refresh_public_caches(event: PagePublished) -> None:
    """One change logged per publication, however many rows it wrote, naming what readers may
    now see differently: the page (and so the pages linking to it), the topics it left and
    joined, and the lists of pages. Every other cached response stays."""
    record_change(_changed_tags(event))


def refresh_public_caches_all(events: list[PagePublished]) -> None:
    """One change logged for publications made together, naming everything each names."""
    record_change({tag for event in events for tag in _changed_tags(event)})


def _changed_tags(event: PagePublished) -> set[str]:
    tags = {page_tag(event.page.pk), LISTING, *topic_tags(event.publication.topic_path)}
    if event.publication.source_page_id:  # a version: its English page's switcher, and theirs
        tags.add(page_tag(event.publication.source_page_id))
    if event.replaced is not None:
        tags |= topic_tags(event.replaced.topic_path)
    return tags


def subscribe() -> None:
    """Called once by ``InfopagesConfig.ready``."""
    on_publication(update_search_index, phase=IN_TRANSACTION, many=update_search_index_all)
    on_publication(store_page_body, phase=IN_TRANSACTION, many=store_page_bodies)
    on_publication(refresh_public_caches, phase=IN_TRANSACTION, many=refresh_public_caches_all)
