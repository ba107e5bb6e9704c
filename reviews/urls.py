from django.urls import path

from reviews import views
from reviews.views import calendar, history, page_schedule, people

app_name = "reviews"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("audit.csv", views.audit_csv, name="audit_csv"),
    path("notifications/", views.notification_preference, name="notification_preference"),
    path("account/credit/", people.public_credit, name="public_credit"),
    path("changes/start/", views.start_change, name="start_change"),
    path("changes/<int:pk>/", views.change_detail, name="change"),
    path("changes/<int:pk>/details/", views.update_details, name="update_details"),
    path("changes/<int:pk>/submit/", views.submit, name="submit"),
    path("changes/<int:pk>/sign-off/", views.sign_off, name="sign_off"),
    path("changes/<int:pk>/comments/", views.comment, name="comment"),
    path("changes/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("changes/<int:pk>/publish/", views.publish, name="publish"),
    path("changes/<int:pk>/schedule/", views.schedule, name="schedule"),
    path("changes/<int:pk>/unschedule/", views.unschedule, name="unschedule"),
    path("changes/<int:pk>/refresh/", views.refresh, name="refresh"),
    path("changes/<int:pk>/page/edit/", views.edit_page, name="edit_page"),
    path("changes/<int:pk>/sections/add/", views.add_section, name="add_section"),
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
