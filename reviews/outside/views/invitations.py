"""Inviting an outside reviewer to sign a change off by a secure link, and revoking it.

Publishers and the page's owner do this from the change page; the outside reviewer's own
screens are in ``outside``.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from reviews.core import workflow
from reviews.core.errors import WorkflowError
from reviews.core.models import ChangeRequest
from reviews.core.status import ReviewStatus
from reviews.core.views.change_page import person_refusal, state_in_words
from reviews.core.views.common import forbidden, get_change, workspace_view
from reviews.core.workflow import Step
from reviews.outside import services
from reviews.outside.forms import InvitationForm


def _back(change: ChangeRequest):
    return redirect(change.get_absolute_url() + "#outside-reviewers")


def _earlier(change: ChangeRequest, pk: str | None) -> dict:
    """What an earlier invitation to this change said, to invite the same person again."""
    if not pk or not pk.isdigit():
        return {}
    earlier = next((i for i in change.invitations.all() if i.pk == int(pk)), None)
    if earlier is None:
        return {}
    fields = ("name", "email", "role", "public_role", "credentials")
    return {field: getattr(earlier, field) for field in fields}


@require_http_methods(["GET", "HEAD", "POST"])
@workspace_view
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Who to invite, in which role, how readers would see them credited; ?again=<id>
    starts from an earlier invitation of the same change."""
    change = get_change(pk)
    refusal = person_refusal(Step.INVITE, request.user, change)
    if refusal:
        return forbidden(request, refusal)
    review = ReviewStatus(change)
    if request.method != "POST" and Step.INVITE not in workflow.available_steps(
        request.user, change, review
    ):
        messages.error(
            request,
            "Outside reviewers can be invited once the change is sent for review. "
            + state_in_words(change, review.missing),
        )
        return _back(change)
    form = InvitationForm(
        request.POST or None,
        roles=review.required,
        initial=_earlier(change, request.GET.get("again")),
    )
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite_reviewer(
                change=change, by=request.user, **form.cleaned_data
            )
        except WorkflowError as error:
            form.add_error(None, error.message)
        else:
            until = timezone.localtime(invitation.expires_at)
            messages.success(
                request,
                f"{invitation.name} has been sent a link to review this change, as "
                f"{invitation.get_role_display()}. It works until {until:%-d %B %Y}.",
            )
            return _back(change)
    context = {"change": change, "page": change.page, "form": form, "review": review}
    return render(request, "reviews/invite.html", context)


@require_POST
@workspace_view
def revoke_invitation(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    change = get_change(pk)
    refusal = person_refusal(Step.REVOKE_INVITATION, request.user, change)
    if refusal:
        return forbidden(request, refusal)
    invitation = next((i for i in change.invitations.all() if i.pk == invitation_pk), None)
    if invitation is None:
        raise Http404("No such invitation on this change.")
    try:
        services.revoke_invitation(invitation=invitation, by=request.user)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The link of {invitation.name} no longer works.")
    return _back(change)
