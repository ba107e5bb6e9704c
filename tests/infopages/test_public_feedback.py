import re

import pytest
from django.test import Client

from infopages.feedback import FEEDBACK_LIMIT
from infopages.models import PageFeedback


@pytest.fixture
def live_page(make_page, publish):
    page = make_page()
    publish(page)
    return page


def feedback_url(page) -> str:
    return f"/info/{page.slug}/feedback/"


def test_page_asks_whether_it_helped_without_a_csrf_token(client, live_page):
    html = client.get(live_page.get_absolute_url()).content.decode()

    assert "Was this page helpful?" in html
    assert f'action="{feedback_url(live_page)}" method="get"' in html
    assert 'name="helpful" value="yes"' in html and 'name="helpful" value="no"' in html
    assert "csrfmiddlewaretoken" not in html


def test_feedback_form_keeps_the_answer_chosen_on_the_page(client, live_page):
    response = client.get(feedback_url(live_page), {"helpful": "no"})

    html = response.content.decode()
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert "csrfmiddlewaretoken" in html
    assert re.search(r'<input type="radio" name="helpful" value="no"[^>]* checked>', html)


def test_feedback_is_stored_with_the_publication_and_no_personal_data(client, live_page):
    response = client.post(feedback_url(live_page), {"helpful": "no", "comment": "Too long."})

    assert response.status_code == 302
    assert response["Location"] == f"{feedback_url(live_page)}thanks/"
    feedback = PageFeedback.objects.get()
    assert feedback.helpful is False and feedback.comment == "Too long."
    assert feedback.publication == live_page.publications.get(is_current=True)
    assert feedback.slug == live_page.slug
    field_names = {f.name for f in PageFeedback._meta.get_fields()}
    assert not field_names & {"ip", "ip_address", "user", "email", "user_agent", "session"}
    assert "Thank you" in client.get(response["Location"]).content.decode()


def test_feedback_without_a_comment_is_fine(client, live_page):
    client.post(feedback_url(live_page), {"helpful": "yes"})

    assert PageFeedback.objects.get().helpful is True


def test_feedback_without_an_answer_is_refused_and_keeps_the_comment(client, live_page):
    response = client.post(feedback_url(live_page), {"comment": "My words"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose yes or no." in html and "My words" in html
    assert not PageFeedback.objects.exists()


def test_overlong_comment_is_refused(client, live_page):
    response = client.post(feedback_url(live_page), {"helpful": "yes", "comment": "x" * 1001})

    assert "There is a problem" in response.content.decode()
    assert not PageFeedback.objects.exists()


def test_feedback_needs_a_csrf_token(live_page):
    client = Client(enforce_csrf_checks=True)

    response = client.post(feedback_url(live_page), {"helpful": "yes"})

    assert response.status_code == 403
    assert not PageFeedback.objects.exists()


def test_feedback_with_the_form_token_is_accepted(live_page):
    client = Client(enforce_csrf_checks=True)
    form = client.get(feedback_url(live_page)).content.decode()
    token = form.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]

    response = client.post(
        feedback_url(live_page), {"helpful": "yes", "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302
    assert PageFeedback.objects.count() == 1


def test_feedback_is_rate_limited_per_client(client, live_page):
    for _ in range(FEEDBACK_LIMIT):
        assert client.post(feedback_url(live_page), {"helpful": "yes"}).status_code == 302

    response = client.post(feedback_url(live_page), {"helpful": "yes"})

    assert response.status_code == 429
    assert response["Retry-After"]
    assert "Please try again later" in response.content.decode()
    assert PageFeedback.objects.count() == FEEDBACK_LIMIT
    other_reader = client.post(
        feedback_url(live_page), {"helpful": "yes"}, REMOTE_ADDR="192.0.2.44"
    )
    assert other_reader.status_code == 302


def test_rate_limit_uses_the_proxy_header_when_configured(client, live_page, settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    for _ in range(FEEDBACK_LIMIT):
        client.post(
            feedback_url(live_page),
            {"helpful": "yes"},
            HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7",
        )

    blocked = client.post(
        feedback_url(live_page), {"helpful": "yes"}, HTTP_X_FORWARDED_FOR="9.9.9.9, 198.51.100.7"
    )
    allowed = client.post(
        feedback_url(live_page), {"helpful": "yes"}, HTTP_X_FORWARDED_FOR="198.51.100.8"
    )

    assert blocked.status_code == 429  # a forged left-hand entry does not reset the count
    assert allowed.status_code == 302


def test_no_feedback_on_unpublished_pages(client, make_page):
    page = make_page()

    assert client.get(feedback_url(page)).status_code == 404
    assert client.post(feedback_url(page), {"helpful": "yes"}).status_code == 404


def test_staff_see_feedback_per_page_in_the_admin(client, live_page, make_user):
    client.post(feedback_url(live_page), {"helpful": "no", "comment": "Needs pictures"})
    admin = make_user("admin", is_staff=True, is_superuser=True)
    client.force_login(admin)

    response = client.get("/admin/infopages/pagefeedback/", {"slug": live_page.slug})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Needs pictures" in html
    assert "Not helpful: <strong>1</strong>" in html


def test_a_nul_byte_in_a_comment_is_refused_with_a_message(client, live_page):
    """PostgreSQL refuses NUL in text: the form says so instead of the database failing."""
    response = client.post(feedback_url(live_page), {"helpful": "no", "comment": "a\x00b"})

    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    assert not PageFeedback.objects.exists()


def test_a_nul_byte_in_the_chosen_answer_is_ignored(client, live_page):
    response = client.get(feedback_url(live_page), {"helpful": "no\x00"})

    assert response.status_code == 200
    response = client.post(feedback_url(live_page), {"helpful": "yes\x00"})
    assert response.status_code == 200 and not PageFeedback.objects.exists()


def test_a_nul_byte_in_api_paging_is_answered_not_a_server_error(client, live_page):
    assert client.get("/api/pages/", {"page": "\x00"}).status_code == 404
    assert client.get("/api/pages/", {"page_size": "1\x00"}).status_code == 200
