"""Sign-in throttling per address across usernames: one address cannot try a password
against every account (issue 18, item 6: 60 tries over 30 usernames met no limit)."""

import pytest
from django.conf import settings
from django.urls import reverse

from reviews.core.audit import Action
from reviews.models import AuditEvent

PASSWORD = "a-long-test-password"  # tests/conftest.py's make_user


def sign_in(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


@pytest.fixture
def accounts(make_user):
    return [make_user(f"person{n}") for n in range(30)]


def spray(client, accounts, tries, **extra):
    """One wrong password for each account in turn, ``tries`` in all."""
    return [
        sign_in(client, accounts[n % len(accounts)].username, "Winter2026!", **extra)
        for n in range(tries)
    ]


def test_one_password_tried_against_many_accounts_pauses_the_address(client, accounts):
    limit = settings.SIGN_IN_FAILURE_LIMIT_PER_ADDRESS
    assert limit < 2 * len(accounts)  # fewer than two tries per account reach it

    answers = spray(client, accounts, 2 * len(accounts))

    # The failure that reaches the limit is answered with the pause, as for one account.
    assert [r.status_code for r in answers[: limit - 1]] == [200] * (limit - 1)
    assert {r.status_code for r in answers[limit - 1 :]} == {429}
    paused = sign_in(client, "person0", PASSWORD)
    assert paused.status_code == 429
    assert "signing in from it is paused" in paused.content.decode()
    assert "_auth_user_id" not in client.session


def test_another_address_is_not_paused(client, accounts):
    spray(client, accounts, settings.SIGN_IN_FAILURE_LIMIT_PER_ADDRESS)

    assert sign_in(client, "person1", PASSWORD, REMOTE_ADDR="198.51.100.9").status_code == 302


def test_below_the_limit_per_address_colleagues_still_sign_in(client, accounts):
    spray(client, accounts, settings.SIGN_IN_FAILURE_LIMIT_PER_ADDRESS - 1)

    assert sign_in(client, "person1", PASSWORD).status_code == 302


def test_the_limit_per_address_is_a_setting(client, accounts, settings):
    settings.SIGN_IN_FAILURE_LIMIT_PER_ADDRESS = 8

    answers = spray(client, accounts, 8)

    assert answers[6].status_code == 200 and answers[7].status_code == 429


def test_the_address_pause_is_written_to_the_audit_log_once(client, accounts):
    spray(client, accounts, settings.SIGN_IN_FAILURE_LIMIT_PER_ADDRESS + 5)

    event = AuditEvent.objects.get(action=Action.SIGN_IN_LOCKED_OUT)
    assert event.versions["whole_address"] is True
    assert event.versions["address"] == "127.0.0.1"
    assert event.versions["failures"] == settings.SIGN_IN_FAILURE_LIMIT_PER_ADDRESS
    assert "for every username" in event.message and "Winter2026" not in event.message
