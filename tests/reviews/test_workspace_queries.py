"""The workspace's screens read in a fixed number of queries: more sections, sign-offs and
comments on a change, or more changes in a queue, must not mean more queries (no query per
row), and the person's groups are read once per request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from infopages.models import Section
from reviews import services
from reviews.core import policy
from reviews.core.status import ReviewStatus
from reviews.models import Decision

# What the screens take now (SQLite and PostgreSQL alike): the change page 14 for a
# publisher, 15 for an editor (who also gets the list of sections to edit) or a reviewer,
# 16 for a reviewer asked to look again (the versions saved since their decision; and the
# removals since, when a part was removed), the dashboard 10 for editors (the requests for
# changes on sent-back changes), 9 for publishers, 13 for reviewers whatever their queue's
# length. One of each is the two-factor check every staff request makes (does this person
# have a device?); one on the change page reads the roles reviewers hold now (lapsed
# sign-offs). Comparing with the publication reads it once, and its versions only when a
# part was removed. One more reads the outside reviewers invited (their list on the page),
# and one the page's open review flags.
CHANGE_PAGE_MAX = 18
DASHBOARD_MAX = 14


@pytest.fixture
def busy_change(make_page, publish, author, member, medic, lay, publisher, edit_section):
    """A full review of a page with ``size`` sections, all edited, with ``size`` comments and
    ``size`` + 2 sign-offs, some given on earlier content."""

    def make(size: int, slug: str, finish: str = "in_review"):
        sections = [(f"Part {n}", f"Old text {n}.") for n in range(size)]
        page = make_page(slug=slug, title=f"Page {slug}", sections=sections)
        publish(page)
        change = services.start_change(
            page=page, by=author, summary="Rewrite every part.", is_full_review=True
        )
        for n in range(size):
            edit_section(change, f"part-{n}", f"New text {n}, clearer.", by=author)
        services.submit_for_review(change=change, by=author)
        for n in range(size):
            extra = member(f"medic-{slug}-{n}", policy.MEDICAL_REVIEWERS)
            services.sign_off(
                change=change,
                reviewer=extra,
                decision=Decision.APPROVE,
                seen_hash=change.content_hash,
                sections=ReviewStatus(change).section_ids,
            )
        services.sign_off(
            change=change,
            reviewer=lay,
            decision=Decision.REQUEST_CHANGES,
            seen_hash=change.content_hash,
            comment="Simpler words, please.",
        )
        edit_section(change, "part-0", "New text 0, simpler.", by=author)
        services.submit_for_review(change=change, by=author)
        services.sign_off(
            change=change,
            reviewer=medic,
            decision=Decision.APPROVE,
            seen_hash=change.content_hash,
            sections=ReviewStatus(change).section_ids,
        )
        for n in range(size):
            services.add_comment(change=change, by=lay, body=f"Comment {n}")
        if finish in ("approved", "published"):
            services.sign_off(
                change=change,
                reviewer=lay,
                decision=Decision.APPROVE,
                seen_hash=change.content_hash,
                sections=ReviewStatus(change).section_ids,
            )
        if finish == "published":
            services.publish(change=change, by=publisher)
        return change

    return make


def captured_for(client, url: str) -> CaptureQueriesContext:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return captured


def queries_for(client, url: str) -> int:
    return len(captured_for(client, url))


@pytest.mark.parametrize("who", ["author", "lay", "medic", "publisher"])
def test_change_page_queries_do_not_grow_with_sections_sign_offs_or_comments(
    client, request, busy_change, who
):
    small, big = busy_change(3, "small"), busy_change(15, "big")
    client.force_login(request.getfixturevalue(who))

    assert queries_for(client, small.get_absolute_url()) == queries_for(
        client, big.get_absolute_url()
    )


@pytest.mark.parametrize("finish", ["in_review", "approved", "published"])
def test_change_page_reads_the_groups_once_in_every_state(client, busy_change, publisher, finish):
    change = busy_change(3, finish, finish=finish)
    client.force_login(publisher)

    captured = captured_for(client, change.get_absolute_url())

    assert len(captured) <= CHANGE_PAGE_MAX
    # One read of the signed-in person's groups, one of the roles every reviewer holds now.
    own = f'"auth_user_groups"."user_id" = {publisher.pk}'
    group_reads = [q["sql"] for q in captured.captured_queries if '"auth_group"' in q["sql"]]
    assert sum(own in sql for sql in group_reads) == 1
    assert len(group_reads) == 2


def test_change_page_reads_in_a_bounded_number_of_queries(
    client, busy_change, lay, django_assert_max_num_queries
):
    change = busy_change(8, "big")
    client.force_login(lay)

    with django_assert_max_num_queries(CHANGE_PAGE_MAX):
        html = client.get(change.get_absolute_url()).content.decode()

    assert html.count("Given on earlier content, no longer counts.") == 9
    assert html.count('class="part part--changed" id="part-') == 8
    # The lay reviewer asked for changes on earlier content: what changed since comes first.
    assert "What changed since you asked for changes" in html
    assert html.count('class="part part--changed" id="since-part-') == 1
    assert "Comment 7" in html


@pytest.fixture
def rereview(make_page, publish, author, medic, approve, edit_section, request_changes):
    """A change the medic approved, then edited in every section, one section removed and
    one added: the medic is asked to look again."""

    def make(size: int, slug: str):
        page = make_page(
            slug=slug,
            title=f"Page {slug}",
            sections=[(f"Part {n}", f"Old {n}.") for n in range(size)],
        )
        publish(page)
        change = services.start_change(page=page, by=author, summary="Clearer words.")
        edit_section(change, "part-0", "New text 0.", by=author)
        services.submit_for_review(change=change, by=author)
        approve(change, medic)
        for n in range(1, size):
            edit_section(change, f"part-{n}", f"Sneaked text {n}.", by=author, comment="typo")
        services.remove_in_change(
            change=change, obj=page.sections.get(anchor="part-1"), by=author, comment="Tidy"
        )
        services.edit_in_change(
            change=change,
            obj=Section(page=page, heading="Extra", body="Added later.", position=size),
            by=author,
            comment="typo",
        )
        return change

    return make


def test_the_rereview_view_reads_in_the_same_bounded_number_of_queries(
    client, rereview, medic, django_assert_max_num_queries
):
    small, big = rereview(3, "small"), rereview(15, "big")
    client.force_login(medic)

    with django_assert_max_num_queries(CHANGE_PAGE_MAX):
        html = client.get(big.get_absolute_url()).content.decode()

    assert "Your approval of" in html and "What changed since you approved" in html
    since = html.split('id="since-heading"', 1)[1].split('id="why-heading"', 1)[0]
    assert since.count('class="part part--changed"') == 13  # parts 2 to 14
    assert since.count('class="part part--removed"') == 1 and "Removed section" in since
    assert since.count('class="part part--added"') == 1
    assert since.count("“typo”") == 14  # parts 2 to 14 and the one added (1 was removed)
    assert queries_for(client, small.get_absolute_url()) == queries_for(
        client, big.get_absolute_url()
    )


@pytest.fixture
def changes_in_every_state(busy_change):
    def make(suffix: str, size: int):
        for finish in ("in_review", "approved", "published"):
            busy_change(size, f"{finish}-{suffix}", finish=finish)

    return make


@pytest.mark.parametrize("who", ["author", "publisher", "lay", "medic"])
def test_dashboard_lists_read_in_the_same_queries_however_many_changes(
    client, request, changes_in_every_state, who
):
    client.force_login(request.getfixturevalue(who))
    url = reverse("reviews:dashboard")
    changes_in_every_state("a", size=2)
    with_few = queries_for(client, url)

    changes_in_every_state("b", size=6)
    changes_in_every_state("c", size=6)

    assert queries_for(client, url) == with_few


@pytest.mark.parametrize(
    "who, sees",
    [
        ("author", "Page in_review-a"),  # their open change
        ("lay", "Review “Page in_review-a”"),  # waiting for their sign-off
        ("medic", "Nothing is waiting for you."),  # signed everything off already
        ("publisher", "Page approved-a"),  # ready to publish
    ],
)
def test_dashboard_reads_in_a_bounded_number_of_queries(
    client, request, changes_in_every_state, who, sees, django_assert_max_num_queries
):
    changes_in_every_state("a", size=6)
    client.force_login(request.getfixturevalue(who))

    with django_assert_max_num_queries(DASHBOARD_MAX):
        html = client.get(reverse("reviews:dashboard")).content.decode()

    assert sees in html


@pytest.fixture
def awaiting_lay(make_page, publish, author, edit_section):
    """Changes in review, each a full review still waiting for its lay reviewer."""

    def make(count: int, prefix: str):
        for n in range(count):
            page = make_page(slug=f"{prefix}-{n}", title=f"Queue {prefix} {n}")
            publish(page)
            change = services.start_change(
                page=page, by=author, summary="Clearer words.", is_full_review=True
            )
            edit_section(change, "what-is-it", f"New text {n}.", by=author)
            services.submit_for_review(change=change, by=author)

    return make


def test_reviewer_dashboard_reads_in_the_same_queries_for_1_or_10_changes_awaiting(
    client, awaiting_lay, lay, django_assert_max_num_queries
):
    client.force_login(lay)
    url = reverse("reviews:dashboard")
    awaiting_lay(1, "first")
    with_one = queries_for(client, url)
    assert client.get(url).content.decode().count("Review “Queue ") == 1

    awaiting_lay(9, "more")
    with django_assert_max_num_queries(DASHBOARD_MAX):
        html = client.get(url).content.decode()

    assert html.count("Review “Queue ") == 10
    assert queries_for(client, url) == with_one
