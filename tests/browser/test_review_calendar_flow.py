"""The review schedule in a real browser: a publisher opens the calendar and follows an
overdue page; its owner, an editor, starts a full review from the page's schedule; a medical
and a lay reviewer re-certify it (no edit: they tick every section, as the form asks); a
publisher publishes it; readers see the new dates and no "being reviewed" notice. axe-core
on each new screen; the calendar photographed at 1280 and 375 pixels wide."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from infopages.models import Page
from reviews.core import policy
from reviews.models import ChangeRequest
from reviews.schedule.dates import add_months
from tests.browser.conftest import Reader
from tests.browser.test_workspace_flow import check, sign_in

pytestmark = pytest.mark.browser

TITLE = "Secondary breast cancer"
PUBLIC_PAGE = "/info/secondary-breast-cancer/"
NOTICE = "This content is currently being reviewed."


@pytest.fixture
def people(live_server, transactional_db, make_user, make_page, publish):
    """The workflow's people, and a live page 40 days overdue for review, looked after by the
    editor; a few more live pages so the calendar has something in each list."""
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in policy.WORKFLOW_GROUPS}

    def person(username, first, last, group_name, staff=False):
        user = make_user(username, first_name=first, last_name=last, is_staff=staff)
        user.groups.add(groups[group_name])
        return user

    cache.clear()
    found = {
        "editor": person("erin", "Erin", "Editor", policy.EDITORS, staff=True),
        "medic": person("dr_patel", "Asha", "Patel", policy.MEDICAL_REVIEWERS),
        "lay": person("lee", "Lee", "Morgan", policy.LAY_REVIEWERS),
        "publisher": person("pat", "Pat", "Jones", policy.PUBLISHERS, staff=True),
    }
    today = timezone.localdate()
    for days, slug, title in [
        (-40, "secondary-breast-cancer", TITLE),
        (12, "bone-secondaries", "Bone secondaries"),
        (75, "lymphoedema", "Lymphoedema"),
        (150, "hair-loss", "Hair loss"),
        (150, "fatigue", "Fatigue"),
        (300, "nutrition", "Eating well"),
    ]:
        due = today + dt.timedelta(days=days)
        page = make_page(slug=slug, title=title)
        publish(page, reviewed_on=add_months(due, -36), next_review_on=due)
        Page.objects.filter(pk=page.pk).update(owner=found["editor"] if days < 100 else None)
    yield found
    cache.clear()


def approve_every_section(tab: Reader) -> None:
    page = tab.page
    page.get_by_role("link", name=f"Review “{TITLE}”").click()
    # Each section's tick sits beside its text in the whole page (issue 17).
    sections = page.get_by_role("region", name="The whole page, as readers will see it")
    boxes = sections.get_by_role("checkbox", name="I have read this section")
    expect(boxes).to_have_count(2)  # waits for the page the link opens
    for index in range(boxes.count()):
        boxes.nth(index).check()
    page.get_by_role("radio", name="Approve: this is accurate and ready").check()
    page.get_by_role("button", name="Send my decision").click()
    expect(page.locator(".messages")).to_contain_text("Thank you: your decision has been recorded.")


def test_an_overdue_page_is_found_in_the_calendar_re_certified_and_redated(people, tab, artifacts):
    notes: dict = {}
    today = timezone.localdate()
    public = tab()
    public.open(PUBLIC_PAGE)
    expect(public.page.locator("main")).to_contain_text(NOTICE)  # overdue: readers are told

    # 1. The publisher opens the calendar and finds the page overdue.
    pub = tab()
    sign_in(pub, people["publisher"])
    page = pub.page
    page.get_by_role("link", name="Review calendar").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review calendar")
    overdue = page.get_by_role("region", name="Overdue (1)")
    expect(overdue).to_contain_text("Overdue by 40 days")
    check(pub, "review calendar (publisher)", notes)
    page.screenshot(path=artifacts / "review-calendar-1280.png", full_page=True)
    page.set_viewport_size({"width": 375, "height": 812})
    page.screenshot(path=artifacts / "review-calendar-375.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    check(pub, "review calendar at 375px", notes)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="Review status report (to print)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review status: all topics")
    check(pub, "review status report", notes)
    page.emulate_media(media="print")
    page.screenshot(path=artifacts / "review-report-print.png", full_page=True)
    assert not page.locator(".workspace-nav").is_visible()
    page.emulate_media(media="screen")
    page.go_back()

    overdue = page.get_by_role("region", name="Overdue (1)")
    overdue.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Review schedule of “{TITLE}”")
    check(pub, "schedule screen (publisher)", notes)
    schedule_url = page.url
    page.get_by_role("link", name="Reword the notice readers see").click()
    check(pub, "review notice wording", notes)

    # 2. The page's owner starts a full review from its schedule and sends it, unedited.
    ed = tab()
    sign_in(ed, people["editor"])
    page = ed.page
    looked_after = page.get_by_role("region", name="Pages you look after")
    expect(looked_after.locator("li").first).to_contain_text("Overdue by 40 days")
    looked_after.get_by_role("link", name=TITLE).click()
    assert page.url == schedule_url
    check(ed, "schedule screen (editor)", notes)
    page.screenshot(path=artifacts / "page-schedule-1280.png", full_page=True)
    page.set_viewport_size({"width": 375, "height": 812})
    page.screenshot(path=artifacts / "page-schedule-375.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("What the review is for (optional)").fill("Three-yearly review")
    page.get_by_role("button", name="Start a full review").click()
    expect(page.locator(".messages")).to_contain_text(f"Started a full review of “{TITLE}”")
    change = ChangeRequest.objects.get(page__slug="secondary-breast-cancer")
    assert change.is_full_review and change.summary == "Three-yearly review"
    page.get_by_role("button", name="Send for review").click()
    expect(page.locator(".messages")).to_contain_text("Sent for review.")

    # 3. Medical and lay reviewers re-certify it, ticking every section.
    for who in ("medic", "lay"):
        reviewer = tab()
        sign_in(reviewer, people[who])
        approve_every_section(reviewer)
    change.refresh_from_db()
    assert change.state == ChangeRequest.State.APPROVED

    # 4. The publisher publishes it.
    page = pub.page
    pub.open("/reviews/")
    page.get_by_role("region", name="Approved: ready to publish").get_by_role(
        "link", name=TITLE
    ).click()
    page.get_by_role("link", name="Publish now").click()  # what goes live, then confirm
    expect(page.get_by_text("Full review")).not_to_have_count(0)
    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".messages")).to_contain_text("Published")

    # 5. Readers see the new dates, and no notice.
    reader = tab()
    reader.open(PUBLIC_PAGE)
    dates = reader.page.locator(".review-dates time")
    expect(dates).to_have_text([f"{today:%-d %B %Y}", f"{add_months(today, 36):%-d %B %Y}"])
    expect(reader.page.locator("main")).not_to_contain_text(NOTICE)

    # The schedule now dates each section from the re-certification.
    pub.open(schedule_url.removeprefix(pub.base_url))
    expect(pub.page.locator(".schedule-table")).to_contain_text(f"{today:%-d %B %Y} (lay reviewer)")
