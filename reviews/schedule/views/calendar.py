"""The review calendar: live pages by when their next full review is due, filtered by topic
and owner, with a chart of reviews due per month, a CSV export, each editor's private
iCalendar feed and a printable review-status report for quality assessors.

Every list is capped (with how many more there are), and every screen is a fixed number of
queries whatever the number of pages.
"""

import csv
import datetime as dt

import icalendar
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from infopages.models import Page
from reviews.core import policy
from reviews.core.errors import WorkflowError
from reviews.core.views.common import forbidden, person, workspace_view
from reviews.schedule.calendar import (
    due_per_month,
    due_status,
    flagged_pages,
    horizon_lists,
    open_flags_of_owner,
    scheduled,
    topic_report,
)
from reviews.schedule.charts import bar_chart
from reviews.schedule.forms import CalendarFilterForm
from reviews.schedule.services.calendar_feeds import (
    create_calendar_feed,
    feed_owner,
    revoke_calendar_feed,
    working_feed,
)
from reviews.versions.selectors import outdated_versions

LIST_CAP = 25  # pages shown per list; the rest are counted, filtered or downloaded
REPORT_CAP = 1000
FEED_CAP = 1000
# A new private address, between the POST that made it and the one GET that shows it.
NEW_FEED_SESSION_KEY = "reviews:new_calendar_feed_url"


def render_calendar(request: HttpRequest, *, new_feed_url: str = "") -> HttpResponse:
    form = CalendarFilterForm(request.GET or None)
    filters = form.filters()
    today = timezone.localdate()
    months = due_per_month(filters, today=today)
    is_editor = policy.is_editor(request.user)
    context = {
        "form": form,
        "filters": filters,
        "today": today,
        "lists": horizon_lists(filters, today=today, cap=LIST_CAP),
        "flagged": flagged_pages(filters, today=today, cap=LIST_CAP),
        # Language versions whose English page moved on (one query when there are none).
        "outdated_versions": outdated_versions(
            pages=filters.apply_to_pages(Page.objects.all()).values("pk")
        ),
        "chart": bar_chart([(month.first_day, month.count) for month in months]),
        "query": request.GET.urlencode(),
        "is_editor": is_editor,
        "feed": working_feed(request.user) if is_editor else None,
        "new_feed_url": new_feed_url,
    }
    return render(request, "reviews/calendar.html", context)


@require_safe
@never_cache
@workspace_view
def review_calendar(request: HttpRequest) -> HttpResponse:
    """The calendar; just after a new private address was made, with it, once: a reload or
    the back button finds it gone (and never cached, so no browser keeps a copy)."""
    return render_calendar(request, new_feed_url=request.session.pop(NEW_FEED_SESSION_KEY, ""))


@require_safe
@workspace_view
def calendar_csv(request: HttpRequest) -> HttpResponse:
    """Every live page matching the calendar's filters, soonest due first."""
    filters = CalendarFilterForm(request.GET or None).filters()
    today = timezone.localdate()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="review-calendar-{today}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "Page",
            "Public address",
            "Topic",
            "Looked after by",
            "Last reviewed",
            "Next review",
            "Days until due",
            "Status",
            "Full review under way",
            "Review needed now (a source changed)",
        ]
    )
    for publication in scheduled(filters).iterator(chunk_size=2000):
        owner = publication.page.owner
        writer.writerow(
            _csv_safe(value)
            for value in [
                publication.title,
                f"{settings.SITE_URL}{publication.get_absolute_url()}",
                " > ".join(step["name"] for step in publication.topic_trail),
                person(owner) if owner else "",
                publication.reviewed_on.isoformat() if publication.reviewed_on else "",
                publication.next_review_on.isoformat(),
                (publication.next_review_on - today).days,
                due_status(publication.next_review_on, today)[1],
                "yes" if publication.open_change_full else "no",
                "yes" if publication.needs_review else "no",
            ]
        )
    return response


def _csv_safe(value):
    """Text a spreadsheet would run as a formula is written as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@require_POST
@never_cache
@workspace_view
def create_feed(request: HttpRequest) -> HttpResponse:
    """A new private calendar address, then the calendar page, which shows it once.

    Post/redirect/get: reloading the page or going back to it never posts again, so it
    never makes another address (which would stop the one just copied from working).
    """
    try:
        _feed, key = create_calendar_feed(by=request.user)
    except WorkflowError as error:
        return forbidden(request, error.message)
    url = settings.SITE_URL + reverse("reviews:calendar_feed", kwargs={"key": key})
    request.session[NEW_FEED_SESSION_KEY] = url
    return redirect(reverse("reviews:calendar") + "#calendar-feed")


@require_POST
@workspace_view
def revoke_feed(request: HttpRequest) -> HttpResponse:
    try:
        revoke_calendar_feed(by=request.user)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Your private calendar address no longer works.")
    return redirect("reviews:calendar")


@require_safe
@never_cache
def calendar_feed(request: HttpRequest, key: str) -> HttpResponse:
    """An editor's pages' due reviews as all-day events, for their calendar app, and each
    "review needed now" flag on their pages on the day it was raised. The address is the
    only key: a wrong or revoked one is "not found", whoever asks."""
    owner = feed_owner(key)
    if owner is None:
        raise Http404("No such calendar.")
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Cancer information portal//Review calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Reviews due: {person(owner)}")
    publications = scheduled().filter(page__owner=owner)[:FEED_CAP]
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0]
    for publication in publications:
        due = publication.next_review_on
        event = icalendar.Event()
        event.add("uid", f"review-{publication.page_id}-{due:%Y%m%d}@{host}")
        event.add("dtstamp", publication.published_at)
        event.add("dtstart", due)
        event.add("dtend", due + dt.timedelta(days=1))
        event.add("summary", f"Review due: {publication.title}")
        url = settings.SITE_URL + reverse(
            "reviews:page_schedule", kwargs={"page_pk": publication.page_id}
        )
        event.add("url", url)
        event.add("description", f"Full review of “{publication.title}” due. Schedule: {url}")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    for flag in open_flags_of_owner(owner, cap=FEED_CAP):
        calendar.add_component(_flag_event(flag, host))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _flag_event(flag, host: str) -> icalendar.Event:
    """A "review needed now" flag as an all-day event on the day it was raised."""
    raised_on = timezone.localdate(flag.raised_at)
    url = settings.SITE_URL + reverse("reviews:page_schedule", kwargs={"page_pk": flag.page_id})
    event = icalendar.Event()
    event.add("uid", f"review-flag-{flag.pk}@{host}")
    event.add("dtstamp", flag.raised_at)
    event.add("dtstart", raised_on)
    event.add("dtend", raised_on + dt.timedelta(days=1))
    event.add("summary", f"Review needed now: {flag.page.title}")
    event.add("url", url)
    event.add(
        "description",
        f"A source “{flag.page.title}” cites was {flag.get_source_status_display().lower()}: "
        f"“{flag.reason}”. Schedule: {url}",
    )
    event.add("categories", ["Review needed now"])
    event.add("transp", "TRANSPARENT")
    return event


@require_safe
@workspace_view
def review_report(request: HttpRequest) -> HttpResponse:
    """A topic's review status on one printable page, for a quality assessor."""
    form = CalendarFilterForm(request.GET or None)
    report = topic_report(filters=form.filters(), today=timezone.localdate(), cap=REPORT_CAP)
    context = {"form": form, "report": report, "query": request.GET.urlencode()}
    return render(request, "reviews/review_report.html", context)
