"""The staff areas (workspace, admin, editor preview): idle sessions end, two-factor holds.

Only requests to those areas are looked at, so public pages never read the session or the
user and stay cacheable by anyone (no ``Vary: Cookie``, no ``Set-Cookie``).
"""

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from accounts import two_factor

LAST_SEEN_KEY = "staff_last_seen"
# The last-seen time is written at most this often, so a busy session is not saved on every
# request; it makes the idle limit this much less exact.
LAST_SEEN_PRECISION_SECONDS = 60


def staff_area(path: str) -> bool:
    areas = (reverse("reviews:dashboard"), reverse("admin:index"), "/markdownx/")
    return path.startswith(areas)


def note_activity(sender, request, user, **kwargs) -> None:
    """Signing in counts as activity (``user_logged_in`` receiver)."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN_KEY] = int(time.time())


class IdleSessionMiddleware:
    """Sign out anyone who has not used a staff area for ``STAFF_SESSION_IDLE_MINUTES``.

    A person who walks away from a shared or unlocked computer does not leave the workspace
    open. Their next request to a staff area sends them to the sign-in page, saying why, with
    ``next`` back to where they were. Reading public pages is not activity: those requests
    are never looked at (see the module docstring).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        minutes = settings.STAFF_SESSION_IDLE_MINUTES
        if (
            minutes > 0
            and settings.SESSION_COOKIE_NAME in request.COOKIES
            and (staff_area(request.path) or request.path.startswith(reverse("two_factor_setup")))
            and request.user.is_authenticated
        ):
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > minutes * 60:
                logout(request)
                messages.info(
                    request,
                    f"You were signed out because you had not used the workspace for "
                    f"{minutes} minutes. Sign in again to carry on where you were.",
                )
                return redirect_to_login(where_they_were(request))
            if last_seen is None or now - last_seen >= LAST_SEEN_PRECISION_SECONDS:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


def where_they_were(request) -> str:
    """The page to come back to: this one, or for a form sent, the page the form was on."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.headers.get("referer", "")
    if url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.path


class TwoFactorMiddleware:
    """In the staff areas, a person who has a device must have given a code this session,
    and a publisher must have a device when ``REQUIRE_TWO_FACTOR_FOR_PUBLISHERS`` is on.

    The sign-in form asks for the code, so this only catches sessions begun otherwise: before
    the device was set up in another browser, or before the setting was turned on.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if staff_area(request.path) and request.path not in self.exempt():
            user = request.user
            if user.is_authenticated and not user.is_verified():
                here = request.get_full_path()
                if two_factor.confirmed_device(user) is not None:
                    return redirect(two_factor.with_next(reverse("two_factor_verify"), here))
                if two_factor.required_for(user):
                    return redirect(two_factor.with_next(reverse("two_factor_setup"), here))
        return self.get_response(request)

    @staticmethod
    def exempt() -> tuple[str, ...]:
        return (reverse("admin:login"), reverse("admin:logout"))
