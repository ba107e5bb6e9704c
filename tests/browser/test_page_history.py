"""A page's public history in a real browser: reached from "About our information", no
axe-core findings, nothing sideways on a phone."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from infopages.models import Page, PublishedPage
from infopages.publishing import ReviewRecord, content_from_working_copy, publish_content

pytestmark = pytest.mark.browser

PAGE = "/info/secondary-breast-cancer/"


def test_the_page_history_is_linked_and_reads_well_on_a_phone(reader, artifacts):
    page = Page.objects.get(slug="secondary-breast-cancer")
    last = PublishedPage.objects.current().get(page=page)
    publish_content(
        page=page,
        content=content_from_working_copy(page),
        review=ReviewRecord(
            kind=PublishedPage.Kind.FULL_REVIEW,
            reviewed_on=timezone.localdate(),  # as the workflow dates a full review
            next_review_on=last.next_review_on,
            reviewers=last.reviewers,
        ),
        public_note="Updated the information about bone scans",
    )
    reader.open(PAGE)
    about = reader.page.get_by_role("region", name="About our information")
    about.get_by_role("link", name="Page history").click()
    expect(reader.page.get_by_role("heading", level=1)).to_have_text(
        "Page history: Secondary breast cancer"
    )
    expect(reader.page.locator(".history-list > li").first).to_contain_text(
        "Reviewed and updated: Updated the information about bone scans"
    )
    assert reader.axe_violations(impacts=("minor", "moderate", "serious", "critical")) == []
    assert reader.csp_violations() == [] and reader.console_errors == []

    for width in (1280, 375):
        reader.page.set_viewport_size({"width": width, "height": 812})
        reader.page.screenshot(path=artifacts / f"page-history-{width}.png", full_page=True)
        assert reader.page.evaluate("document.documentElement.scrollWidth") <= width
