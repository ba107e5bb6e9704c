"""Email when no mail server is set up in production: refuse, loudly, and print nothing.

Django's console backend would print every email to the server's log, and with it every
password-reset link, readable by anyone who reads the logs. With DEBUG off and no
``EMAIL_HOST`` the portal uses this backend instead: each email is refused with a clear
error, logged without its contents. Review notifications stay in the outbox and go out by
``send_review_digests`` once ``EMAIL_HOST`` is set; a password reset asked for meanwhile is
logged as not sent (Django does not tell the person, so as not to reveal who has an account).
"""

import logging

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
            "Email is not set up: set EMAIL_HOST (see docs/operations.md, Settings). Nothing was sent."
        )
