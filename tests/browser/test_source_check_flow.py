"""The source check in a real browser: a medical reviewer follows a flagged page from the
review calendar to its source check, reads the passages citing the updated source in the
whole live page, and records "no change needed"; the page's workspace history shows it. axe
on the screen; screenshots at 1280 and 375 pixels wide (nothing scrolls sideways)."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from playwright.sync_api import expect

from infopages.models import Reference
from infopages.register import source_for
from infopages.services import save_with_version
from reviews import services
from reviews.core import policy
from reviews.models import ReviewFlag
from tests.browser.test_workspace_flow import check, sign_in

pytestmark = pytest.mark.browser

TITLE = "Hormone therapy for breast cancer"
LINK = "https://www.nice.org.uk/guidance/ng101"
NG101 = "NICE. Early and locally advanced breast cancer: diagnosis and management (NG101). 2018."
NOTE = "NICE NG101 updated October 2026: new advice on extended hormone therapy"
CHECKED = "The 5 to 10 years advice in ‘How long you take it’ matches NG101 (2026) 1.10."
SECTIONS = [
    ("What is hormone therapy?", "Some breast cancers use hormones to grow. " * 6),
    (
        "How long you take it",
        f"Most people take it for 5 to 10 years, as the [NICE guidance]({LINK}) advises. " * 2,
    ),
    ("Side effects", "Guideline NG101 describes hot flushes and tiredness. " * 3),
    ("Getting support", "Your breast care nurse can help. " * 4),
]


@pytest.fixture
def flagged(live_server, transactional_db, make_user, make_page, publish):
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in policy.WORKFLOW_GROUPS}
    cache.clear()
    editor = make_user("erin", first_name="Erin", last_name="Editor", is_staff=True)
    editor.groups.add(groups[policy.EDITORS])
    medic = make_user("dr_patel", first_name="Asha", last_name="Patel")
    medic.groups.add(groups[policy.MEDICAL_REVIEWERS])
    page = make_page(slug="hormone-therapy", title=TITLE, sections=SECTIONS)
    source, _ = source_for(citation=NG101, url=LINK)
    save_with_version(
        Reference(page=page, citation=NG101, url=LINK, source=source), by=editor, comment="Cited"
    )
    publish(page)
    services.mark_source(source=source, by=editor, status="updated", note=NOTE)
    yield medic, page
    cache.clear()


def test_a_medical_reviewer_checks_a_flagged_page_against_the_updated_source(
    flagged, tab, artifacts
):
    medic, flagged_page = flagged
    notes: dict = {}
    reviewer = tab()
    sign_in(reviewer, medic)
    page = reviewer.page

    reviewer.open("/reviews/calendar/")
    page.get_by_role("link", name="Check it against the source").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Check “{TITLE}”")
    source = page.locator(".source-check")
    expect(source).to_contain_text(NOTE)
    expect(source.get_by_role("link", name="How long you take it")).to_be_visible()
    expect(source.get_by_role("link", name="Side effects")).to_be_visible()
    expect(page.locator(".cites-source")).to_have_count(2)
    check(reviewer, "source check", notes)
    page.screenshot(path=artifacts / "source-check-1280.png", full_page=True)
    page.set_viewport_size({"width": 375, "height": 812})
    page.screenshot(path=artifacts / "source-check-375.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    check(reviewer, "source check at 375px", notes)
    page.set_viewport_size({"width": 1280, "height": 900})

    source.get_by_role("link", name="How long you take it").click()
    expect(page.locator("#passage-how-long-you-take-it")).to_be_in_viewport()
    page.get_by_label("What you checked").fill(CHECKED)
    page.get_by_role("button", name="Checked against the updated source: no change needed").click()

    expect(page.locator(".messages")).to_contain_text("the review dates are unchanged")
    assert not ReviewFlag.objects.filter(page=flagged_page, cleared_at=None).exists()
    reviewer.open(f"/reviews/pages/{flagged_page.pk}/history/")
    expect(page.get_by_role("region", name="Checked against updated sources")).to_contain_text(
        CHECKED
    )
    check(reviewer, "history with a source check", notes)
    assert notes == {}, notes
