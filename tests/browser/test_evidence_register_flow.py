"""The evidence register in a real browser: an editor corrects a source in the source editor
and marks it updated; the page citing it shows "review needed" first on its owner's
dashboard and in the calendar; the editor rewrites a section, seeing its plain-English score
beside the text; a medical reviewer reads why the page needed review and the score before
and after, and approves; publishing clears the flag. A reference's source is found and used
from the register. axe-core on each new screen; screenshots at 1280 and 375 pixels wide."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from playwright.sync_api import expect

from infopages.models import Page, Reference, Source
from infopages.register import source_for
from infopages.services import save_with_version
from reviews.core import policy
from reviews.models import ReviewFlag
from tests.browser.conftest import Reader
from tests.browser.test_workspace_flow import check, sign_in

pytestmark = pytest.mark.browser

TITLE = "Secondary breast cancer"
NG101 = "NICE. Advanced breast cancer: diagnosis and treatment (NG101). 2017."
NOTE = "NICE NG101 updated October 2026: new advice on CDK4/6 inhibitors"
PLAIN = (
    "Secondary breast cancer is breast cancer that has spread. It can go to the bones. It "
    "can go to the liver. Your nurse can help you."
)
DENSE = (
    "Metastatic carcinoma frequently necessitates multidisciplinary evaluation incorporating "
    "radiological investigations, histopathological characterisation and individualised "
    "therapeutic considerations, particularly regarding endocrine responsiveness. Treatment "
    "is usually given to control the cancer and relieve symptoms."
)


@pytest.fixture
def register(live_server, transactional_db, make_user, make_page, publish):
    """The workflow's people; a live page looked after by the editor, citing NICE NG101; a
    second source with a near-duplicate of it, and one whose link is broken."""
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in policy.WORKFLOW_GROUPS}

    def person(username, first, last, group_name, staff=False):
        user = make_user(username, first_name=first, last_name=last, is_staff=staff)
        user.groups.add(groups[group_name])
        return user

    cache.clear()
    people = {
        "editor": person("erin", "Erin", "Editor", policy.EDITORS, staff=True),
        "medic": person("dr_patel", "Asha", "Patel", policy.MEDICAL_REVIEWERS),
        "publisher": person("pat", "Pat", "Jones", policy.PUBLISHERS, staff=True),
    }
    page = make_page(title=TITLE, sections=[("What is it?", PLAIN), ("Symptoms", "Pain.")])
    source, _ = source_for(citation=NG101, url="https://www.nice.org.uk/guidance/ng101")
    save_with_version(
        Reference(page=page, citation=NG101, url=source.url, source=source),
        by=people["editor"],
        comment="Evidence",
    )
    publish(page)
    Page.objects.filter(pk=page.pk).update(owner=people["editor"])
    source_for(citation="NICE NG101 (2017)", url="http://nice.org.uk/guidance/ng101")
    broken, _ = source_for(citation="Old leaflet. 2012.", url="https://example.org/gone")
    Source.objects.filter(pk=broken.pk).update(
        link_status="broken", link_status_code=404, link_checked_at="2026-11-30T06:00Z"
    )
    yield people, source
    cache.clear()


def photograph(tab: Reader, name: str, artifacts, notes: dict) -> None:
    """At 1280 and at 375 pixels wide (nothing scrolls sideways), checked at both."""
    page = tab.page
    page.screenshot(path=artifacts / f"{name}-1280.png", full_page=True)
    page.set_viewport_size({"width": 375, "height": 812})
    page.screenshot(path=artifacts / f"{name}-375.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, name
    check(tab, f"{name} at 375px", notes)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_source_updated_flags_its_page_until_reviewers_who_saw_why_approve_a_change(
    register, tab, artifacts
):
    people, source = register
    notes: dict = {}

    # 1. The editor finds the source in the register and corrects it in the source editor.
    ed = tab()
    sign_in(ed, people["editor"])
    page = ed.page
    page.get_by_role("link", name="Evidence register: the sources our pages cite").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evidence register")
    check(ed, "evidence register", notes)
    page.get_by_role("textbox", name="Find").fill("NG101")
    page.get_by_role("button", name="Show these sources").click()
    page.get_by_role("link", name=NG101).click()
    check(ed, "a source", notes)
    page.get_by_role("link", name="Correct this record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Correct a source")
    page.get_by_label("Publisher (optional)").fill("NICE")
    page.get_by_label("Version or date (optional)").fill("Updated October 2026")
    check(ed, "source editor", notes)
    photograph(ed, "source-editor", artifacts, notes)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Pages citing it keep their wording.")

    # 2. It is marked updated: the page citing it is flagged.
    page.get_by_role("radio", name="Updated: a new edition or new recommendations").check()
    page.get_by_label("What happened").fill(NOTE)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("1 page citing it is now flagged")
    photograph(ed, "source-detail", artifacts, notes)

    # 3. Its owner's dashboard shows it first, with the reason; so does the calendar.
    ed.open("/reviews/")
    looked_after = page.get_by_role("region", name="Pages you look after")
    expect(looked_after.locator("li").first).to_contain_text("Review needed now")
    expect(looked_after.locator("li").first).to_contain_text(NOTE)
    check(ed, "dashboard with a flagged page", notes)
    photograph(ed, "dashboard-flagged", artifacts, notes)
    page.get_by_role(
        "link", name="Review calendar: which pages are due for their full review"
    ).click()
    flagged = page.get_by_role("region", name="Review needed now: a source changed (1)")
    expect(flagged).to_contain_text(NOTE)
    check(ed, "calendar with a flagged page", notes)

    # 4. The editor starts a change and rewrites a section, seeing its score beside it.
    ed.open("/reviews/")
    page.get_by_label("Page", exact=True).fill(TITLE)
    page.get_by_label("What will change and why (optional for now)").fill("NICE NG101 updated")
    page.get_by_role("button", name="Start a change").click()
    page.get_by_role("link", name="Edit “What is it?”").click()
    score = page.get_by_role("region", name="Plain English")
    expect(score).to_contain_text("within our target of 11")
    page.get_by_label("Text").fill(DENSE)
    page.get_by_role("button", name="Show how it will look").click()
    expect(score).to_contain_text("above our target of 11")
    expect(score).to_contain_text("Sentences that make it harder")
    check(ed, "section editor with its score", notes)
    photograph(ed, "section-editor-score", artifacts, notes)
    page.get_by_label("What did you change?").fill("Clinical detail from the new NG101")
    page.get_by_role("button", name="Save", exact=True).click()

    # 5. A reference's source found and used from the register, inside the change.
    page.get_by_role("link", name="Add a reference").click()
    page.get_by_label("Find a source in the register").fill("leaflet")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("link", name=re.compile(r"^Use this source.*Old leaflet")).click()
    expect(page.get_by_label("Citation")).to_have_value("Old leaflet. 2012.")
    expect(page.get_by_role("region", name="Its source in the evidence register")).to_contain_text(
        "Link broken (404)"
    )
    check(ed, "reference editor with its source", notes)
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("button", name="Send for review").click()
    expect(page.locator(".messages")).to_contain_text("Sent for review.")

    # 6. The medical reviewer reads why, and the score before and after, and approves.
    medic = tab()
    sign_in(medic, people["medic"])
    page = medic.page
    page.get_by_role("link", name=f"Review “{TITLE}”").click()
    why = page.get_by_role("region", name="Review needed: a source this page cites has changed")
    expect(why).to_contain_text(NOTE)
    expect(page.locator(".reading-change")).to_contain_text("harder to read")
    check(medic, "change page with a flag and scores", notes)
    photograph(medic, "change-page-flag-and-scores", artifacts, notes)
    page.get_by_role("radio", name="Approve: this is accurate and ready").check()
    page.get_by_role("button", name="Send my decision").click()
    expect(page.locator(".messages")).to_contain_text("Thank you")

    # 7. Publishing clears the flag.
    pub = tab()
    sign_in(pub, people["publisher"])
    page = pub.page
    page.get_by_role("region", name="Approved: ready to publish").get_by_role(
        "link", name=TITLE
    ).click()
    page.get_by_role("link", name="Publish now").click()
    expect(page.locator("main")).to_contain_text("Publishing clears this flag")
    check(pub, "publish confirmation with a flag", notes)
    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".messages")).to_contain_text("Published")
    assert not ReviewFlag.objects.filter(cleared_at=None).exists()

    # 8. Merging near-duplicates and the broken links, as an editor sees them.
    ed.open("/reviews/sources/merge/")
    check(ed, "near-duplicates", notes)
    ed.page.get_by_role("link", name="Compare").first.click()
    expect(ed.page.get_by_role("group", name="Which record to keep")).to_be_visible()
    check(ed, "merging two sources", notes)
    ed.open("/reviews/sources/broken-links/")
    expect(ed.page.locator("main")).to_contain_text("HTTP 404")
    check(ed, "broken links", notes)
    photograph(ed, "broken-links", artifacts, notes)
    assert source.pk
