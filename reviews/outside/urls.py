"""Outside reviewers' routes: inviting, revoking, and the invited reviewer's own screens."""

from django.urls import path

from reviews.outside.views import invitations, outside

urlpatterns = [
    path("changes/<int:pk>/invitations/new/", invitations.invite, name="invite"),
    path(
        "changes/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        invitations.revoke_invitation,
        name="revoke_invitation",
    ),
    # An outside reviewer's link: the key is the only way in (see views.outside).
    path("outside-review/<str:key>/", outside.outside_review, name="outside_review"),
    path("outside-review/<str:key>/code/", outside.send_code, name="outside_send_code"),
    path("outside-review/<str:key>/code/check/", outside.check_code, name="outside_check_code"),
    path("outside-review/<str:key>/decision/", outside.decide, name="outside_decide"),
    path(
        "outside-review/<str:key>/sections-read/",
        outside.keep_sections_read,
        name="outside_keep_sections_read",
    ),
]
