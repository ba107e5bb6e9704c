"""A page's public history ("Page history", ``/info/<slug>/history/``): when it was reviewed
and what changed, in readers' words. Also in the API's page detail and the Atom feed.

Only public facts, read from the published snapshots: the day of each full review, whether
it changed the page ("Reviewed and updated") or confirmed it ("Reviewed, no changes"), and
the one-line note for readers the publisher gave (``PublishedPage.public_note``), the only
thing written for this list. A minor change without a note is not listed; nor is a next
review brought forward (the page itself shows its next review date) or a take-down. Names
of editors, reviewers' comments and anything else of the workspace never appear here.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from infopages import caching, selectors
from infopages.models import PublishedPage
from infopages.views import breadcrumb_topics, canonical_url, live_page_response

HISTORY_LIMIT = 50  # the newest entries; a page reviewed every year has decades' worth

Kind = PublishedPage.Kind
LABELS = {
    Kind.FULL_REVIEW: "Reviewed and updated",
    Kind.RECERTIFIED: "Reviewed, no changes",
    Kind.CHANGE: "Updated",
    Kind.IMPORTED: "Reviewed",
}


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a page's public history."""

    on: date
    kind: str
    label: str
    note: str = ""

    def as_json(self) -> dict:
        return {
            "date": self.on.isoformat(),
            "kind": self.kind,
            "label": self.label,
            "note": self.note,
        }


def page_history(
    publication: PublishedPage, *, limit: int = HISTORY_LIMIT
) -> tuple[list[HistoryEntry], bool]:
    """The entries readers see of the page ``publication`` belongs to, newest first: at most
    ``limit``, and whether older ones were left out. One query, whatever the page's age.

    A page's first publication through the workflow reads "First published"; one brought in
    by an import is dated from the review its file recorded.
    """
    rows = list(
        PublishedPage.objects.filter(page_id=publication.page_id)
        .filter(
            Q(kind__in=[Kind.FULL_REVIEW, Kind.RECERTIFIED, Kind.IMPORTED]) | ~Q(public_note="")
        )
        .order_by("-published_at", "-id")
        .values("kind", "published_at", "reviewed_on", "public_note")[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    entries: list[HistoryEntry] = []
    for position, row in enumerate(rows):
        kind, note = row["kind"], row["public_note"]
        on = timezone.localdate(row["published_at"])
        label = LABELS.get(kind, LABELS[Kind.CHANGE])
        if kind == Kind.IMPORTED:
            if row["reviewed_on"] is None and not note:
                continue
            on = row["reviewed_on"] or on
        elif position == len(rows) - 1 and not more:
            label = "First published"
        entry = HistoryEntry(on=on, kind=kind, label=label, note=note)
        if not entries or entries[-1] != entry:  # a page imported twice from one file
            entries.append(entry)
    entries.sort(key=lambda entry: entry.on, reverse=True)
    return entries, more


def history_json(publication: PublishedPage) -> list[dict]:
    """The history as the API gives it: [{"date", "kind", "label", "note"}], newest first."""
    return [entry.as_json() for entry in page_history(publication)[0]]


def latest_entry(publication: PublishedPage) -> HistoryEntry | None:
    """What readers are told of this publication itself, if anything (for the feed): a full
    review, or a change the publisher wrote a note for."""
    label = LABELS.get(publication.kind)
    if publication.kind in (Kind.FULL_REVIEW, Kind.RECERTIFIED) or (
        publication.public_note and label
    ):
        return HistoryEntry(
            on=timezone.localdate(publication.published_at),
            kind=publication.kind,
            label=label,
            note=publication.public_note,
        )
    return None


@require_safe
def page_history_view(request: HttpRequest, slug: str) -> HttpResponse:
    """The public history of the page live at ``slug``: cacheable like the page itself (its
    validators change with every publication, which is all that changes this list)."""

    def render_page(publication, related, today) -> HttpResponse:
        entries, more = page_history(publication)
        path = reverse("infopages:page_history", kwargs={"slug": publication.slug})
        context = {
            "publication": publication,
            "entries": entries,
            "more": more,
            "breadcrumb_topics": [
                *breadcrumb_topics(selectors.topic_crumbs(publication)),
                (publication.title, publication.get_absolute_url()),
            ],
            "canonical_url": canonical_url(path),
        }
        return render(request, "infopages/page_history.html", context)

    def not_found() -> HttpResponse:
        moved = selectors.moved_to(slug=slug)
        if moved is not None:
            target = reverse("infopages:page_history", kwargs={"slug": moved.slug})
            return caching.set_public_headers(HttpResponsePermanentRedirect(target))
        raise Http404("No published page at this address.")

    return live_page_response(
        request, slug=slug, variant="history", render_page=render_page, not_found=not_found
    )
