"""The staff areas (workspace, admin, editor preview): two-factor enforcement.

Only requests to those areas are looked at, so public pages never read the session or the
user and stay cacheable by anyone (no ``Vary: Cookie``).
"""

from django.shortcuts import redirect
from django.urls import reverse

from accounts import two_factor


def staff_area(path: str) -> bool:
    areas = (reverse("reviews:dashboard"), reverse("admin:index"), "/markdownx/")
    return path.startswith(areas)


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
