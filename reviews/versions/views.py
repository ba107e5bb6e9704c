"""Starting a version from the English page's screen, and having a version follow the English
page live now, from its change page. Thin: the services decide."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from infopages.models import Page
from reviews.core.errors import NotAllowed, WorkflowError
from reviews.core.models import ChangeRequest
from reviews.core.views.common import forbidden, workspace_view
from reviews.versions import services


@require_POST
@workspace_view
def start_version(request: HttpRequest, page_pk: int) -> HttpResponse:
    source = get_object_or_404(Page, pk=page_pk)
    try:
        change = services.start_version(
            source=source, kind=request.POST.get("kind", ""), by=request.user
        )
    except NotAllowed as refusal:
        return forbidden(request, refusal.message)
    except WorkflowError as refusal:
        messages.error(request, refusal.message)
        return redirect("reviews:page_history", page_pk=source.pk)
    messages.success(
        request,
        "The version is started with the English text as it is published: replace it, "
        "then send it for review.",
    )
    return redirect(change.get_absolute_url())


@require_POST
@workspace_view
def follow_source(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(ChangeRequest.objects.select_related("page"), pk=pk)
    try:
        services.follow_source(change=change, by=request.user)
    except NotAllowed as refusal:
        return forbidden(request, refusal.message)
    except WorkflowError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request, "This version now records the English page live now as what it is made from."
        )
    return redirect(change.get_absolute_url() + "#version-heading")
