from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.urls import include, path
from markdownx.views import MarkdownifyView

from infopages.views import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    # Only staff may use the editor's live preview; it renders through the sanitising renderer.
    path(
        "markdownx/markdownify/",
        staff_member_required(MarkdownifyView.as_view()),
        name="markdownx_markdownify",
    ),
    path("healthz", healthz, name="healthz"),
    # Sign in for editors and reviewers (reviewers need no admin access), sign out, passwords.
    path("accounts/", include("django.contrib.auth.urls")),
    path("reviews/", include("reviews.urls")),
    path("", include("infopages.urls")),
]
