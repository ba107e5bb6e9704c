"""An outside consultant signs a change off by the link in their email, in a real browser:
a publisher invites them, the link opens in a fresh browser (no account, nobody signed in),
asks for a one-time code sent to the same address, shows the change as a staff reviewer sees
it, and their approval makes the change approved. axe-core on every screen of theirs, and
screenshots at 1280 and 375 pixels wide (their phone)."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from reviews import services
from reviews.models import ChangeRequest
from tests.browser.test_rereview import change_in_review, clean, shoot  # noqa: F401
from tests.browser.test_workspace_flow import sign_in

pytestmark = pytest.mark.browser


def newest_email_to(address: str):
    return [message for message in mail.outbox if message.to == [address]][-1]


def link_in(body: str) -> str:
    """The path of the link in an email (the email names the site by its SITE_URL)."""
    return urlsplit(re.search(r"https?://\S+/outside-review/\S+/", body).group(0)).path


def test_an_outside_reviewer_signs_off_by_the_link_in_their_email(demo, tab, artifacts):  # noqa: F811
    change = change_in_review(demo)
    address = "amira.hale@hospital.example"

    # A publisher invites the consultant from the change page.
    pub = tab()
    sign_in(pub, demo["publisher"])
    pub.open(change.get_absolute_url())
    outside = pub.page.get_by_role("region", name="Outside reviewers")
    outside.get_by_role("link", name="Invite an outside reviewer").click()
    page = pub.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Invite an outside reviewer")
    page.get_by_label("Their name").fill("Dr Leila Haddad")
    page.get_by_label("Their email address").fill(address)
    page.get_by_role("radio", name="Medical reviewer").check()
    page.get_by_label("Their role as readers see it").fill("Consultant Clinical Oncologist")
    page.get_by_label("Credentials (optional)").fill("MBBS FRCR")
    clean(pub, "invitation form")
    shoot(pub, artifacts, "outside-invite")
    page.get_by_role("button", name="Send the link").click()
    expect(page.locator(".messages")).to_contain_text("Dr Leila Haddad has been sent a link")
    expect(page.locator("#outside-reviewers")).to_contain_text("Sent, not opened yet")

    link = link_in(newest_email_to(address).body)

    # On their phone, in a browser that has never seen the portal.
    phone = tab(width=375, height=812)
    phone.open(link)
    page = phone.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Review a change to our information")
    assert "Secondary breast cancer" not in page.content()
    clean(phone, "link, before the code")
    shoot(phone, artifacts, "outside-1-link")

    page.get_by_role("button", name="Email me a code").click()
    code_field = page.get_by_label("Code from the email")
    expect(code_field).to_be_visible()
    expect(code_field).to_have_attribute("autocomplete", "one-time-code")
    clean(phone, "code entry")
    shoot(phone, artifacts, "outside-2-code")

    code = re.search(r"^(\d{6})$", newest_email_to(address).body, re.MULTILINE).group(1)
    code_field.fill(f"{(int(code) + 1) % 1_000_000:06d}")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".field--error")).to_contain_text("That code did not work.")
    clean(phone, "a wrong code")
    shoot(phone, artifacts, "outside-3-wrong-code")

    page.get_by_label("Code from the email").fill(code)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Secondary breast cancer")
    expect(page.locator(".call-to-action")).to_contain_text(
        "Your sign-off is needed as medical reviewer"
    )
    expect(page.locator("section.changes .block--changed ins")).to_have_text("[Added: 2 to 4]")
    # Nothing of the workspace: no navigation, no link into it (links within the page only).
    links = page.eval_on_selector_all("a[href]", "links => links.map(a => a.pathname)")
    assert [path for path in links if path.startswith("/reviews/") and path != link] == []
    clean(phone, "the change, as the outside reviewer sees it")
    shoot(phone, artifacts, "outside-4-change")

    page.get_by_role("radio", name="Approve: this is accurate and ready").check()
    page.get_by_label("Comment", exact=True).fill("Accurate: scans are 2 to 4 hours later.")
    page.get_by_role("button", name="Send my decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    clean(phone, "thanks")
    shoot(phone, artifacts, "outside-5-thanks")

    assert ChangeRequest.objects.get(pk=change.pk).state == ChangeRequest.State.APPROVED

    # The link is spent; the workspace shows the decision as an outside reviewer's.
    phone.open(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    phone.page.goto(phone.base_url + reverse("reviews:dashboard"))
    assert "/accounts/login/" in phone.page.url
    pub.open(change.get_absolute_url())
    expect(pub.page.locator(".decisions")).to_contain_text(
        "Dr Leila Haddad (outside reviewer, medical reviewer): Approve"
    )
    expect(pub.page.locator("#outside-reviewers")).to_contain_text("Decided")
    clean(pub, "change page with an outside decision")
    shoot(pub, artifacts, "outside-6-workspace")


def test_a_revoked_link_says_so_plainly(demo, tab, artifacts):  # noqa: F811
    change = change_in_review(demo)
    address = "leila@hospital.example"
    invitation = services.invite_reviewer(
        change=change,
        by=demo["publisher"],
        name="Dr Leila Haddad",
        email=address,
        role="medical",
        public_role="Consultant Clinical Oncologist",
    )
    link = link_in(newest_email_to(address).body)
    services.revoke_invitation(invitation=invitation, by=demo["publisher"])

    phone = tab(width=375, height=812)
    phone.page.goto(phone.base_url + link)
    expect(phone.page.get_by_role("heading", level=1)).to_have_text("This link no longer works")
    expect(phone.page.locator(".lead")).to_have_text("It was withdrawn by our information team.")
    clean(phone, "a revoked link")
    shoot(phone, artifacts, "outside-7-revoked")
