"""Signing in: reviewers are often clinicians outside the charity, with no admin access."""

from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse


def reviewer(make_user):
    user = make_user("outside-consultant", is_staff=False)
    user.groups.add(Group.objects.get_or_create(name="Medical reviewers")[0])
    return user


def test_workspace_sends_anonymous_visitors_to_the_sign_in_page(client, db):
    response = client.get(reverse("reviews:dashboard"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('reviews:dashboard')}"


def test_reviewer_without_admin_access_signs_in_to_the_workspace(client, make_user):
    reviewer(make_user)

    response = client.post(
        reverse("login"),
        {"username": "outside-consultant", "password": "a-long-test-password", "next": "/reviews/"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("reviews:dashboard")
    assert response.status_code == 200
    assert "Sign out" in response.content.decode()


def test_wrong_password_is_explained_and_keeps_the_username(client, make_user):
    reviewer(make_user)

    response = client.post(
        reverse("login"), {"username": "outside-consultant", "password": "not-it"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "did not match" in html
    assert 'value="outside-consultant"' in html
    assert "_auth_user_id" not in client.session


def test_sign_in_form_is_csrf_protected(make_user):
    from django.test import Client

    reviewer(make_user)
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(
        reverse("login"), {"username": "outside-consultant", "password": "a-long-test-password"}
    )

    assert response.status_code == 403


def test_signing_out_returns_to_the_public_home_page(client, make_user):
    client.force_login(reviewer(make_user))

    response = client.post(reverse("logout"))

    assert response["Location"] == reverse("infopages:home")
    assert client.get(reverse("reviews:dashboard")).status_code == 302


def test_forgotten_password_sends_a_reset_link(client, make_user):
    reviewer(make_user)

    response = client.post(reverse("password_reset"), {"email": "outside-consultant@example.org"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body
