"""An outside reviewer's screens, reached only through their link (``<key>``: see
``services.invitation_access``).

Before anything of the change is shown, a one-time code is emailed to the invited address;
the code accepted, this browser's (anonymous) session remembers that invitation, and only it,
until ``IDLE_MINUTES`` pass without a request. The reviewer is never a user and never signed
in: every workspace screen still sends them to the sign-in page. What they see is what a
staff reviewer sees of the change (the change page's own parts) in a frame without the
workspace: no navigation, no link into it, every form posting to their link's addresses.
"""

import time
from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST, require_safe

from infopages.clients import client_address
from reviews.core import hooks, policy, selectors, workflow
from reviews.core import services as core_services
from reviews.core.diffs import Renderings, change_diff
from reviews.core.errors import StaleContent, TooManyTries, WorkflowError
from reviews.core.models import ChangeRequest, Invitation
from reviews.core.status import ReviewStatus
from reviews.core.views.change_page import (
    kept_form_input,
    open_request_for_changes,
    read_whole_page,
    sections_to_confirm,
    sign_off_summary,
    since_my_decision,
    standing_in_words,
    state_in_words,
    still_read,
    ticks_kept,
)
from reviews.core.views.common import describe_roles, get_change, person
from reviews.core.workflow import Step
from reviews.evidence import flags
from reviews.outside import services
from reviews.outside.forms import OutsideCodeForm, OutsideDecisionForm

SESSION_KEY = "outside_review"  # {invitation id: when last seen (seconds)}
IDLE_MINUTES = 30
SEEN_PRECISION_SECONDS = 60

Status = Invitation.Status


def outside_view(view):
    """The invitation of the link (404 for a key that is not one of ours), never cached, kept
    out of search engines. Its address never reaches other sites: the site's referrer policy
    is "same-origin" (not "no-referrer", with which browsers send forms as from nowhere,
    and the CSRF check refuses them)."""

    @never_cache
    @wraps(view)
    def wrapped(request: HttpRequest, key: str) -> HttpResponse:
        invitation = services.invitation_for_key(key)
        if invitation is None:
            raise Http404("No such link.")
        response = view(request, invitation, key)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


def _link(key: str) -> str:
    return reverse("reviews:outside_review", kwargs={"key": key})


def _verified(request: HttpRequest, invitation: Invitation) -> bool:
    """Whether this browser gave the invitation's code, and has not been idle since."""
    seen = request.session.get(SESSION_KEY, {}).get(str(invitation.pk))
    now = int(time.time())
    if seen is None:
        return False
    if now - seen > IDLE_MINUTES * 60:
        _forget(request, invitation)
        return False
    if now - seen >= SEEN_PRECISION_SECONDS:
        _remember(request, invitation)
    return True


def _remember(request: HttpRequest, invitation: Invitation) -> None:
    verified = dict(request.session.get(SESSION_KEY, {}))
    verified[str(invitation.pk)] = int(time.time())
    request.session[SESSION_KEY] = verified


def _forget(request: HttpRequest, invitation: Invitation) -> None:
    verified = dict(request.session.get(SESSION_KEY, {}))
    if verified.pop(str(invitation.pk), None) is not None:
        request.session[SESSION_KEY] = verified


def _closed(request: HttpRequest, invitation: Invitation) -> HttpResponse | None:
    """The page saying why the link no longer works (thanks, once they decided), or None
    while it works."""
    status = invitation.status()
    change = invitation.change
    if status in (Status.WAITING, Status.OPENED) and change.is_open:
        return None
    _forget(request, invitation)
    context = {"status": status, "invitation": invitation, "change_open": change.is_open}
    if status == Status.DECIDED:
        review = ReviewStatus(change)
        standing = review.standing_of(invitation)
        context["standing_sentence"] = standing_in_words(standing, change, review.missing)
    code = 200 if status == Status.DECIDED else 410
    return render(request, "reviews/outside/closed.html", context, status=code)


def _code_screen(
    request: HttpRequest,
    invitation: Invitation,
    key: str,
    *,
    form: OutsideCodeForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    code_waiting = bool(invitation.code_hash) and (invitation.code_expires_at or now) > now
    code_waiting = code_waiting or (form is not None and form.is_bound)  # say what was wrong
    context = {
        "key": key,
        "form": form or OutsideCodeForm(),
        "error": error,
        "code_waiting": code_waiting,
        "code_sent_at": invitation.code_sent_at,
    }
    return render(request, "reviews/outside/code.html", context, status=status)


@require_safe
@outside_view
def outside_review(request: HttpRequest, invitation: Invitation, key: str) -> HttpResponse:
    """The link: the code first, then the change as a reviewer sees it."""
    closed = _closed(request, invitation)
    if closed is not None:
        return closed
    if not _verified(request, invitation):
        return _code_screen(request, invitation, key)
    return _render_change(request, invitation, key)


def _too_many(
    request: HttpRequest, invitation: Invitation, key: str, error: TooManyTries, **kw
) -> HttpResponse:
    response = _code_screen(request, invitation, key, error=error.message, status=429, **kw)
    response["Retry-After"] = str(error.retry_after)
    return response


@require_POST
@outside_view
def send_code(request: HttpRequest, invitation: Invitation, key: str) -> HttpResponse:
    closed = _closed(request, invitation)
    if closed is not None:
        return closed
    try:
        services.send_code(invitation=invitation, client=client_address(request))
    except TooManyTries as error:
        return _too_many(request, invitation, key, error)
    except WorkflowError as error:
        invitation.refresh_from_db()
        return _closed(request, invitation) or _code_screen(
            request, invitation, key, error=error.message
        )
    messages.info(
        request, "We have emailed a code to the address this link was sent to. It works once."
    )
    return redirect(_link(key))


@require_POST
@sensitive_post_parameters("code")
@outside_view
def check_code(request: HttpRequest, invitation: Invitation, key: str) -> HttpResponse:
    closed = _closed(request, invitation)
    if closed is not None:
        return closed
    form = OutsideCodeForm(request.POST)
    if form.is_valid():
        try:
            services.check_code(
                invitation=invitation,
                code=form.cleaned_data["code"],
                client=client_address(request),
            )
        except TooManyTries as error:
            return _too_many(request, invitation, key, error, form=form)
        except WorkflowError as error:
            invitation.refresh_from_db()
            closed = _closed(request, invitation)
            if closed is not None:
                return closed
            form.add_error("code", error.message)
        else:
            request.session.cycle_key()  # a new session id once the code is given
            _remember(request, invitation)
            return redirect(_link(key))
    return _code_screen(request, invitation, key, form=form)


@require_POST
@outside_view
def decide(request: HttpRequest, invitation: Invitation, key: str) -> HttpResponse:
    """Their decision, bound to the content hash of the page they were shown."""
    closed = _closed(request, invitation)
    if closed is not None:
        return closed
    if not _verified(request, invitation):
        messages.error(request, "Please enter a new code first: nothing was recorded.")
        return redirect(_link(key))
    change = get_change(invitation.change_id)
    form = _decision_form(change, invitation, data=request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.decide_as_invited(
                invitation=invitation,
                decision=data["decision"],
                seen_hash=data["seen_hash"],
                comment=data["comment"],
                sections=data.get("sections", []),
                named=data.get("named"),
                shown=hooks.shown_in(request.POST),
            )
        except StaleContent as error:
            change = get_change(invitation.change_id)
            form = _decision_form(
                change, invitation, data=still_read(request.POST, change, invitation)
            )
            form.is_valid()
            form.add_error(None, error.message)
        except WorkflowError as error:
            invitation.refresh_from_db()
            closed = _closed(request, invitation)
            if closed is not None:
                return closed
            form.add_error(None, error.message)
        else:
            _forget(request, invitation)
            return redirect(_link(key))
    return _render_change(request, invitation, key, sign_off_form=form)


@require_POST
@outside_view
def keep_sections_read(request: HttpRequest, invitation: Invitation, key: str) -> HttpResponse:
    """Their ticks in a full review, kept for when they come back (as a staff reviewer's:
    ``changes.keep_sections_read``): not a decision."""
    closed = _closed(request, invitation)
    if closed is not None:
        return closed
    wants_json = "application/json" in request.headers.get("Accept", "")
    if not _verified(request, invitation):
        message = "Please enter a new code first: nothing was kept."
        if wants_json:
            return JsonResponse({"error": message}, status=403)
        messages.error(request, message)
        return redirect(_link(key))
    change = get_change(invitation.change_id)
    try:
        ticked = core_services.keep_sections_read(
            change=change,
            reader=invitation,
            seen_hash=request.POST.get("seen_hash", ""),
            sections=request.POST.getlist("sections"),
        )
    except WorkflowError as error:
        if wants_json:
            return JsonResponse({"error": error.message}, status=409)
        messages.error(request, error.message)
        change = get_change(invitation.change_id)
        ticked = selectors.sections_read(
            change=change, reader=invitation, review=ReviewStatus(change)
        )
    else:
        total = len(sections_to_confirm(change))
        if wants_json:
            return JsonResponse({"ticked": len(ticked), "total": total})
        messages.success(request, ticks_kept(ticked, total))
    initial = kept_form_input(request, change, sections=ticked)
    initial["named"] = request.POST.get("named") == "on"
    form = _decision_form(change, invitation, initial=initial)
    return _render_change(request, invitation, key, sign_off_form=form)


def _decision_form(
    change: ChangeRequest, invitation: Invitation, *, data=None, initial=None, review=None
):
    initial = initial or {"seen_hash": change.content_hash, "named": invitation.named_publicly}
    review = review or ReviewStatus(change)
    return OutsideDecisionForm(
        data,
        roles=[review.role_named(invitation.role)],
        sections=sections_to_confirm(change),
        full_review=change.is_full_review,
        initial=initial,
    )


def _render_change(
    request: HttpRequest, invitation: Invitation, key: str, *, sign_off_form=None
) -> HttpResponse:
    """The change as a staff reviewer sees it: what changed since their last decision, the
    changes with how the page will look, the sign-offs and the comments; and their decision."""
    change = get_change(invitation.change_id, reader=invitation)
    review = ReviewStatus(change)
    may_sign_off = Step.SIGN_OFF in workflow.available_steps(invitation, change, review)
    _roles, refusal = policy.sign_off_roles(invitation, review)
    needs, decisions = sign_off_summary(change, review)
    renderings = Renderings(plain_english=change.page.language.plain_english)
    missing = review.missing
    since = since_my_decision(change, review, invitation, renderings)
    parts = change_diff(change, renderings=renderings)
    sign_off_form = sign_off_form or _decision_form(change, invitation, review=review)
    reading = read_whole_page(
        change,
        review,
        invitation,
        parts=parts,
        renderings=renderings,
        sign_off_form=sign_off_form if may_sign_off else None,
    )
    context = {
        "key": key,
        "invitation": invitation,
        "change": change,
        "page": change.page,
        "state_sentence": state_in_words(change, missing),
        "missing": missing,
        "missing_words": describe_roles(missing),
        "needs": needs,
        "decisions": decisions,
        "since": since,
        "open_request": open_request_for_changes(change, review),
        "parts": parts,
        "reading": reading,
        "was_published": change.was_published,
        "comments": change.comments.all(),
        "authors": sorted(person(a) for a in review.authors),
        "may_sign_off": may_sign_off,
        "sign_off_refusal": "" if may_sign_off else refusal,
        "role_label": review.role_named(invitation.role).label,
        "sign_off_form": sign_off_form,
        "credit": invitation.credit(named=True) if change.is_full_review else None,
        **flags.on_change_page(change),
    }
    return render(request, "reviews/outside/change.html", context)
