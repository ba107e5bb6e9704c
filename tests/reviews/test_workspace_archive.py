"""The archive an assessor asks for ("what did this page say on 1 March?"): each publication
shown exactly as readers saw it, and a day's lookup, through the HTTP client."""

import datetime as dt
from dataclasses import replace

import pytest
from django.urls import reverse
from django.utils import timezone

from infopages.models import PublishedPage, Reference, Section
from infopages.publishing import content_from_working_copy, publish_content, retire_current
from infopages.services import save_with_version
from reviews import services
from tests.conftest import imported_review

OLD_TEXT = "Cancer that has spread."
NEW_TEXT = "Breast cancer that has spread to other parts of the body."
MEDIC = {"name": "Asha Patel", "role": "medical", "role_label": "medical reviewer"}
LAY = {"name": "Lee Morgan", "role": "lay", "role_label": "lay reviewer"}
# What the two screens take now (SQLite and PostgreSQL alike): session, user, the two-factor
# device check, groups, the publication(s), the review notices of its time, then the sections
# and the related pages live back then.
ARCHIVE_MAX_QUERIES = 8
AS_OF_MAX_QUERIES = 6


def local(day: str, hour: int = 12, minute: int = 0) -> dt.datetime:
    """A moment in the site's time zone, from "2026-03-01"."""
    return timezone.make_aware(
        dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute))
    )


def html_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def republish(publisher):
    """Give a section new text in the working copy and publish the page at a chosen moment."""

    def do(page, at, *, text=None, approved_by=(MEDIC,), reviewers=()):
        if text is not None:
            section = page.sections.get(anchor="what-is-it")
            section.body = text
            save_with_version(section, by=publisher, comment="New wording")
        review = imported_review(reviewers=reviewers)
        return publish_content(
            page=page,
            content=content_from_working_copy(page),
            review=replace(review, approved_by=list(approved_by)),
            by=publisher,
            at=at,
        )

    return do


@pytest.fixture
def changed_page(make_page, republish):
    """Published on 10 February 2026 with the old text, replaced on 1 March 2026 at 14:30."""
    page = make_page()
    old = republish(page, local("2026-02-10", 10), approved_by=[MEDIC, LAY])
    new = republish(page, local("2026-03-01", 14, 30), text=NEW_TEXT)
    old.refresh_from_db()
    return page, old, new


def archive_url(publication: PublishedPage) -> str:
    return reverse("reviews:publication", args=[publication.page_id, publication.pk])


def as_of(client, page, day: str):
    return client.get(reverse("reviews:page_as_of", args=[page.pk]), {"date": day})


# The archived copy


def test_archived_copy_shows_the_old_text_after_a_newer_publication_replaced_it(
    as_user, medic, changed_page
):
    page, old, new = changed_page

    html = html_of(as_user(medic).get(archive_url(old)))

    assert OLD_TEXT in html
    assert NEW_TEXT not in html
    assert NEW_TEXT in html_of(as_user(medic).get(archive_url(new)))


def test_archived_copy_banner_gives_its_dates_publisher_and_approvers(as_user, medic, changed_page):
    page, old, new = changed_page

    html = html_of(as_user(medic).get(archive_url(old)))

    assert 'role="note"' in html
    assert "Archived copy:" in html
    assert "10 February 2026, 10:00</time> until" in html
    assert "1 March 2026, 14:30</time>." in html
    assert "Published by Pat Jones" in html
    assert "approved by Asha Patel (medical reviewer) and Lee Morgan (lay reviewer)." in html


def test_the_live_copy_reads_until_now(as_user, medic, changed_page):
    page, old, new = changed_page

    html = html_of(as_user(medic).get(archive_url(new)))

    assert "until now (live)." in html
    assert "approved by Asha Patel (medical reviewer)." in html


def test_banner_names_the_sign_offs_of_a_workflow_publication(
    as_user, medic, publisher, approved_change
):
    publication = services.publish(change=approved_change, by=publisher)

    html = html_of(as_user(medic).get(archive_url(publication)))

    assert "Published by Pat Jones; approved by Asha Patel (medical reviewer)." in html


def test_archived_copy_shows_the_stored_html_and_about_our_information(
    as_user, medic, make_page, editor, republish
):
    page = make_page()
    save_with_version(
        Reference(page=page, citation="NICE guideline NG101", url="https://www.nice.org.uk/ng101"),
        by=editor,
        comment="Added",
    )
    reviewer = {"name": "Dr Ann Lee", "role": "Consultant Oncologist", "credentials": ""}
    publication = republish(page, local("2026-02-10"), reviewers=[reviewer])
    # The working copy moves on; the archive is the HTML stored at publication.
    Section.objects.filter(page=page).update(body="Rewritten since.")

    html = html_of(as_user(medic).get(archive_url(publication)))

    for section in publication.sections.all():
        assert section.html in html
    assert "Rewritten since." not in html
    assert "NICE guideline NG101" in html
    assert "Dr Ann Lee, Consultant Oncologist" in html
    assert "Date reviewed" in html and "1 March 2026" in html
    assert "Next review" in html and "1 March 2029" in html


def test_archived_copy_is_never_cached_nor_indexed(as_user, medic, changed_page):
    page, old, new = changed_page

    response = as_user(medic).get(archive_url(old))

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in html_of(response)


def test_history_links_each_publication_to_its_archived_copy(as_user, medic, changed_page):
    page, old, new = changed_page

    html = html_of(as_user(medic).get(reverse("reviews:page_history", args=[page.pk])))

    assert html.count("See it as readers saw it") == 2
    assert archive_url(old) in html and archive_url(new) in html
    assert 'type="date"' in html
    assert reverse("reviews:page_as_of", args=[page.pk]) in html


def test_archived_view_reads_a_fixed_number_of_queries(
    as_user, medic, make_page, republish, django_assert_max_num_queries
):
    related = make_page(slug="related-page", title="A related page")
    republish(related, local("2026-01-10"))
    sections = [(f"Part {n}", f"Text of part {n}.") for n in range(40)]
    page = make_page(slug="long-page", title="Long page", sections=sections)
    page.related_pages.add(related)
    publication = republish(page, local("2026-02-10"))
    client = as_user(medic)

    with django_assert_max_num_queries(ARCHIVE_MAX_QUERIES):
        response = client.get(archive_url(publication))

    html = html_of(response)
    assert "Text of part 39." in html
    assert "A related page" in html


def test_a_busy_day_reads_a_fixed_number_of_queries(
    as_user, medic, changed_page, republish, django_assert_max_num_queries
):
    page, old, new = changed_page
    for hour in range(1, 21):
        republish(page, local("2026-03-05", hour), text=f"Wording at {hour}:00.")
    client = as_user(medic)

    with django_assert_max_num_queries(AS_OF_MAX_QUERIES):
        response = as_of(client, page, "2026-03-05")

    assert html_of(response).count("See it as readers saw it") == 21


# What readers saw on a day


@pytest.mark.parametrize(
    ("day", "shown", "not_shown"),
    [("2026-02-28", "old", "new"), ("2026-03-02", "new", "old")],
)
def test_a_day_before_or_after_a_change_shows_the_copy_live_then(
    as_user, medic, changed_page, day, shown, not_shown
):
    page, old, new = changed_page
    publications = {"old": old, "new": new}

    html = html_of(as_of(as_user(medic), page, day))

    assert archive_url(publications[shown]) in html
    assert archive_url(publications[not_shown]) not in html
    assert "Readers saw one copy of the page that day." in html


def test_the_day_of_a_change_lists_both_copies_newest_first(as_user, medic, changed_page):
    page, old, new = changed_page

    html = html_of(as_of(as_user(medic), page, "2026-03-01"))

    assert "readers saw 2 copies of it, newest first" in html
    assert html.index(archive_url(new)) < html.index(archive_url(old))
    assert "From <time" in html and "1 March 2026, 14:30" in html


def test_several_publications_on_one_day_are_all_listed(as_user, medic, changed_page, republish):
    page, old, new = changed_page
    later = [
        republish(page, local("2026-03-05", hour), text=f"Wording at {hour}:00.")
        for hour in (9, 12, 16)
    ]

    html = html_of(as_of(as_user(medic), page, "2026-03-05"))

    # The copy live when the day began, then the day's three, newest first.
    positions = [html.index(archive_url(p)) for p in [*reversed(later), new]]
    assert positions == sorted(positions)
    assert archive_url(old) not in html


def test_a_day_before_the_first_publication_says_nothing_was_published(
    as_user, medic, changed_page
):
    page, old, new = changed_page

    response = as_of(as_user(medic), page, "2026-02-01")

    assert response.status_code == 200
    assert "Nothing was published at this address on 1 February 2026." in html_of(response)


def test_a_page_taken_down_is_listed_on_its_last_day_only(as_user, medic, changed_page):
    page, old, new = changed_page
    retire_current(page=page, at=local("2026-03-10", 12))
    client = as_user(medic)

    assert archive_url(new) in html_of(as_of(client, page, "2026-03-10"))
    assert "Nothing was published at this address on 11 March 2026." in html_of(
        as_of(client, page, "2026-03-11")
    )
    assert "until <time" in html_of(client.get(archive_url(new)))


def test_days_begin_and_end_in_the_sites_time_zone(as_user, medic, changed_page, republish):
    """00:30 on 1 July in London is 23:30 on 30 June in UTC: it belongs to 1 July."""
    page, old, new = changed_page
    summer = republish(page, local("2026-07-01", 0, 30), text="Summer wording.")
    client = as_user(medic)

    assert archive_url(summer) not in html_of(as_of(client, page, "2026-06-30"))
    assert archive_url(summer) in html_of(as_of(client, page, "2026-07-01"))


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("2026-02-30", "Enter a real date, for example 01/03/2026."),
        ("last tuesday", "Enter a real date, for example 01/03/2026."),
        ("", "Enter a date, for example 01/03/2026."),
        ("2999-01-01", "Choose today or a date in the past."),
    ],
)
def test_a_bad_date_is_a_form_error_with_the_input_kept(as_user, medic, changed_page, typed, error):
    page, old, new = changed_page

    response = as_of(as_user(medic), page, typed)

    html = html_of(response)
    assert response.status_code == 200
    assert error in html
    assert f'value="{typed}"' in html if typed else 'name="date"' in html
    assert "See it as readers saw it" not in html


def test_a_date_typed_the_british_way_is_understood(as_user, medic, changed_page):
    page, old, new = changed_page

    html = html_of(as_of(as_user(medic), page, "28/02/2026"))

    assert archive_url(old) in html


# Who may look


def test_a_publication_of_another_page_is_not_found(as_user, medic, changed_page, make_page):
    page, old, new = changed_page
    other = make_page(slug="other-page", title="Other page")

    response = as_user(medic).get(reverse("reviews:publication", args=[other.pk, old.pk]))

    assert response.status_code == 404


def test_anonymous_people_are_sent_to_the_login_page(client, changed_page):
    page, old, new = changed_page

    for url in (archive_url(old), reverse("reviews:page_as_of", args=[page.pk])):
        response = client.get(url, {"date": "2026-03-01"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_people_without_a_workflow_role_are_refused(as_user, make_user, changed_page):
    page, old, new = changed_page
    client = as_user(make_user("reader"))

    assert client.get(archive_url(old)).status_code == 403
    response = as_of(client, page, "2026-03-01")
    assert response.status_code == 403
    assert OLD_TEXT not in html_of(response)


def test_staff_admins_without_a_role_may_look(as_user, make_user, changed_page):
    page, old, new = changed_page
    client = as_user(make_user("admin", is_staff=True))

    assert client.get(archive_url(old)).status_code == 200
    assert as_of(client, page, "2026-03-01").status_code == 200
