"""A NUL byte anywhere a reader can type never reaches the database (PostgreSQL refuses NUL
in text, which was a 500): every public address answers normally."""

import pytest


@pytest.fixture
def live_page(make_page, publish):
    page = make_page()
    publish(page)
    return page


@pytest.mark.parametrize(
    "url,status",
    [
        ("/search/?q=a%00b", 200),
        ("/search/?q=scan&page=%00", 200),
        ("/topics/cancer-types%00/", 404),
        ("/topics/%00/", 404),
        ("/info/secondary-breast-cancer%00/", 404),
        ("/info/secondary-breast-cancer/feedback/?helpful=%00", 200),
        ("/api/pages/?page=%00&page_size=%00", 404),
        ("/api/pages/secondary-breast-cancer%00/", 404),
    ],
)
def test_public_addresses_with_a_nul_byte_answer_normally(client, live_page, url, status):
    assert client.get(url).status_code == status


@pytest.mark.parametrize(
    "url,data",
    [
        ("/accounts/login/", {"username": "editor\x00", "password": "x\x00"}),
        ("/accounts/password_reset/", {"email": "a\x00@example.org"}),
    ],
)
def test_sign_in_forms_with_a_nul_byte_answer_normally(client, db, url, data):
    assert client.post(url, data).status_code == 200
