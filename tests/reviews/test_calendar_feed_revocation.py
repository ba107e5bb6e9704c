"""A private calendar address is revoked for good when its owner leaves the Editors group or
their account is closed: adding them back does not bring the old address back to life
(issue 18, item 6)."""

import re

from reviews.core import policy
from reviews.models import AuditEvent, CalendarFeed


def make_feed(client, user) -> str:
    client.force_login(user)
    response = client.post(
        "/reviews/calendar/feed/new/", follow=True
    )  # the key is shown once, after a redirect
    path = re.search(
        r"<code>http://[^/]+(/reviews/calendar/feed/[^<]+\.ics)</code>", response.content.decode()
    )
    client.logout()
    return path[1]


def test_an_address_stays_revoked_when_its_owner_rejoins_the_editors(client, author, groups):
    url = make_feed(client, author)
    editors = groups[policy.EDITORS]

    author.groups.remove(editors)
    author.groups.add(editors)

    assert client.get(url).status_code == 404
    assert CalendarFeed.objects.get().revoked_at is not None


def test_removing_them_from_the_group_side_revokes_it_too(client, author, groups):
    url = make_feed(client, author)
    editors = groups[policy.EDITORS]

    editors.user_set.remove(author)
    editors.user_set.add(author)

    assert client.get(url).status_code == 404


def test_emptying_the_editors_group_revokes_every_address(client, author, second_editor, groups):
    urls = [make_feed(client, author), make_feed(client, second_editor)]
    editors = groups[policy.EDITORS]

    editors.user_set.clear()
    editors.user_set.add(author, second_editor)

    assert [client.get(url).status_code for url in urls] == [404, 404]


def test_an_address_stays_revoked_when_a_closed_account_is_reopened(client, author):
    url = make_feed(client, author)

    author.is_active = False
    author.save()
    author.is_active = True
    author.save()

    assert client.get(url).status_code == 404


def test_the_revocation_is_audited(client, author, groups):
    make_feed(client, author)

    author.groups.remove(groups[policy.EDITORS])

    event = AuditEvent.objects.get(action="calendar_feed_revoked")
    assert event.actor is None and "no longer an editor" in event.message


def test_leaving_another_group_keeps_the_address(client, author, groups):
    author.groups.add(groups[policy.PUBLISHERS])
    url = make_feed(client, author)

    author.groups.remove(groups[policy.PUBLISHERS])

    assert client.get(url).status_code == 200
