"""Opening an outside reviewer's link: the signed key in its address, and the one-time code
emailed to the invited address before anything of the change is shown.

- The key is ``<invitation id>.<token>``, signed with the site's secret: a key that was not
  made here is refused before the database is asked. Only a hash of the token is stored.
- A code is 6 digits, stored keyed-hashed, works once and for ``CODE_MINUTES``; after
  ``CODE_TRIES`` wrong tries it stops working and a new one must be asked for. After
  ``MAX_WRONG_CODES`` wrong codes in all the link itself stops working.
- Codes asked for and tries made are also counted per invitation and per client address
  (``infopages.clients``), in the cache, under a keyed hash of the address
  (``infopages.ratelimit``).

Nothing here says to whom a link was sent: screens speak of "the address this link was
sent to", and every wrong, used or old code gets the same answer.
"""

import hmac
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from infopages import ratelimit
from reviews.core import audit
from reviews.core.audit import Action
from reviews.core.errors import InvalidInput, InvalidTransition, TooManyTries
from reviews.core.models import Invitation
from reviews.core.models.invitations import MAX_WRONG_CODES, hash_code, hash_token
from reviews.core.services.signoffs import outside_actor

logger = logging.getLogger(__name__)

SALT = "reviews.invitation-link"
CODE_MINUTES = 15
CODE_TRIES = 5  # wrong tries of one code
CODE_GAP_SECONDS = 60  # between two codes for one invitation
CODES_PER_DAY = 10  # per invitation
CLIENT_CODES_PER_HOUR = 20  # per client address, whatever the invitation
CLIENT_TRIES_PER_HOUR = 50

WRONG_CODE = (
    "That code did not work. It may be mistyped, already used or more than "
    f"{CODE_MINUTES} minutes old. Enter the code from our newest email, or ask for a new one."
)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def link_key(invitation: Invitation, token: str) -> str:
    return signing.Signer(salt=SALT).sign(f"{invitation.pk}.{token}")


def link_for(invitation: Invitation, token: str) -> str:
    """The full address the outside reviewer is sent (shown nowhere else)."""
    path = reverse("reviews:outside_review", kwargs={"key": link_key(invitation, token)})
    return f"{settings.SITE_URL}{path}"


def invitation_for_key(key: str) -> Invitation | None:
    """The invitation whose link this is, in whatever state, or None for a key that is not
    one of ours (refused before any query), or whose token no invitation has."""
    if not key or len(key) > 200:
        return None
    try:
        value = signing.Signer(salt=SALT).unsign(key)
    except signing.BadSignature:
        return None
    pk, _, token = value.partition(".")
    if not pk.isdigit() or not token:
        return None
    invitation = (
        Invitation.objects.select_related("change__page")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None or invitation.pk != int(pk):
        return None
    return invitation


def _refuse_closed(invitation: Invitation) -> None:
    if not invitation.is_usable or not invitation.change.is_open:
        raise InvalidTransition("This link no longer works.")


def send_code(*, invitation: Invitation, client: str) -> None:
    """Email a new one-time code to the invited address; an earlier code stops working.

    Refused (``TooManyTries``) when one was sent less than a minute ago, or too many were
    asked for; if the email cannot be sent, the code is dropped so they can ask again."""
    code = _new_code(invitation=invitation, client=client)
    context = {"code": code, "minutes": CODE_MINUTES, "invitation": invitation}
    body = render_to_string("reviews/email/invitation_code.txt", context).strip()
    try:
        send_mail("Your one-time code", body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    except Exception:
        logger.exception("Could not send a one-time code for invitation %s", invitation.pk)
        Invitation.objects.filter(pk=invitation.pk).update(
            code_hash="", code_sent_at=None, code_expires_at=None
        )
        raise InvalidTransition(
            "We could not send the email just now. Please try again in a few minutes."
        ) from None


@transaction.atomic
def _new_code(*, invitation: Invitation, client: str) -> str:
    locked = Invitation.objects.select_for_update().select_related("change").get(pk=invitation.pk)
    _refuse_closed(locked)
    now = timezone.now()
    if locked.code_sent_at and (now - locked.code_sent_at).total_seconds() < CODE_GAP_SECONDS:
        raise TooManyTries(
            "We sent a code less than a minute ago: check your email, including any junk "
            "or spam folder. You can ask for another one in a minute.",
            retry_after=CODE_GAP_SECONDS,
        )
    if not (
        ratelimit.allow(
            "outside-review:codes", f"invitation:{locked.pk}", limit=CODES_PER_DAY, seconds=86400
        )
        and ratelimit.allow(
            "outside-review:codes", f"client:{client}", limit=CLIENT_CODES_PER_HOUR, seconds=3600
        )
    ):
        raise TooManyTries(
            "Too many codes have been asked for. Please wait an hour, or reply to the email "
            "that brought you here.",
            retry_after=3600,
        )
    code = f"{secrets.randbelow(10**6):06d}"
    locked.code_hash = hash_code(locked.pk, code)
    locked.code_sent_at = now
    locked.code_expires_at = now + timedelta(minutes=CODE_MINUTES)
    locked.code_tries = 0
    locked.save(update_fields=["code_hash", "code_sent_at", "code_expires_at", "code_tries"])
    return code


def check_code(*, invitation: Invitation, code: str, client: str) -> Invitation:
    """Accept the one-time code (it works once) or refuse it with the same words whatever
    was wrong with it. The first code accepted marks the invitation opened."""
    if not ratelimit.allow(
        "outside-review:tries", f"client:{client}", limit=CLIENT_TRIES_PER_HOUR, seconds=3600
    ):
        raise TooManyTries(
            "Too many codes have been tried from here. Please wait an hour and try again.",
            retry_after=3600,
        )
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        raise InvalidInput("Enter the 6 digits from the email.")
    accepted, locked_now = _try_code(invitation=invitation, code=code)
    if accepted is not None:
        return accepted
    if locked_now:
        raise InvalidTransition("This link no longer works.")
    raise InvalidInput(WRONG_CODE)


@transaction.atomic
def _try_code(*, invitation: Invitation, code: str) -> tuple[Invitation | None, bool]:
    """(the invitation if the code is right, whether a wrong one just stopped the link).
    Wrong tries are written, not rolled back: the caller raises after this commits."""
    locked = (
        Invitation.objects.select_for_update().select_related("change__page").get(pk=invitation.pk)
    )
    _refuse_closed(locked)
    now = timezone.now()
    right = (
        bool(locked.code_hash)
        and locked.code_expires_at is not None
        and locked.code_expires_at > now
        and locked.code_tries < CODE_TRIES
        and hmac.compare_digest(locked.code_hash, hash_code(locked.pk, code))
    )
    if right:
        locked.code_hash, locked.code_expires_at, locked.code_tries = "", None, 0
        fields = ["code_hash", "code_expires_at", "code_tries"]
        if locked.opened_at is None:
            locked.opened_at = now
            fields.append("opened_at")
            audit.record_change(
                locked.change,
                action=Action.INVITATION_OPENED,
                actor=None,
                message=f"Outside reviewer {locked.name} ({locked.email}) opened their link.",
                **outside_actor(locked),
            )
        locked.save(update_fields=fields)
        return locked, False
    if locked.code_hash:
        locked.code_tries += 1
        if locked.code_tries >= CODE_TRIES:
            locked.code_hash, locked.code_expires_at = "", None  # ask for a new one
    locked.wrong_codes += 1
    locked.save(update_fields=["code_hash", "code_expires_at", "code_tries", "wrong_codes"])
    if locked.wrong_codes == MAX_WRONG_CODES:
        audit.record_change(
            locked.change,
            action=Action.INVITATION_LOCKED,
            actor=None,
            message=f"The link of outside reviewer {locked.name} ({locked.email}) stopped "
            f"working after {MAX_WRONG_CODES} wrong codes.",
            invitation=locked.pk,
        )
        return None, True
    return None, False
