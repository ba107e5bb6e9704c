"""Reviewing a change in a real browser, as a busy consultant would: a one-sentence change
inside an expandable item reads in one screenful, with the item opened in the preview; and
an edit slipped in after their approval, under a misleading note, is the first thing they
see when asked to look again (finding 1 of issue 10). axe-core on every screen, and
screenshots at 1280 and 375 pixels wide."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from infopages.models import Page, Section
from reviews import services
from reviews.models import ChangeRequest, Decision
from tests.browser.conftest import Reader
from tests.browser.test_workspace_flow import sign_in

pytestmark = pytest.mark.browser

SLUG = "secondary-breast-cancer"
BONE_SCAN_OLD = "then a scan a few hours later."
BONE_SCAN_NEW = "then a scan 2 to 4 hours later."
SNEAKED = "Bone scans are completely safe for everyone."
MOST_HEIGHT = 1500  # a one-sentence change reads without long scrolling at 1280px


def clean(tab: Reader, what: str) -> None:
    """No axe-core violation of any impact, nothing blocked by the CSP, no console errors."""
    assert tab.axe_violations(impacts=("minor", "moderate", "serious", "critical")) == [], what
    assert tab.csp_violations() == [], f"{what}: CSP blocked something"
    assert tab.console_errors == [], f"{what}: {tab.console_errors}"
    assert tab.foreign_requests == [], f"{what}: loaded from elsewhere"


def shoot(tab: Reader, artifacts, name: str) -> dict:
    """Full-page screenshots at 1280 and 375 pixels wide; the heights, for the report."""
    page, heights = tab.page, {}
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900 if width > 400 else 812})
        page.screenshot(path=artifacts / f"{name}-{width}.png", full_page=True)
        heights[width] = page.evaluate("document.documentElement.scrollHeight")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    page.set_viewport_size({"width": 1280, "height": 900})
    return heights


def diagnosis_with(old: str, new: str) -> Section:
    section = Section.objects.get(page__slug=SLUG, heading="Diagnosis")
    assert old in section.body
    section.body = section.body.replace(old, new)
    return section


def change_in_review(demo) -> ChangeRequest:
    """The editor changes one sentence inside the "Bone scan" expandable item."""
    editor = demo["editor"]
    change = services.start_change(
        page=Page.objects.get(slug=SLUG), by=editor, summary="Say how long the wait is."
    )
    section = diagnosis_with(BONE_SCAN_OLD, BONE_SCAN_NEW)
    services.edit_in_change(
        change=change,
        obj=section,
        by=editor,
        comment="How long the wait is",
        expected_lock_version=section.lock_version,
    )
    return services.submit_for_review(change=change, by=editor)


def test_a_one_sentence_change_in_an_expandable_item_reads_in_one_screenful(demo, tab, artifacts):
    change = change_in_review(demo)
    md = tab()
    sign_in(md, demo["medic"])
    md.open(change.get_absolute_url())
    page = md.page

    changes = page.locator("section.changes")
    part = changes.locator("section.part")
    expect(part).to_have_count(1)
    changed = part.locator(".block--changed")
    expect(changed).to_have_count(1)
    expect(changed.locator(".block-label")).to_contain_text(
        "In “Bone scan” (an expandable item) · Paragraph"
    )
    expect(changed.locator("del")).to_have_text("[Removed: a few]")
    expect(changed.locator("ins")).to_have_text("[Added: 2 to 4]")
    # No markdown syntax in what reviewers read; it is one click away.
    assert "///" not in part.locator(".blocks").inner_text()
    source = part.locator("details.source-diff")
    expect(source.locator(".diff")).not_to_be_visible()
    # How it will look: the changed part, its expandable item open, one either side closed;
    # the whole section one click away.
    preview = part.locator(".part-preview > .preview")
    expect(preview.locator("details[open]")).to_have_count(1)
    expect(preview.locator("details[open] > summary")).to_have_text("Bone scan")
    expect(preview.locator("details[open] p.changed")).to_contain_text(BONE_SCAN_NEW)
    expect(preview.locator("details:not([open]) > summary")).to_have_text(
        ["Blood tests", "CT scan"]
    )
    expect(preview.locator(".preview-gap")).to_have_text(
        [
            "⋯ 1 paragraph not shown",
            "⋯ 3 expandable items and 1 paragraph not shown",
        ]
    )
    whole = part.locator("details.whole-preview")
    whole.locator("summary").first.click()
    expect(whole.locator(".preview > details")).to_have_count(6)
    expect(whole.locator(".preview > details[open] > summary")).to_have_text("Bone scan")
    whole.locator("summary").first.click()
    clean(md, "change page, one sentence in an expandable item")

    heights = shoot(md, artifacts, "review-one-sentence")
    assert heights[1280] < MOST_HEIGHT, heights

    source.locator("summary").click()
    expect(source.locator(".diff")).to_contain_text("/// details | Bone scan")
    clean(md, "change page, markdown source open")


def test_an_edit_after_approval_is_shown_first_with_its_note_and_who_saved_it(demo, tab, artifacts):
    editor, medic = demo["editor"], demo["medic"]
    change = change_in_review(demo)

    # The consultant approves.
    md = tab()
    sign_in(md, medic)
    md.open(change.get_absolute_url())
    md.page.get_by_role("radio", name="Approve: this is accurate and ready").check()
    md.page.get_by_role("button", name="Send my decision").click()
    expect(md.page.locator(".state-box")).to_contain_text("Approved")

    # The editor adds a sentence to the same expandable item and calls it a typo.
    ed = tab()
    sign_in(ed, editor)
    section = Section.objects.get(page__slug=SLUG, heading="Diagnosis")
    ed.open(reverse("reviews:edit_section", args=[change.pk, section.pk]))
    body = ed.page.get_by_label("Text", exact=True)
    body.fill(body.input_value().replace(BONE_SCAN_NEW, f"{BONE_SCAN_NEW} {SNEAKED}"))
    ed.page.get_by_label("What did you change?").fill("typo")
    ed.page.get_by_role("button", name="Save", exact=True).click()
    expect(ed.page.locator(".messages")).to_contain_text("Saved “Diagnosis”.")
    change.refresh_from_db()
    assert change.state == ChangeRequest.State.IN_REVIEW

    # Asked again, the consultant sees the sneaked sentence first, with its note and author.
    md.open(change.get_absolute_url())
    page = md.page
    status = page.locator(".since-status")
    expect(status).to_contain_text(
        re.compile(r"Your approval of \d+ \w+ no longer counts: the page was edited after it\.")
    )
    since = page.get_by_role("region", name="What changed since you approved")
    expect(since).to_be_visible()
    added = since.locator(".block--changed ins")
    expect(added).to_have_count(1)
    expect(added).to_have_text(f"[Added: {SNEAKED}]")
    expect(since.locator(".block--changed .block-label")).to_contain_text("In “Bone scan”")
    # What they had approved is not marked again: only the sneaked sentence is new.
    assert BONE_SCAN_NEW in since.locator(".block--changed").inner_text()
    assert "2 to 4" not in " ".join(since.locator("ins").all_inner_texts())
    notes = since.locator(".save-notes > li")
    expect(notes).to_have_count(1)
    expect(notes).to_contain_text("“typo” – Erin Editor saved “Diagnosis”, ")
    # It comes before the full comparison with the published page, and before the decision
    # form in reading order (on a wide screen the form is beside it).
    order = page.evaluate(
        """() => ['.since-status', '.since', 'section.changes']
            .map(s => document.querySelector(s).getBoundingClientRect().top)"""
    )
    assert order == sorted(order), order
    assert page.evaluate(
        """() => !!(document.querySelector('.since').compareDocumentPosition(
            document.querySelector('#sign-off')) & Node.DOCUMENT_POSITION_FOLLOWING)"""
    )
    full = page.locator("section.changes")
    expect(full.locator("h2")).to_have_text("Everything that changes on the page")
    expect(full.locator(".block--changed ins")).to_have_text(
        ["[Added: 2 to 4]", f"[Added: {SNEAKED}]"]
    )
    clean(md, "change page, re-review after an approval")
    shoot(md, artifacts, "rereview")

    # Their decision stays bound to what they now see.
    page.get_by_role("radio", name="Ask for changes").check()
    page.get_by_label("Comment", exact=True).fill(
        "Bone scans are not safe for everyone: remove this."
    )
    page.get_by_role("button", name="Send my decision").click()
    expect(page.locator(".state-box")).to_contain_text("Changes requested")
    assert change.sign_offs.latest("created_at").decision == Decision.REQUEST_CHANGES


def test_a_request_for_changes_is_at_the_top_of_the_editors_screens(demo, tab, artifacts):
    editor, medic = demo["editor"], demo["medic"]
    change = change_in_review(demo)
    services.sign_off(
        change=change,
        reviewer=medic,
        decision=Decision.REQUEST_CHANGES,
        seen_hash=change.content_hash,
        comment="Say that the injection is not painful.",
    )

    ed = tab()
    sign_in(ed, editor)
    card = ed.page.get_by_role("region", name="Sent back for changes")
    expect(card).to_contain_text("Amira Hale (medical reviewer) asked for changes on")
    expect(card.locator("blockquote")).to_have_text("Say that the injection is not painful.")
    clean(ed, "dashboard, a change sent back")
    shoot(ed, artifacts, "dashboard-sent-back")

    card.get_by_role("link", name="Secondary breast cancer").click()
    asked = ed.page.get_by_role("region", name="Changes asked for")
    expect(asked.locator("blockquote")).to_have_text("Say that the injection is not painful.")
    top = ed.page.evaluate(
        """() => ['.state-box', 'section[aria-labelledby=request-heading]', 'section.changes']
            .map(s => document.querySelector(s).getBoundingClientRect().top)"""
    )
    assert top == sorted(top), top
    clean(ed, "change page, changes asked for")


def test_publishing_is_confirmed_on_a_screen_that_says_what_goes_live(demo, tab, artifacts):
    change = change_in_review(demo)
    services.sign_off(
        change=change,
        reviewer=demo["medic"],
        decision=Decision.APPROVE,
        seen_hash=change.content_hash,
    )

    pub = tab()
    sign_in(pub, demo["publisher"])
    pub.open(change.get_absolute_url())
    pub.page.get_by_role("link", name="Publish now").click()
    page = pub.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish “Secondary breast cancer”?")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(f"/info/{SLUG}/")
    expect(facts).to_contain_text("A minor change: the page keeps its review dates.")
    expect(page.locator(".brief-parts")).to_contain_text(
        "Section “Diagnosis”: changed in “Bone scan” (an expandable item)"
    )
    clean(pub, "publish confirmation")
    shoot(pub, artifacts, "publish-confirm")
    assert ChangeRequest.objects.get(pk=change.pk).state == ChangeRequest.State.APPROVED

    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".messages")).to_contain_text("Published: readers now see the new")
    assert ChangeRequest.objects.get(pk=change.pk).state == ChangeRequest.State.PUBLISHED
