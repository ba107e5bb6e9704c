"""Email without a mail server: printed whole in development, refused in production.

In development (DEBUG on, no ``EMAIL_HOST``) emails are printed to the console by
``ConsoleEmailBackend``: Django's own prints long lines quoted-printable, whose ``=`` soft
breaks cut the links a developer wants to click; ours prints the text as it was written.

In production, refuse, loudly, and print nothing.

Django's console backend would print every email to the server's log, and with it every
password-reset link, readable by anyone who reads the logs. With DEBUG off and no
``EMAIL_HOST`` the portal uses this backend instead: each email is refused with a clear
error, logged without its contents. Review notifications stay in the outbox and go out by
``send_review_digests`` once ``EMAIL_HOST`` is set; a password reset asked for meanwhile is
logged as not sent (Django does not tell the person, so as not to reveal who has an account).
"""

import email.policy
import logging

from django.core.mail.backends import console
from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger(__name__)


class EmailNotConfigured(Exception):
    """Raised for each email while no mail server is set up."""


class NotConfiguredEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        if not email_messages:
            return 0
        logger.error(
            "Email is not set up (EMAIL_HOST is empty): %d email(s) not sent.", len(email_messages)
        )
        if self._fail_silently:
            return 0
        raise EmailNotConfigured(
            "Email is not set up: set EMAIL_HOST (docs/operations.md, Settings). Nothing was sent."
        )


# SMTP's own line limit instead of 78: lines up to it are left as typed (7 or 8 bit, UTF-8)
# rather than quoted-printable, so a long link prints on one line.
CONSOLE_POLICY = email.policy.default.clone(max_line_length=998)


class ConsoleEmailBackend(console.EmailBackend):
    """Django's console backend, printing each message's text as written (8-bit UTF-8)."""

    def write_message(self, message):
        text = message.message(policy=CONSOLE_POLICY).as_bytes().decode("utf-8", "replace")
        self.stream.write(f"{text}\n{'-' * 79}\n")
