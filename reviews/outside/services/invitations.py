"""Outside reviewers: inviting one to sign off one change by a secure link, revoking the
link, and their decision, which is a sign-off like any other (``signoffs.record_decision``):
bound to the content they saw, counted towards the roles the change needs, refused if they
wrote part of it, and named on the page, if they wish, after a full review.

Opening the link and its one-time code: ``invitation_access``.
"""

import logging
from collections.abc import Iterable, Mapping
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from reviews.core import audit
from reviews.core.audit import Action
from reviews.core.errors import InvalidInput, InvalidTransition, NotAllowed
from reviews.core.models import ChangeRequest, Decision, Invitation, RoleKey, SignOff
from reviews.core.models.invitations import (
    DEFAULT_DAYS,
    DOTLESS_DOMAINS,
    MAX_DAYS,
    hash_token,
    mailbox_of,
)
from reviews.core.services.common import lock
from reviews.core.services.signoffs import outside_reviewer, record_decision, send_back_if_short
from reviews.core.status import AUTHORS_ADDRESS, INVITERS_ADDRESS, ReviewStatus
from reviews.core.workflow import Step, require
from reviews.outside.services.invitation_access import link_for, new_token

logger = logging.getLogger(__name__)


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


@transaction.atomic
def invite_reviewer(
    *,
    change: ChangeRequest,
    by,
    name: str,
    email: str,
    role: str,
    public_role: str,
    credentials: str = "",
    days: int = DEFAULT_DAYS,
) -> Invitation:
    """Ask an outside reviewer to sign ``change`` off in ``role``: they are emailed a link
    (once this transaction commits) that works for ``days`` days, for this change only.

    Refused if ``by`` wrote part of the change, for an address of one of its authors or of
    ``by`` (any variant of it: four eyes), of someone with a portal account (they sign off
    in the workspace), or with a working link already."""
    review = lock(change)
    require(Step.INVITE, user=by, change=change, review=review)
    name, public_role, credentials = _one_line(name), _one_line(public_role), _one_line(credentials)
    email = (email or "").strip()
    if not name:
        raise InvalidInput("Give the reviewer's name.")
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(f"“{email}” is not an email address.") from None
    role = review.known_role(role or "")
    if role is None:
        needed = " or ".join(str(r.label) for r in review.required)
        raise InvalidInput(f"Choose the role they review in: {needed}.")
    if not public_role:
        raise InvalidInput(
            "Give their role as readers would see it, such as “Consultant Clinical Oncologist” "
            "or “Person living with secondary breast cancer”."
        )
    if not 1 <= int(days) <= MAX_DAYS:
        raise InvalidInput(f"The link can work for 1 to {MAX_DAYS} days.")
    _refuse_address(change, review, email=email, role=role, by=by)

    token = new_token()
    invitation = Invitation.objects.create(
        change=change,
        name=name,
        email=email,
        role=str(role),
        public_role=public_role,
        credentials=credentials,
        token_hash=hash_token(token),
        invited_by=by,
        expires_at=timezone.now() + timedelta(days=int(days)),
    )
    until = timezone.localtime(invitation.expires_at)
    audit.record_change(
        change,
        action=Action.INVITATION_SENT,
        actor=by,
        message=f"Invited {name} ({email}) to review as {role.label}, as an outside reviewer "
        f"(“{public_role}”{', ' + credentials if credentials else ''}). The link works "
        f"until {until:%d %b %Y %H:%M}.",
        invitation=invitation.pk,
    )
    link = link_for(invitation, token)  # never stored: only its hash is
    transaction.on_commit(lambda: send_invitation(invitation.pk, link), robust=True)
    return invitation


def _refuse_address(change: ChangeRequest, review: ReviewStatus, *, email: str, role: RoleKey, by):
    if role not in review.required:
        needed = ", ".join(str(r.label) for r in review.required)
        raise InvalidInput(
            f"This change does not need a {role.label}'s sign-off (it needs: {needed})."
        )
    conflict = review.outside_conflict(Invitation(email=email, invited_by=by))
    if conflict == AUTHORS_ADDRESS:
        raise NotAllowed(
            f"{email} is the address of someone who wrote part of this change, so they "
            "cannot sign it off: someone else must."
        )
    if conflict == INVITERS_ADDRESS:
        raise NotAllowed(
            f"{email} is your own address: invite someone else, so that two people have "
            "looked at the change."
        )
    if _account_with_mailbox(email):
        raise InvalidInput(
            f"{email} belongs to someone with an account on the portal. People with an "
            "account sign off in the workspace, as members of a reviewer group."
        )
    mailbox = mailbox_of(email)
    working = [
        i for i in change.invitations.all() if mailbox_of(i.email) == mailbox and i.is_usable
    ]
    if working:
        sent = timezone.localtime(working[0].created_at)
        raise InvalidTransition(
            f"{email} already has a link to this change that works (sent {sent:%-d %B %Y}). "
            "Revoke it first if you want to send a new one."
        )


def _account_with_mailbox(email: str) -> bool:
    """Whether an active account has this address, or a variant delivered to the same
    mailbox (``erin+review@`` for ``erin@``)."""
    mailbox = mailbox_of(email)
    domain = mailbox.rpartition("@")[2]
    domains = [d for d, same in DOTLESS_DOMAINS.items() if same == domain] or [domain]
    same_domain = Q()
    for name in domains:
        same_domain |= Q(email__iendswith=f"@{name}")
    addresses = get_user_model().objects.filter(same_domain, is_active=True)
    return any(mailbox_of(a) == mailbox for a in addresses.values_list("email", flat=True))


def send_invitation(invitation_pk: int, link: str) -> bool:
    """Email the invitation with its link; mark it sent. False (and logged) if the email
    could not be sent: the change page then says so, and a new invitation can be sent."""
    invitation = Invitation.objects.select_related("change__page", "invited_by").get(
        pk=invitation_pk
    )
    role = ReviewStatus(invitation.change).role_named(invitation.role)
    credit = invitation.credit(named=True)
    inviter = invitation.invited_by
    context = {
        "invitation": invitation,
        "change": invitation.change,
        "page": invitation.change.page,
        "link": link,
        "inviter": inviter.get_full_name() or inviter.get_username(),
        "role_phrase": f"a {role.label}",
        "credit_line": ", ".join(
            part for part in (credit["name"], credit["credentials"], credit["role"]) if part
        ),
    }
    subject = " ".join(render_to_string("reviews/email/invitation_subject.txt", context).split())
    body = render_to_string("reviews/email/invitation.txt", context).strip()
    try:
        send_mail(subject[:200], body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    except Exception:
        logger.exception("Could not send invitation %s", invitation_pk)
        return False
    Invitation.objects.filter(pk=invitation_pk).update(email_sent_at=timezone.now())
    return True


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, by) -> Invitation:
    """Stop an outside reviewer's link from working, at once. If they had approved, their
    approval stops counting, and a change approved or scheduled on the strength of it goes
    back to review (as when a staff reviewer leaves their role)."""
    change = invitation.change
    review = lock(change)
    require(Step.REVOKE_INVITATION, user=by, change=change, review=review)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.revoked_at is not None:
        raise InvalidTransition(
            f"This invitation was already revoked on "
            f"{timezone.localtime(invitation.revoked_at):%-d %B %Y}."
        )
    invitation.revoked_at = timezone.now()
    invitation.revoked_by = by
    invitation.save(update_fields=["revoked_at", "revoked_by"])
    decided = " Their decision no longer counts." if invitation.decided_at else ""
    audit.record_change(
        change,
        action=Action.INVITATION_REVOKED,
        actor=by,
        message=f"Revoked the link of outside reviewer {invitation.name} "
        f"({invitation.email}).{decided}",
        invitation=invitation.pk,
    )
    if invitation.decided_at:
        send_back_if_short(
            change, reason=f"the invitation of {outside_reviewer(invitation)} was revoked"
        )
    return invitation


@transaction.atomic
def decide_as_invited(
    *,
    invitation: Invitation,
    decision: Decision | str,
    seen_hash: str,
    comment: str = "",
    sections: Iterable[int | str] = (),
    named: bool | None = None,
    shown: Mapping[str, Iterable[int]] | None = None,
) -> SignOff:
    """An outside reviewer's decision on exactly the content they saw, in the role they
    were invited in. ``named``: whether readers may see their name after a full review
    (None: as the invitation says). Once given, their link stops working."""
    change = invitation.change
    review = lock(change)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    require(Step.SIGN_OFF, user=invitation, change=change, review=review)
    if named is not None:
        invitation.named_publicly = bool(named)
    signed = record_decision(
        change,
        review=review,
        invitation=invitation,
        role=review.role_named(invitation.role),
        decision=decision,
        seen_hash=seen_hash,
        comment=comment,
        sections=sections,
        credit=invitation.credit(),
        shown=shown,
    )
    invitation.decided_at = signed.created_at
    invitation.save(update_fields=["named_publicly", "decided_at"])
    return signed
