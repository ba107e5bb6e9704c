"""An outside reviewer's link: signed, stored only as a hash, for one change, expiring,
revocable, spent once they decide; and the one-time code it asks for before showing
anything (hashed, single use, expiring, a few tries, throttled). Through the HTTP client,
as the reviewer's browser uses it."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from reviews import services
from reviews.core.audit import Action
from reviews.core.models.invitations import MAX_WRONG_CODES
from reviews.models import AuditEvent, ChangeRequest, Decision, Invitation, SignOff
from reviews.outside.services import invitation_access
from reviews.outside.services.invitation_access import CODE_TRIES, SALT, WRONG_CODE
from reviews.outside.views.outside import IDLE_MINUTES, SESSION_KEY
from tests.reviews.conftest import NEW_TEXT, code_in

SECRET_WORDS = NEW_TEXT  # the change's new text: never shown before the code


def key_of(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def ask_code(client, path: str):
    return client.post(path + "code/")


def enter(client, path: str, code: str):
    return client.post(path + "code/check/", {"code": code})


def sign_offs_of(change: ChangeRequest) -> int:
    return SignOff.objects.filter(change=change).count()


# The link


def test_the_email_carries_a_signed_link_and_only_its_hash_is_stored(
    submitted_change, invite, mailoutbox
):
    invitation, path = invite(submitted_change)
    key = key_of(path)
    pk, token = signing.Signer(salt=SALT).unsign(key).split(".", 1)

    assert int(pk) == invitation.pk and len(token) >= 40
    assert invitation.token_hash != token and len(invitation.token_hash) == 64
    assert not Invitation.objects.filter(token_hash__contains=token).exists()
    # The link is in the email only: not in the audit log, nor in the outbox of the workspace.
    assert not AuditEvent.objects.filter(message__contains=token).exists()
    assert "Dr Amira Hale" in mailoutbox[-1].body and submitted_change.page.title in (
        mailoutbox[-1].subject
    )


def test_a_tampered_link_is_refused_before_the_database_is_asked(
    client, submitted_change, invite, django_assert_num_queries
):
    _invitation, path = invite(submitted_change)
    key = key_of(path)
    tampered = key[:-3] + ("AAA" if key[-3:] != "AAA" else "BBB")

    with django_assert_num_queries(0):
        assert invitation_access.invitation_for_key(tampered) is None
    response = client.get(reverse("reviews:outside_review", kwargs={"key": tampered}))
    assert response.status_code == 404


def test_a_link_signed_here_but_with_another_token_or_id_is_not_found(
    client, submitted_change, invite
):
    invitation, path = invite(submitted_change)
    _pk, token = signing.Signer(salt=SALT).unsign(key_of(path)).split(".", 1)
    signer = signing.Signer(salt=SALT)

    for value in [f"{invitation.pk}.not-the-token", f"{invitation.pk + 1}.{token}"]:
        url = reverse("reviews:outside_review", kwargs={"key": signer.sign(value)})
        assert client.get(url).status_code == 404


def test_before_the_code_nothing_of_the_change_is_shown(client, submitted_change, invite):
    _invitation, path = invite(submitted_change)

    html = client.get(path).content.decode()

    assert "Email me a code" in html
    for secret in [submitted_change.page.title, SECRET_WORDS, submitted_change.summary]:
        assert secret not in html
    assert "amira" not in html.lower()  # not even whom it was sent to


def test_the_code_opens_the_change_for_this_browser_only(
    client, client_factory, submitted_change, invite, mailoutbox
):
    invitation, path = invite(submitted_change)
    assert ask_code(client, path).status_code == 302
    code = code_in(mailoutbox)
    invitation.refresh_from_db()
    assert invitation.code_hash and code not in invitation.code_hash

    assert enter(client, path, code).status_code == 302
    html = client.get(path).content.decode()

    assert SECRET_WORDS in html and "Your decision" in html
    other_browser = client_factory()
    assert SECRET_WORDS not in other_browser.get(path).content.decode()
    invitation.refresh_from_db()
    assert invitation.opened_at is not None
    assert AuditEvent.objects.filter(action=Action.INVITATION_OPENED).count() == 1


@pytest.fixture
def client_factory():
    from django.test import Client

    return Client


def test_a_code_works_once(client, client_factory, submitted_change, invite, mailoutbox):
    _invitation, path = invite(submitted_change)
    ask_code(client, path)
    code = code_in(mailoutbox)
    enter(client, path, code)

    thief = client_factory()
    response = enter(thief, path, code)

    assert response.status_code == 200
    assert WRONG_CODE in response.content.decode()
    assert SECRET_WORDS not in thief.get(path).content.decode()


def test_wrong_used_and_old_codes_get_the_same_answer(client, submitted_change, invite, mailoutbox):
    invitation, path = invite(submitted_change)
    ask_code(client, path)
    code = code_in(mailoutbox)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    answers = [enter(client, path, wrong).content.decode()]
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        answers.append(enter(client, path, code).content.decode())  # too old

    assert all(WRONG_CODE in html for html in answers)
    assert all(SECRET_WORDS not in html for html in answers)
    invitation.refresh_from_db()
    assert invitation.wrong_codes == 2


def test_after_a_few_wrong_tries_the_code_stops_working(
    client, submitted_change, invite, mailoutbox
):
    _invitation, path = invite(submitted_change)
    ask_code(client, path)
    code = code_in(mailoutbox)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(CODE_TRIES):
        enter(client, path, wrong)

    response = enter(client, path, code)  # the right one, too late

    assert WRONG_CODE in response.content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        ask_code(client, path)  # a new code works
        assert enter(client, path, code_in(mailoutbox)).status_code == 302
        assert SECRET_WORDS in client.get(path).content.decode()


def test_too_many_wrong_codes_stop_the_link_and_it_is_audited(
    client, submitted_change, invite, mailoutbox
):
    invitation, path = invite(submitted_change)
    Invitation.objects.filter(pk=invitation.pk).update(wrong_codes=MAX_WRONG_CODES - 1)
    ask_code(client, path)
    code = code_in(mailoutbox)

    response = enter(client, path, f"{(int(code) + 1) % 1_000_000:06d}")

    assert response.status_code == 410
    assert "Too many wrong codes" in response.content.decode()
    assert enter(client, path, code).status_code == 410
    assert client.get(path).status_code == 410
    assert AuditEvent.objects.filter(action=Action.INVITATION_LOCKED).count() == 1


def test_codes_cannot_be_asked_for_again_and_again(client, submitted_change, invite, mailoutbox):
    _invitation, path = invite(submitted_change)
    sent = len(mailoutbox)
    assert ask_code(client, path).status_code == 302

    again = ask_code(client, path)

    assert again.status_code == 429 and again["Retry-After"] == "60"
    assert "less than a minute ago" in again.content.decode()
    assert len(mailoutbox) == sent + 1


# Counted per clock hour (or day): a fixed time keeps the count in one window.
TEN_O_CLOCK = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


def test_codes_are_limited_per_invitation(client, submitted_change, invite, mailoutbox):
    with time_machine.travel(TEN_O_CLOCK, tick=False) as clock:
        _invitation, path = invite(submitted_change)
        statuses = []
        for _ in range(invitation_access.CODES_PER_DAY + 1):
            clock.shift(dt.timedelta(minutes=2))
            statuses.append(ask_code(client, path).status_code)

    assert statuses == [302] * invitation_access.CODES_PER_DAY + [429]


def test_codes_are_limited_per_client_address(client, submitted_change, invite):
    with time_machine.travel(TEN_O_CLOCK, tick=False):
        paths = [
            invite(submitted_change, email=f"expert{n}@hospital.example")[1]
            for n in range(invitation_access.CLIENT_CODES_PER_HOUR + 1)
        ]
        statuses = [ask_code(client, path).status_code for path in paths]
        elsewhere = ask_code(client_from("10.0.0.2"), paths[-1]).status_code

    assert statuses == [302] * invitation_access.CLIENT_CODES_PER_HOUR + [429]
    assert elsewhere == 302  # another address is not held up


def client_from(address: str):
    from django.test import Client

    return Client(REMOTE_ADDR=address)


def test_tries_are_limited_per_client_address(client, submitted_change, invite, mailoutbox):
    per_link = MAX_WRONG_CODES - 3  # below the point where a link stops working
    links = invitation_access.CLIENT_TRIES_PER_HOUR // per_link + 1
    with time_machine.travel(TEN_O_CLOCK, tick=False):
        paths = [
            invite(submitted_change, email=f"expert{n}@hospital.example")[1] for n in range(links)
        ]
        statuses = []
        for path in paths:
            ask_code(client, path)
            wrong = f"{(int(code_in(mailoutbox)) + 1) % 1_000_000:06d}"
            statuses += [enter(client, path, wrong).status_code for _ in range(per_link)]

    limit = invitation_access.CLIENT_TRIES_PER_HOUR
    assert statuses[:limit] == [200] * limit
    assert set(statuses[limit:]) == {429}


def test_an_idle_session_asks_for_a_new_code(client, submitted_change, invite, open_link):
    _invitation, path = invite(submitted_change)
    open_link(client, path)
    assert SECRET_WORDS in client.get(path).content.decode()

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=IDLE_MINUTES + 1)):
        html = client.get(path).content.decode()

    assert SECRET_WORDS not in html and "Email me a code" in html


def test_the_session_remembers_only_the_invitation_whose_code_was_given(
    client, submitted_change, invite, open_link, make_page, publish, author, edit_section
):
    _mine, path = invite(submitted_change)
    open_link(client, path)
    page = make_page(slug="bone-scan", title="Bone scan")
    publish(page)
    other = services.start_change(page=page, by=author, summary="Other change.")
    edit_section(other, "what-is-it", "A scan of the bones, secret words.", by=author)
    services.submit_for_review(change=other, by=author)
    _theirs, other_path = invite(other, email="someone.else@hospital.example")

    html = client.get(other_path).content.decode()
    response = client.post(
        other_path + "decision/",
        {"decision": "approve", "seen_hash": other.content_hash, "role": "medical"},
    )

    assert "secret words" not in html and "Bone scan" not in html
    assert response.status_code == 302 and response["Location"] == other_path
    assert sign_offs_of(other) == 0
    assert list(client.session[SESSION_KEY]) == [str(_mine.pk)]


# Expiry, revocation, single use


def test_an_expired_link_opens_nothing(client, submitted_change, invite, open_link, mailoutbox):
    invitation, path = invite(submitted_change, days=3)
    open_link(client, path)

    with time_machine.travel(invitation.expires_at + dt.timedelta(seconds=1)):
        page = client.get(path)
        sent = len(mailoutbox)
        code = ask_code(client, path)
        decision = client.post(
            path + "decision/",
            {"decision": "approve", "seen_hash": submitted_change.content_hash},
        )

    assert page.status_code == code.status_code == decision.status_code == 410
    assert "It expired on" in page.content.decode()
    assert SECRET_WORDS not in page.content.decode()
    assert len(mailoutbox) == sent and sign_offs_of(submitted_change) == 0


def test_a_revoked_link_stops_working_at_once(
    client, submitted_change, invite, open_link, publisher
):
    invitation, path = invite(submitted_change)
    open_link(client, path)

    services.revoke_invitation(invitation=invitation, by=publisher)
    response = client.post(
        path + "decision/", {"decision": "approve", "seen_hash": submitted_change.content_hash}
    )

    assert response.status_code == 410
    assert "withdrawn by our information team" in response.content.decode()
    assert client.get(path).status_code == 410
    assert sign_offs_of(submitted_change) == 0
    assert AuditEvent.objects.filter(action=Action.INVITATION_REVOKED).count() == 1


def test_the_link_is_spent_once_they_have_decided(client, submitted_change, invite, open_link):
    _invitation, path = invite(submitted_change)
    open_link(client, path)
    data = {"decision": "approve", "seen_hash": submitted_change.content_hash}

    assert client.post(path + "decision/", data).status_code == 302
    thanks = client.get(path)
    again = client.post(path + "decision/", {**data, "decision": "request_changes"})

    assert thanks.status_code == 200 and "Thank you" in thanks.content.decode()
    assert SECRET_WORDS not in thanks.content.decode()
    assert again.status_code == 200 and "Thank you" in again.content.decode()
    assert sign_offs_of(submitted_change) == 1
    assert ask_code(client, path).status_code == 200  # thanks again: no code is sent


def test_a_withdrawn_change_needs_nothing_more(client, submitted_change, invite, open_link, author):
    _invitation, path = invite(submitted_change)
    open_link(client, path)

    services.withdraw(change=submitted_change, by=author, reason="Not needed.")
    html = client.get(path).content.decode()

    assert "no longer needs your review" in html and SECRET_WORDS not in html


# What the link shows


def test_the_outside_reviewer_sees_what_a_staff_reviewer_sees_and_no_way_into_the_workspace(
    client, submitted_change, invite, open_link, medic, author
):
    services.add_comment(change=submitted_change, by=author, body="Is the wording right?")
    _invitation, path = invite(submitted_change)
    open_link(client, path)

    html = client.get(path).content.decode()

    for shown in [
        SECRET_WORDS,  # the change, as a diff
        "How it will look",  # the preview
        "What changed and why",
        submitted_change.summary,
        "Is the wording right?",  # the comment thread
        "Sign-offs",
        "Send my decision",
    ]:
        assert shown in html, shown
    links = re.findall(r'(?:href|action)="([^"]*)"', html)
    into_workspace = [
        link
        for link in links
        if link.startswith(reverse("reviews:dashboard")) and not link.startswith(path)
    ]
    assert into_workspace == []
    assert "Sign out" not in html and "Workspace" not in html


def test_the_outside_screen_reads_in_a_fixed_number_of_queries(
    client, submitted_change, invite, open_link, member, author, django_assert_max_num_queries
):
    _invitation, path = invite(submitted_change)
    open_link(client, path)
    with django_assert_max_num_queries(20) as few:
        client.get(path)
    for n in range(5):
        services.add_comment(change=submitted_change, by=author, body=f"Comment {n}")
        invite(submitted_change, email=f"other{n}@hospital.example")

    with django_assert_max_num_queries(len(few)):
        assert SECRET_WORDS in client.get(path).content.decode()


def test_the_screens_are_private_and_never_cached(client, submitted_change, invite, open_link):
    _invitation, path = invite(submitted_change)
    for response in [client.get(path), open_link(client, path).get(path)]:
        assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
        assert response["Referrer-Policy"] == "same-origin"  # the link never leaves the site
        assert "noindex" in response["X-Robots-Tag"]


def test_a_decision_on_content_edited_since_is_refused_and_the_new_content_shown(
    client, submitted_change, invite, open_link, author, edit_section
):
    _invitation, path = invite(submitted_change)
    open_link(client, path)
    seen = submitted_change.content_hash
    edit_section(submitted_change, "symptoms", "Pain, and new words.", by=author)

    response = client.post(path + "decision/", {"decision": "approve", "seen_hash": seen})

    html = response.content.decode()
    assert response.status_code == 200
    assert "edited after you opened it" in html and "new words" in html
    assert sign_offs_of(submitted_change) == 0


def test_asking_for_changes_needs_a_comment(client, submitted_change, invite, open_link):
    _invitation, path = invite(submitted_change)
    open_link(client, path)

    response = client.post(
        path + "decision/",
        {"decision": Decision.REQUEST_CHANGES, "seen_hash": submitted_change.content_hash},
    )

    assert "Say what needs to change" in response.content.decode()
    assert sign_offs_of(submitted_change) == 0
