"""Staff sessions end after STAFF_SESSION_IDLE_MINUTES without using the workspace or admin."""

import pytest
from django.urls import reverse

PASSWORD = "a-long-test-password"


@pytest.fixture
def signed_in(client, make_user, time_machine):
    time_machine.move_to("2026-05-04 09:00:00+00:00")
    user = make_user("sam", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_an_idle_session_is_signed_out_with_a_reason_and_a_way_back(
    client, signed_in, time_machine
):
    time_machine.move_to("2026-05-04 10:01:00+00:00")

    response = client.get("/reviews/?tab=mine")

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/reviews/%3Ftab%3Dmine"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out because you had not used the workspace for 60 minutes" in page
    assert 'name="next" value="/reviews/?tab=mine"' in page


def test_using_the_workspace_keeps_the_session_alive(client, signed_in, time_machine):
    for minute in (50, 100, 150):
        time_machine.move_to(f"2026-05-04 {9 + minute // 60:02d}:{minute % 60:02d}:00+00:00")
        assert client.get("/reviews/").status_code == 200, minute


def test_the_admin_counts_and_is_guarded_too(client, signed_in, time_machine):
    time_machine.move_to("2026-05-04 09:40:00+00:00")
    assert client.get("/admin/").status_code == 200
    time_machine.move_to("2026-05-04 10:30:00+00:00")
    assert client.get("/reviews/").status_code == 200

    time_machine.move_to("2026-05-04 11:31:00+00:00")
    response = client.get("/admin/")

    assert response["Location"] == f"{reverse('login')}?next=/admin/"


def test_a_form_sent_after_too_long_is_refused_and_leads_back_to_its_page(
    client, signed_in, time_machine
):
    time_machine.move_to("2026-05-04 10:30:00+00:00")

    response = client.post(
        reverse("reviews:notification_preference"),
        {"frequency": "daily"},
        headers={"referer": "http://testserver/reviews/"},
    )

    assert response["Location"] == f"{reverse('login')}?next=/reviews/"
    assert "_auth_user_id" not in client.session


def test_reading_public_pages_is_not_activity_and_touches_no_session(
    client, signed_in, live_page, time_machine
):
    time_machine.move_to("2026-05-04 09:50:00+00:00")
    response = client.get(live_page.get_absolute_url())
    assert response.status_code == 200
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies

    time_machine.move_to("2026-05-04 10:05:00+00:00")
    assert client.get("/reviews/").status_code == 302


def test_the_limit_is_a_setting(client, signed_in, time_machine, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 10
    time_machine.move_to("2026-05-04 09:11:00+00:00")

    assert client.get("/reviews/").status_code == 302


def test_signing_in_through_the_form_starts_the_clock(client, make_user, time_machine):
    time_machine.move_to("2026-05-04 09:00:00+00:00")
    make_user("sam", is_staff=True)
    client.post(reverse("login"), {"username": "sam", "password": PASSWORD})
    time_machine.move_to("2026-05-04 09:59:00+00:00")
    assert client.get("/reviews/").status_code == 200

    time_machine.move_to("2026-05-04 11:00:00+00:00")
    assert client.get("/reviews/").status_code == 302


@pytest.fixture
def live_page(make_page, publish):
    page = make_page()
    publish(page)
    return page
