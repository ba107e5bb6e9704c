"""Writes to the read-only API get its JSON 405, as the README promises, not Django's HTML
page about a missing CSRF token (issue 18, item 6)."""

import pytest
from django.test import Client


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/api/pages/", "/api/pages/bone-scan/"])
def test_a_write_without_a_csrf_token_gets_the_json_405(demo_site, method, path):
    browser_like = Client(enforce_csrf_checks=True)  # as a real client: CSRF checks apply

    response = getattr(browser_like, method)(path, "{}", content_type="application/json")

    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response["Allow"] == "GET, HEAD"
    assert response.json() == {"detail": "The API is read-only: use GET (or HEAD)."}
