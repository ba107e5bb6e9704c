"""A re-certification of the seed page in a real browser (issue 17): the medical reviewer
reads and ticks every section, leaves and comes back to find their ticks kept, and
approves; their page then says what they approved and when, with no form; the lay reviewer
does the same; a publisher publishes it. axe-core on every screen; screenshots at 1280 and
375 pixels wide; an 11-section full review reads in one column at 375 (no sideways
scrolling outside tables)."""

import re

import pytest
from playwright.sync_api import expect

from infopages.models import Page, Section
from reviews import services
from reviews.models import ChangeRequest, ReadingProgress
from tests.browser.conftest import Reader
from tests.browser.test_rereview import clean, shoot
from tests.browser.test_workspace_flow import sign_in

pytestmark = pytest.mark.browser

SLUG = "secondary-breast-cancer"
WIDE_TABLE = (
    "| Treatment | How it is given | How often | Common side effects | What to tell your team |\n"
    "|---|---|---|---|---|\n"
    "| Capecitabine | Tablets taken at home twice a day | Two weeks on, one week off "
    "| Sore hands and feet, diarrhoea | A temperature over 37.5°C straight away |\n"
)


def recertification(demo, *, extra_sections=()) -> ChangeRequest:
    editor = demo["editor"]
    change = services.start_change(
        page=Page.objects.get(slug=SLUG),
        by=editor,
        summary="Due for its review.",
        is_full_review=True,
    )
    for heading, body in extra_sections:
        services.edit_in_change(
            change=change,
            obj=Section(page=change.page, heading=heading, body=body),
            by=editor,
            comment="Added",
        )
    return services.submit_for_review(change=change, by=editor)


def read_and_tick(tab: Reader, sections: int, *, first: int = 0, last: int | None = None):
    """Tick sections ``first`` to ``last`` as read, each after scrolling its text into view."""
    page = tab.page
    whole = page.get_by_role("region", name="The whole page, as readers will see it")
    read = whole.locator("section.read-section")
    expect(read).to_have_count(sections)
    for index in range(first, sections if last is None else last):
        section = read.nth(index)
        section.locator(".read-text").scroll_into_view_if_needed()
        expect(section.locator(".read-text")).to_be_visible()
        section.get_by_role("checkbox").check()
        expect(page.locator("[data-read-status]")).to_have_text(
            f"Kept: {index + 1} of {sections} sections read."
        )


def approve(tab: Reader) -> None:
    page = tab.page
    page.get_by_role("radio", name="Approve: this is accurate and ready").check()
    page.get_by_role("button", name="Send my decision").click()
    expect(page.locator(".messages")).to_contain_text("Thank you: your decision has been recorded.")


def test_a_recertification_of_the_seed_page_walked_by_both_reviewers_to_publication(
    demo, tab, artifacts
):
    change = recertification(demo)
    sections = Page.objects.get(slug=SLUG).sections.count()

    # The medical reviewer reads the first few sections and leaves.
    md = tab()
    sign_in(md, demo["medic"])
    md.open(change.get_absolute_url())
    page = md.page
    expect(page.locator(".changes")).to_contain_text("this full review confirms the page as it is")
    whole = page.get_by_role("region", name="The whole page, as readers will see it")
    # Every section's text as readers will see it: its table, its expandable items.
    expect(whole.locator(".read-text table")).to_have_count(1)
    expect(whole.locator(".read-text details > summary").first).to_be_visible()
    expect(
        whole.get_by_text("Last signed off in a full review: not yet in the portal.")
    ).to_have_count(sections)
    read_and_tick(md, sections, last=3)
    clean(md, "full review, three sections ticked")
    heights = shoot(md, artifacts, "full-review-reading")

    # They come back later: their ticks are kept, the count too.
    md.open(change.get_absolute_url())
    expect(page.locator("[data-read-tick]:checked")).to_have_count(3)
    expect(page.locator("[data-read-count]")).to_have_text("3")
    read_and_tick(md, sections, first=3)
    approve(md)
    state = page.locator(".state-box")
    expect(state).to_contain_text(
        re.compile(r"You approved this on \d+ \w+ at \d\d:\d\d; waiting for 1 lay reviewer\.")
    )
    expect(page.get_by_role("button", name="Send my decision")).to_have_count(0)
    expect(page.locator("[data-read-tick]")).to_have_count(0)
    clean(md, "full review, approved by the medical reviewer")
    shoot(md, artifacts, "full-review-medic-approved")

    # The lay reviewer, on a phone.
    lay = tab(width=375, height=812)
    sign_in(lay, demo["lay"])
    lay.open(change.get_absolute_url())
    expect(lay.page.locator(".call-to-action")).to_contain_text("Your sign-off is needed")
    read_and_tick(lay, sections)
    assert lay.page.evaluate("document.documentElement.scrollWidth") <= 375
    approve(lay)
    expect(lay.page.locator(".state-box")).to_contain_text("Approved: it has every sign-off")
    clean(lay, "full review, approved by the lay reviewer")

    # The publisher publishes it.
    pub = tab()
    sign_in(pub, demo["publisher"])
    pub.open(change.get_absolute_url())
    pub.page.get_by_role("link", name="Publish now").click()
    pub.page.get_by_role("button", name=re.compile("Publish")).click()
    expect(pub.page.locator(".messages")).to_contain_text("Published: readers now see")
    change.refresh_from_db()
    assert change.state == ChangeRequest.State.PUBLISHED
    kept = ReadingProgress.objects.filter(change=change).order_by("id")
    assert [len(progress.sections) for progress in kept] == [sections, sections]
    assert heights[375] > heights[1280]


def test_an_eleven_section_full_review_reads_in_one_column_on_a_phone(demo, tab, artifacts):
    change = recertification(
        demo,
        extra_sections=[
            ("Treatments at a glance", WIDE_TABLE),
            ("Where to find support", "Our nurses answer the helpline on 0808 800 6000."),
        ],
    )
    md = tab(width=375, height=812)
    sign_in(md, demo["medic"])
    md.open(change.get_absolute_url())
    page = md.page

    read = page.locator("section.read-section")
    expect(read).to_have_count(11)
    expect(page.locator("section.read-section--added")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # Only a table may be wider than the screen, inside its own scrolling box.
    wider = page.evaluate(
        """() => [...document.querySelectorAll('.whole-page *')]
            .filter(el => !el.closest('table') && el.getBoundingClientRect().right > 376)
            .map(el => el.tagName + '.' + el.className)"""
    )
    assert wider == []
    clean(md, "an 11-section full review at 375 pixels")
    page.screenshot(path=artifacts / "full-review-11-sections-375.png", full_page=True)
