"""A reviewer's queue is read for all changes at once; it must hold exactly the changes the
policy lets them sign off. And a person's groups are read once per user object, yet a change
of membership is seen at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews import services
from reviews.core import contents, policy
from reviews.models import ChangeRequest, Role
from tests.reviews.conftest import require_sign_offs


@pytest.fixture
def in_review(make_page, publish, author, edit_section):
    """A change to a new live page, sent for review; ``edit_by`` and ``remove_by`` also edit
    a section or remove one through it."""

    def make(slug, *, full=False, edit_by=None, remove_by=None, published=True):
        page = make_page(slug=slug, title=f"Page {slug}")
        if published:
            publish(page)
        change = services.start_change(page=page, by=author, summary="S", is_full_review=full)
        edit_section(change, "what-is-it", f"New text for {slug}.", by=edit_by or author)
        if remove_by is not None:
            section = page.sections.get(anchor="symptoms")
            services.remove_in_change(change=change, obj=section, by=remove_by, comment="Moved")
        return services.submit_for_review(change=change, by=author)

    return make


def queue_of(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("reviews:dashboard")).content.decode()


def test_the_queue_holds_the_changes_still_short_of_the_reviewers_role(
    client, in_review, lay, member, approve
):
    in_review("full", full=True)
    in_review("partial", full=False)  # needs no lay reviewer
    approve(in_review("lay-given", full=True), member("lee2", policy.LAY_REVIEWERS))

    html = queue_of(client, lay)

    assert "Review “Page full”" in html
    assert "Review “Page partial”" not in html
    assert "Review “Page lay-given”" not in html


def test_the_queue_follows_the_requirements_of_topics_and_pages(client, in_review, lay, topic):
    require_sign_offs(topic=topic.parent, medical=1, lay=1)
    in_review("topic-needs-lay")
    own = in_review("page-needs-no-lay")
    require_sign_offs(page=own.page, medical=1, lay=0)

    html = queue_of(client, lay)

    assert "Review “Page topic-needs-lay”" in html  # the parent topic's requirement
    assert "Review “Page page-needs-no-lay”" not in html  # the page's own requirement wins


def test_a_reviewer_is_not_asked_to_sign_off_what_they_wrote(client, in_review, member):
    nurse = member("nurse", policy.EDITORS, policy.LAY_REVIEWERS)
    in_review("theirs", full=True)
    in_review("edited", full=True, edit_by=nurse)
    in_review("removed", full=True, remove_by=nurse)

    html = queue_of(client, nurse)

    assert "Review “Page theirs”" in html
    assert "Review “Page edited”" not in html
    assert "Review “Page removed”" not in html


def test_a_reviewer_who_signed_in_one_role_is_not_asked_in_the_other(
    client, in_review, member, approve
):
    both = member("both", policy.MEDICAL_REVIEWERS, policy.LAY_REVIEWERS)
    approve(in_review("signed", full=True), both, role=Role.MEDICAL)
    in_review("unsigned", full=True)

    html = queue_of(client, both)

    assert "Review “Page unsigned”" in html
    assert "Review “Page signed”" not in html


def test_authors_read_together_are_the_authors_read_one_by_one(
    in_review, member, second_editor, publisher, approve, medic
):
    nurse = member("nurse", policy.EDITORS, policy.LAY_REVIEWERS)
    changes = [
        in_review("plain"),
        in_review("edited", edit_by=nurse),
        in_review("removed", remove_by=second_editor),
        in_review("never-published", published=False, edit_by=second_editor),
    ]
    published = in_review("published")
    approve(published, medic)
    services.publish(change=published, by=publisher)
    changes = list(ChangeRequest.objects.filter(pk__in=[c.pk for c in [*changes, published]]))

    together = contents.authors_by_change(changes)

    assert together == {change.pk: contents.authors_of(change) for change in changes}
    names = {pk: {user.username for user in users} for pk, users in together.items()}
    assert sorted(names.values(), key=sorted) == [
        {"editor"},
        {"editor"},
        {"editor", "nurse"},
        {"editor", "sam"},
        {"editor", "sam"},
    ]


def test_groups_are_read_once_per_user_object(member):
    user = member("erin", policy.EDITORS, policy.PUBLISHERS)

    with CaptureQueriesContext(connection) as captured:
        answers = [policy.groups_of(user) for _ in range(3)]
        assert policy.is_editor(user) and policy.is_publisher(user)
        assert not policy.reviewer_roles(user)

    assert answers == [{policy.EDITORS, policy.PUBLISHERS}] * 3
    assert len(captured) == 1


def test_a_change_of_groups_is_seen_through_a_user_object_already_asked(make_user, groups):
    user = make_user("newcomer")
    assert policy.groups_of(user) == set()

    user.groups.add(groups[policy.EDITORS])
    assert policy.groups_of(user) == {policy.EDITORS}

    groups[policy.PUBLISHERS].user_set.add(user)  # from the group's side
    assert policy.groups_of(user) == {policy.EDITORS, policy.PUBLISHERS}

    user.groups.remove(groups[policy.EDITORS])
    assert policy.groups_of(user) == {policy.PUBLISHERS}

    groups[policy.PUBLISHERS].delete()
    assert policy.groups_of(user) == set()


def test_a_deactivated_person_has_no_groups_even_once_asked(member):
    user = member("leaver", policy.PUBLISHERS)
    assert policy.is_publisher(user)

    user.is_active = False

    assert policy.groups_of(user) == set()
