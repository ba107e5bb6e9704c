"""Language versions in a real browser: the right-to-left Urdu example at 375 pixels wide
mirrors (nothing runs off the screen, the notice's edge on the right), axe-core finds nothing,
and the switcher leads to the English page and back. Screenshots in test-artifacts/."""

import pytest
from django.contrib.auth.models import Group

from portal.demo_versions import publish_demo_versions
from reviews import services
from tests.browser.test_public_accessibility import assert_clean

pytestmark = pytest.mark.browser

URDU = "/ur/info/secondary-breast-cancer-ur/"
WELSH = "/cy/info/secondary-breast-cancer-cy/"


@pytest.fixture
def with_versions(demo, make_user):
    """The demo's versions, published through the workflow; then the English page changed,
    so the versions' readers are told the English page was updated."""
    reviewer = make_user("rhian", first_name="Rhian", last_name="Pryce")
    reviewer.groups.add(
        *Group.objects.filter(name__in=["Welsh reviewers", "Urdu reviewers", "Easy read reviewers"])
    )
    published = publish_demo_versions(
        editor=demo["editor"],
        medic=demo["medic"],
        language_reviewer=reviewer,
        publisher=demo["publisher"],
    )
    assert len(published) == 3
    return demo


def _change_english(demo):
    english = published_page("secondary-breast-cancer")
    change = services.start_change(page=english, by=demo["editor"], summary="Clearer.")
    section = english.sections.get(anchor="symptoms")
    section.body += "\n\nSee your GP if you are worried."
    services.edit_in_change(
        change=change,
        obj=section,
        by=demo["editor"],
        comment="GP",
        expected_lock_version=section.lock_version,
    )
    change = services.submit_for_review(change=change, by=demo["editor"])
    services.sign_off(
        change=change,
        reviewer=demo["medic"],
        role="medical",
        decision="approve",
        seen_hash=change.content_hash,
    )
    services.publish(change=change, by=demo["publisher"])


def published_page(slug):
    from infopages.models import Page

    return Page.objects.get(slug=slug)


def test_a_right_to_left_version_at_375_pixels_is_mirrored_and_accessible(
    with_versions, tab, artifacts
):
    _change_english(with_versions)
    reader = tab(width=375, height=800)
    reader.open(URDU)
    page = reader.page

    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ur"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    notice = page.locator(".notice-outdated")
    assert "اس صفحے کا انگریزی ورژن" in notice.inner_text()
    # Mirrored: the notice's thick edge (border-inline-start) is on the right.
    edges = notice.evaluate(
        "n => [getComputedStyle(n).borderRightWidth, getComputedStyle(n).borderLeftWidth]"
    )
    assert edges == ["6px", "0px"]
    page.screenshot(path=artifacts / "version-urdu-375.png", full_page=True)
    assert_clean(reader, "Urdu version at 375 px")

    page.get_by_role("link", name="انگریزی ورژن پڑھیں").click()
    assert page.url.endswith("/info/secondary-breast-cancer/")
    assert page.locator("html").get_attribute("dir") is None
    page.locator(".versions").get_by_role("link", name="Cymraeg").click()
    assert page.url.endswith(WELSH)
    page.screenshot(path=artifacts / "version-welsh-375.png", full_page=True)
    assert_clean(reader, "Welsh version at 375 px")
