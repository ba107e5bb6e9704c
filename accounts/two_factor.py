"""Optional two-factor sign-in for staff: a code from an authenticator app (TOTP, django-otp).

A person who has confirmed a device is asked for a code after their password: the password
step only notes who is half-way in (``PENDING_KEY``, for ``PENDING_SECONDS``), and they are
signed in once the code matches. With ``REQUIRE_TWO_FACTOR_FOR_PUBLISHERS`` on, a publisher
without a device must set one up before the workspace or the admin will open
(``accounts.middleware``). Wrong codes are slowed down by django-otp: each one doubles the
wait before the next is checked (1, 2, 4 ... seconds).
"""

import time
from base64 import b32encode
from urllib.parse import urlencode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from reviews.core import policy
from reviews.core.audit import Action, record

PENDING_KEY = "two_factor_pending"
PENDING_SECONDS = 300
DEVICE_NAME = "Authenticator app"


def confirmed_device(user) -> TOTPDevice | None:
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def required_for(user) -> bool:
    """Whether this person may not work without two-factor sign-in (publishers, if set)."""
    return settings.REQUIRE_TWO_FACTOR_FOR_PUBLISHERS and policy.is_publisher(user)


def safe_next(request: HttpRequest) -> str:
    """Where to go afterwards: ``next`` if it points into this site, else the workspace."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else reverse(settings.LOGIN_REDIRECT_URL)


def with_next(url: str, target: str) -> str:
    return f"{url}?{urlencode({'next': target})}"


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=12,
        error_messages={"required": "Enter the 6-digit code your app shows now."},
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Enter the 6 digits your app shows now, without letters.")
        return code


class SetupForm(CodeForm):
    """The code, and the person's password: whoever finds a session left open must not be
    able to tie the account to their own phone. Checked through ``authenticate``, so guesses
    count towards the sign-in throttling."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        error_messages={"required": "Enter your password."},
    )

    field_order = ["password", "code"]

    def __init__(self, *args, request: HttpRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        user = self.request.user
        again = authenticate(self.request, username=user.get_username(), password=password)
        if again is None or again.pk != user.pk:
            raise forms.ValidationError("That is not your password. Check it and try again.")
        return password


class SignInView(LoginView):
    """Django's sign-in, which asks for a code next when the person has a confirmed device.

    Serves the admin's sign-in address too, so no way in skips the code (or the throttling).
    """

    template_name = "registration/login.html"

    def form_valid(self, form):
        user = form.get_user()
        if confirmed_device(user) is None:
            return super().form_valid(form)
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "since": int(time.time()),
        }
        return redirect(with_next(reverse("two_factor_verify"), self.get_success_url()))


def _person_to_verify(request: HttpRequest):
    """(user, half_signed_in): whoever gave their password just now, else the signed-in user."""
    pending = request.session.get(PENDING_KEY)
    if pending and time.time() - pending["since"] <= PENDING_SECONDS:
        user = get_user_model()._default_manager.filter(pk=pending["user"], is_active=True)
        return user.first(), True
    request.session.pop(PENDING_KEY, None)
    if request.user.is_authenticated:
        return request.user, False
    return None, False


@sensitive_post_parameters("code")
@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    """Second step of signing in: the code from the person's authenticator app."""
    user, half_signed_in = _person_to_verify(request)
    device = confirmed_device(user) if user is not None else None
    if device is None:
        messages.info(request, "Please sign in again: the time to enter your code ran out.")
        return redirect(with_next(reverse("login"), safe_next(request)))
    target = safe_next(request)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            form.add_error(
                "code", "Too many wrong codes. Wait a minute, then enter the newest code."
            )
        elif verify_token(user, device.persistent_id, form.cleaned_data["code"]):
            if half_signed_in:
                backend = request.session.pop(PENDING_KEY)["backend"]
                login(request, user, backend=backend)
            otp_login(request, device)
            return redirect(target)
        else:
            form.add_error(
                "code",
                "That code did not work. Enter the newest code your app shows (they change "
                "every 30 seconds) and check the time on your phone is right.",
            )
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": target})


def qr_code_data_uri(text: str) -> str:
    """The QR code as an SVG data: URI, drawn here: no script, no outside service."""
    return segno.make(text, error="m").svg_data_uri(scale=5, border=4, dark="#000", light="#fff")


def spaced(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@sensitive_post_parameters("code")
@never_cache
@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: show its key (QR code and text), confirm it with a code
    and the person's password."""
    user = request.user
    target = safe_next(request)
    context = {"required": required_for(user), "next": target}
    if confirmed_device(user) is not None:
        return render(request, "registration/two_factor_setup.html", context | {"enabled": True})
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    form = SetupForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            record(
                action=Action.TWO_FACTOR_ENABLED, actor=user, message="Set up two-factor sign-in."
            )
            messages.success(
                request, "Two-factor sign-in is on. Next time, we will ask for a code."
            )
            return redirect(target)
        form.add_error(
            "code",
            "That code did not match. Enter the newest code your app shows for this portal, "
            "and check the time on your phone is right.",
        )
    context |= {
        "form": form,
        "otpauth_uri": device.config_url,
        "secret": spaced(b32encode(device.bin_key).decode()),
        "qr_code": qr_code_data_uri(device.config_url),
    }
    return render(request, "registration/two_factor_setup.html", context)
