"""The demo loader: a newcomer's first `manage.py loaddemo` gives them a site to look at."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.http import HttpRequest
from django.urls import reverse
from reversion.models import Version

from infopages.models import (
    Page,
    Person,
    PublishedPage,
    Reference,
    Resource,
    Section,
    Topic,
)
from portal.management.commands.loaddemo import (
    DEMO_USERS,
    DRAFT_EDIT_ANCHOR,
    DRAFT_EDIT_PAGE,
    DRAFT_EDIT_TEXT,
)
from reviews.models import ChangeRequest

OVERDUE_NOTICE = "This content is currently being reviewed. New information will be coming soon."


@pytest.fixture
def loaddemo(db, settings):
    settings.DEBUG = True

    def run(*args) -> str:
        out = StringIO()
        call_command("loaddemo", *args, stdout=out, stderr=StringIO())
        return out.getvalue()

    return run


def counts() -> dict[str, int]:
    models = [get_user_model(), Group, Page, Section, Reference, Resource, Topic, Person]
    totals = {model.__name__: model.objects.count() for model in models}
    totals["live pages"] = PublishedPage.objects.current().count()
    totals["publications"] = PublishedPage.objects.count()  # a rerun publishes nothing again
    totals["versions"] = Version.objects.count()
    return totals


def test_loaddemo_creates_a_login_in_each_group_and_several_pages(loaddemo):
    loaddemo()

    for name in ["Editors", "Medical reviewers", "Lay reviewers", "Publishers"]:
        assert Group.objects.get(name=name).user_set.filter(is_staff=True).exists(), name
    assert get_user_model().objects.get(username="admin").is_superuser
    assert Page.objects.count() >= 3
    assert PublishedPage.objects.current().count() >= 3


def test_in_the_admin_pages_are_read_only_and_editors_may_look_after_topics(loaddemo):
    loaddemo()
    users = get_user_model().objects
    editor, medic = users.get(username="editor"), users.get(username="medreviewer")

    assert editor.has_perm("infopages.view_section")
    assert not editor.has_perm("infopages.change_section")  # edited in the workspace
    assert editor.has_perm("infopages.change_topic")
    assert medic.has_perm("infopages.view_section")
    assert not medic.has_perm("infopages.change_topic")


def test_printed_demo_passwords_log_in_to_the_admin(loaddemo, client):
    output = loaddemo()

    for username, password, *_ in DEMO_USERS:
        assert f"{username} " in output and password in output
        assert client.login(request=HttpRequest(), username=username, password=password), username
        assert client.get("/admin/").status_code == 200
        client.logout()


def test_running_loaddemo_twice_creates_no_duplicates(loaddemo, client):
    loaddemo()
    before = counts()

    loaddemo()

    assert counts() == before
    section = Section.objects.get(page__slug=DRAFT_EDIT_PAGE, anchor=DRAFT_EDIT_ANCHOR)
    assert section.body.count(DRAFT_EDIT_TEXT) == 1
    assert client.login(request=HttpRequest(), username="editor", password="demo-editor-2026")


def test_loaddemo_is_refused_when_debug_is_off(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("loaddemo", stdout=StringIO())

    assert not get_user_model().objects.exists()
    assert not Page.objects.exists()


def test_loaddemo_runs_with_debug_off_when_forced(db, settings):
    settings.DEBUG = False

    call_command("loaddemo", "--force", stdout=StringIO(), stderr=StringIO())

    assert PublishedPage.objects.current().count() >= 3


def test_published_demo_pages_render_with_expandable_items(loaddemo, client):
    loaddemo()

    for publication in PublishedPage.objects.current():
        assert client.get(publication.get_absolute_url()).status_code == 200
    html = client.get("/info/secondary-breast-cancer/").content.decode()
    assert "<details>" in html and "<summary>Bone scan</summary>" in html
    assert "<table>" in html


def test_draft_only_demo_page_is_not_found(loaddemo, client):
    loaddemo()
    page = Page.objects.get(slug="ct-scan")

    response = client.get(page.get_absolute_url())

    assert response.status_code == 404
    assert b"computed tomography" not in response.content


@pytest.mark.parametrize("runs", [1, 2])
def test_demo_draft_edit_is_not_shown_to_readers(loaddemo, client, runs):
    for _ in range(runs):
        loaddemo()
    section = Section.objects.get(page__slug=DRAFT_EDIT_PAGE, anchor=DRAFT_EDIT_ANCHOR)
    assert DRAFT_EDIT_TEXT in section.body

    html = client.get(section.page.get_absolute_url()).content.decode()

    assert "Hormone therapy lowers the level of oestrogen" in html
    assert "antibody-drug conjugate" not in html


def test_overdue_demo_page_shows_the_review_notice(loaddemo, client):
    loaddemo()

    assert OVERDUE_NOTICE in client.get("/info/tiredness-fatigue/").content.decode()


def test_demo_draft_edit_waits_for_the_medical_reviewer(loaddemo, client):
    loaddemo()
    loaddemo()  # once only

    change = ChangeRequest.objects.get(page__slug=DRAFT_EDIT_PAGE)
    assert change.state == ChangeRequest.State.IN_REVIEW
    assert client.login(
        request=HttpRequest(), username="medreviewer", password="demo-medreviewer-2026"
    )
    dashboard = client.get(reverse("reviews:dashboard")).content.decode()
    assert change.get_absolute_url() in dashboard
    assert DRAFT_EDIT_TEXT in client.get(change.get_absolute_url()).content.decode()


def test_the_demo_editor_looks_after_the_demo_pages(settings, db):
    settings.DEBUG = True
    call_command("loaddemo", stdout=StringIO())

    editor = get_user_model().objects.get(username="editor")
    assert Page.objects.exists()
    assert not Page.objects.exclude(owner=editor).exists()


def test_the_demo_has_welsh_easy_read_and_right_to_left_versions_marked_as_examples(
    loaddemo, client
):
    loaddemo()

    welsh = client.get("/cy/info/secondary-breast-cancer-cy/").content.decode()
    easy_read = client.get("/easy-read/info/secondary-breast-cancer-easy-read/").content.decode()
    urdu = client.get("/ur/info/secondary-breast-cancer-ur/").content.decode()
    assert '<html lang="cy">' in welsh and "nid cyfieithiad wedi’i adolygu" in welsh
    assert "An easy read reviewer has not checked it" in easy_read
    assert '<html lang="ur" dir="rtl">' in urdu and "نظرثانی شدہ ترجمہ نہیں" in urdu
    english = client.get("/info/secondary-breast-cancer/").content.decode()
    assert 'lang="cy">Cymraeg</a>' in english and ">Easy read</a>" in english
