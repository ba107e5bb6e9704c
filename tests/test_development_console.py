"""What a developer sees in the console with DEBUG on: each log line once, and printed emails
whose links can be copied whole. Run in a subprocess, with the real settings."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_in_development(code: str) -> subprocess.CompletedProcess:
    """``code`` run by ``manage.py shell`` with DEBUG on and no mail server."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "true",
        "SECRET_KEY": "insecure-key-for-the-test-suite-only",
        "EMAIL_HOST": "",
        "LOG_LEVEL": "INFO",
        "DATABASE_URL": "",
    }
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' conftest
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_a_log_line_of_django_is_printed_once():
    result = run_in_development(
        "import logging; logging.getLogger('django.request').warning('Not Found: /nowhere/')"
    )

    assert result.stderr.count("Not Found: /nowhere/") == 1


def test_a_log_line_of_the_portal_is_printed_once():
    result = run_in_development(
        "import logging; logging.getLogger('reviews.services').warning('Reminder not sent')"
    )

    assert result.stderr.count("Reminder not sent") == 1


LINK = "http://127.0.0.1:8000/reviews/changes/12/?from=email&role=medical-reviewer#sign-off"


def test_a_printed_email_shows_its_links_whole():
    body = f"A change to “Bone scan” waits for your sign-off. Review it here: {LINK}"
    result = run_in_development(
        "from django.core.mail import send_mail; "
        f"send_mail('Waiting for you', {body!r}, 'team@example.org', ['reviewer@example.org'])"
    )

    assert LINK in result.stdout
    assert "“Bone scan”" in result.stdout
    assert "=\n" not in result.stdout and "quoted-printable" not in result.stdout
