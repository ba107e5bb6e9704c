from django.urls import include, path

from accounts import two_factor

urlpatterns = [
    path("login/", two_factor.SignInView.as_view(), name="login"),
    path("two-factor/", two_factor.setup, name="two_factor_setup"),
    path("two-factor/verify/", two_factor.verify, name="two_factor_verify"),
    # Sign out and passwords: Django's own views.
    path("", include("django.contrib.auth.urls")),
]
