"""Nothing typed is lost on an error page: a form sent while the database is down, or when
something breaks on our side, comes back with the person's text to copy; a form too large to
read gets a page that says so and what to do."""

from django.db import connection
from django.db.utils import OperationalError
from django.urls import reverse

COMMENT = "Please add the new NICE guidance on bone-strengthening drugs <b>here</b>."


def test_a_comment_sent_while_the_database_is_down_is_shown_back(client, submitted_change, medic):
    client.force_login(medic)
    client.raise_request_exception = False

    def unreachable(execute, sql, params, many, context):
        raise OperationalError("could not connect to server: Connection refused")

    with connection.execute_wrapper(unreachable):
        response = client.post(
            reverse("reviews:comment", args=[submitted_change.pk]), {"body": COMMENT}
        )

    assert response.status_code == 503
    assert response.cookies.get("sessionid") is None  # an outage does not sign anyone out
    html = response.content.decode()
    assert "What you typed was not saved" in html
    assert "Please add the new NICE guidance" in html
    assert "<b>here</b>" not in html  # shown back as text, never as markup
    assert "&lt;b&gt;here&lt;/b&gt;" in html


def test_a_sign_off_comment_survives_a_server_error(client, submitted_change, medic, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("reviews.core.services.sign_off", broken)
    client.raise_request_exception = False
    client.force_login(medic)

    response = client.post(
        reverse("reviews:sign_off", args=[submitted_change.pk]),
        {
            "decision": "request_changes",
            "comment": COMMENT,
            "seen_hash": submitted_change.content_hash,
        },
    )

    assert response.status_code == 500
    assert "Please add the new NICE guidance" in response.content.decode()


def test_passwords_are_never_shown_back(client, db, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("django.contrib.auth.forms.AuthenticationForm.clean", broken)
    client.raise_request_exception = False

    response = client.post(reverse("login"), {"username": "someone", "password": "secret-words-1"})

    assert response.status_code == 500
    assert "secret-words-1" not in response.content.decode()


def test_a_form_too_large_to_read_says_so(client, submitted_change, author, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(author)

    response = client.post(
        reverse("reviews:comment", args=[submitted_change.pk]), {"body": "x" * 2000}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "too large for us to accept" in html
    assert "Back button" in html


def test_an_edit_too_long_for_a_section_keeps_the_text_with_the_reason(
    client, draft_change, author
):
    """Finding 8: an edit over 2.5 MB got a bare 400 page. Up to 5 MB reaches the form, which
    refuses it with the limit and keeps the text."""
    section = draft_change.page.sections.get(anchor="what-is-it")
    body = "Cancer that has spread. " * 120_000  # 2.9 MB
    saved = section.body
    client.force_login(author)

    response = client.post(
        reverse("reviews:edit_section", args=[draft_change.pk, section.pk]),
        {
            "heading": section.heading,
            "body": body,
            "comment": "Pasted the whole booklet",
            "lock_version": section.lock_version,
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "the most a section can hold is 60,000" in html
    assert html.count("Cancer that has spread.") >= 120_000  # the text is in the form
    section.refresh_from_db()
    assert section.body == saved  # nothing saved
