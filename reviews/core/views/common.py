"""What every workspace view shares: who may use the workspace, and how a refusal looks."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from reviews.core import policy, selectors, workflow
from reviews.core.models import ChangeRequest, RoleKey
from reviews.core.workflow import PageStep


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    """403, saying why in the person's terms (nothing was changed)."""
    return render(request, "reviews/forbidden.html", {"message": message}, status=403)


def page_steps(user, *, flags=()) -> dict[str, bool]:
    """Which page-level steps a screen offers ``user``, by name, for its template
    (``{% if page_steps.SET_OWNER %}``): exactly those their services take."""
    available = workflow.available_page_steps(user, flags=flags)
    return {step.name: step in available for step in PageStep}


def refuse_page_step(request: HttpRequest, step: PageStep, *, flags=()) -> HttpResponse | None:
    """A 403 saying why ``request.user`` may not take ``step``, or None when they may."""
    error = workflow.page_step_refusal(step, user=request.user, flags=flags)
    return None if error is None else forbidden(request, error.message)


def workspace_view(view):
    """Login required (anonymous people go to the login page); other people get a 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not policy.can_view(request.user):
            return forbidden(
                request, "The workspace is for editors, reviewers and publishers only."
            )
        return view(request, *args, **kwargs)

    return wrapped


def get_change(pk: int, *, reader=None) -> ChangeRequest:
    """The change request with everything its screen shows, or 404. ``reader``: who will
    read it, for what they ticked so far in a full review."""
    try:
        return selectors.change_with_details(pk, reader=reader)
    except ChangeRequest.DoesNotExist:
        raise Http404("No such change request.") from None


def describe_roles(counts: dict[RoleKey, int]) -> str:
    """{medical: 1, lay: 2} -> "1 medical reviewer and 2 lay reviewers"."""
    parts = [
        f"{count} {role.label}" + ("s" if count != 1 else "") for role, count in counts.items()
    ]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def person(user) -> str:
    if user is None:
        return "the system"
    return user.get_full_name() or user.get_username()
