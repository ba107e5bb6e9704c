"""The admin's read-only screens in a real browser: axe-core finds no table header without
text in their inline tables (a page's references and resources, a change's items,
sign-offs and comments)."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from playwright.sync_api import expect

from infopages.models import Reference, Resource
from reviews import services
from reviews.core import policy
from tests.browser.conftest import Reader
from tests.browser.test_workspace_flow import PASSWORD

pytestmark = pytest.mark.browser

ALL_IMPACTS = ("minor", "moderate", "serious", "critical")


@pytest.fixture
def in_the_admin(live_server, transactional_db, make_user, make_page, publish):
    """A live page with a reference and a booklet, a change to it, and an administrator."""
    cache.clear()
    make_user("ada", is_staff=True, is_superuser=True)
    editor = make_user("erin", is_staff=True)
    editor.groups.add(Group.objects.get_or_create(name=policy.EDITORS)[0])
    page = make_page()
    Reference.objects.create(page=page, citation="NICE NG101", url="https://nice.org.uk/ng101")
    Resource.objects.create(page=page, title="Our booklet", url="https://example.org/booklet")
    publish(page)
    change = services.start_change(page=page, by=editor, summary="Clearer wording.")
    yield {
        "page": f"/admin/infopages/page/{page.pk}/change/",
        "change": f"/admin/reviews/changerequest/{change.pk}/change/",
    }
    cache.clear()


@pytest.mark.parametrize("screen", ["page", "change"])
def test_a_read_only_screen_has_no_empty_table_header(tab, in_the_admin, screen):
    admin: Reader = tab()
    page = admin.page
    admin.open(in_the_admin[screen])
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("form:has(input[type=password]) [type=submit]").click()
    expect(page.locator("table").first).to_be_visible()

    violations = admin.axe_violations(impacts=ALL_IMPACTS)

    assert [v for v in violations if v["id"] == "empty-table-header"] == []
    assert admin.csp_violations() == []
