"""Without EMAIL_HOST in production, email is refused and printed nowhere (portal.mail)."""

import logging

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from portal.mail import EmailNotConfigured
from reviews.core import notifications
from reviews.models import Frequency, Notification

UNCONFIGURED = {"default": {"BACKEND": "portal.mail.NotConfiguredEmailBackend"}}


@pytest.fixture
def no_mail_server(settings):
    settings.MAILERS = UNCONFIGURED


def test_an_email_is_refused_with_a_clear_error_and_its_text_is_not_logged(no_mail_server, caplog):
    with caplog.at_level(logging.ERROR, logger="portal.mail"):
        with pytest.raises(EmailNotConfigured, match="set EMAIL_HOST"):
            mail.send_mail(
                "Subject", "https://secret-reset-link", "a@example.org", ["b@example.org"]
            )

    assert "Email is not set up" in caplog.text
    assert "secret-reset-link" not in caplog.text


def test_a_password_reset_link_is_not_printed_anywhere(
    client, make_user, no_mail_server, caplog, capsys
):
    make_user("sam")

    with caplog.at_level(logging.INFO):
        response = client.post(reverse("password_reset"), {"email": "sam@example.org"})

    assert response.status_code == 302  # as ever: no hint whether the address has an account
    printed = capsys.readouterr()
    assert "/accounts/reset/" not in caplog.text + printed.out + printed.err


def test_review_notifications_wait_in_the_outbox_until_mail_is_set_up(
    make_user, no_mail_server, settings
):
    user = make_user("medic")
    user.groups.add(Group.objects.get_or_create(name="Medical reviewers")[0])
    Notification.objects.create(
        user=user,
        event="awaiting_review",
        subject="A change awaits you",
        body="…",
        frequency=Frequency.IMMEDIATE,
    )

    assert notifications.send_now(Notification.objects.values_list("pk", flat=True)) == 0
    assert Notification.objects.get().sent_at is None

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert notifications.send_now(Notification.objects.values_list("pk", flat=True)) == 1
    assert len(mail.outbox) == 1
