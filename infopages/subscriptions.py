"""What follows every publication, inside its transaction (``infopages.events``).

Both must be atomic with the snapshot: a search finding a page taken down, or a cache serving
the old page under the new generation, would each show readers what is no longer live.
"""

from infopages.caching import bump_generation
from infopages.events import IN_TRANSACTION, PagePublished, Publication, on_publication
from infopages.search_index import index_publication, unindex_publication


def update_search_index(event: PagePublished) -> None:
    """The snapshot taken off the site is found no more; the new one is found."""
    if event.replaced is not None:
        unindex_publication(event.replaced)
    if event.kind != Publication.TAKEN_DOWN:
        index_publication(event.publication)


def refresh_public_caches(event: PagePublished) -> None:
    """One new generation per publication, however many rows it wrote."""
    bump_generation()


def subscribe() -> None:
    """Called once by ``InfopagesConfig.ready``."""
    on_publication(update_search_index, phase=IN_TRANSACTION)
    on_publication(refresh_public_caches, phase=IN_TRANSACTION)
