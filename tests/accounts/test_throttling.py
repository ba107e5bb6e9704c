"""Sign-in throttling: per username and address together, with our own lockout page."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from reviews.core.audit import Action
from reviews.models import AuditEvent

PASSWORD = "a-long-test-password"  # tests/conftest.py's make_user


@pytest.fixture
def alice(make_user):
    return make_user("alice", is_staff=True)


def sign_in(client, username, password, *, url=None, **extra):
    return client.post(
        url or reverse("login"), {"username": username, "password": password}, **extra
    )


def fail(client, username, times=None, **extra):
    for _ in range(times or settings.SIGN_IN_FAILURE_LIMIT):
        response = sign_in(client, username, "wrong-password", **extra)
    return response


def test_wrong_passwords_below_the_limit_are_only_explained(client, alice):
    response = fail(client, "alice", settings.SIGN_IN_FAILURE_LIMIT - 1)

    assert response.status_code == 200
    assert "did not match" in response.content.decode()
    assert sign_in(client, "alice", PASSWORD).status_code == 302


def test_after_the_limit_even_the_right_password_is_refused_with_the_reason(client, alice):
    fail(client, "alice")

    response = sign_in(client, "alice", PASSWORD)

    html = response.content.decode()
    assert response.status_code == 429
    assert int(response["Retry-After"]) == settings.SIGN_IN_LOCKOUT_MINUTES * 60
    assert "no-store" in response["Cache-Control"]
    assert "Too many failed attempts. For your safety, signing in to this account is paused" in html
    assert f"{settings.SIGN_IN_LOCKOUT_MINUTES} minutes" in html
    assert '<header class="site-header">' in html  # our page, not axes' bare text
    assert "_auth_user_id" not in client.session


def test_fifty_fast_guesses_never_get_in(client, alice):
    fail(client, "alice", 50)

    assert sign_in(client, "alice", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_another_account_from_the_same_address_is_not_paused(client, alice, make_user):
    make_user("bob", is_staff=True)
    fail(client, "alice")

    assert sign_in(client, "bob", PASSWORD).status_code == 302


def test_the_same_account_from_another_address_is_not_paused(client, alice):
    fail(client, "alice", REMOTE_ADDR="203.0.113.7")

    assert sign_in(client, "alice", "x", REMOTE_ADDR="203.0.113.7").status_code == 429
    assert sign_in(client, "alice", PASSWORD, REMOTE_ADDR="198.51.100.9").status_code == 302


def test_behind_a_proxy_the_address_comes_from_client_ip_header(client, alice, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    # The proxy appends the real address; whatever the client sent before it is ignored.
    for spoofed in range(settings.SIGN_IN_FAILURE_LIMIT):
        sign_in(client, "alice", "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{spoofed}, 203.0.113.7")

    locked = sign_in(client, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7")
    elsewhere = sign_in(client, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.8")

    assert locked.status_code == 429
    assert elsewhere.status_code == 302


def test_lockout_is_written_to_the_audit_log_once_without_the_password(client, alice):
    fail(client, "alice", settings.SIGN_IN_FAILURE_LIMIT + 3)

    events = AuditEvent.objects.filter(action=Action.SIGN_IN_LOCKED_OUT)
    assert events.count() == 1
    event = events.get()
    assert event.actor is None
    assert event.versions["username"] == "alice"
    assert event.versions["address"] == "127.0.0.1"
    assert "alice" in event.message and "15 minutes" in event.message
    assert "wrong-password" not in event.message + str(event.versions)


def test_an_unknown_username_is_not_written_to_the_audit_log(client, db):
    # People type their password into the username box: never keep what is not a username.
    fail(client, "Tr0ub4dor&3")

    event = AuditEvent.objects.get(action=Action.SIGN_IN_LOCKED_OUT)
    assert event.versions["username"] is None
    assert "Tr0ub4dor" not in event.message + str(event.versions)


def test_signing_in_works_again_after_the_pause(client, alice, time_machine):
    time_machine.move_to(dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC))
    fail(client, "alice")

    time_machine.move_to(dt.datetime(2026, 5, 4, 9, 14, tzinfo=dt.UTC))
    assert sign_in(client, "alice", PASSWORD).status_code == 429

    time_machine.move_to(dt.datetime(2026, 5, 4, 9, 16, tzinfo=dt.UTC))
    assert sign_in(client, "alice", PASSWORD).status_code == 302


def test_a_successful_sign_in_forgets_earlier_typos(client, alice):
    fail(client, "alice", settings.SIGN_IN_FAILURE_LIMIT - 1)
    assert sign_in(client, "alice", PASSWORD).status_code == 302
    client.logout()

    response = fail(client, "alice", settings.SIGN_IN_FAILURE_LIMIT - 1)

    assert response.status_code == 200


def test_admin_sign_in_is_throttled_too(client, make_user):
    make_user("root", is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    fail(client, "root", url=url)

    response = sign_in(client, "root", PASSWORD, url=url)

    assert response.status_code == 429
    assert "signing in to this account is paused" in response.content.decode()
    assert "_auth_user_id" not in client.session
