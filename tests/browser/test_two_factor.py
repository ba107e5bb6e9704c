"""Two-factor setup and sign-in in a real browser: the setup page works under the strict CSP
(QR code drawn server-side, no script), passes axe-core, and the next sign-in asks for a code."""

from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.browser.conftest import RECORD_CSP_VIOLATIONS, Reader

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-password"  # tests/conftest.py make_user


@pytest.fixture
def browser_tab(chromium, live_server, transactional_db):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    yield Reader(context.new_page(), live_server.url)
    context.close()


def assert_clean(tab: Reader, what: str) -> None:
    serious = tab.axe_violations()
    assert serious == [], f"{what}: {serious}"
    assert tab.csp_violations() == [], f"{what}: CSP blocked something"
    assert tab.console_errors == [], f"{what}: {tab.console_errors}"
    assert tab.foreign_requests == [], f"{what}: loaded from elsewhere"


def current_code(secret: str) -> str:
    return f"{TOTP(b32decode(secret.replace(' ', ''))).token():06d}"


def sign_in_with_password(page, username: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_set_up_two_factor_then_sign_in_with_a_code(browser_tab, make_user):
    make_user("sam", first_name="Sam", last_name="Staff", is_staff=True)
    page = browser_tab.page
    browser_tab.open("/reviews/")
    sign_in_with_password(page, "sam")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your workspace")

    page.get_by_role("link", name="Two-factor sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor sign-in")
    qr = page.get_by_alt_text("QR code holding the setup key below")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth") > 100  # drawn, not blocked
    assert_clean(browser_tab, "two-factor setup")
    secret = page.locator(".setup-key").first.inner_text()

    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("Code from your authenticator app").fill(current_code(secret))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator(".messages")).to_contain_text("Two-factor sign-in is on.")

    page.get_by_role("button", name="Sign out").click()
    browser_tab.open("/reviews/")
    sign_in_with_password(page, "sam")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter the code from your app")
    assert_clean(browser_tab, "code step")
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("That code did not work")
    page.wait_for_timeout(1100)  # django-otp waits a second after one wrong code
    # A code from the next 30-second step: the one before may have been used at setup.
    totp = TOTP(b32decode(secret.replace(" ", "")))
    totp.time += 30
    page.get_by_label("Code from your authenticator app").fill(f"{totp.token():06d}")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your workspace")
    assert page.url == browser_tab.base_url + "/reviews/"
