"""Sign-in throttling (django-axes): what a locked-out person sees, and the audit event.

Policy (``AXES_LOCKOUT_PARAMETERS`` in ``portal.settings``): failures are counted per
username *and* address together. ``SIGN_IN_FAILURE_LIMIT`` wrong passwords for one username
from one address pause signing in as that username from that address for
``SIGN_IN_LOCKOUT_MINUTES``, whatever password comes next. Not by username alone: anyone
could then lock a reviewer out from anywhere.

And per address across usernames (``SignInAttempts``): ``SIGN_IN_FAILURE_LIMIT_PER_ADDRESS``
failures from one address within the pause, whatever the usernames, pause signing in from
that address for any username, so one address cannot try a password against every account.
Its limit is set well above a single person's typos, since colleagues behind one office
address share it. Guessing from many addresses is answered by two-factor codes and the
password validators, not by this.
"""

import datetime as dt

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from accounts import two_factor
from reviews.core.audit import Action, record


class SignInAttempts(AxesDatabaseHandler):
    """axes' database handler (``AXES_HANDLER``), also pausing an address that failed
    ``SIGN_IN_FAILURE_LIMIT_PER_ADDRESS`` times within the pause, across usernames.

    axes compares one number with one limit, the largest of its counts; the count per
    address has a limit of its own, so reaching it counts as reaching axes' limit. The
    request keeps the count per address (``sign_in_failures_from_address``) for the page
    and the audit event."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        from_address = failures_from_address(request)
        request.sign_in_failures_from_address = from_address
        if from_address >= settings.SIGN_IN_FAILURE_LIMIT_PER_ADDRESS:
            return max(failures, get_failure_limit(request, credentials))
        return failures


def failures_from_address(request: HttpRequest) -> int:
    """Failed sign-ins from the request's address within the pause, for any username."""
    recent = AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request)
    )
    return recent.aggregate(total=Sum("failures_since_start"))["total"] or 0


def address_paused(request: HttpRequest) -> bool:
    """Whether this request's address, rather than one account from it, is paused."""
    from_address = getattr(request, "sign_in_failures_from_address", 0)
    return from_address >= settings.SIGN_IN_FAILURE_LIMIT_PER_ADDRESS


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME / dt.timedelta(minutes=1))


def locked_out_response(
    request: HttpRequest, original_response=None, credentials: dict | None = None
) -> HttpResponse:
    """Our own sign-in page with the reason, instead of axes' bare text (429, Retry-After).

    Used by ``axes.middleware.AxesMiddleware`` for the sign-in page and the admin's alike.
    """
    context = {
        "form": AuthenticationForm(request),
        "next": two_factor.safe_next(request),
        "locked_out": True,
        "address_paused": address_paused(request),
        "lockout_minutes": lockout_minutes(),
    }
    response = render(request, "registration/login.html", context, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    add_never_cache_headers(response)
    return response


def _is_an_account(username: str) -> bool:
    users = get_user_model()
    return users._default_manager.filter(**{users.USERNAME_FIELD: username}).exists()


def record_lockout(sender, request: HttpRequest, username: str | None, ip_address: str, **kw):
    """Write one audit event when a lockout starts (not for each refused try during it).

    axes also signals every refused try during a lockout; only the try that reached the limit
    has ``axes_failures_since_start`` set. The username goes in only if it is an account's:
    people sometimes type their password into the username box.
    """
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    account = username if username and _is_an_account(username) else None
    who = f"“{account}”" if account else "an unknown username"
    where = ip_address or "an unknown address"
    if address_paused(request):
        failures = request.sign_in_failures_from_address
        message = (
            f"Signing in from {where} paused for every username for {lockout_minutes()} "
            f"minutes after {failures} failed attempts from that address, the last as {who} "
            f"({request.path})."
        )
    else:
        failures = request.axes_failures_since_start
        message = (
            f"Signing in as {who} from {where} paused for {lockout_minutes()} minutes after "
            f"{failures} failed attempts ({request.path})."
        )
    record(
        action=Action.SIGN_IN_LOCKED_OUT,
        versions={
            "username": account,
            "address": ip_address,
            "failures": failures,
            "whole_address": address_paused(request),
            "path": request.path,
        },
        message=message,
    )
