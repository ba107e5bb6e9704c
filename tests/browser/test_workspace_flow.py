"""The review workspace in a real browser, one person per browser context, each signing in
through the sign-in form: an editor changes a live page, a medical reviewer signs it off with
the keyboard, a publisher publishes it, and a reader sees the new text. Along the way: axe-core
on every workspace screen, four eyes from the author's own session, and a 375px screenshot."""

import json
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.shortcuts import resolve_url
from playwright.sync_api import expect

from reviews.core import policy
from reviews.models import ChangeRequest, Decision, SignOff
from tests.browser.conftest import Reader

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-password"  # tests/conftest.py make_user
TITLE = "Secondary breast cancer"
PUBLIC_PAGE = "/info/secondary-breast-cancer/"
OLD_TEXT = "Cancer that has moved from where it started."
NEW_TEXT = (
    "Secondary breast cancer means breast cancer cells have spread to another part of the "
    "body, most often the bones, lungs, liver or brain."
)
SUMMARY = "Say which parts of the body it most often spreads to (NICE NG101)."
IMPACTS = ("minor", "moderate", "serious", "critical")


@pytest.fixture
def workspace(live_server, transactional_db, make_user, make_page, publish):
    """A live page, and the people of the workflow. The editor is a specialist nurse who
    also reviews (Editors and Medical reviewers), so that four eyes, not the lack of a role,
    is what keeps the sign-off form from them. Reviewers are outside clinicians: no staff flag."""
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in policy.WORKFLOW_GROUPS}

    def person(username, first, last, *group_names, staff=False):
        user = make_user(username, first_name=first, last_name=last, is_staff=staff)
        user.groups.add(*(groups[name] for name in group_names))
        return user

    cache.clear()
    people = {
        "editor": person(
            "erin", "Erin", "Editor", policy.EDITORS, policy.MEDICAL_REVIEWERS, staff=True
        ),
        "medic": person("dr_patel", "Asha", "Patel", policy.MEDICAL_REVIEWERS),
        "lay": person("lee", "Lee", "Morgan", policy.LAY_REVIEWERS),
        "publisher": person("pat", "Pat", "Jones", policy.PUBLISHERS, staff=True),
    }
    page = make_page(
        title=TITLE, sections=[("What is it?", OLD_TEXT), ("Symptoms", "Pain that lasts.")]
    )
    publish(page)  # live before the workflow existed, as the import does
    yield people
    cache.clear()


@pytest.fixture
def axe_notes(artifacts):
    """Violations below "serious", per screen, written out for the report."""
    notes: dict[str, list] = {}
    yield notes
    (artifacts / "workspace-axe.json").write_text(json.dumps(notes, indent=2))


def sign_in(tab: Reader, user, *, notes: dict | None = None) -> None:
    """Through the workspace's front door: sent to LOGIN_URL, back to the dashboard. With
    ``notes``, the sign-in page is checked as well."""
    page = tab.page
    tab.open("/reviews/")
    assert page.url.startswith(tab.base_url + resolve_url(settings.LOGIN_URL) + "?next=")
    if notes is not None:
        check(tab, "sign-in page", notes)
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("form:has(input[type=password]) [type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your workspace")
    assert page.url == tab.base_url + "/reviews/"
    expect(page.locator(".signed-in")).to_contain_text(user.get_full_name())


def check(tab: Reader, what: str, notes: dict) -> None:
    """No serious or critical axe-core violations, nothing blocked by the CSP, no console
    errors, nothing loaded from elsewhere. Lesser violations are kept for the report."""
    violations = tab.axe_violations(impacts=IMPACTS)
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == [], f"{what}: {serious}"
    if violations:
        notes[what] = violations
    assert tab.csp_violations() == [], f"{what}: CSP blocked something"
    assert tab.console_errors == [], f"{what}: {tab.console_errors}"
    assert tab.foreign_requests == [], f"{what}: loaded from elsewhere"


def public_text(tab) -> str:
    """The page as a new reader sees it: a fresh browser, since public pages may be kept in
    the browser's cache for minutes (Cache-Control: max-age) and this one must not be."""
    reader = tab()
    response = reader.open(PUBLIC_PAGE)
    assert "private" not in response.headers.get("cache-control", "")
    text = reader.page.locator("main").inner_text()
    assert reader.page.context.cookies() == []  # no session, nothing to tell readers apart
    reader.page.context.close()
    return text


def focused(page) -> dict:
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return {tag: e.tagName.toLowerCase(), id: e.id, value: e.value ?? null,"
        " checked: e.checked ?? null, text: e.innerText ?? ''}; }"
    )


def test_a_change_goes_from_editor_to_reviewer_to_publisher_to_reader(
    workspace, tab, artifacts, axe_notes
):
    editor, medic, publisher = workspace["editor"], workspace["medic"], workspace["publisher"]

    # 1. Readers see the live page.
    text = public_text(tab)
    assert OLD_TEXT in text and NEW_TEXT not in text

    # 2. The editor starts a change from the dashboard, edits a section, says what and why,
    #    and sends it for review.
    ed = tab()
    sign_in(ed, editor)
    page = ed.page
    check(ed, "dashboard (editor who also reviews)", axe_notes)
    page.get_by_label("Page", exact=True).fill(TITLE)
    page.get_by_role("button", name="Start a change").click()
    expect(page.locator(".messages")).to_contain_text(f"Started a change request for “{TITLE}”")
    change_url = page.url
    change = ChangeRequest.objects.get(pk=int(re.search(r"/changes/(\d+)/$", change_url)[1]))
    check(ed, "change page (editor, draft)", axe_notes)

    page.get_by_role("link", name="Edit “What is it?”", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit “What is it?”")
    body = page.get_by_label("Text", exact=True)
    expect(body).to_have_value(OLD_TEXT)
    body.fill("")
    body.press_sequentially(NEW_TEXT)
    page.get_by_label("What did you change?").fill("Where it spreads")
    # The editor's live preview, through the portal's sanitising renderer, under the CSP.
    expect(page.locator(".markdownx-preview")).to_have_text(NEW_TEXT)
    check(ed, "edit form (with live preview)", axe_notes)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Saved “What is it?”.")

    page.get_by_text("Change what this says").click()
    details = page.locator("details.inline-form")
    details.get_by_label("What changed and why").fill(SUMMARY)
    details.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Saved what changed and why.")
    expect(page.locator(".summary-text")).to_have_text(SUMMARY)

    page.get_by_role("button", name="Send for review").click()
    expect(page.locator(".messages")).to_contain_text("Sent for review.")
    expect(page.locator(".state-box")).to_have_text("In review: waiting for 1 medical reviewer.")

    # Four eyes: the author, a medical reviewer too, gets no sign-off form, is told why, and
    # finds nothing waiting for them on the dashboard; a forged decision is refused.
    expect(page.locator(".aside-note").first).to_have_text(
        "You wrote part of this change, so someone else must sign it off."
    )
    assert page.locator("#sign-off, input[name=decision]").count() == 0
    assert page.get_by_role("button", name="Send my decision").count() == 0
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    forged = page.request.post(
        f"{change_url}sign-off/",
        form={
            "csrfmiddlewaretoken": token,
            "decision": Decision.APPROVE.value,
            "seen_hash": ChangeRequest.objects.get(pk=change.pk).content_hash,
            "comment": "Looks fine to me.",
        },
        headers={"X-CSRFToken": token, "Referer": change_url},
    )
    assert forged.status == 403
    assert "You wrote part of this change" in forged.text()
    assert not SignOff.objects.exists()
    assert ChangeRequest.objects.get(pk=change.pk).state == ChangeRequest.State.IN_REVIEW
    ed.open("/reviews/")
    awaiting = page.get_by_role("region", name="Waiting for your sign-off")
    expect(awaiting).to_contain_text("Nothing is waiting for you.")
    expect(page.get_by_role("region", name="Your open changes")).to_contain_text(TITLE)

    # 3. The medical reviewer finds it waiting, reads the diff and signs it off by keyboard.
    md = tab()
    sign_in(md, medic, notes=axe_notes)
    page = md.page
    awaiting = page.get_by_role("region", name="Waiting for your sign-off")
    expect(awaiting.get_by_role("heading", level=3)).to_have_text(TITLE)
    expect(awaiting).to_contain_text(SUMMARY)
    check(md, "dashboard (medical reviewer)", axe_notes)
    awaiting.get_by_role("link", name=f"Review “{TITLE}”").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert page.url == change_url
    expect(page.locator(".call-to-action")).to_contain_text("Your sign-off is needed")
    expect(page.locator(".summary-text")).to_have_text(SUMMARY)

    part = page.locator("section.part", has=page.get_by_role("heading", name="What is it?"))
    expect(part).to_have_count(1)
    added = " ".join(part.locator(".part-diff ins").all_inner_texts())
    removed = " ".join(part.locator(".part-diff del").all_inner_texts())
    assert "spread to another part of the body, most often the bones, lungs, liver or brain" in (
        added
    )
    assert "moved from where it started" in removed
    # Marked for screen readers too, not only by colour and underline.
    assert part.locator(".part-diff ins .visually-hidden").first.text_content() == "[Added: "
    expect(part.locator(".part-preview")).to_contain_text(NEW_TEXT)
    assert page.locator("section.part").count() == 1  # "Symptoms" did not change
    check(md, "change page (medical reviewer, sign-off form)", axe_notes)

    page.set_viewport_size({"width": 375, "height": 812})
    page.screenshot(path=artifacts / "workspace-change-375.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.set_viewport_size({"width": 1280, "height": 900})

    # Keyboard only: the link to the form, the radios (Space, arrows), the comment, Enter.
    page.get_by_role("link", name="give your decision").focus()
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "sign-off"
    page.keyboard.press("Tab")
    assert focused(page) | {"text": ""} == {
        "tag": "input",
        "id": "id_decision_0",
        "value": "approve",
        "checked": False,
        "text": "",
    }
    page.keyboard.press("Space")
    assert focused(page)["checked"] is True
    page.keyboard.press("ArrowDown")
    assert focused(page)["value"] == "request_changes" and focused(page)["checked"] is True
    page.keyboard.press("ArrowUp")
    approve = page.get_by_role("radio", name="Approve: this is accurate and ready")
    expect(approve).to_be_checked()
    expect(approve).to_be_focused()
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_comment"
    page.keyboard.type("Accurate and clear.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Send my decision")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("Thank you: your decision has been recorded.")
    expect(page.locator(".state-box")).to_contain_text("Approved: it has every sign-off it needs.")
    sign_off = SignOff.objects.get()
    assert (sign_off.reviewer, sign_off.decision) == (medic, Decision.APPROVE)
    assert sign_off.comment == "Accurate and clear."

    text = public_text(tab)  # approved is not published
    assert OLD_TEXT in text and NEW_TEXT not in text

    # The lay reviewer (not needed for this change) has nothing waiting.
    lay = tab()
    sign_in(lay, workspace["lay"])
    region = lay.page.get_by_role("region", name="Waiting for your sign-off")
    expect(region).to_contain_text("Nothing is waiting for you.")
    check(lay, "dashboard (lay reviewer)", axe_notes)

    # 4. The publisher publishes it.
    pub = tab()
    sign_in(pub, publisher)
    page = pub.page
    ready = page.get_by_role("region", name="Approved: ready to publish")
    check(pub, "dashboard (publisher)", axe_notes)
    ready.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Publish now").click()  # what goes live, then confirm
    check(pub, "publish confirmation", axe_notes)
    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".messages")).to_contain_text(
        f"Published: readers now see the new “{TITLE}”."
    )
    change.refresh_from_db()
    assert change.state == ChangeRequest.State.PUBLISHED

    # 5. A reader (no session) sees the new text and not the old.
    text = public_text(tab)
    assert NEW_TEXT in text and OLD_TEXT not in text
