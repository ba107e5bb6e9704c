"""The public site in a real browser: axe-core, keyboard use, small screens, print, privacy."""

import pytest

pytestmark = pytest.mark.browser

PAGE = "/info/secondary-breast-cancer/"


def assert_clean(reader, what: str):
    violations = reader.axe_violations()
    assert violations == [], f"{what}: {violations}"
    assert reader.csp_violations() == [], f"{what}: CSP blocked something"
    assert reader.console_errors == [], f"{what}: {reader.console_errors}"
    assert reader.foreign_requests == [], f"{what}: loaded from elsewhere"


def test_home_has_no_serious_accessibility_problems(reader):
    reader.open("/")
    assert_clean(reader, "home")


def test_topic_page_has_no_serious_accessibility_problems(reader):
    reader.open("/topics/living-with-cancer/")
    assert_clean(reader, "topic")
    reader.open("/topics/cancer-types/breast-cancer/")
    assert_clean(reader, "sub-topic")


def test_page_has_no_serious_accessibility_problems_with_expanders_closed_and_open(reader):
    reader.open(PAGE)
    assert reader.page.locator("details[open]").count() == 0
    assert_clean(reader, "page, expanders closed")

    for summary in reader.page.locator("details > summary").all():
        summary.click()
    assert reader.page.locator("details:not([open])").count() == 0
    assert_clean(reader, "page, expanders open")


def test_search_results_have_no_serious_accessibility_problems(reader):
    reader.open("/search/?q=scan")
    assert reader.page.locator("ol.results > li").count() >= 2
    assert_clean(reader, "search results")

    reader.open("/search/?q=xylophone")
    assert_clean(reader, "search without results")


def test_feedback_form_and_error_pages_have_no_serious_accessibility_problems(reader):
    reader.open(f"{PAGE}feedback/?helpful=yes")
    assert_clean(reader, "feedback form")
    reader.page.get_by_label("Tell us more (optional)").fill("x" * 10)
    reader.page.get_by_role("button", name="Send feedback").click()
    assert reader.page.get_by_role("heading", level=1).inner_text() == (
        "Thank you for your feedback"
    )
    reader.page.goto(reader.base_url + "/info/no-such-page/")
    reader.console_errors.clear()  # the 404 status itself is logged as a console error
    assert_clean(reader, "not found")


def test_keyboard_reader_can_skip_to_content_and_open_an_expander(reader):
    page = reader.page
    reader.open(PAGE)

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    summary = page.locator("summary", has_text="Bone scan")
    summary.focus()
    page.keyboard.press("Enter")
    assert summary.locator("xpath=..").get_attribute("open") is not None
    page.keyboard.press("Space")
    assert summary.locator("xpath=..").get_attribute("open") is None


def test_focus_is_visible(reader):
    page = reader.page
    reader.open(PAGE)

    page.locator(".contents a").first.focus()
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.backgroundColor, s.boxShadow]; }"
    )
    assert style[0] == "rgb(255, 191, 71)" and style[1] != "none"


def test_page_at_375px_wide_is_readable(chromium, site, artifacts):
    context = chromium.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    page = context.new_page()
    page.goto(site.url + PAGE)

    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    font_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert font_size >= 16
    page.screenshot(path=artifacts / "page-375.png", full_page=True)
    page.goto(site.url + "/search/?q=scan")
    page.screenshot(path=artifacts / "search-375.png", full_page=True)
    context.close()


def test_page_at_desktop_width(chromium, site, artifacts):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site.url + PAGE)
    page.screenshot(path=artifacts / "page-1280.png", full_page=True)
    page.goto(site.url + "/")
    page.screenshot(path=artifacts / "home-1280.png", full_page=True)
    context.close()


def test_zoom_to_400_percent_needs_no_sideways_scrolling(chromium, site):
    # 400% zoom of a 1280px window lays the page out in 320 CSS pixels.
    context = chromium.new_context(viewport={"width": 320, "height": 256})
    page = context.new_page()
    for path in ["/", PAGE, "/search/?q=scan", "/topics/living-with-cancer/"]:
        page.goto(site.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
    context.close()


def test_printed_page_hides_navigation_and_opens_expanders(chromium, site, artifacts):
    context = chromium.new_context(viewport={"width": 800, "height": 1000})
    page = context.new_page()
    page.goto(site.url + PAGE)
    page.emulate_media(media="print")

    assert not page.locator("nav.contents").is_visible()
    assert not page.locator("nav.breadcrumbs").is_visible()
    assert not page.locator(".site-search").is_visible()
    assert page.locator(".review-dates").is_visible()
    after = page.evaluate(
        "getComputedStyle(document.querySelector('.related a'), '::after').content"
    )
    assert "/info/" in after
    page.pdf(path=artifacts / "page-print.pdf")

    page.goto(site.url + PAGE + "print/")
    assert page.locator("details:not([open])").count() == 0
    assert page.get_by_role("button", name="Print this page").is_visible() is False
    page.emulate_media(media="screen")
    assert page.get_by_role("button", name="Print this page").is_visible()
    context.close()
