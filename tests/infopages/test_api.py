from django.urls import reverse

from infopages.publishing import retire_current


def test_list_gives_live_pages_with_review_dates(client, demo_site, settings):
    settings.SITE_URL = "https://information.example.org"
    retire_current(page=demo_site["ct-scan"])

    response = client.get("/api/pages/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert body["count"] == 4 and body["next"] is None and body["previous"] is None
    slugs = [page["slug"] for page in body["results"]]
    assert "ct-scan" not in slugs
    bone = next(page for page in body["results"] if page["slug"] == "bone-scan")
    assert bone["url"] == "https://information.example.org/info/bone-scan/"
    assert bone["api_url"] == "https://information.example.org/api/pages/bone-scan/"
    assert bone["reviewed_on"] == "2025-09-03" and bone["next_review_on"] == "2028-09-03"
    assert bone["topic"]["path"] == "tests-and-scans"
    assert bone["review_overdue"] is False


def test_list_is_paginated_with_next_and_previous_links(client, demo_site, settings):
    settings.SITE_URL = "https://information.example.org"

    first = client.get("/api/pages/", {"page_size": 2}).json()
    second = client.get("/api/pages/", {"page_size": 2, "page": 2}).json()

    assert len(first["results"]) == 2 and first["count"] == 5
    assert first["next"] == "https://information.example.org/api/pages/?page=2&page_size=2"
    assert second["previous"] == "https://information.example.org/api/pages/?page=1&page_size=2"
    assert client.get("/api/pages/", {"page": 99}).status_code == 404


def test_detail_gives_sections_as_html_and_text_with_references_and_reviewers(client, demo_site):
    response = client.get(reverse("infopages:api_page", args=["secondary-breast-cancer"]))

    page = response.json()
    assert response.status_code == 200
    assert page["title"] == "Secondary breast cancer"
    diagnosis = next(s for s in page["sections"] if s["anchor"] == "diagnosis")
    assert "<details>" in diagnosis["html"] and "<summary>Bone scan</summary>" in diagnosis["html"]
    assert "<" not in diagnosis["text"] and "Bone scan" in diagnosis["text"]
    assert diagnosis["url"].endswith("/info/secondary-breast-cancer/#diagnosis")
    assert page["reviewers"][0]["name"] == "Dr Amira Hale"
    assert page["references"][0]["citation"].startswith("National Institute")
    assert page["resources"][0]["title"] == "NHS: Breast cancer in women"
    assert [r["slug"] for r in page["related"]][:2] == ["bone-scan", "ct-scan"]


def test_detail_of_overdue_page_says_so(client, demo_site):
    assert client.get("/api/pages/tiredness-fatigue/").json()["review_overdue"] is True


def test_unknown_page_is_a_json_404(client, db):
    response = client.get("/api/pages/nothing-here/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No published page at this address."}


def test_api_is_read_only(client, demo_site):
    assert client.post("/api/pages/").status_code == 405
    assert client.delete("/api/pages/bone-scan/").status_code == 405


def test_api_needs_few_queries(client, demo_site, django_assert_max_num_queries):
    # + 1 on the first request after a publication: the generation (infopages.caching).
    with django_assert_max_num_queries(3):
        client.get("/api/pages/")
    with django_assert_max_num_queries(4):  # the page, its sections, related pages, history
        client.get("/api/pages/secondary-breast-cancer/")
