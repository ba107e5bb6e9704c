"""Editing everything on a page inside a change, in a real browser: the reference editor, the
section-order screen (keyboard only: Move up / Move down, focus stays on the part moved), the
topic, address, related pages and resource screens, and a conflict. axe-core finds nothing on
any of them (of any impact), at 1280 and 375 pixels wide, and no screen scrolls sideways on a
phone. A wide table on a public page scrolls inside its own box."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from playwright.sync_api import expect

from infopages.models import Page, Reference, Resource, Section
from reviews import services
from reviews.core import policy
from reviews.models import ChangeRequest
from tests.browser.conftest import RECORD_CSP_VIOLATIONS, Reader
from tests.browser.test_workspace_flow import PASSWORD, focused

pytestmark = pytest.mark.browser

TITLE = "Secondary breast cancer"
ALL_IMPACTS = ("minor", "moderate", "serious", "critical")


@pytest.fixture
def editing(live_server, transactional_db, make_user, make_page, publish):
    """A live page with three sections, a reference and a booklet, two other pages, and an
    editor and a second editor."""
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in policy.WORKFLOW_GROUPS}
    editor = make_user("erin", first_name="Erin", last_name="Editor", is_staff=True)
    other = make_user("sam", first_name="Sam", last_name="Second", is_staff=True)
    for person in (editor, other):
        person.groups.add(groups[policy.EDITORS])
    cache.clear()
    page = make_page(
        title=TITLE,
        sections=[
            ("What is it?", "Cancer that has spread."),
            ("Symptoms", "Pain that lasts."),
            ("Treatment", "Drugs that slow it down."),
        ],
    )
    Reference.objects.create(
        page=page, citation="NICE. Advanced breast cancer (NG101). 2017.", url="https://nice.org.uk"
    )
    Resource.objects.create(page=page, title="Our booklet", url="https://example.org/booklet")
    publish(page)
    make_page(slug="bone-scan", title="Bone scan")
    make_page(slug="living-with-it", title="Living with secondary breast cancer")
    yield {"editor": editor, "other": other, "page": page}
    cache.clear()


@pytest.fixture
def editor_tab(chromium, live_server, editing):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    tab = Reader(context.new_page(), live_server.url)
    page = tab.page
    tab.open("/reviews/")
    page.get_by_label("Username").fill("erin")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("form:has(input[type=password]) [type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your workspace")
    yield tab
    context.close()


def clean(tab: Reader, what: str) -> None:
    """No axe-core violation of any impact, at 1280 and 375 pixels; nothing blocked by the
    CSP, no console errors, nothing from elsewhere; no sideways scrolling on a phone."""
    for width in (1280, 375):
        tab.page.set_viewport_size({"width": width, "height": 900})
        violations = tab.axe_violations(impacts=ALL_IMPACTS)
        assert violations == [], f"{what} at {width}px: {violations}"
        scroll_width = tab.page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{what} scrolls sideways at {width}px"
    tab.page.set_viewport_size({"width": 1280, "height": 900})
    assert tab.csp_violations() == [], f"{what}: CSP blocked something"
    assert tab.console_errors == [], f"{what}: {tab.console_errors}"
    assert tab.foreign_requests == [], f"{what}: loaded from elsewhere"


def screenshots(tab: Reader, artifacts, name: str) -> None:
    for width in (1280, 375):
        tab.page.set_viewport_size({"width": width, "height": 900})
        tab.page.screenshot(path=artifacts / f"{name}-{width}.png", full_page=True)
    tab.page.set_viewport_size({"width": 1280, "height": 900})


def start_change(tab: Reader) -> str:
    page = tab.page
    page.get_by_label("Page", exact=True).fill(TITLE)
    page.get_by_role("button", name="Start a change").click()
    expect(page.locator(".messages")).to_contain_text(f"Started a change request for “{TITLE}”")
    return page.url


def test_editor_edits_references_and_resources(editor_tab, editing, artifacts):
    tab, page = editor_tab, editor_tab.page
    change_url = start_change(tab)
    clean(tab, "change page with the edit panel")

    page.get_by_role("link", name="Add a reference").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a reference")
    page.get_by_label("Citation").fill("Cancer Research UK. Secondary breast cancer. 2025.")
    page.get_by_label("Link (optional)").fill("https://www.cancerresearchuk.org/")
    page.get_by_label("Accessed (optional)").fill("2099-01-01")  # the date picker's value
    page.get_by_label("What did you change?").fill("Add CRUK")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errorlist")).to_have_text("The accessed date cannot be in the future.")
    expect(page.get_by_label("Citation")).to_have_value(
        "Cancer Research UK. Secondary breast cancer. 2025."
    )
    clean(tab, "reference editor with an error")
    screenshots(tab, artifacts, "reference-editor")
    page.get_by_label("Accessed (optional)").fill("2025-07-14")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Added the reference “Cancer Research UK.")
    assert page.url.startswith(change_url)
    added = Reference.objects.get(citation__startswith="Cancer Research UK")
    assert added.accessed_on.isoformat() == "2025-07-14"

    page.get_by_role("link", name=re.compile("^Edit the reference “NICE")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit a reference")
    page.get_by_text("Remove “NICE. Advanced breast cancer").click()
    clean(tab, "reference editor with its remove panel open")

    page.goto(change_url)
    page.get_by_role("link", name="Add a booklet or resource").click()
    clean(tab, "resource editor")
    page.get_by_label("Title").fill("Living with secondary breast cancer: our guide")
    page.get_by_label("Link", exact=True).fill("https://example.org/guide")
    page.get_by_label("What did you change?").fill("Add the guide")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Added the booklet or resource")


def test_a_reference_saved_meanwhile_shows_both_and_keeps_mine(editor_tab, editing):
    tab, page = editor_tab, editor_tab.page
    start_change(tab)
    page.get_by_role("link", name=re.compile("^Edit the reference “NICE")).click()
    page.get_by_label("Citation").fill("NICE. NG101, updated 2024.")
    page.get_by_label("What did you change?").fill("Updated edition")
    # Sam saves the same reference first.
    change = ChangeRequest.objects.get(page=editing["page"])
    theirs = Reference.objects.get(page=editing["page"])
    theirs.url = "https://www.nice.org.uk/guidance/ng101"
    services.edit_in_change(
        change=change,
        obj=theirs,
        by=editing["other"],
        comment="Fuller link",
        expected_lock_version=theirs.lock_version,
    )

    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".error-summary")).to_contain_text("Sam Second saved this")
    expect(page.get_by_label("Citation")).to_have_value("NICE. NG101, updated 2024.")
    expect(page.locator(".theirs")).to_contain_text("https://www.nice.org.uk/guidance/ng101")
    clean(tab, "reference conflict")


def test_editor_puts_the_sections_in_order_with_the_keyboard(editor_tab, editing, artifacts):
    tab, page = editor_tab, editor_tab.page
    change_url = start_change(tab)
    page.get_by_role("link", name="Change the order of the sections").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Put the sections in order")
    clean(tab, "section order")

    # Keyboard only: Enter on "Move down", and focus stays with the section moved.
    page.get_by_role("button", name="Move down “What is it?”").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("“What is it?” is now number 2 of 3.")
    assert focused(page)["text"].startswith("Move down")
    expect(page.get_by_role("button", name="Move down “What is it?”")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("“What is it?” is now number 3 of 3.")
    # At the bottom it can only move up: focus moves to that button.
    expect(page.get_by_role("button", name="Move up “What is it?”")).to_be_focused()
    items = page.locator(".order-item .order-name")
    expect(items).to_have_text(["Symptoms Moved", "Treatment Moved", "What is it? Moved"])
    clean(tab, "section order, moved, not saved")
    screenshots(tab, artifacts, "section-order")
    # Nothing is saved until the editor says so.
    assert list(
        Section.objects.filter(page=editing["page"])
        .order_by("position")
        .values_list("heading", flat=True)
    ) == ["What is it?", "Symptoms", "Treatment"]

    page.get_by_label("Why change the order?").fill("Definitions last")
    page.get_by_role("button", name="Save the new order").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("Saved the new order of the sections.")
    assert page.url.startswith(change_url)
    assert list(
        Section.objects.filter(page=editing["page"])
        .order_by("position")
        .values_list("heading", flat=True)
    ) == ["Symptoms", "Treatment", "What is it?"]


def test_editor_changes_the_topic_address_and_related_pages(editor_tab, editing):
    tab, page = editor_tab, editor_tab.page
    change_url = start_change(tab)

    page.get_by_role("link", name="Change the topic").click()
    clean(tab, "topic")
    page.goto(change_url)

    page.get_by_role("link", name="Change the address").click()
    expect(page.locator(".aside-note")).to_contain_text("will be sent on to the new one")
    page.get_by_label("Address").fill("bone-scan")
    page.get_by_label("What did you change?").fill("Shorter")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errorlist")).to_contain_text("Another page, “Bone scan”")
    clean(tab, "address with an error")
    page.get_by_label("Address").fill("metastatic-breast-cancer")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Saved the page's new address.")

    page.get_by_role("link", name="Choose related pages").click()
    clean(tab, "related pages")
    page.get_by_label("Add a related page (optional)").fill("Bone scan")
    page.get_by_label("What did you change?").fill("Point to the scan")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Saved the related pages.")
    saved = Page.objects.get(pk=editing["page"].pk)
    assert saved.slug == "metastatic-breast-cancer"
    assert [p.title for p in saved.related_pages.all()] == ["Bone scan"]
    expect(page.locator(".edit-list")).to_contain_text("/info/metastatic-breast-cancer/")
    clean(tab, "change page after editing the page's details")


def test_a_wide_table_scrolls_in_its_own_box_on_a_phone(
    chromium, live_server, transactional_db, make_page, publish, artifacts
):
    cache.clear()
    columns = ["Treatment", "Chemotherapy", "Immunotherapy", "Radiotherapy", "Hormone therapy"]
    table = "| " + " | ".join(columns) + " |\n|" + " --- |" * len(columns) + "\n"
    table += "| " + " | ".join(f"Often given as {c.lower()}" for c in columns) + " |\n"
    publish(make_page(slug="treatments", title="Treatments", sections=[("Compared", table)]))
    context = chromium.new_context(viewport={"width": 375, "height": 812}, locale="en-GB")
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    reader = Reader(context.new_page(), live_server.url)
    try:
        reader.open("/info/treatments/")
        page = reader.page
        box = page.locator("main table")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        assert box.evaluate("t => t.scrollWidth > t.clientWidth")  # it scrolls inside itself
        cells = box.locator("th")
        assert cells.evaluate_all("cs => cs.every(c => c.scrollWidth <= c.clientWidth)")
        expect(box).to_have_attribute("tabindex", "0")
        expect(box).to_have_attribute(
            "aria-label",
            "Table of Treatment, Chemotherapy, Immunotherapy, Radiotherapy (scrolls sideways)",
        )
        box.focus()
        page.keyboard.press("ArrowRight")
        for _ in range(100):  # scrolling may be smooth: wait until it has moved at all
            if box.evaluate("t => t.scrollLeft") > 0:
                break
            page.wait_for_timeout(20)
        assert box.evaluate("t => t.scrollLeft") > 0
        page.screenshot(path=artifacts / "public-wide-table-375.png", full_page=True)
        assert reader.axe_violations(impacts=ALL_IMPACTS) == []
        page.set_viewport_size({"width": 1280, "height": 900})
        expect(box).not_to_have_attribute("tabindex", "0")  # fits now: no tab stop
    finally:
        context.close()
        cache.clear()
