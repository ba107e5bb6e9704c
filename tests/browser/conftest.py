"""Headless Chromium (Debian's) against the live test server, one browser per session."""

import os
import shutil
from importlib.resources import files
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from reviews.core import policy
from tests.infopages.content import publish_demo_pages

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# axe-core as packaged by axe-playwright-python (requirements.txt): no download at test time.
AXE_SOURCE = (files("axe_playwright_python") / "axe.min.js").read_text()
# Kept in the page, so a test can ask what the Content-Security-Policy blocked.
RECORD_CSP_VIOLATIONS = (
    "window.__cspViolations = [];"
    "document.addEventListener('securitypolicyviolation', e =>"
    " window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) is None:
        skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed")
        for item in items:
            if "browser" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="module")
def allow_orm_beside_playwright():
    """Playwright's sync API runs an event loop in this thread, so Django would refuse the
    (synchronous, safe) ORM calls that arrange test data. Allowed only while this module's
    browser runs: the variable must not leak into other tests or their subprocesses."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def chromium(allow_orm_beside_playwright):
    """One browser for the module; it stops before the next module's tests use the ORM."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, transactional_db, editor):
    """The demo pages, published, on the live server (the rendered-page cache is off)."""
    from tests.infopages.content import publish_demo_pages

    cache.clear()
    publish_demo_pages(by=editor)
    yield live_server
    cache.clear()


class Reader:
    """A browser tab that records what a strict reader's browser would complain about."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.console_errors: list[str] = []
        self.foreign_requests: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        page.on("request", self._request)
        page.on("response", self._response)

    def _console(self, message):
        # A failed load is reported with its address by _response; the console omits it.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.console_errors.append(message.text)

    def _response(self, response):
        if response.status >= 400 and response.request.resource_type != "document":
            self.console_errors.append(f"{response.status} {response.url}")

    def _request(self, request):
        if not request.url.startswith((self.base_url, "data:")):
            self.foreign_requests.append(request.url)

    def open(self, path: str):
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        return response

    def axe_violations(self, impacts=("serious", "critical")) -> list[dict]:
        self.page.evaluate(AXE_SOURCE)
        results = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        return [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["html"][:200] for n in v["nodes"][:5]],
            }
            for v in results["violations"]
            if v["impact"] in impacts
        ]

    def csp_violations(self) -> list[str]:
        return self.page.evaluate("window.__cspViolations || []")


@pytest.fixture
def reader(chromium, site):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.add_init_script(
        "window.__cspViolations = [];"
        "document.addEventListener('securitypolicyviolation', e =>"
        " window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page = context.new_page()
    yield Reader(page, site.url)
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def tab(chromium, live_server):
    """Opens a browser context (its own cookies) per person; all closed at the end."""
    contexts = []

    def open_tab(*, width=1280, height=900) -> Reader:
        context = chromium.new_context(viewport={"width": width, "height": height}, locale="en-GB")
        context.add_init_script(RECORD_CSP_VIOLATIONS)
        contexts.append(context)
        return Reader(context.new_page(), live_server.url)

    yield open_tab
    for context in contexts:
        context.close()


@pytest.fixture
def demo(live_server, transactional_db, make_user, editor):
    """The demo pages, live; the people of the workflow (a full review's too). The demo pages
    were written by ``editor`` (Erin Editor), who makes the changes."""
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in policy.WORKFLOW_GROUPS}
    editor.first_name, editor.last_name = "Erin", "Editor"
    editor.save()
    editor.groups.add(groups[policy.EDITORS])

    def person(username, first, last, *group_names):
        user = make_user(username, first_name=first, last_name=last)
        user.groups.add(*(groups[name] for name in group_names))
        return user

    cache.clear()
    publish_demo_pages(by=editor)
    yield {
        "editor": editor,
        "medic": person("dr_hale", "Amira", "Hale", policy.MEDICAL_REVIEWERS),
        "lay": person("lee", "Lee", "Morgan", policy.LAY_REVIEWERS),
        "publisher": person("pat", "Pat", "Jones", policy.PUBLISHERS),
    }
    cache.clear()
