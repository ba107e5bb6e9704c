from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.urls import include, path

from accounts.two_factor import SignInView
from infopages.preview import MarkdownPreview
from infopages.views import healthz

urlpatterns = [
    # The admin signs in through our sign-in page: throttled, and asks for a two-factor code.
    path("admin/login/", SignInView.as_view()),
    path("admin/", admin.site.urls),
    # Only staff may use the editor's live preview; it renders through the sanitising renderer.
    path(
        "markdownx/markdownify/",
        staff_member_required(MarkdownPreview.as_view()),
        name="markdownx_markdownify",
    ),
    path("healthz", healthz, name="healthz"),
    # Sign in for editors and reviewers (reviewers need no admin access), two-factor codes,
    # sign out, passwords.
    path("accounts/", include("accounts.urls")),
    path("reviews/", include("reviews.urls")),
    path("", include("infopages.urls")),
]

# Errors: JSON under /api/, our own pages elsewhere, never cached (see infopages.errors).
handler400 = "infopages.errors.bad_request"
handler404 = "infopages.errors.not_found"
handler500 = "infopages.errors.server_error"
