"""Shared blocks in a real browser: the block editor, the page reviewer's view of a block
embedded in a section, the section editor's list of blocks (its Insert button), and the
public page. axe-core finds no serious or critical problem on any of them; screenshots are
kept in test-artifacts/."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from infopages.models import Block, Page
from reviews import services
from reviews.blocks import services as blocks
from tests.browser.test_workspace_flow import sign_in

pytestmark = pytest.mark.browser


def test_block_editor_reviewer_view_and_public_page(demo, tab, artifacts):
    editor, medic = demo["editor"], demo["medic"]
    block = Block.objects.get(name="support-line")

    author = tab()
    sign_in(author, editor)
    author.open(f"/reviews/blocks/{block.name}/")
    author.page.get_by_role("button", name="Change this block").click()
    expect(author.page.get_by_role("heading", level=1)).to_contain_text("Edit the shared block")
    author.page.get_by_label("Opening hours").fill("Every day, 8am to 8pm")
    author.page.get_by_label("What you changed and why").fill("Longer opening hours")
    author.page.get_by_role("button", name="Show how it will look").click()
    expect(author.page.locator(".preview-panel")).to_contain_text("Every day, 8am to 8pm")
    assert author.axe_violations() == []
    author.page.screenshot(path=artifacts / "blocks-editor.png", full_page=True)

    # A page change adding the standard paragraph, waiting for its medical reviewer.
    page = Page.objects.get(slug="bone-scan")
    change = services.start_change(page=page, by=editor, summary="Say when to ask for help.")
    section = page.sections.order_by("position").last()
    author.open(reverse("reviews:edit_section", args=[change.pk, section.pk]))
    expect(author.page.get_by_role("heading", name="Shared blocks you can embed here"))
    author.page.locator("#id_body").focus()
    author.page.keyboard.press("Control+End")
    author.page.get_by_role("button", name="Insert “worried-about-a-symptom” into the text").click()
    assert "{{block:worried-about-a-symptom}}" in author.page.locator("#id_body").input_value()
    author.page.screenshot(path=artifacts / "blocks-section-editor.png", full_page=True)

    section.refresh_from_db()
    section.body = section.body.replace("{{block:support-line}}", "").rstrip()
    section.body += "\n\n{{block:worried-about-a-symptom}}\n\n{{block:support-line}}\n"
    services.edit_in_change(
        change=change,
        obj=section,
        by=editor,
        comment="When to ask for help",
        expected_lock_version=section.lock_version,
    )
    services.submit_for_review(change=change, by=editor)

    reviewer = tab()
    sign_in(reviewer, medic)
    reviewer.open(change.get_absolute_url())
    expect(reviewer.page.locator(".shared-block-label").first).to_contain_text(
        "Shared block, reviewed on its own"
    )
    assert reviewer.axe_violations() == []
    reviewer.page.locator(".part-preview").first.scroll_into_view_if_needed()
    reviewer.page.screenshot(path=artifacts / "blocks-page-reviewer.png", full_page=True)

    reader = tab()
    reader.open("/info/bone-scan/")
    phone = reader.page.get_by_role("link", name="0808 157 0192")
    expect(phone).to_have_attribute("href", "tel:+448081570192")
    assert reader.axe_violations() == [] and reader.csp_violations() == []
    phone.scroll_into_view_if_needed()
    reader.page.screenshot(path=artifacts / "blocks-public-page.png", full_page=False)
    assert blocks.live_count(block) >= 1
