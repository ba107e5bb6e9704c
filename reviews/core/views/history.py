"""A page's history in the workspace: its publications and every saved version of its parts,
each of which an editor can bring back as a new draft (which goes through review again).

It is also the evidence an assessor asks for ("what did this page say on 1 March?"): each
publication can be shown exactly as readers saw it, from the HTML stored when it was published.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from reversion.models import Version

from infopages import selectors as published
from infopages.models import (
    DEFAULT_REVIEW_NOTICE,
    Page,
    PublicReviewNotice,
    PublishedPage,
)
from infopages.parts import kind_of
from infopages.review_notice import notice_starts_on
from reviews.core import contents, panels, selectors, services
from reviews.core.errors import WorkflowError
from reviews.core.forms import AsOfForm, RestoreForm
from reviews.core.views.common import page_steps, person, refuse_page_step, workspace_view
from reviews.core.workflow import PageStep

PAGE_KIND_NAME = "Title and summary"


@require_safe
@workspace_view
def page_history(request: HttpRequest, page_pk: int) -> HttpResponse:
    page = get_object_or_404(Page.objects.select_related("topic"), pk=page_pk)
    versions = selectors.versions_by_part(page=page)
    published = set(contents.last_published_versions(page).values())
    signed_off = selectors.sections_last_signed_off(page=page)
    parts = []
    for part in contents.page_parts(page):
        model, kind = type(part), kind_of(part)
        part_versions = [
            {
                "version": v,
                "text": _readable(v),
                "is_latest": i == 0,
                "was_published": v.pk in published,
            }
            for i, v in enumerate(versions.get(_key(part), []))
        ]
        parts.append(
            {
                "object": part,
                "kind": kind.label if kind else PAGE_KIND_NAME,
                "title": getattr(part, kind.name_field) if kind and kind.has_text else str(part),
                "anchor": f"history-{model._meta.model_name}-{part.pk}",
                "versions": part_versions,
                "signed_off": signed_off.get(part.pk) if kind and kind.has_text else None,
            }
        )
    context = {
        "page": page,
        "parts": parts,
        "publications": PublishedPage.objects.filter(page=page)
        .select_related("published_by")
        .order_by("-published_at", "-id"),
        "open_change": selectors.open_change_for(page),
        "source_checks": page.source_checks.select_related("source", "checked_by"),
        "page_steps": page_steps(request.user),
        "as_of_form": AsOfForm(),
    }
    context |= panels.context_for(
        panels.PAGE_SCREEN, page=page, user=request.user, steps=context["page_steps"]
    )
    return render(request, "reviews/page_history.html", context)


def _readable(version: Version) -> str:
    """The version's content as an editor reads it, to choose which one to restore."""
    fields = version.field_dict
    kind = kind_of(version._model)
    if kind is None:
        return f"{fields.get('title', '')}\n\n{fields.get('summary', '')}"
    return kind.readable(fields)


def _key(part) -> tuple[int, str]:
    return ContentType.objects.get_for_model(part).pk, str(part.pk)


@require_POST
@workspace_view
def restore_version(request: HttpRequest, page_pk: int) -> HttpResponse:
    """Bring back one earlier version of the page or one of its parts, as a new draft."""
    page = get_object_or_404(Page, pk=page_pk)
    if refused := refuse_page_step(request, PageStep.RESTORE):
        return refused
    form = RestoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a version to restore.")
        return redirect("reviews:page_history", page_pk=page.pk)
    version = get_object_or_404(
        Version.objects.select_related("revision"), pk=form.cleaned_data["version"]
    )
    if (version._model is not Page and kind_of(version._model) is None) or contents.page_of_version(
        version
    ).pk != page.pk:
        messages.error(request, "That version is not part of this page.")
        return redirect("reviews:page_history", page_pk=page.pk)
    return _restore(
        request,
        page,
        lambda: services.restore_as_draft(version=version, by=request.user),
        f"Restored “{version.object_repr}” as it was on {_day(version.revision.date_created)}.",
    )


@require_POST
@workspace_view
def restore_publication(request: HttpRequest, page_pk: int) -> HttpResponse:
    """Bring back the whole page as it was published on an earlier date, as a new draft."""
    page = get_object_or_404(Page, pk=page_pk)
    if refused := refuse_page_step(request, PageStep.RESTORE):
        return refused
    chosen = request.POST.get("publication", "")
    publication = (
        PublishedPage.objects.filter(page=page, pk=int(chosen)).first()
        if chosen.isdigit()
        else None
    )
    if publication is None:
        messages.error(request, "Choose a publication of this page to restore.")
        return redirect("reviews:page_history", page_pk=page.pk)
    return _restore(
        request,
        page,
        lambda: services.restore_publication_as_draft(publication=publication, by=request.user),
        f"Restored the page as published on {_day(publication.published_at)}.",
    )


def _restore(request: HttpRequest, page: Page, restore, done: str) -> HttpResponse:
    """Run a restore service: to its change with ``done`` said, or back to the history."""
    try:
        change = restore()
    except WorkflowError as error:
        messages.error(request, error.message)
        return redirect("reviews:page_history", page_pk=page.pk)
    messages.success(
        request, f"{done} It is a draft in this change request: readers see it only after review."
    )
    return redirect(change)


def _day(moment) -> str:
    return f"{timezone.localtime(moment):%-d %B %Y}"


# What readers saw


@require_safe
@never_cache
@workspace_view
def publication_detail(request: HttpRequest, page_pk: int, publication_pk: int) -> HttpResponse:
    """One publication exactly as readers saw it, with the stored HTML and the public includes."""
    publication = get_object_or_404(
        PublishedPage.objects.select_related("page", "published_by").defer("plain_text"),
        pk=publication_pk,
        page_id=page_pk,
    )
    notice_from = _review_notice_from(publication)
    context = {
        "page": publication.page,
        "publication": publication,
        "sections": published.published_sections(publication),
        "related": _related_as_published(publication),
        "review_notice": DEFAULT_REVIEW_NOTICE if notice_from is not None else "",
        "notice_from": notice_from,
        "notice_all_along": notice_from is not None
        and notice_from <= timezone.localdate(publication.published_at),
        "published_by": person(publication.published_by),
        "approved_by": _in_words([_approver(entry) for entry in publication.approved_by]),
    }
    response = render(request, "reviews/publication.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
@never_cache
@workspace_view
def page_as_of(request: HttpRequest, page_pk: int) -> HttpResponse:
    """The publications readers could see on one past day (several if it changed that day)."""
    page = get_object_or_404(Page, pk=page_pk)
    form = AsOfForm(request.GET)
    context = {"page": page, "as_of_form": form, "day": None, "publications": []}
    if form.is_valid():
        context["day"] = form.cleaned_data["date"]
        context["publications"] = published.publications_during(page=page, day=context["day"])
    response = render(request, "reviews/page_as_of.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _related_as_published(publication: PublishedPage) -> list[PublishedPage]:
    """The related pages readers were offered when this copy went live, in the editor's order.

    Only pages that were live then were linked; their titles are those of that moment.
    """
    if not publication.related_page_ids:
        return []
    moment = publication.published_at
    live_then = (
        PublishedPage.objects.filter(page_id__in=publication.related_page_ids)
        .live_at(moment)
        .order_by("published_at", "id")
        .only("page_id", "slug", "title", "published_at")
    )
    by_page = {p.page_id: p for p in live_then}  # the newest wins
    return [by_page[pk] for pk in publication.related_page_ids if pk in by_page]


def _review_notice_from(publication: PublishedPage) -> dt.date | None:
    """The day readers of this copy started to see the "being reviewed" notice, if they did:
    once its next review date had passed, or while a full review was under way
    (``infopages.views.review_notice``)."""
    live_until = publication.superseded_at or timezone.now()
    starts = []
    overdue_from = notice_starts_on(publication.next_review_on)
    if overdue_from is not None:
        shown_at = timezone.make_aware(dt.datetime.combine(overdue_from, dt.time.min))
        if shown_at < live_until:
            starts.append(overdue_from)
    reviews = PublicReviewNotice.objects.filter(
        page_id=publication.page_id, started_at__lt=live_until
    ).filter(Q(ended_at__isnull=True) | Q(ended_at__gt=publication.published_at))
    for notice in reviews.only("started_at"):
        starts.append(timezone.localdate(max(notice.started_at, publication.published_at)))
    return min(starts, default=None)


def _approver(entry: dict) -> str:
    """ "Asha Patel (Medical reviewer)" from a sign-off or an imported reviewer record."""
    name = entry.get("name") or entry.get("username") or "Someone unnamed"
    role = entry.get("role_label") or entry.get("role") or ""
    return f"{name} ({role})" if role else name


def _in_words(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
