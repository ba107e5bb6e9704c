"""Outside reviewers: a clinician or a person living with the condition, invited by a secure
link to sign off one change without ever having an account.

The link's secret is a random token of which only a hash is stored (a copy of the database
opens no change); the one-time code that opening it asks for is stored hashed too, with its
expiry and the wrong tries made. The invitation is the outside reviewer's identity in the
workflow: their sign-off points at it, and their public credit comes from it.
"""

import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reviews.core.models.roles import label_of, role_key

DEFAULT_DAYS = 14  # how long a link works, unless the inviter chooses otherwise
MAX_DAYS = 30

# Wrong codes in all, over the life of one invitation, after which its link stops working:
# with a handful of tries per code, a stolen link cannot be walked through the million codes.
MAX_WRONG_CODES = 20


# Providers known to deliver mail for an address with dots anywhere in its local part, and
# under either domain: j.o.e@googlemail.com reaches joe@gmail.com.
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def mailbox_of(email: str) -> str:
    """The mailbox an address delivers to, so that one person's variants compare equal:
    lowercase, without a ``+tag`` (most providers deliver ``erin+x@`` to ``erin@``), and
    without dots in the local part at providers that ignore them. Four eyes compares these,
    never the addresses as typed."""
    local, at, domain = (email or "").strip().lower().rpartition("@")
    if not at:
        return domain  # not an address: compared as typed, lowercased
    local = local.split("+", 1)[0]
    if domain in DOTLESS_DOMAINS:
        local, domain = local.replace(".", ""), DOTLESS_DOMAINS[domain]
    return f"{local}@{domain}"


def hash_token(token: str) -> str:
    """Only a hash of a link's token is stored (it has 256 random bits: no key needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def hash_code(invitation_pk: int, code: str) -> str:
    """A one-time code has only a million values, so its hash is keyed with the site's secret:
    a copy of the database does not give the code away."""
    message = f"outside-review-code:{invitation_pk}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


class Invitation(models.Model):
    """One outside reviewer asked to review one change, in one role, through a secret link.

    The link works until it expires, is revoked, or its reviewer has decided; never for any
    other change or screen. An invitation is not a user: ``is_authenticated`` is False, so
    every check of a staff role refuses it, and only the steps written for it accept it.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", _("sent, not opened yet")
        OPENED = "opened", _("opened")
        DECIDED = "decided", _("decided")
        EXPIRED = "expired", _("expired")
        REVOKED = "revoked", _("revoked")
        LOCKED = "locked", _("stopped: too many wrong codes")

    is_authenticated = False  # never a signed-in person: staff checks refuse it

    change = models.ForeignKey(
        "reviews.ChangeRequest",
        verbose_name=_("change request"),
        on_delete=models.PROTECT,
        related_name="invitations",
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email address"), max_length=254)
    role = models.CharField(_("reviews as"), max_length=20, help_text=_("A reviewer role's code."))
    public_role = models.CharField(
        _("public role"),
        max_length=200,
        help_text=_('As readers see it, e.g. "Consultant Clinical Oncologist".'),
    )
    credentials = models.CharField(_("credentials"), max_length=200, blank=True)
    named_publicly = models.BooleanField(
        _("named on the page"),
        default=True,
        help_text=_("The reviewer's own choice, made when they decide."),
    )
    token_hash = models.CharField(_("link (hashed)"), max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("link works until"))
    email_sent_at = models.DateTimeField(_("email sent"), null=True, blank=True)
    opened_at = models.DateTimeField(_("first opened"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    code_hash = models.CharField(_("code (hashed)"), max_length=64, blank=True, editable=False)
    code_sent_at = models.DateTimeField(_("last code sent"), null=True, blank=True)
    code_expires_at = models.DateTimeField(_("code works until"), null=True, blank=True)
    code_tries = models.PositiveSmallIntegerField(_("wrong tries of this code"), default=0)
    wrong_codes = models.PositiveSmallIntegerField(_("wrong codes in all"), default=0)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("outside reviewer's invitation")
        verbose_name_plural = _("outside reviewers' invitations")

    def __str__(self) -> str:
        return f"{self.name} <{self.email}> ({self.get_role_display()}), change #{self.change_id}"

    def get_role_display(self) -> str:
        """The role's label ("medical reviewer"), from the roles table (read once per
        request)."""
        return label_of(self.role)

    @property
    def reviewer_key(self) -> str:
        """Who this is in "each reviewer's latest decision": the mailbox, so two invitations
        of one person to one change are one reviewer, even at two variants of an address."""
        return f"outside:{mailbox_of(self.email)}"

    @property
    def is_locked(self) -> bool:
        return self.wrong_codes >= MAX_WRONG_CODES

    def status(self, now=None) -> "Invitation.Status":
        """Where the invitation stands, the first that applies: revoked, decided, locked,
        expired, opened, waiting."""
        now = now or timezone.now()
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.decided_at is not None:
            return self.Status.DECIDED
        if self.is_locked:
            return self.Status.LOCKED
        if self.expires_at <= now:
            return self.Status.EXPIRED
        if self.opened_at is not None:
            return self.Status.OPENED
        return self.Status.WAITING

    @property
    def is_usable(self) -> bool:
        """Whether the link still works (it may still not allow a decision: see policy)."""
        return self.status() in (self.Status.WAITING, self.Status.OPENED)

    def credit(self, *, named: bool | None = None) -> dict:
        """How readers would see this reviewer named after a full review, as a sign-off
        carries it (``reviews.core.credits``): by role alone if they chose not to be named."""
        named = self.named_publicly if named is None else named
        known = None if self.public_role else role_key(self.role)
        role = self.public_role or (known.public_label if known else self.role.capitalize())
        return {
            "name": self.name if named else "",
            "role": role,
            "credentials": self.credentials if named else "",
            "named": named,
            "outside": True,
        }
