"""Errors are never cached, and the API's errors are JSON, a database outage included."""

import pytest
from django.db import connection
from django.db.utils import OperationalError

from infopages.publishing import retire_current


@pytest.fixture
def live_page(make_page, publish):
    page = make_page()
    publish(page)
    return page


def assert_not_cached(response):
    assert "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_a_page_taken_down_is_a_404_that_no_one_keeps(client, live_page, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300  # the rendered-page cache on, as with Redis
    assert client.get(live_page.get_absolute_url()).status_code == 200

    retire_current(page=live_page)

    for url in [live_page.get_absolute_url(), f"{live_page.get_absolute_url()}print/"]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert_not_cached(response)
        assert "Page not found" in response.content.decode()
    api = client.get(f"/api/pages/{live_page.slug}/")
    assert api.status_code == 404
    assert_not_cached(api)


@pytest.mark.parametrize(
    "url", ["/info/no-such-page/", "/topics/no-such-topic/", "/no/such/address/"]
)
def test_every_public_404_says_no_store(client, db, url):
    response = client.get(url)

    assert response.status_code == 404
    assert_not_cached(response)
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies


@pytest.mark.parametrize(
    "url", ["/api/pages/no-such-page/", "/api/pages/?page=99", "/api/no-such-thing/"]
)
def test_api_404s_are_json_and_not_cached(client, db, url):
    response = client.get(url)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert_not_cached(response)


def test_api_405_is_json_and_says_what_is_allowed(client, db):
    for response in [client.post("/api/pages/"), client.delete("/api/pages/bone-scan/")]:
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD"
        assert "read-only" in response.json()["detail"]


def test_api_500_is_json(client, db, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr("infopages.selectors.live_publication", broken)
    client.raise_request_exception = False

    response = client.get("/api/pages/anything/")

    assert response.status_code == 500
    assert response.json() == {
        "detail": "Something went wrong on our side. Please try again in a few minutes."
    }
    assert_not_cached(response)


def test_html_500_is_our_page_and_not_cached(client, db, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr("infopages.page_bodies.live_page", broken)
    client.raise_request_exception = False

    response = client.get("/info/anything/")

    assert response.status_code == 500
    assert "Sorry, there is a problem with this page" in response.content.decode()
    assert_not_cached(response)


def test_api_answers_a_database_outage_with_json_503(client, db, monkeypatch):
    def unreachable(**kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr("infopages.selectors.live_publications", unreachable)

    response = client.get("/api/pages/")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert "not available just now" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0
    assert response["Cache-Control"] == "no-store"


def test_api_outage_with_every_query_failing_is_json_503(client, live_page):
    def unreachable(execute, sql, params, many, context):
        raise OperationalError("could not connect to server: Connection refused")

    with connection.execute_wrapper(unreachable):
        response = client.get(f"/api/pages/{live_page.slug}/")

    assert response.status_code == 503
    assert response.json()["detail"]


def test_the_html_site_keeps_its_503_page(client, db, monkeypatch):
    def unreachable(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("infopages.page_bodies.live_page", unreachable)

    response = client.get("/info/anything/")

    assert response.status_code == 503
    assert "not available just now" in response.content.decode()
