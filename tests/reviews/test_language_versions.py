"""Language and easy read versions (issue 22): made from an exact English publication, signed
off by their language's reviewer, flagged and explained to readers when the English page moves
on, and served in their own language with lang, dir, hreflang and search of their own."""

import io
import re

import pytest
from django.contrib.auth.models import Group

from infopages.models import PublishedPage
from reviews import services
from reviews.core.errors import WorkflowError
from reviews.core.status import ReviewStatus
from reviews.versions import services as versions
from reviews.versions.selectors import outdated_versions
from tests.reviews.conftest import NEW_TEXT

WELSH_TEXT = "Canser sydd wedi lledaenu o’r fron i rannau eraill o’r corff."
WELSH_NOTICE = "Cafodd y fersiwn Saesneg o’r dudalen hon ei diweddaru ar"


@pytest.fixture
def welsh_reviewer(member):
    user = member("gwen", first_name="Gwen", last_name="Jones")
    user.groups.add(Group.objects.get(name="Welsh reviewers"))
    return user


@pytest.fixture
def urdu_reviewer(member):
    user = member("imran", first_name="Imran", last_name="Ali")
    user.groups.add(Group.objects.get(name="Urdu reviewers"))
    return user


@pytest.fixture
def translate(edit_section):
    """Replace the English text a version started with by its translation."""

    def do(change, *, by, title, text):
        page = change.page
        page.title = title
        services.edit_in_change(
            change=change,
            obj=page,
            by=by,
            comment="Translated the title",
            expected_lock_version=page.lock_version,
        )
        edit_section(change, "what-is-it", text, by=by, comment="Translated")
        return change

    return do


@pytest.fixture
def sign_and_publish(approve, publisher):
    def do(change, *reviewers, by):
        change = services.submit_for_review(change=change, by=by)
        for reviewer, role in reviewers:
            approve(change, reviewer, role=role)
        return services.publish(change=change, by=publisher)

    return do


@pytest.fixture
def welsh_version(live_page, author, welsh_reviewer, medic, translate, sign_and_publish):
    """The English page's Welsh version, translated, signed off and live."""
    change = versions.start_version(source=live_page, kind="cy", by=author)
    translate(change, by=author, title="Canser y fron eilaidd", text=WELSH_TEXT)
    sign_and_publish(change, (welsh_reviewer, "welsh"), (medic, "medical"), by=author)
    change.page.refresh_from_db()
    return change.page


@pytest.fixture
def english_change_published(live_page, author, medic, edit_section, sign_and_publish):
    """Publish a change to the English page's text."""

    def do(text=NEW_TEXT):
        change = services.start_change(page=live_page, by=author, summary="Clearer.")
        edit_section(change, "what-is-it", text, by=author)
        return sign_and_publish(change, (medic, "medical"), by=author)

    return do


def english_recertified(live_page, author, medic, lay, sign_and_publish):
    change = services.start_change(
        page=live_page, by=author, summary="Due for review.", is_full_review=True
    )
    return sign_and_publish(change, (medic, "medical"), (lay, "lay"), by=author)


def test_a_version_records_the_english_publication_it_was_made_from(live_page, welsh_version):
    english = live_page.publications.get(is_current=True)
    welsh = welsh_version.publications.get(is_current=True)

    assert welsh_version.source == live_page
    assert welsh_version.made_from == english
    assert (welsh.language, welsh.source_page_id, welsh.made_from_id) == (
        "cy",
        live_page.pk,
        english.pk,
    )
    assert welsh.get_absolute_url() == "/cy/info/secondary-breast-cancer-cy/"


def test_a_version_starts_from_the_english_text_as_published(live_page, author):
    change = versions.start_version(source=live_page, kind="easy-read", by=author)

    page = change.page
    assert change.is_full_review
    assert [s.body for s in page.sections.order_by("position")] == [
        s.body for s in live_page.sections.order_by("position")
    ]
    with pytest.raises(WorkflowError, match="already has a Easy read version"):
        versions.start_version(source=live_page, kind="easy-read", by=author)


def test_a_version_cannot_publish_without_its_language_sign_off(
    live_page, author, medic, approve, publisher, translate
):
    change = versions.start_version(source=live_page, kind="cy", by=author)
    translate(change, by=author, title="Canser y fron eilaidd", text=WELSH_TEXT)
    change = services.submit_for_review(change=change, by=author)
    approve(change, medic, role="medical")

    assert [str(role) for role in ReviewStatus(change).missing] == ["welsh"]
    with pytest.raises(WorkflowError):
        services.publish(change=change, by=publisher)
    assert not PublishedPage.objects.filter(page=change.page).exists()


def test_a_language_only_change_needs_the_language_reviewer_alone(
    welsh_version, author, edit_section
):
    change = services.start_change(page=welsh_version, by=author, summary="Typo.")
    edit_section(change, "what-is-it", WELSH_TEXT + " Diolch.", by=author)

    assert [str(role) for role in ReviewStatus(change).required] == ["welsh"]


def test_publishing_the_english_page_with_a_change_flags_its_versions_and_tells_readers(
    client, live_page, welsh_version, english_change_published
):
    assert WELSH_NOTICE not in client.get("/cy/info/secondary-breast-cancer-cy/").content.decode()

    english_change_published()

    page = client.get("/cy/info/secondary-breast-cancer-cy/").content.decode()
    assert WELSH_NOTICE in page
    assert (
        'href="/info/secondary-breast-cancer/" hreflang="en-GB">Darllenwch y fersiwn Saesneg'
        in (page)
    )
    [flagged] = outdated_versions()
    assert flagged.page == welsh_version
    assert WELSH_NOTICE not in client.get("/info/secondary-breast-cancer/").content.decode()


def test_a_recertification_of_the_english_page_flags_nothing(
    client, live_page, welsh_version, author, medic, lay, sign_and_publish
):
    english_recertified(live_page, author, medic, lay, sign_and_publish)

    assert live_page.publications.get(is_current=True).kind == PublishedPage.Kind.RECERTIFIED
    assert outdated_versions() == []
    assert WELSH_NOTICE not in client.get("/cy/info/secondary-breast-cancer-cy/").content.decode()


def test_updating_and_publishing_the_version_clears_the_flag_and_the_notice(
    client,
    welsh_version,
    author,
    welsh_reviewer,
    medic,
    edit_section,
    sign_and_publish,
    english_change_published,
):
    english_change_published()
    change = services.start_change(page=welsh_version, by=author, summary="Follow the English.")
    edit_section(change, "what-is-it", WELSH_TEXT + " Mae’n dal yn ganser y fron.", by=author)
    versions.follow_source(change=change, by=author)

    # It now follows other English text: a medical reviewer signs that off too.
    assert [str(role) for role in ReviewStatus(change).required] == ["medical", "welsh"]
    change_page = client_for(client, author).get(change.get_absolute_url()).content.decode()
    assert "What the English page changed since this version was made" not in change_page
    sign_and_publish(change, (welsh_reviewer, "welsh"), (medic, "medical"), by=author)

    assert outdated_versions() == []
    assert WELSH_NOTICE not in client.get("/cy/info/secondary-breast-cancer-cy/").content.decode()


def test_the_change_page_of_an_update_shows_what_the_english_page_changed(
    client, welsh_version, author, english_change_published
):
    english_change_published()
    change = services.start_change(page=welsh_version, by=author, summary="Follow the English.")

    page = client_for(client, author).get(change.get_absolute_url()).content.decode()

    assert "What the English page changed since this version was made" in page
    assert "has spread to other parts of the body" in page  # the English text's new words
    assert "This version now follows the English page live now" in page


def client_for(client, user):
    client.force_login(user)
    return client


def test_lang_dir_and_hreflang_on_both_pages(client, live_page, welsh_version, settings):
    site = settings.SITE_URL
    english = client.get("/info/secondary-breast-cancer/").content.decode()
    welsh = client.get("/cy/info/secondary-breast-cancer-cy/").content.decode()

    assert '<html lang="en-GB">' in english
    assert '<html lang="cy">' in welsh
    for page in (english, welsh):
        assert (
            f'<link rel="alternate" hreflang="cy" '
            f'href="{site}/cy/info/secondary-breast-cancer-cy/">' in page
        )
        assert (
            f'<link rel="alternate" hreflang="en-GB" '
            f'href="{site}/info/secondary-breast-cancer/">' in page
        )
        assert f'hreflang="x-default" href="{site}/info/secondary-breast-cancer/"' in page
    assert 'lang="cy">Cymraeg</a>' in english  # the switcher names each in itself
    assert 'lang="en-GB">English</a>' in welsh
    assert "<dt>Dyddiad adolygu</dt>" in welsh  # the chrome in Welsh
    assert "<dt>Date reviewed</dt>" in english


def test_a_right_to_left_version_says_so(
    client, live_page, author, urdu_reviewer, medic, translate, sign_and_publish
):
    change = versions.start_version(source=live_page, kind="ur", by=author)
    translate(change, by=author, title="چھاتی کا ثانوی کینسر", text="کینسر جو پھیل گیا ہے۔")
    sign_and_publish(change, (urdu_reviewer, "urdu"), (medic, "medical"), by=author)

    page = client.get("/ur/info/secondary-breast-cancer-ur/").content.decode()

    assert '<html lang="ur" dir="rtl">' in page
    assert (
        'lang="ur" dir="rtl">اردو</a>'
        in client.get("/info/secondary-breast-cancer/").content.decode()
    )


def test_a_version_is_only_at_its_own_address(client, welsh_version):
    assert client.get("/info/secondary-breast-cancer-cy/")["Location"] == (
        "/cy/info/secondary-breast-cancer-cy/"
    )
    assert client.get("/ur/info/secondary-breast-cancer-cy/").status_code == 301
    assert client.get("/cy/info/secondary-breast-cancer/")["Location"] == (
        "/info/secondary-breast-cancer/"
    )
    assert client.get("/xx/info/secondary-breast-cancer/").status_code == 404


def test_search_in_welsh_finds_the_welsh_page_and_not_the_english(client, welsh_version):
    welsh = client.get("/cy/search/", {"q": "lledaenu"}).content.decode()
    english = client.get("/search/", {"q": "lledaenu"}).content.decode()
    welsh_for_english_words = client.get("/cy/search/", {"q": "spread"}).content.decode()

    assert '<a href="/cy/info/secondary-breast-cancer-cy/' in welsh
    assert '<html lang="cy">' in welsh
    assert "secondary-breast-cancer-cy" not in english
    assert "/info/secondary-breast-cancer/" not in welsh_for_english_words
    assert (
        "/info/secondary-breast-cancer/" in client.get("/search/", {"q": "spread"}).content.decode()
    )


def test_version_pages_and_their_search_are_served_in_at_most_four_queries(
    client, welsh_version, english_change_published, django_assert_max_num_queries
):
    english_change_published()
    with django_assert_max_num_queries(4):
        response = client.get("/cy/info/secondary-breast-cancer-cy/")
    assert WELSH_NOTICE in response.content.decode()
    with django_assert_max_num_queries(4):
        english = client.get("/info/secondary-breast-cancer/")
    assert 'lang="cy">Cymraeg</a>' in english.content.decode()
    with django_assert_max_num_queries(4):
        found = client.get("/cy/search/", {"q": "lledaenu"})
    assert "/cy/info/secondary-breast-cancer-cy/" in found.content.decode()


def test_publishing_a_version_refreshes_the_english_page_switcher(
    client, live_page, author, welsh_reviewer, medic, translate, sign_and_publish
):
    assert "Cymraeg" not in client.get("/info/secondary-breast-cancer/").content.decode()
    change = versions.start_version(source=live_page, kind="cy", by=author)
    translate(change, by=author, title="Canser y fron eilaidd", text=WELSH_TEXT)
    sign_and_publish(change, (welsh_reviewer, "welsh"), (medic, "medical"), by=author)

    assert "Cymraeg" in client.get("/info/secondary-breast-cancer/").content.decode()


def test_the_api_and_the_feed_by_language(client, welsh_version):
    welsh = client.get("/api/pages/", {"language": "cy"}).json()
    english = client.get("/api/pages/").json()
    feed = client.get("/cy/feeds/updated/").content.decode()

    assert [(p["slug"], p["lang"]) for p in welsh["results"]] == [
        ("secondary-breast-cancer-cy", "cy")
    ]
    assert [p["slug"] for p in english["results"]] == ["secondary-breast-cancer"]
    assert "Canser y fron eilaidd" in feed
    assert 'xml:lang="cy"' in feed
    assert "Canser y fron eilaidd" not in client.get("/feeds/updated/").content.decode()


def test_plain_english_is_not_scored_for_welsh(client, live_page, author, edit_section):
    change = versions.start_version(source=live_page, kind="cy", by=author)
    edit_section(change, "what-is-it", WELSH_TEXT, by=author)

    page = client_for(client, author).get(change.get_absolute_url()).content.decode()

    assert "not scored for this language" in page
    assert not re.search(r"reading age <strong>", page)


def test_starting_a_version_from_the_page_screen(client, live_page, author):
    history = client_for(client, author).get(f"/reviews/pages/{live_page.pk}/history/")
    assert 'name="kind"' in history.content.decode()

    response = client.post(f"/reviews/pages/{live_page.pk}/versions/start/", {"kind": "cy"})

    version = live_page.versions.get()
    assert response["Location"] == version.change_requests.get().get_absolute_url()
    assert version.version_kind == "cy"


def test_only_editors_start_versions(client, live_page, medic):
    response = client_for(client, medic).post(
        f"/reviews/pages/{live_page.pk}/versions/start/", {"kind": "cy"}
    )

    assert response.status_code == 403
    assert not live_page.versions.exists()


def test_the_sitemap_lists_each_language_with_its_alternates(client, welsh_version, settings):
    sitemap = client.get("/sitemap-pages.xml").content.decode()

    welsh = f"{settings.SITE_URL}/cy/info/secondary-breast-cancer-cy/"
    english = f"{settings.SITE_URL}/info/secondary-breast-cancer/"
    assert f"<loc>{welsh}</loc>" in sitemap
    assert sitemap.count(f'hreflang="cy" href="{welsh}"') == 2  # under both pages
    assert sitemap.count(f'hreflang="en-GB" href="{english}"') == 2


def test_the_chrome_is_translated_for_each_language_with_a_catalogue():
    from django.utils import translation

    for lang, expected in [
        ("cy", "Dyddiad adolygu"),
        ("ur", "جائزے کی تاریخ"),
        ("pl", "Data przeglądu"),
    ]:
        with translation.override(lang):
            assert translation.gettext("Date reviewed") == expected


def test_a_version_page_searches_in_its_own_language(client, welsh_version):
    page = client.get("/cy/info/secondary-breast-cancer-cy/").content.decode()

    assert 'action="/cy/search/"' in page


def test_the_dashboard_lists_versions_whose_english_page_moved_on(
    client, live_page, welsh_version, author, english_change_published
):
    live_page.owner = author
    live_page.save(update_fields=["owner"])
    type(welsh_version).objects.filter(pk=welsh_version.pk).update(owner=author)
    dashboard = client_for(client, author).get("/reviews/").content.decode()
    assert "Versions to bring up to date" not in dashboard

    english_change_published()

    dashboard = client.get("/reviews/").content.decode()
    assert "Versions to bring up to date" in dashboard
    assert "Canser y fron eilaidd (Welsh)" in dashboard


def test_each_compiled_catalogue_says_what_its_po_file_says():
    """The ``.mo`` files are committed: one not compiled after its ``.po`` changed fails."""
    import ast
    import gettext
    from pathlib import Path

    from django.conf import settings

    for po in sorted((Path(settings.BASE_DIR) / "locale").glob("*/LC_MESSAGES/django.po")):
        lines = [line for line in po.read_text().splitlines() if line.startswith("msg")]
        pairs = zip(lines[0::2], lines[1::2], strict=True)
        expected = {
            ast.literal_eval(i.removeprefix("msgid ")): ast.literal_eval(s.removeprefix("msgstr "))
            for i, s in pairs
        }
        expected.pop("")
        with po.with_suffix(".mo").open("rb") as mo:
            compiled = gettext.GNUTranslations(mo)
        assert {msgid: compiled.gettext(msgid) for msgid in expected} == expected, po


def test_the_calendar_lists_versions_whose_english_page_moved_on(
    client, welsh_version, author, english_change_published
):
    english_change_published()

    calendar = client_for(client, author).get("/reviews/calendar/").content.decode()

    assert "Versions to bring up to date" in calendar
    assert "Canser y fron eilaidd (Welsh)" in calendar


def test_the_owner_of_an_out_of_date_version_is_reminded_once(
    welsh_version, author, english_change_published, mailoutbox, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    from reviews.core.notifications import set_frequency
    from reviews.models import Frequency

    type(welsh_version).objects.filter(pk=welsh_version.pk).update(owner=author)
    set_frequency(user=author, frequency=Frequency.IMMEDIATE)
    english_change_published()
    mailoutbox.clear()

    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_review_reminders", stdout=io.StringIO())

    [email] = [e for e in mailoutbox if "Version to bring up to date" in e.subject]
    assert email.subject == (
        "Version to bring up to date: Canser y fron eilaidd (Welsh) (the English page changed)"
    )
    assert email.to == [author.email]
    assert "This version now follows the English page live now" in email.body


def test_a_welsh_page_takes_feedback_in_welsh(client, welsh_version):
    form = client.get("/info/secondary-breast-cancer-cy/feedback/", {"helpful": "yes"})
    refused = client.post("/info/secondary-breast-cancer-cy/feedback/", {"comment": "Da"})
    thanks = client.post(
        "/info/secondary-breast-cancer-cy/feedback/", {"helpful": "yes"}, follow=True
    )

    assert '<html lang="cy">' in form.content.decode()
    assert "Dywedwch fwy wrthym (dewisol)" in form.content.decode()
    assert "Dewiswch oedd neu nac oedd." in refused.content.decode()
    assert "Diolch am eich adborth" in thanks.content.decode()
