"""The review calendar: live pages by when their next review is due, filtered by topic and
owner, the chart's numbers and its table, the CSV, the assessor's report, and each owner's
private iCalendar feed (a wrong or revoked address is "not found", never someone else's)."""

import csv
import datetime as dt
import io
import re

import icalendar
import pytest
import time_machine
from django.urls import reverse

from infopages.models import Page, Reference, Topic
from infopages.services import save_with_version
from reviews import services
from reviews.core import policy
from reviews.models import AuditEvent, CalendarFeed
from reviews.schedule.views import calendar as calendar_views

TODAY = dt.date(2027, 5, 10)
CALENDAR = "/reviews/calendar/"


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(dt.datetime(2027, 5, 10, 9, 30, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def live(make_page, publish):
    """A live page due ``days`` from today, looked after by ``owner``."""

    def make(days: int, title: str, *, owner=None, topic=None, reviewed_on=dt.date(2025, 1, 1)):
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
        page = make_page(slug=slug, title=title)
        Page.objects.filter(pk=page.pk).update(owner=owner, **({"topic": topic} if topic else {}))
        page.refresh_from_db()
        publish(page, reviewed_on=reviewed_on, next_review_on=TODAY + dt.timedelta(days=days))
        return page

    return make


@pytest.fixture
def calendar_pages(live, author, second_editor, topic):
    lungs = Topic.objects.create(name="Lung cancer", slug="lung-cancer", parent=topic.parent)
    return {
        "overdue": live(-10, "Bone secondaries", owner=author),
        "soon": live(10, "Brain secondaries", owner=second_editor),
        "quarter": live(60, "Liver secondaries", owner=author, topic=lungs),
        "year": live(200, "Lung secondaries"),
        "later": live(400, "Skin secondaries", owner=author),
    }


def section(html: str, key: str) -> str:
    """The HTML of one of the calendar's lists."""
    start = html.index(f'id="due-{key}-heading"')
    return html[start : html.index("</section>", start)]


def test_the_calendar_lists_pages_by_when_their_review_is_due(client, calendar_pages, publisher):
    client.force_login(publisher)

    html = client.get(CALENDAR).content.decode()

    assert "Bone secondaries" in section(html, "overdue") and "Overdue by 10 days" in html
    assert "Brain secondaries" in section(html, "30") and "Due in 10 days" in html
    assert "Liver secondaries" in section(html, "90")
    assert "Lung secondaries" in section(html, "365")
    assert "Skin secondaries" not in html  # more than a year away
    for key, count in [("overdue", 1), ("30", 1), ("90", 1), ("365", 1)]:
        assert f'<span class="count">({count})</span>' in section(html, key)
    page = calendar_pages["overdue"]
    assert f'href="/reviews/pages/{page.pk}/schedule/"' in section(html, "overdue")


def test_the_chart_and_its_table_count_reviews_due_each_month(client, calendar_pages, publisher):
    client.force_login(publisher)

    html = client.get(CALENDAR).content.decode()

    table = html[html.index('<table class="due-table">') : html.index("</table>")]
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', table))
    assert len(rows) == 12
    assert (
        rows["May 2027 (from today)"] == "1"
    )  # Brain secondaries, 20 May (the overdue one is not)
    assert rows["July 2027"] == "1"  # Liver secondaries, 9 July
    assert rows["November 2027"] == "1"  # Lung secondaries, 26 November
    assert rows["June 2027"] == "0"
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg and 'aria-labelledby="due-chart-title due-chart-desc"' in svg
    assert (
        '<title id="due-chart-title">Reviews due each month for the next 12 months: 3 in all' in svg
    )
    assert "May 2027: 1; June 2027: 0; July 2027: 1" in svg
    values = re.findall(r'<text class="chart-value"[^>]*>(\d+)</text>', svg)
    assert values == ["1", "0", "1", "0", "0", "0", "1", "0", "0", "0", "0", "0"]
    assert svg.count('<rect class="chart-bar"') == 3
    assert "<script" not in html.split("<main", 1)[1]


def test_the_calendar_filters_by_topic_and_below_and_by_owner(
    client, calendar_pages, publisher, author, topic
):
    client.force_login(publisher)

    by_topic = client.get(CALENDAR, {"topic": topic.parent_id}).content.decode()
    assert "Liver secondaries" in by_topic and "Bone secondaries" in by_topic  # topics below

    lungs = Topic.objects.get(slug="lung-cancer")
    only_lungs = client.get(CALENDAR, {"topic": lungs.pk}).content.decode()
    assert "Liver secondaries" in only_lungs and "Bone secondaries" not in only_lungs

    mine = client.get(CALENDAR, {"owner": author.pk}).content.decode()
    assert "Bone secondaries" in mine and "Brain secondaries" not in mine
    assert f'<option value="{author.pk}" selected>' in mine  # the form keeps the choice

    nobody = client.get(CALENDAR, {"owner": "nobody"}).content.decode()
    assert "Lung secondaries" in nobody and "Bone secondaries" not in nobody


def test_a_long_list_is_capped_with_how_many_more(client, live, publisher, monkeypatch):
    monkeypatch.setattr(calendar_views, "LIST_CAP", 3)
    for index in range(5):
        live(-index - 1, f"Overdue page {index}")
    client.force_login(publisher)

    html = section(client.get(CALENDAR).content.decode(), "overdue")

    assert html.count('class="change-link"') == 3
    assert "(5)" in html and "And 2 more" in html
    assert "Overdue page 4" in html  # the most overdue first


def test_the_csv_has_every_filtered_page_soonest_first(client, calendar_pages, publisher, author):
    client.force_login(publisher)

    response = client.get("/reviews/calendar.csv", {"owner": author.pk})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="review-calendar-2027-05-10.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:6] == [
        "Page",
        "Public address",
        "Topic",
        "Looked after by",
        "Last reviewed",
        "Next review",
    ]
    assert [(r[0], r[3], r[5], r[6], r[7]) for r in rows[1:]] == [
        ("Bone secondaries", "Erin Editor", "2027-04-30", "-10", "Overdue by 10 days"),
        ("Liver secondaries", "Erin Editor", "2027-07-09", "60", "Due in 60 days"),
        ("Skin secondaries", "Erin Editor", "2028-06-13", "400", "Due in 400 days"),
    ]
    assert rows[1][1] == "http://127.0.0.1:8000/info/bone-secondaries/"
    assert rows[2][2] == "Cancer types > Lung cancer"


def test_the_csv_writes_formula_like_titles_as_text(client, live, publisher):
    live(5, "=HYPERLINK(evil)")
    client.force_login(publisher)

    rows = list(csv.reader(io.StringIO(client.get("/reviews/calendar.csv").content.decode())))

    assert rows[1][0] == "'=HYPERLINK(evil)"


def test_the_report_gives_a_topics_review_status_for_assessors(client, live, publisher, topic):
    live(-10, "Bone secondaries", reviewed_on=dt.date(2024, 5, 10))
    live(30, "Brain secondaries", reviewed_on=dt.date(2026, 5, 10))
    live(300, "Liver secondaries", reviewed_on=dt.date(2027, 5, 10))
    client.force_login(publisher)

    html = client.get("/reviews/calendar/report/", {"topic": topic.pk}).content.decode()

    assert "<h1>Review status: Cancer types &gt; Breast cancer</h1>" in html
    facts = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", html))
    assert facts["Pages"] == "3"
    assert facts["Overdue for review"] == "1"
    assert facts["Median age of content (since last reviewed)"] == "365 days (about 1 year)"
    assert facts["Oldest review"] == "10 May 2024"
    rows = re.findall(r'<th scope="row">([^<]+)</th>\s*<td>([^<]+)</td>\s*<td>([^<]+)</td>', html)
    assert rows == [
        ("Bone secondaries", "10 May 2024", "30 Apr 2027"),
        ("Brain secondaries", "10 May 2026", "9 Jun 2027"),
        ("Liver secondaries", "10 May 2027", "5 Mar 2028"),  # 2028 is a leap year,
    ]
    assert "<strong>Yes</strong>: overdue by 10 days" in html
    assert 'class="workspace report"' in html  # the print stylesheet's hook


@pytest.mark.parametrize("pages", [3, 30])
def test_the_calendar_csv_and_report_read_a_fixed_number_of_queries(
    client, live, author, publisher, topic, django_assert_max_num_queries, pages
):
    for index in range(pages):
        live(index * 12 - 30, f"Page {index}", owner=author if index % 2 else None)
    client.force_login(publisher)
    client.get(CALENDAR)  # the session and the user's groups, read once

    # 14, the pages flagged for review (none) and the versions out of date (none)
    with django_assert_max_num_queries(16):
        assert client.get(CALENDAR, {"topic": topic.pk}).status_code == 200
    with django_assert_max_num_queries(6):
        response = client.get("/reviews/calendar.csv")
        assert response.content.decode().count("\n") == pages + 1
    with django_assert_max_num_queries(10):
        assert client.get("/reviews/calendar/report/", {"topic": topic.pk}).status_code == 200


def test_a_reviewer_may_read_the_calendar_and_strangers_may_not(
    client, calendar_pages, medic, make_user
):
    client.force_login(medic)
    assert client.get(CALENDAR).status_code == 200

    client.force_login(make_user("stranger"))
    assert client.get(CALENDAR).status_code == 403
    assert client.get("/reviews/calendar.csv").status_code == 403
    client.logout()
    assert client.get(CALENDAR).status_code == 302


# The private iCalendar feed


def make_feed(client, user) -> str:
    client.force_login(user)
    response = client.post("/reviews/calendar/feed/new/", follow=True)
    assert response.redirect_chain == [("/reviews/calendar/#calendar-feed", 302)]
    assert response.status_code == 200
    url = re.search(
        r"<code>http://127\.0\.0\.1:8000(/reviews/calendar/feed/[^<]+\.ics)</code>",
        response.content.decode(),
    )
    assert url, "the new address is shown"
    client.logout()
    return url[1]


def events(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content).walk("VEVENT")


def test_an_owner_subscribes_to_their_pages_due_dates(client, calendar_pages, author):
    url = make_feed(client, author)

    found = events(client.get(url))  # no session: calendar apps do not sign in

    summaries = sorted(str(event["SUMMARY"]) for event in found)
    assert summaries == [
        "Review due: Bone secondaries",
        "Review due: Liver secondaries",
        "Review due: Skin secondaries",
    ]
    bone = next(e for e in found if "Bone" in str(e["SUMMARY"]))
    assert bone.decoded("DTSTART") == dt.date(2027, 4, 30)  # an all-day event
    assert bone.decoded("DTEND") == dt.date(2027, 5, 1)
    page = calendar_pages["overdue"]
    assert str(bone["URL"]) == f"http://127.0.0.1:8000/reviews/pages/{page.pk}/schedule/"
    assert AuditEvent.objects.filter(action="calendar_feed_created", actor=author).exists()


def test_the_key_is_stored_only_as_a_hash(client, calendar_pages, author):
    url = make_feed(client, author)
    key = url.rsplit("/", 1)[1].removesuffix(".ics")

    feed = CalendarFeed.objects.get()
    assert key not in feed.key_hash and len(feed.key_hash) == 64


def test_a_wrong_or_revoked_address_is_not_found(client, calendar_pages, author):
    url = make_feed(client, author)
    assert client.get(url.replace(".ics", "x.ics")).status_code == 404
    assert client.get("/reviews/calendar/feed/.ics").status_code == 404

    client.force_login(author)
    response = client.post("/reviews/calendar/feed/revoke/", follow=True)
    assert "no longer works" in response.content.decode()
    client.logout()

    assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(action="calendar_feed_revoked").count() == 1


def test_a_new_address_replaces_the_old_one(client, calendar_pages, author):
    old = make_feed(client, author)
    new = make_feed(client, author)

    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 1


def test_a_feed_never_shows_another_owners_pages(client, calendar_pages, author, second_editor):
    mine, theirs = make_feed(client, author), make_feed(client, second_editor)

    assert "Brain secondaries" not in client.get(mine).content.decode()
    assert [str(e["SUMMARY"]) for e in events(client.get(theirs))] == [
        "Review due: Brain secondaries"
    ]


def test_a_feed_stops_when_its_owner_leaves_the_editors(client, calendar_pages, author, groups):
    url = make_feed(client, author)

    author.groups.remove(groups[policy.EDITORS])

    assert client.get(url).status_code == 404


def test_only_editors_have_a_feed(client, medic):
    client.force_login(medic)

    assert client.post("/reviews/calendar/feed/new/").status_code == 403
    assert not CalendarFeed.objects.exists()


@pytest.mark.parametrize("pages", [3, 30])
def test_the_feed_reads_a_fixed_number_of_queries(
    client, live, author, django_assert_max_num_queries, pages
):
    for index in range(pages):
        live(index * 5, f"Page {index}", owner=author)
    url = make_feed(client, author)

    with django_assert_max_num_queries(4):  # the owner, their groups, the pages, the flags
        assert len(events(client.get(url))) == pages


def test_the_new_address_is_shown_once_and_a_reload_makes_none(client, calendar_pages, author):
    url = make_feed(client, author)  # posted, then redirected to the calendar, which shows it
    client.force_login(author)

    reloaded = client.get(CALENDAR)

    assert url not in reloaded.content.decode()
    assert "You have a private address" in reloaded.content.decode()
    assert CalendarFeed.objects.count() == 1
    assert client.get(url).status_code == 200  # the address shown still works


def test_the_calendar_is_never_kept_by_a_browser(client, calendar_pages, author):
    client.force_login(author)

    assert "no-store" in client.get(CALENDAR)["Cache-Control"]  # nor restored by "back"


def test_making_an_address_needs_a_post(client, calendar_pages, author):
    client.force_login(author)

    assert client.get("/reviews/calendar/feed/new/").status_code == 405
    assert not CalendarFeed.objects.exists()


def test_the_feed_shows_review_needed_now_flags_on_the_day_raised(
    client, calendar_pages, author, second_editor
):
    page = calendar_pages["overdue"]
    source = services.add_source(by=author, citation="NICE NG101", url="https://nice.org.uk/ng101")
    save_with_version(
        Reference(page=page, citation=source.citation, url=source.url, source=source),
        by=author,
        comment="Cite NICE",
    )
    services.mark_source(source=source, by=author, status="updated", note="NG101 updated May 2027")
    url = make_feed(client, author)

    found = events(client.get(url))

    flag = next(e for e in found if str(e["SUMMARY"]) == "Review needed now: Bone secondaries")
    assert flag.decoded("DTSTART") == TODAY
    assert "“NG101 updated May 2027”" in str(flag["DESCRIPTION"])
    assert str(flag["URL"]) == f"http://127.0.0.1:8000/reviews/pages/{page.pk}/schedule/"
    theirs = make_feed(client, second_editor)
    assert "Review needed now" not in client.get(theirs).content.decode()


def test_the_calendar_shows_the_feed_controls_to_editors_only(client, author, medic):
    client.force_login(author)
    assert "Make my private address" in client.get(CALENDAR).content.decode()
    client.force_login(medic)
    assert "private address" not in client.get(CALENDAR).content.decode()


def test_the_feed_address_is_reversed_from_its_key():
    assert reverse("reviews:calendar_feed", kwargs={"key": "abc"}) == (
        "/reviews/calendar/feed/abc.ics"
    )
