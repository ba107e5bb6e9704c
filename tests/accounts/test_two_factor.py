"""Two-factor sign-in: setting it up, signing in with a code, and publishers' obligation."""

import re
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from reviews.core.audit import Action
from reviews.models import AuditEvent

PASSWORD = "a-long-test-password"


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + steps_ahead * device.step
    return f"{totp.token():06d}"


@pytest.fixture
def staff(make_user):
    return make_user("sam", is_staff=True)


@pytest.fixture
def with_device(staff):
    return TOTPDevice.objects.create(user=staff, name="Authenticator app", confirmed=True)


@pytest.fixture
def publisher(make_user):
    user = make_user("pat", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name="Publishers")[0])
    return user


def sign_in(client, username, **extra):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD, **extra})


def test_setup_page_shows_the_key_as_text_and_as_an_svg_qr_code(client, staff):
    client.force_login(staff)

    response = client.get(reverse("two_factor_setup"))

    html = response.content.decode()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "otpauth://totp/Cancer%20information%3Asam?secret=" in html
    secret = re.search(r'<code class="setup-key">([A-Z2-7 ]+)</code>', html).group(1)
    assert secret.replace(" ", "") in device.config_url
    assert 'src="data:image/svg+xml' in html
    assert 'alt="QR code' in html
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    assert '<label for="id_code">' in html
    assert "<script" not in html.split("</head>")[1]  # nothing but the site's own script


def test_setup_keeps_the_same_key_until_it_is_confirmed(client, staff):
    client.force_login(staff)
    client.get(reverse("two_factor_setup"))
    client.get(reverse("two_factor_setup"))

    assert TOTPDevice.objects.filter(user=staff).count() == 1


def test_confirming_with_a_code_turns_it_on_and_is_audited(client, staff):
    client.force_login(staff)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=staff)

    response = client.post(
        reverse("two_factor_setup"), {"password": PASSWORD, "code": code_for(device)}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:dashboard")
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action=Action.TWO_FACTOR_ENABLED, actor=staff).count() == 1
    assert client.get(reverse("reviews:dashboard")).status_code == 200


def test_a_wrong_code_does_not_turn_it_on(client, staff):
    client.force_login(staff)
    client.get(reverse("two_factor_setup"))

    response = client.post(reverse("two_factor_setup"), {"password": PASSWORD, "code": "000000"})

    assert response.status_code == 200
    assert "That code did not match" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not TOTPDevice.objects.get(user=staff).confirmed


def test_setting_it_up_needs_the_password_too(client, staff):
    # Whoever finds a session left open must not tie the account to their own phone.
    client.force_login(staff)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=staff)

    response = client.post(
        reverse("two_factor_setup"), {"password": "not-it", "code": code_for(device)}
    )

    assert response.status_code == 200
    assert "That is not your password" in response.content.decode()
    assert not TOTPDevice.objects.get(user=staff).confirmed


def test_with_a_device_the_password_alone_does_not_sign_in(client, with_device):
    response = sign_in(client, "sam", next="/reviews/")

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('two_factor_verify')}?next=%2Freviews%2F"
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("reviews:dashboard")).status_code == 302


def test_signing_in_with_password_then_code(client, with_device):
    sign_in(client, "sam")
    page = client.get(reverse("two_factor_verify"), {"next": "/reviews/"})
    assert 'autocomplete="one-time-code"' in page.content.decode()

    response = client.post(
        reverse("two_factor_verify"), {"code": code_for(with_device), "next": "/reviews/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/reviews/"
    assert client.session["_auth_user_id"] == str(with_device.user.pk)
    assert client.get(reverse("reviews:dashboard")).status_code == 200


def test_a_wrong_code_is_refused(client, with_device):
    sign_in(client, "sam")

    response = client.post(reverse("two_factor_verify"), {"code": "123456"})

    assert response.status_code == 200
    assert "That code did not work" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_code_is_accepted_only_once(client, with_device):
    code = code_for(with_device)
    sign_in(client, "sam")
    client.post(reverse("two_factor_verify"), {"code": code})
    client.logout()

    sign_in(client, "sam")
    response = client.post(reverse("two_factor_verify"), {"code": code})

    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_wrong_codes_slow_down_further_tries(client, with_device):
    sign_in(client, "sam")
    for _ in range(3):
        client.post(reverse("two_factor_verify"), {"code": "123456"})

    response = client.post(reverse("two_factor_verify"), {"code": code_for(with_device)})

    assert "Too many wrong codes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_code_step_without_a_password_step_goes_back_to_sign_in(client, with_device):
    response = client.post(reverse("two_factor_verify"), {"code": code_for(with_device)})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_the_code_step_expires(client, with_device, time_machine):
    time_machine.move_to("2026-05-04 09:00:00+00:00")
    sign_in(client, "sam")
    time_machine.move_to("2026-05-04 09:06:00+00:00")

    response = client.post(reverse("two_factor_verify"), {"code": code_for(with_device)})

    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_admin_sign_in_asks_for_the_code_too(client, make_user):
    root = make_user("root", is_staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=root, name="App", confirmed=True)

    response = client.post(
        reverse("admin:login"), {"username": "root", "password": PASSWORD, "next": "/admin/"}
    )

    assert response["Location"].startswith(reverse("two_factor_verify"))
    assert client.get("/admin/").status_code == 302


def test_a_session_without_the_code_is_asked_for_it_in_the_staff_areas(client, with_device):
    client.force_login(with_device.user)  # e.g. signed in before setting it up elsewhere

    for url in ["/reviews/", "/admin/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("two_factor_verify")), url

    response = client.post(
        reverse("two_factor_verify"), {"code": code_for(with_device), "next": "/reviews/"}
    )
    assert response["Location"] == "/reviews/"
    assert client.get("/reviews/").status_code == 200


def test_publishers_need_not_set_it_up_by_default(client, publisher):
    client.force_login(publisher)

    assert client.get(reverse("reviews:dashboard")).status_code == 200


def test_when_required_a_publisher_must_set_it_up_first(client, publisher, settings):
    settings.REQUIRE_TWO_FACTOR_FOR_PUBLISHERS = True
    client.force_login(publisher)

    for url in ["/reviews/", "/admin/", "/reviews/audit.csv"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{reverse('two_factor_setup')}?{urlencode({'next': url})}"

    page = client.get(reverse("two_factor_setup"))
    assert "Publishers must use two-factor sign-in" in page.content.decode()
    device = TOTPDevice.objects.get(user=publisher)
    response = client.post(
        reverse("two_factor_setup"),
        {"password": PASSWORD, "code": code_for(device), "next": "/reviews/"},
    )
    assert response["Location"] == "/reviews/"
    assert client.get("/reviews/").status_code == 200


def test_when_required_others_still_need_not_set_it_up(client, staff, settings):
    settings.REQUIRE_TWO_FACTOR_FOR_PUBLISHERS = True
    client.force_login(staff)

    assert client.get(reverse("reviews:dashboard")).status_code == 200


def test_the_workspace_links_to_the_setup_page(client, staff):
    client.force_login(staff)

    assert reverse("two_factor_setup") in client.get(reverse("reviews:dashboard")).content.decode()
