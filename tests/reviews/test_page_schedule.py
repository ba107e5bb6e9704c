"""A page's schedule screen: its dates, the interval in force and where it comes from, who
looks after it, when each section was last signed off; the steps taken from it, each keeping
what was typed when refused; the publishers' wording screen; and "Pages you look after"."""

import datetime as dt
import importlib
import re

import pytest
import time_machine

from infopages.models import Page, PublicWording
from reviews import services
from reviews.core.selectors import sections_last_signed_off, sections_signed_off_by_role
from reviews.models import AuditEvent, ChangeRequest
from tests.reviews.conftest import NEW_TEXT

TODAY = dt.date(2027, 5, 10)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(dt.datetime(2027, 5, 10, 9, 30, tzinfo=dt.UTC), tick=False):
        yield


def schedule_url(page) -> str:
    return f"/reviews/pages/{page.pk}/schedule/"


def facts(html: str) -> dict[str, str]:
    found = re.findall(r"<dt>([^<]+)</dt><dd>(.*?)</dd>", html, re.S)
    return {term: re.sub(r"<[^>]+>", "", value).strip() for term, value in found}


@pytest.fixture
def published_full_review(live_page, author, medic, lay, publisher, approve, edit_section):
    """A full review of the live page, its first section edited, signed off and published
    (medical first, lay second), on 10 May 2027."""
    change = services.start_change(
        page=live_page, by=author, summary="Three-yearly review.", is_full_review=True
    )
    edit_section(change, "what-is-it", NEW_TEXT, by=author)
    services.submit_for_review(change=change, by=author)
    approve(change, medic)
    approve(change, lay)
    services.publish(change=change, by=publisher)
    return change


def test_the_screen_shows_the_dates_interval_owner_and_sections(
    client, live_page, publisher, author, topic
):
    services.set_review_interval(target=topic.parent, months=24, by=publisher)
    services.set_owner(page=live_page, owner=author, by=publisher)
    client.force_login(author)

    html = client.get(schedule_url(live_page)).content.decode()

    found = facts(html)
    assert found["Last reviewed"] == "1 March 2026"
    assert found["Next review"] == "1 March 2029"
    assert found["Review interval"] == "Every 24 months (set for the topic “Cancer types”)"
    assert found["Looked after by"] == "Erin Editor"
    assert found["Status"].startswith("Due in 661 days")
    assert "What is it?" in html and "Symptoms" in html
    assert html.count("Not signed off in the workspace yet") == 2  # imported: no sign-off yet


def test_each_section_shows_when_it_was_last_signed_off(
    client, published_full_review, live_page, author
):
    client.force_login(author)

    html = client.get(schedule_url(live_page)).content.decode()

    assert facts(html)["Last reviewed"] == "10 May 2027"
    standard = "Every 36 months (the standard: at least every three years)"
    assert facts(html)["Review interval"] == standard
    assert html.count("10 May 2027 (lay reviewer)") == 2  # the later of the two sign-offs
    history = client.get(f"/reviews/pages/{live_page.pk}/history/").content.decode()
    assert history.count("last signed off 10 May 2027 by a lay reviewer") == 2


def test_the_schedule_lists_each_sections_last_sign_off_in_each_role(
    client, live_page, author, medic, lay, publisher, approve, edit_section
):
    change = services.start_change(
        page=live_page, by=author, summary="Review.", is_full_review=True
    )
    edit_section(change, "what-is-it", NEW_TEXT, by=author)
    services.submit_for_review(change=change, by=author)
    with time_machine.travel(dt.datetime(2027, 5, 3, 9, tzinfo=dt.UTC), tick=False):
        approve(change, medic)
    approve(change, lay)
    services.publish(change=change, by=publisher)
    client.force_login(author)

    html = client.get(schedule_url(live_page)).content.decode()

    table = html[html.index('class="schedule-table"') :]
    assert table.count("3 May 2027 (medical reviewer)<br>10 May 2027 (lay reviewer)") == 2


def test_sections_signed_off_by_role_is_one_query(
    published_full_review, live_page, django_assert_num_queries
):
    with django_assert_num_queries(1):
        signed = sections_signed_off_by_role(page=live_page)

    assert [str(s.role) for s in signed[live_page.sections.first().pk]] == [
        "medical reviewer",
        "lay reviewer",
    ]


def test_sections_last_signed_off_counts_only_approvals_of_what_was_published(
    published_full_review, live_page, author, medic, approve, edit_section, publisher
):
    # A later minor change: signed off on the first section only, then published.
    with time_machine.travel(dt.datetime(2027, 6, 1, 9, tzinfo=dt.UTC), tick=False):
        change = services.start_change(page=live_page, by=author, summary="Typo.")
        edit_section(change, "what-is-it", NEW_TEXT + " More.", by=author)
        services.submit_for_review(change=change, by=author)
        approve(change, medic, sections=[str(s.pk) for s in live_page.sections.all()[:1]])
        services.publish(change=change, by=publisher)
    # An approval of a change never published does not count.
    with time_machine.travel(dt.datetime(2027, 7, 1, 9, tzinfo=dt.UTC), tick=False):
        pending = services.start_change(page=live_page, by=author, summary="Pending.")
        edit_section(pending, "symptoms", "Pain, tiredness.", by=author)
        services.submit_for_review(change=pending, by=author)
        approve(pending, medic)

    first, second = live_page.sections.order_by("position")
    assert sections_last_signed_off(page=live_page) == {
        first.pk: (dt.date(2027, 6, 1), "medical reviewer"),
        second.pk: (dt.date(2027, 5, 10), "lay reviewer"),
    }


def test_sections_last_signed_off_is_one_query(
    published_full_review, live_page, django_assert_num_queries
):
    with django_assert_num_queries(1):
        sections_last_signed_off(page=live_page)


def test_an_editor_chooses_who_looks_after_a_page(client, live_page, author, second_editor):
    client.force_login(author)

    response = client.post(
        f"{schedule_url(live_page)}owner/", {"owner": second_editor.pk}, follow=True
    )

    assert "is now looked after by Sam Second" in response.content.decode()
    assert Page.objects.get(pk=live_page.pk).owner == second_editor
    client.post(f"{schedule_url(live_page)}owner/", {"owner": ""})
    assert Page.objects.get(pk=live_page.pk).owner is None
    assert AuditEvent.objects.filter(action="owner_changed").count() == 2


def test_a_reviewer_cannot_choose_an_owner(client, live_page, medic, author):
    client.force_login(medic)

    response = client.post(f"{schedule_url(live_page)}owner/", {"owner": author.pk})

    assert response.status_code == 403
    assert Page.objects.get(pk=live_page.pk).owner is None
    assert "Who looks after it" not in client.get(schedule_url(live_page)).content.decode()


def test_a_publisher_sets_the_interval_and_a_wrong_one_is_kept_with_its_error(
    client, live_page, publisher, author
):
    client.force_login(publisher)

    refused = client.post(f"{schedule_url(live_page)}interval/", {"months": "48"})
    html = refused.content.decode()
    assert refused.status_code == 200
    assert 'value="48"' in html and "Ensure this value is less than or equal to 36" in html

    client.post(f"{schedule_url(live_page)}interval/", {"months": "12"})
    assert Page.objects.get(pk=live_page.pk).review_interval_months == 12
    html = client.get(schedule_url(live_page)).content.decode()
    assert facts(html)["Review interval"] == "Every 12 months (set for this page)"

    client.force_login(author)
    assert client.post(f"{schedule_url(live_page)}interval/", {"months": "6"}).status_code == 403


def test_a_publisher_brings_the_next_review_forward_with_a_reason(client, live_page, publisher):
    client.force_login(publisher)

    response = client.post(
        f"{schedule_url(live_page)}next-review/",
        {"on": "2027-09-01", "reason": "New NICE guidance"},
        follow=True,
    )

    assert "The next review of “Secondary breast cancer” is now 1 September 2027" in (
        response.content.decode()
    )
    assert live_page.publications.get(is_current=True).next_review_on == dt.date(2027, 9, 1)


def test_a_refused_date_keeps_the_reason_typed(client, live_page, publisher):
    client.force_login(publisher)

    response = client.post(
        f"{schedule_url(live_page)}next-review/",
        {"on": "2029-06-01", "reason": "New NICE guidance"},
    )

    html = response.content.decode()
    assert "by 1 March 2029 at the latest" in html
    assert 'value="New NICE guidance"' in html and 'value="2029-06-01"' in html
    assert live_page.publications.get(is_current=True).next_review_on == dt.date(2029, 3, 1)


def test_an_editor_starts_a_full_review_from_the_schedule(client, live_page, author):
    client.force_login(author)

    response = client.post(f"{schedule_url(live_page)}full-review/", {"summary": ""})

    change = ChangeRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == change.get_absolute_url()
    assert change.is_full_review and change.summary == "Full review."
    html = client.get(schedule_url(live_page)).content.decode()
    assert f"Go to the full review (#{change.pk})" in html
    assert "Start a full review</button>" not in html


def test_a_second_full_review_is_refused_with_a_link_to_the_open_one(client, live_page, author):
    client.force_login(author)
    client.post(f"{schedule_url(live_page)}full-review/", {"summary": "First."})

    response = client.post(f"{schedule_url(live_page)}full-review/", {"summary": "Second one"})

    html = response.content.decode()
    change = ChangeRequest.objects.get()
    assert "already has an open change request" in html
    assert f"Go to the full review (#{change.pk})" in html  # where the work goes on


def test_only_editors_start_a_full_review(client, live_page, publisher):
    client.force_login(publisher)

    assert client.post(f"{schedule_url(live_page)}full-review/").status_code == 403
    assert not ChangeRequest.objects.exists()


def test_a_page_never_published_has_no_dates_and_can_be_given_a_first_review(
    client, make_page, author
):
    page = make_page(slug="new-page", title="New page")
    client.force_login(author)

    html = client.get(schedule_url(page)).content.decode()

    assert facts(html)["Next review"] == "None: the page is not live"
    assert "Start a full review" in html


def test_publishers_reword_the_review_notice(client, publisher, author, live_page):
    client.force_login(publisher)
    assert "Reword the notice" in client.get(schedule_url(live_page)).content.decode()

    blank = client.post("/reviews/review-notice/", {"text": "  "})
    assert "This field is required." in blank.content.decode()

    client.post("/reviews/review-notice/", {"text": "We are checking this page."})
    assert PublicWording.objects.get().text == "We are checking this page."

    client.force_login(author)
    assert client.get("/reviews/review-notice/").status_code == 403


def test_the_schedule_screen_reads_a_fixed_number_of_queries(
    client, published_full_review, live_page, author, django_assert_max_num_queries
):
    client.force_login(author)
    client.get(schedule_url(live_page))

    with django_assert_max_num_queries(14):
        assert client.get(schedule_url(live_page)).status_code == 200


# The dashboard


def test_an_editor_sees_the_pages_they_look_after_overdue_first(client, make_page, publish, author):
    for title, due in [
        ("Later page", dt.date(2028, 1, 1)),
        ("Overdue page", dt.date(2027, 4, 1)),
        ("Soon page", dt.date(2027, 5, 20)),
    ]:
        page = make_page(slug=title.lower().replace(" ", "-"), title=title)
        publish(page, next_review_on=due)
        Page.objects.filter(pk=page.pk).update(owner=author)
    Page.objects.filter(pk=make_page(slug="draft", title="Draft page").pk).update(owner=author)
    client.force_login(author)

    html = client.get("/reviews/").content.decode()

    panel = html[
        html.index('id="looked-after-heading"') : html.index(
            "</section>", html.index('id="looked-after-heading"')
        )
    ]
    titles = re.findall(r'class="change-link" href="[^"]+">([^<]+)</a>', panel)
    assert titles == ["Overdue page", "Soon page", "Later page", "Draft page"]
    assert "Overdue by 39 days" in panel and "Due in 10 days" in panel and "Not live" in panel
    assert f'href="/reviews/calendar/?owner={author.pk}"' in panel


def test_the_pages_you_look_after_are_capped_with_a_link_to_all(
    client, make_page, publish, author, monkeypatch
):
    monkeypatch.setattr(importlib.import_module("reviews.schedule.plugin"), "LOOKED_AFTER_CAP", 2)
    for index in range(3):
        page = make_page(slug=f"page-{index}", title=f"Page {index}")
        Page.objects.filter(pk=page.pk).update(owner=author)
    client.force_login(author)

    html = client.get("/reviews/").content.decode()

    assert "All 3 of your pages in the review calendar" in html
