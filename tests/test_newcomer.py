"""What a newcomer meets first: `make run PORT=…` gives links that work, the demo prints only
the logins and where to go, the README's story matches the demo and its design document is
in the repository, errors that name a change link to it, and titles say the site's name once."""

import re
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.http import HttpRequest
from django.urls import reverse

from reviews.models import ChangeRequest, Frequency, Notification

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def loaddemo(db, settings, django_capture_on_commit_callbacks):
    settings.DEBUG = True

    def run() -> str:
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):  # as a real commit would
            call_command("loaddemo", stdout=out, stderr=StringIO())
        return out.getvalue()

    return run


def test_loaddemo_prints_links_on_the_site_url_and_no_email(loaddemo, settings, mailoutbox):
    settings.SITE_URL = "http://127.0.0.1:8011"

    output = loaddemo()

    assert "http://127.0.0.1:8011/reviews/" in output
    assert "http://127.0.0.1:8011/admin/" in output
    assert "8000" not in output
    assert "Subject:" not in output and "Content-Type" not in output
    assert mailoutbox == []  # the demo's notifications wait for the daily digest
    # (the demo's standard paragraph, a shared block, was reviewed and published already)
    waiting = Notification.objects.get(
        user__username="medreviewer", change__page__slug="secondary-breast-cancer"
    )
    assert waiting.frequency == Frequency.DAILY and waiting.sent_at is None
    assert f"{settings.SITE_URL}/reviews/changes/" in waiting.body


def test_the_demo_leaves_a_page_free_for_the_editor_to_start_a_change(loaddemo, client):
    output = loaddemo()
    assert "start a change to any other page, e.g. “Bone scan”" in output
    client.login(request=HttpRequest(), username="editor", password="demo-editor-2026")

    response = client.post(
        reverse("reviews:start_change"),
        {"page": "bone-scan", "summary": ""},
        follow=True,
    )

    assert "Started a change request for “Bone scan”" in response.content.decode()


def test_starting_a_second_change_links_to_the_open_one(loaddemo, client):
    loaddemo()
    open_change = ChangeRequest.objects.get(page__slug="secondary-breast-cancer")
    client.login(request=HttpRequest(), username="editor", password="demo-editor-2026")

    response = client.post(
        reverse("reviews:start_change"), {"page": "Secondary breast cancer", "summary": ""}
    )

    html = response.content.decode()
    assert (
        f'already has an open change request: <a href="{open_change.get_absolute_url()}">'
        f"change request #{open_change.pk} (in review)</a>."
    ) in html


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(
    ("arguments", "site_url"),
    [
        (["PORT=8011"], "http://127.0.0.1:8011"),
        ([], "http://127.0.0.1:8000"),
        (["PORT=8011", "SITE_URL=https://information.example.org"], None),
    ],
)
def test_make_run_points_links_at_its_own_port(arguments, site_url):
    result = subprocess.run(
        ["make", "-n", "--always-make", "run", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = [line for line in result.stdout.splitlines() if "manage.py" in line]
    expected = site_url or "https://information.example.org"
    port = re.search(r"PORT=(\d+)", " ".join(arguments))
    for command in ("loaddemo", "runserver"):
        line = next(line for line in lines if command in line)
        assert f"SITE_URL={expected} " in line, line
    assert f"runserver 127.0.0.1:{port[1] if port else 8000}" in result.stdout


def test_the_design_document_is_in_the_repository_and_the_readme_links_it():
    readme = (ROOT / "README.md").read_text()
    assert "(docs/design.md)" in readme
    assert "shared folder" not in readme
    design = (ROOT / "docs" / "design.md").read_text()
    for heading in ("Who uses it", "Invariants", "The workflow", "Publishing", "Caching"):
        assert f"\n## {heading}" in design, heading


def test_the_readme_walkthrough_names_the_demo_logins_and_pages(loaddemo):
    from portal.management.commands.loaddemo import DEMO_USERS

    output = loaddemo()
    readme = (ROOT / "README.md").read_text()
    for username, password, *_ in DEMO_USERS:
        assert f"`{username}`" in readme and password in output
    assert "“Secondary breast cancer” waits for your sign-off" in output
    assert "Take in edits saved elsewhere" not in readme


@pytest.mark.parametrize(
    "path", ["/", "/search/?q=scan", "/info/secondary-breast-cancer/", "/no-such-page/"]
)
def test_the_sites_name_is_in_each_title_once(loaddemo, client, settings, path):
    loaddemo()
    settings.DEBUG = False  # the site's own "not found" page

    html = client.get(path).content.decode()

    [title] = re.findall(r"<title>(.*?)</title>", html, re.S)
    assert title.count("Cancer information") == 1, title


def test_a_full_review_in_the_demo_credits_its_reviewers_as_readers_see_them(
    loaddemo, client, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model

    from infopages.models import Page
    from reviews import services
    from reviews.core.status import ReviewStatus
    from reviews.models import Decision

    loaddemo()
    people = {user.username: user for user in get_user_model().objects.all()}
    page = Page.objects.get(slug="bone-scan")
    with django_capture_on_commit_callbacks(execute=True):
        change = services.start_change(
            page=page, by=people["editor"], summary="Checked every section.", is_full_review=True
        )
        services.submit_for_review(change=change, by=people["editor"])
        for reviewer in ("medreviewer", "layreviewer"):
            change.refresh_from_db()
            services.sign_off(
                change=change,
                reviewer=people[reviewer],
                decision=Decision.APPROVE,
                seen_hash=change.content_hash,
                sections=ReviewStatus(change).section_ids,
            )
        change.refresh_from_db()
        services.publish(change=change, by=people["publisher"])

    html = client.get("/info/bone-scan/").content.decode()

    assert "<li>Dr Amira Hale, MBChB, FRCR, Consultant clinical oncologist</li>" in html
    assert "<li>Sam Okafor, Lay reviewer, living with secondary breast cancer</li>" in html
