"""A page's history in the workspace: its publications and every saved version of its parts,
each of which an editor can bring back as a new draft (which goes through review again)."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe
from reversion.models import Version

from infopages.models import Page, PublishedPage, Reference, Resource, Section
from reviews import contents, policy, selectors, services
from reviews.errors import WorkflowError
from reviews.forms import RestoreForm
from reviews.views.common import forbidden, workspace_view

PART_MODELS = (Page, Section, Reference, Resource)
KIND_NAMES = {Page: "Title and summary", Reference: "Reference", Resource: "Resource"}


@require_safe
@workspace_view
def page_history(request: HttpRequest, page_pk: int) -> HttpResponse:
    page = get_object_or_404(Page.objects.select_related("topic"), pk=page_pk)
    versions = selectors.versions_by_part(page=page)
    published = set(contents.last_published_versions(page).values())
    parts = []
    for part in contents.page_parts(page):
        model = type(part)
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
                "kind": "Section" if model is Section else KIND_NAMES[model],
                "title": part.heading if model is Section else str(part),
                "anchor": f"history-{model._meta.model_name}-{part.pk}",
                "versions": part_versions,
            }
        )
    context = {
        "page": page,
        "parts": parts,
        "publications": PublishedPage.objects.filter(page=page)
        .select_related("published_by")
        .order_by("-published_at", "-id"),
        "open_change": selectors.open_change_for(page),
        "may_restore": policy.is_editor(request.user),
    }
    return render(request, "reviews/page_history.html", context)


def _readable(version: Version) -> str:
    """The version's content as an editor reads it, to choose which one to restore."""
    fields = version.field_dict
    if version._model is Section:
        return f"{fields.get('heading', '')}\n\n{fields.get('body', '')}"
    if version._model is Page:
        return f"{fields.get('title', '')}\n\n{fields.get('summary', '')}"
    if version._model is Reference:
        return " ".join(str(fields.get(name) or "") for name in ("citation", "url")).strip()
    return " ".join(str(fields.get(name) or "") for name in ("title", "url", "description"))


def _key(part) -> tuple[int, str]:
    return ContentType.objects.get_for_model(part).pk, str(part.pk)


@require_POST
@workspace_view
def restore_version(request: HttpRequest, page_pk: int) -> HttpResponse:
    """Bring back one earlier version of the page or one of its parts, as a new draft."""
    page = get_object_or_404(Page, pk=page_pk)
    if not policy.is_editor(request.user):
        return forbidden(request, "Only editors can restore earlier versions.")
    form = RestoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a version to restore.")
        return redirect("reviews:page_history", page_pk=page.pk)
    version = get_object_or_404(
        Version.objects.select_related("revision"), pk=form.cleaned_data["version"]
    )
    if version._model not in PART_MODELS or contents.page_of_version(version).pk != page.pk:
        messages.error(request, "That version is not part of this page.")
        return redirect("reviews:page_history", page_pk=page.pk)
    try:
        change = services.restore_as_draft(version=version, by=request.user)
    except WorkflowError as error:
        messages.error(request, error.message)
        return redirect("reviews:page_history", page_pk=page.pk)
    messages.success(
        request,
        f"Restored “{version.object_repr}” as it was on {_day(version.revision.date_created)}. "
        "It is a draft in this change request: readers see it only after review.",
    )
    return redirect(change)


@require_POST
@workspace_view
def restore_publication(request: HttpRequest, page_pk: int) -> HttpResponse:
    """Bring back the whole page as it was published on an earlier date, as a new draft."""
    page = get_object_or_404(Page, pk=page_pk)
    if not policy.is_editor(request.user):
        return forbidden(request, "Only editors can restore earlier versions.")
    chosen = request.POST.get("publication", "")
    publication = (
        PublishedPage.objects.filter(page=page, pk=int(chosen)).first()
        if chosen.isdigit()
        else None
    )
    if publication is None:
        messages.error(request, "Choose a publication of this page to restore.")
        return redirect("reviews:page_history", page_pk=page.pk)
    try:
        change = services.restore_publication_as_draft(publication=publication, by=request.user)
    except WorkflowError as error:
        messages.error(request, error.message)
        return redirect("reviews:page_history", page_pk=page.pk)
    messages.success(
        request,
        f"Restored the page as published on {_day(publication.published_at)}. "
        "It is a draft in this change request: readers see it only after review.",
    )
    return redirect(change)


def _day(moment) -> str:
    return f"{timezone.localtime(moment):%-d %B %Y}"
