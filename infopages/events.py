"""One event, "a page was published", and who follows it.

Every change to what readers see of a page (a publication, a take-down, a re-certification,
an import, a next review brought forward) is announced once, by ``infopages.publishing``,
as a ``PagePublished``. What follows a publication subscribes to it in one visible place
(each app's ``subscriptions.py``), in one of two phases:

- ``in_transaction``: runs at once, inside the publishing transaction, for what must be atomic
  with the snapshot (the search index, the cache generation). A failure undoes the publication.
- ``after_commit``: runs once the publication is committed, for what may follow it (plain-English
  figures, a future CDN purge). Nothing runs if the publication rolls back, and a failure
  is logged without undoing what readers already see.

The workflow (``reviews``) subscribes to this lower app's event, so nothing here imports it.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import partial

from django.db import transaction

logger = logging.getLogger(__name__)


class Publication(StrEnum):
    """What kind of change to the live page an event announces."""

    PUBLISHED = "published"  # a change or a full review went live
    RECERTIFIED = "recertified"  # reviewed in full, nothing changed
    IMPORTED = "imported"  # published by the import, as reviewed on the file's date
    REDATED = "redated"  # the live page again, with its next review brought forward
    TAKEN_DOWN = "taken_down"  # readers get "not found"


@dataclass(frozen=True)
class PagePublished:
    """A page's live publication changed. ``publication``: the new snapshot, or for a
    take-down the one taken down; ``replaced``: the snapshot it took off the site, if any."""

    page: object
    publication: object
    kind: Publication
    by: object = None
    replaced: object = None
    at: datetime | None = None


Handler = Callable[[PagePublished], None]
IN_TRANSACTION, AFTER_COMMIT = "in_transaction", "after_commit"
_handlers: dict[str, list[Handler]] = {IN_TRANSACTION: [], AFTER_COMMIT: []}


def on_publication(handler: Handler, *, phase: str = IN_TRANSACTION) -> Handler:
    """Have ``handler(event)`` follow every publication, in ``phase``. Subscribing twice
    (``ready()`` run again by a test) keeps one subscription."""
    if phase not in _handlers:
        raise ValueError(f"phase must be {IN_TRANSACTION!r} or {AFTER_COMMIT!r}, not {phase!r}")
    if handler not in _handlers[phase]:
        _handlers[phase].append(handler)
    return handler


def subscribers(phase: str) -> list[Handler]:
    """The handlers following publications in ``phase``, in the order they run."""
    return list(_handlers[phase])


def announce(event: PagePublished) -> None:
    """Tell the subscribers that ``event`` happened: in-transaction ones now, in the caller's
    transaction; after-commit ones once it commits (never, if it rolls back)."""
    for handler in _handlers[IN_TRANSACTION]:
        handler(event)
    for handler in _handlers[AFTER_COMMIT]:
        transaction.on_commit(partial(_after_commit, handler, event), robust=True)


def _after_commit(handler: Handler, event: PagePublished) -> None:
    """Run one after-commit follower; the publication already stands, so a failure is logged
    (``robust=True`` would log it too, but without saying which publication)."""
    try:
        handler(event)
    except Exception:
        logger.exception(
            "%s after publication %s of page %s failed",
            getattr(handler, "__qualname__", handler),
            getattr(event.publication, "pk", None),
            getattr(event.page, "pk", None),
        )
