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

A follower may also give a form of itself for many events at once (``many=``): a
republication of many pages in one transaction (a shared block's new version) is announced
with ``announce_all``, and such a follower writes its rows for the whole group in a few
queries instead of a few per page. A follower without it is called once per event, as ever.

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
ManyHandler = Callable[[list[PagePublished]], None]
IN_TRANSACTION, AFTER_COMMIT = "in_transaction", "after_commit"
_handlers: dict[str, list[Handler]] = {IN_TRANSACTION: [], AFTER_COMMIT: []}
_many: dict[Handler, ManyHandler] = {}


def on_publication(
    handler: Handler, *, phase: str = IN_TRANSACTION, many: ManyHandler | None = None
) -> Handler:
    """Have ``handler(event)`` follow every publication, in ``phase``; ``many(events)``, if
    given, does the same for a list of events at once (``announce_all``). Subscribing twice
    (``ready()`` run again by a test) keeps one subscription."""
    if phase not in _handlers:
        raise ValueError(f"phase must be {IN_TRANSACTION!r} or {AFTER_COMMIT!r}, not {phase!r}")
    if handler not in _handlers[phase]:
        _handlers[phase].append(handler)
    if many is not None:
        _many[handler] = many
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


def announce_all(events: list[PagePublished]) -> None:
    """``announce`` each of ``events`` (publications of different pages, in one transaction),
    each follower called once for them all when it has a form for many."""
    if not events:
        return
    for handler in _handlers[IN_TRANSACTION]:
        _call(handler, events)
    for handler in _handlers[AFTER_COMMIT]:
        transaction.on_commit(partial(_after_commit_all, handler, events), robust=True)


def _call(handler: Handler, events: list[PagePublished]) -> None:
    many = _many.get(handler)
    if many is not None:
        many(events)
    else:
        for event in events:
            handler(event)


def _after_commit_all(handler: Handler, events: list[PagePublished]) -> None:
    """An after-commit follower for a group; a failure is logged, naming the publications."""
    try:
        _call(handler, events)
    except Exception:
        logger.exception(
            "%s after publications %s failed",
            getattr(handler, "__qualname__", handler),
            [getattr(event.publication, "pk", None) for event in events],
        )


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
