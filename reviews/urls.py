from django.urls import path

from reviews import views
from reviews.views import (
    calendar,
    editing_figures,
    editing_page,
    editing_parts,
    history,
    invitations,
    ordering,
    outside,
    page_schedule,
    people,
    readability,
    source_check,
    sources,
)

app_name = "reviews"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("audit.csv", views.audit_csv, name="audit_csv"),
    path("notifications/", views.notification_preference, name="notification_preference"),
    path("account/credit/", people.public_credit, name="public_credit"),
    path("reports/readability/", readability.readability_report, name="readability_report"),
    path("changes/start/", views.start_change, name="start_change"),
    path("changes/<int:pk>/", views.change_detail, name="change"),
    path("changes/<int:pk>/details/", views.update_details, name="update_details"),
    path("changes/<int:pk>/submit/", views.submit, name="submit"),
    path("changes/<int:pk>/sign-off/", views.sign_off, name="sign_off"),
    path("changes/<int:pk>/sections-read/", views.keep_sections_read, name="keep_sections_read"),
    path("changes/<int:pk>/comments/", views.comment, name="comment"),
    path("changes/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("changes/<int:pk>/publish/", views.publish, name="publish"),
    path("changes/<int:pk>/schedule/", views.schedule, name="schedule"),
    path("changes/<int:pk>/unschedule/", views.unschedule, name="unschedule"),
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
    path("changes/<int:pk>/page/edit/", views.edit_page, name="edit_page"),
    path("changes/<int:pk>/page/topic/", editing_page.edit_topic, name="edit_topic"),
    path("changes/<int:pk>/page/address/", editing_page.edit_address, name="edit_address"),
    path("changes/<int:pk>/page/related/", editing_page.edit_related_pages, name="edit_related"),
    path("changes/<int:pk>/<str:kind>/order/", ordering.reorder, name="reorder"),
    path("changes/<int:pk>/sections/add/", views.add_section, name="add_section"),
    path("changes/<int:pk>/figures/add/", editing_figures.add_figure, name="add_figure"),
    path(
        "changes/<int:pk>/figures/<int:figure_pk>/edit/",
        editing_figures.edit_figure,
        name="edit_figure",
    ),
    path(
        "changes/<int:pk>/figures/<int:figure_pk>/remove/",
        editing_figures.remove_figure,
        name="remove_figure",
    ),
    path(
        "changes/<int:pk>/sections/<int:section_pk>/edit/",
        views.edit_section,
        name="edit_section",
    ),
    path(
        "changes/<int:pk>/sections/<int:section_pk>/remove/",
        views.remove_section,
        name="remove_section",
    ),
    *[
        route
        for kind, noun in editing_parts.ROUTES
        for route in (
            path(
                f"changes/<int:pk>/{kind}/add/",
                editing_parts.add_part,
                {"kind": kind},
                name=f"add_{noun}",
            ),
            path(
                f"changes/<int:pk>/{kind}/<int:part_pk>/edit/",
                editing_parts.edit_part,
                {"kind": kind},
                name=f"edit_{noun}",
            ),
            path(
                f"changes/<int:pk>/{kind}/<int:part_pk>/remove/",
                editing_parts.remove_part_view,
                {"kind": kind},
                name=f"remove_{noun}",
            ),
        )
    ],
    path("calendar/", calendar.review_calendar, name="calendar"),
    path("calendar.csv", calendar.calendar_csv, name="calendar_csv"),
    path("calendar/report/", calendar.review_report, name="review_report"),
    path("calendar/feed/new/", calendar.create_feed, name="create_calendar_feed"),
    path("calendar/feed/revoke/", calendar.revoke_feed, name="revoke_calendar_feed"),
    path("calendar/feed/<str:key>.ics", calendar.calendar_feed, name="calendar_feed"),
    path("review-notice/", page_schedule.review_notice_wording, name="review_notice_wording"),
    path("pages/<int:page_pk>/schedule/", page_schedule.schedule_screen, name="page_schedule"),
    path("pages/<int:page_pk>/schedule/owner/", page_schedule.change_owner, name="change_owner"),
    path(
        "pages/<int:page_pk>/schedule/interval/",
        page_schedule.change_interval,
        name="change_interval",
    ),
    path(
        "pages/<int:page_pk>/schedule/next-review/",
        page_schedule.bring_review_forward,
        name="bring_review_forward",
    ),
    path(
        "pages/<int:page_pk>/schedule/full-review/",
        page_schedule.start_full_review,
        name="start_full_review",
    ),
    path("sources/", sources.source_list, name="sources"),
    path("sources/add/", sources.add_source, name="add_source"),
    path("sources/merge/", sources.merge_sources, name="merge_sources"),
    path("sources/broken-links/", sources.broken_links, name="broken_links"),
    path("sources/<int:source_pk>/", sources.source_detail, name="source"),
    path("sources/<int:source_pk>/edit/", sources.edit_source, name="edit_source"),
    path("sources/<int:source_pk>/status/", sources.mark_source, name="mark_source"),
    path("pages/<int:page_pk>/source-check/", source_check.source_check, name="source_check"),
    path(
        "pages/<int:page_pk>/source-check/confirm/",
        source_check.confirm_source_check,
        name="confirm_source_check",
    ),
    path(
        "pages/<int:page_pk>/source-check/start-change/",
        source_check.start_change_for_source,
        name="start_change_for_source",
    ),
    path("pages/unpublish/", views.unpublish, name="unpublish"),
    path("pages/<int:page_pk>/history/", views.page_history, name="page_history"),
    path(
        "pages/<int:page_pk>/publications/<int:publication_pk>/",
        history.publication_detail,
        name="publication",
    ),
    path("pages/<int:page_pk>/as-of/", history.page_as_of, name="page_as_of"),
    path("pages/<int:page_pk>/restore/", views.restore_version, name="restore_version"),
    path(
        "pages/<int:page_pk>/restore-publication/",
        views.restore_publication,
        name="restore_publication",
    ),
]
