"""Sign-in throttling (django-axes): what a locked-out person sees, and the audit event.

Policy (``AXES_LOCKOUT_PARAMETERS`` in ``portal.settings``): failures are counted per
username *and* address together. ``SIGN_IN_FAILURE_LIMIT`` wrong passwords for one username
from one address pause signing in as that username from that address for
``SIGN_IN_LOCKOUT_MINUTES``, whatever password comes next. Not by username alone: anyone
could then lock a reviewer out from anywhere. Not by address alone: colleagues behind one
office address would lock each other out. Guessing from many addresses is answered by
two-factor codes and the password validators, not by this.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from accounts import two_factor
from reviews.audit import Action, record


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
    record(
        action=Action.SIGN_IN_LOCKED_OUT,
        versions={
            "username": account,
            "address": ip_address,
            "failures": request.axes_failures_since_start,
            "path": request.path,
        },
        message=(
            f"Signing in as {who} from {ip_address or 'an unknown address'} paused for "
            f"{lockout_minutes()} minutes after {request.axes_failures_since_start} failed "
            f"attempts ({request.path})."
        ),
    )
