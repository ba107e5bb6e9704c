"""Figures in a real browser: the demo page's diagram for readers at 1280 and 375 pixels (axe,
no layout shift as pictures load, a picture no larger than the space it fills needs, at most
60 KB on a phone), the editor's figure screen, and a reviewer's view of a replaced picture,
old and new side by side. Screenshots of each go to test-artifacts/."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from playwright.sync_api import expect

from infopages import images
from infopages.models import Figure
from reviews import services
from reviews.core import policy
from tests.browser.conftest import RECORD_CSP_VIOLATIONS, Reader
from tests.browser.test_public_accessibility import assert_clean
from tests.browser.test_workspace_editing import ALL_IMPACTS
from tests.browser.test_workspace_flow import PASSWORD
from tests.figures import pictures

pytestmark = pytest.mark.browser

PAGE = "/info/secondary-breast-cancer/"
# Collected before the page loads: every layout shift not caused by the reader's own input.
RECORD_LAYOUT_SHIFTS = (
    "window.__shift = 0;"
    "new PerformanceObserver(list => { for (const e of list.getEntries())"
    " { if (!e.hadRecentInput) window.__shift += e.value; } })"
    ".observe({type: 'layout-shift', buffered: true});"
)


def _open_page(chromium, site, *, width: int):
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    context.add_init_script(RECORD_LAYOUT_SHIFTS)
    reader = Reader(context.new_page(), site.url)
    fetched: dict[str, int] = {}

    def picture(response):
        if "/figures/" in response.url and response.ok:
            fetched[response.url] = len(response.body())

    reader.page.on("response", picture)
    return context, reader, fetched


@pytest.mark.parametrize("width", [1280, 375])
def test_readers_see_the_diagram_sized_for_their_screen_without_anything_moving(
    chromium, site, artifacts, width
):
    context, reader, fetched = _open_page(chromium, site, width=width)
    reader.open(PAGE)
    figure = reader.page.locator("figure.figure").first
    figure.scroll_into_view_if_needed()
    image = figure.locator("img")
    expect(image).to_have_js_property("complete", True)
    reader.page.wait_for_function("document.querySelector('figure img').naturalWidth > 0")
    reader.page.wait_for_timeout(300)

    shown = image.evaluate(
        "img => ({natural: img.naturalWidth, width: img.clientWidth, src: img.currentSrc,"
        " ratio: window.devicePixelRatio, alt: img.getAttribute('alt'),"
        " w: img.getAttribute('width'), h: img.getAttribute('height')})"
    )
    assert shown["alt"].startswith("An outline of a body")
    assert shown["w"] and shown["h"]
    assert shown["src"].endswith(".webp")
    # Not blurry, and not much larger than the space it fills (Lighthouse's "properly size").
    chosen = int(re.search(r"/w(\d+)\.webp$", shown["src"]).group(1))
    needed = shown["width"] * shown["ratio"]
    assert needed <= chosen <= max(needed * 1.6, 320), shown
    assert reader.page.evaluate("window.__shift") < 0.01
    figure_bytes = sum(size for url, size in fetched.items() if url.endswith(".webp"))
    if width == 375:
        assert 0 < figure_bytes <= 60 * 1024, fetched
    assert reader.page.evaluate("document.documentElement.scrollWidth") <= width
    block = reader.page.locator(".figure-block").first
    block.locator("summary").click()
    expect(block.locator("details li").nth(2)).to_contain_text("the liver")
    assert_clean(reader, f"page with a figure at {width}px")
    reader.page.screenshot(path=artifacts / f"figures-public-{width}.png", full_page=True)
    figure.screenshot(path=artifacts / f"figures-public-figure-{width}.png")
    context.close()


@pytest.fixture
def people(site, editor, make_user):
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in policy.WORKFLOW_GROUPS}
    editor.username, editor.first_name, editor.last_name, editor.is_staff = (
        "erin",
        "Erin",
        "Editor",
        True,
    )
    editor.set_password(PASSWORD)
    editor.save()
    editor.groups.add(groups[policy.EDITORS])
    medic = make_user("dr_hale", first_name="Amira", last_name="Hale")
    medic.set_password(PASSWORD)
    medic.save()
    medic.groups.add(groups[policy.MEDICAL_REVIEWERS])
    cache.clear()
    return {"editor": editor, "medic": medic}


def _sign_in(chromium, site, username: str, *, width=1280) -> Reader:
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    tab = Reader(context.new_page(), site.url)
    tab.open("/reviews/")
    tab.page.get_by_label("Username").fill(username)
    tab.page.get_by_label("Password").fill(PASSWORD)
    tab.page.locator("form:has(input[type=password]) [type=submit]").click()
    expect(tab.page.get_by_role("heading", level=1)).to_have_text("Your workspace")
    return tab


def test_an_editor_replaces_the_diagram_and_the_reviewer_sees_old_and_new(
    chromium, site, people, artifacts, tmp_path
):
    from infopages.models import Page

    page = Page.objects.get(slug="secondary-breast-cancer")
    change = services.start_change(page=page, by=people["editor"], summary="A clearer diagram")
    figure = Figure.objects.get(page=page)
    old = figure.image
    editor = _sign_in(chromium, site, "erin")
    editor.open(f"/reviews/changes/{change.pk}/figures/{figure.pk}/edit/")
    expect(editor.page.get_by_role("heading", level=1)).to_contain_text("Edit the figure")
    for width in (1280, 375):
        editor.page.set_viewport_size({"width": width, "height": 900})
        assert editor.axe_violations(impacts=ALL_IMPACTS) == [], f"figure screen at {width}px"
        editor.page.screenshot(path=artifacts / f"figures-editor-{width}.png", full_page=True)
        assert editor.page.evaluate("document.documentElement.scrollWidth") <= width
    editor.page.set_viewport_size({"width": 1280, "height": 900})

    replacement = tmp_path / "where-it-spreads-v2.png"
    replacement.write_bytes(pictures.png(1200, 1000, (250, 245, 235), mark="v2"))
    editor.page.get_by_label("Picture file").set_input_files(str(replacement))
    editor.page.get_by_label("Alt text", exact=True).fill(
        "An outline of a body with the brain, lungs, liver and bones marked and labelled."
    )
    editor.page.get_by_label("What did you change?").fill("A clearer drawing")
    editor.page.get_by_role("button", name="Save", exact=True).click()
    expect(editor.page.locator(".messages, [role=status]").first).to_contain_text(
        "Saved the figure"
    )
    figure.refresh_from_db()
    assert figure.image_id != old.digest
    services.submit_for_review(change=change, by=people["editor"])

    reviewer = _sign_in(chromium, site, "dr_hale")
    reviewer.open(f"/reviews/changes/{change.pk}/")
    part = reviewer.page.locator(f"#part-figure-{figure.pk}")
    expect(part.get_by_text("Picture (replaced)")).to_be_visible()
    pair = part.locator(".picture-pair img")
    expect(pair).to_have_count(2)
    sources = [pair.nth(i).get_attribute("src") for i in range(2)]
    assert old.digest in sources[0] and figure.image_id in sources[1]
    assert reviewer.axe_violations(impacts=ALL_IMPACTS) == []
    assert reviewer.csp_violations() == []
    part.scroll_into_view_if_needed()
    part.screenshot(path=artifacts / "figures-reviewer-replaced-1280.png")
    reviewer.page.set_viewport_size({"width": 375, "height": 812})
    part.screenshot(path=artifacts / "figures-reviewer-replaced-375.png")
    assert reviewer.page.evaluate("document.documentElement.scrollWidth") <= 375
    assert images.storage().exists(old.name)  # the old picture is kept
