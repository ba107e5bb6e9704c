"""The review schedule's routes: the calendar, its feeds and report, a page's schedule."""

from django.urls import path

from reviews.schedule.views import calendar, page_schedule

urlpatterns = [
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
]
