"""Where a change stands on its sign-offs: the core object the workflow's rules ask about.

Below ``policy`` and ``selectors`` (both use it; it uses neither). A service builds one
``ReviewStatus`` per step and passes it to every check it makes; a screen builds one per
request. Which sign-offs a change needs comes from the page's or its topic's
``SignOffRequirement`` (else the default one), whose rows name reviewer roles and counts;
which ones count from the sign-offs themselves:

- a reviewer's latest decision only (an approval replaced by a request for changes is gone);
- given on the change's current content (its hash), so an edit after it voids it;
- from a reviewer who is still active and still in the role they signed in, or from an
  outside reviewer whose invitation has not been revoked, who was invited by someone who
  wrote none of the change, at an address that is neither an author's nor the inviter's
  (four eyes: see ``outside_conflict``).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, prefetch_related_objects

from infopages import topics
from infopages.models import Page, Section
from reviews.core import contents, hooks
from reviews.core.models import (
    ChangeRequest,
    Decision,
    Invitation,
    RoleKey,
    SignOff,
    SignOffRequirementRole,
)
from reviews.core.models.invitations import mailbox_of
from reviews.core.models.roles import remember, role_key

# Why an outside reviewer cannot be the second pair of eyes on a change (``outside_conflict``).
INVITED_BY_AUTHOR = "invited_by_author"
AUTHORS_ADDRESS = "authors_address"
INVITERS_ADDRESS = "inviters_address"

# How the workspace and the audit log say why such an approval does not count.
_LAPSED_BECAUSE = {
    INVITED_BY_AUTHOR: "the person who invited them wrote part of the change",
    AUTHORS_ADDRESS: "their address is that of someone who wrote part of the change",
    INVITERS_ADDRESS: "their address is that of the person who invited them",
}

# Who an outside sign-off needs loaded to be counted, in the query that reads it.
SIGN_OFF_RELATED = ("reviewer", "invitation__invited_by")


def requirement_for(page: Page) -> list[SignOffRequirementRole]:
    """The roles the page's own requirement needs, else the nearest topic's up the tree, else
    the default requirement's."""
    return requirements_for([page])[page.pk]


def requirements_for(pages: Iterable[Page]) -> dict[int, list[SignOffRequirementRole]]:
    """``requirement_for`` each page, by page id, in two queries whatever their number: the
    topic tree, and the rows of every requirement that may apply, with their roles."""
    pages = list(pages)
    parents = topics.parents()  # the tree is small
    # per page: its topic, then each parent, root last
    topics_up = {page.pk: topics.ancestors(page.topic_id, parents) for page in pages}
    all_topics = {topic_id for chain in topics_up.values() for topic_id in chain}
    by_page, by_topic, default = {}, {}, {}
    rows = SignOffRequirementRole.objects.filter(
        Q(requirement__page__in=[page.pk for page in pages])
        | Q(requirement__topic__in=all_topics)
        | Q(requirement__page__isnull=True, requirement__topic__isnull=True),
        role__active=True,
    ).select_related("requirement", "role")
    for row in rows.order_by("requirement_id", "role__position", "role__code"):
        requirement = row.requirement
        if requirement.page_id is not None:
            by_page.setdefault(requirement.page_id, []).append(row)
        elif requirement.topic_id is not None:
            by_topic.setdefault(requirement.topic_id, []).append(row)
        else:  # the default: the first, should there ever be two
            default.setdefault(requirement.pk, []).append(row)
    fallback = next(iter(default.values()), [])
    found = {}
    for page in pages:
        nearest = (by_topic[t] for t in topics_up[page.pk] if t in by_topic)
        found[page.pk] = by_page.get(page.pk) or next(nearest, None) or fallback
    return found


def roles_of(user_ids: Iterable[int]) -> dict[int, set[str]]:
    """The codes of the active reviewer roles each person holds now, in one query (inactive
    people hold none)."""
    memberships = get_user_model().groups.through.objects.filter(
        user_id__in=set(user_ids), user__is_active=True, group__reviewer_role__active=True
    )
    held: dict[int, set[str]] = {}
    for user_id, code in memberships.values_list("user_id", "group__reviewer_role__code"):
        held.setdefault(user_id, set()).add(code)
    return held


@dataclass(frozen=True)
class Standing:
    """Where one reviewer stands on a change: whether they are asked to decide, or what they
    decided on its current content, and whether that still counts. Every screen, list and
    email that speaks to a reviewer about their own sign-off reads this, so none asks again
    for a decision already given."""

    latest: SignOff | None  # their latest decision, on any content
    is_current: bool  # given on the change's current content
    counts: bool  # an approval that counts now

    @property
    def approved(self) -> bool:
        """They approved the current content and it counts: nothing more is asked of them."""
        return self.counts

    @property
    def asked_for_changes(self) -> bool:
        latest = self.latest
        return self.is_current and latest.decision == Decision.REQUEST_CHANGES

    @property
    def needs_decision(self) -> bool:
        """No decision of theirs stands on the current content (none given, or the page was
        edited after it, or their approval stopped counting)."""
        return not (self.approved or self.asked_for_changes)

    @property
    def decided_at(self):
        return self.latest.created_at if self.latest is not None and self.is_current else None


@dataclass(frozen=True)
class LapsedSignOff:
    """An approval given on the current content that no longer counts, and why."""

    sign_off: SignOff
    reason: str


class ReviewStatus:
    """Where one change stands on its sign-offs, and who wrote it. Each answer is read once,
    when first asked, then kept: build a new one after a write that changes the answers.

    It reads the change's prefetched sign-offs when it has them (a screen's change, see
    ``selectors.change_with_details``), else reads them now.
    """

    def __init__(self, change: ChangeRequest, *, requirement=None, authors=None, roles=None):
        self.change = change
        self._requirement = requirement
        self._authors = authors
        self._roles = roles

    def after_write(self) -> "ReviewStatus":
        """The same change read again after a sign-off was added (the requirement, the
        authors and the reviewers' roles have not changed)."""
        change = self.change
        if hasattr(change, "_prefetched_objects_cache"):
            change._prefetched_objects_cache.pop("sign_offs", None)
        return ReviewStatus(change, requirement=self._requirement, authors=self._authors)

    @property
    def requirement(self) -> list[SignOffRequirementRole]:
        """The rows of the requirement in force: each role and how many it gives."""
        if self._requirement is None:
            self._requirement = requirement_for(self.change.page)
        return self._requirement

    @property
    def authors(self) -> set:
        """Who may neither sign the change off nor publish it (see ``contents.authors_of``)."""
        if self._authors is None:
            self._authors = contents.authors_of(self.change)
        return self._authors

    def is_author(self, user) -> bool:
        return user in self.authors

    def outside_conflict(self, invitation: Invitation) -> str:
        """Why an outside reviewer cannot be the second pair of eyes on this change now ("" if
        they can): the link must come from someone who wrote none of it (an author could
        invite an address of their own that no check can recognise), and go to a mailbox
        that is neither an author's nor the inviter's (see ``mailbox_of``). Asked when
        inviting, when they decide, and whenever their approval is counted, since authors
        and addresses can change after the link was sent."""
        inviter = invitation.invited_by
        if inviter in self.authors:
            return INVITED_BY_AUTHOR
        mailbox = mailbox_of(invitation.email)
        if any(author.email and mailbox_of(author.email) == mailbox for author in self.authors):
            return AUTHORS_ADDRESS
        if inviter.email and mailbox_of(inviter.email) == mailbox:
            return INVITERS_ADDRESS
        return ""

    @cached_property
    def sign_offs(self) -> list[SignOff]:
        """Every decision given on the change, oldest first, with its reviewer."""
        change = self.change
        if "sign_offs" in getattr(change, "_prefetched_objects_cache", {}):
            given = change.sign_offs.all()
        else:  # not kept on the change: a service reads afresh after each write
            given = change.sign_offs.select_related(*SIGN_OFF_RELATED)
        return sorted(given, key=lambda s: (s.created_at, s.pk))

    @property
    def roles(self) -> dict[int, set[str]]:
        """The roles each reviewer who gave a decision holds now."""
        if self._roles is None:
            self._roles = roles_of(s.reviewer_id for s in self.sign_offs if s.reviewer_id)
        return self._roles

    @cached_property
    def required(self) -> dict[RoleKey, int]:
        """How many approvals each role must give, e.g. {medical: 1, lay: 1} for a full review,
        in the roles' order."""
        full_review = self.change.is_full_review
        needed = {row.role.key(): row.needed(full_review=full_review) for row in self.requirement}
        remember(needed)
        needed = hooks.required_for(self.change, needed)
        return {role: count for role, count in needed.items() if count > 0}

    def role_named(self, code: str) -> RoleKey:
        """The role with this code, as the workspace names it (a code no role has any more
        is named by itself)."""
        found = self.known_role(code)
        if found is None:
            return RoleKey(code, label=code, public_label=code, position=0)
        return found

    def known_role(self, code: str) -> RoleKey | None:
        """The role with this code, or None: read with the requirement when the change needs
        it, else from the roles table (at most once per request)."""
        for role in self.required:
            if role == code:
                return role
        return role_key(code)

    @cached_property
    def latest(self) -> list[SignOff]:
        """Each reviewer's most recent decision, oldest first (an outside reviewer is one
        reviewer however many times they were invited: see ``SignOff.reviewer_key``)."""
        latest: dict[str, SignOff] = {}
        for sign_off in self.sign_offs:
            latest[sign_off.reviewer_key] = sign_off
        return sorted(latest.values(), key=lambda s: (s.created_at, s.pk))

    def latest_of(self, reviewer) -> SignOff | None:
        """The latest decision of a staff reviewer (a user) or an outside one (an invitation)."""
        key = reviewer.reviewer_key if isinstance(reviewer, Invitation) else f"user:{reviewer.pk}"
        return next((s for s in self.latest if s.reviewer_key == key), None)

    def standing_of(self, reviewer) -> Standing:
        """Where a staff reviewer (a user) or an outside one (an invitation) stands."""
        latest = self.latest_of(reviewer)
        if latest is None:
            return Standing(latest=None, is_current=False, counts=False)
        is_current = latest.content_hash == self.change.content_hash
        counts = is_current and any(s.pk == latest.pk for s in self.counting)
        return Standing(latest=latest, is_current=is_current, counts=counts)

    @cached_property
    def _current_approvals(self) -> list[SignOff]:
        content_hash = self.change.content_hash
        return [
            sign_off
            for sign_off in self.latest
            if sign_off.decision == Decision.APPROVE and sign_off.content_hash == content_hash
        ]

    @cached_property
    def lapsed(self) -> list[LapsedSignOff]:
        """Approvals of the current content that stopped counting because of their reviewer."""
        lapsed = []
        for sign_off in self._current_approvals:
            if sign_off.is_outside:
                if sign_off.invitation.revoked_at is not None:
                    lapsed.append(LapsedSignOff(sign_off, "their invitation was revoked"))
                elif conflict := self.outside_conflict(sign_off.invitation):
                    lapsed.append(LapsedSignOff(sign_off, _LAPSED_BECAUSE[conflict]))
                continue
            reviewer = sign_off.reviewer
            if not reviewer.is_active:
                reason = "their account has been closed"
            elif sign_off.role not in self.roles.get(reviewer.pk, set()):
                reason = f"they are no longer a {self.role_named(sign_off.role).label}"
            else:
                continue
            lapsed.append(LapsedSignOff(sign_off, reason))
        return lapsed

    @cached_property
    def counting(self) -> list[SignOff]:
        """Approvals that count now: a reviewer's latest decision, on the current content, by
        someone still active and in the role (or invited by someone who wrote none of it, to
        an address of nobody who did, and not revoked since)."""
        gone = {entry.sign_off.pk for entry in self.lapsed}
        return [s for s in self._current_approvals if s.pk not in gone]

    @cached_property
    def missing(self) -> dict[RoleKey, int]:
        """How many more approvals each role still has to give (only roles still short)."""
        given: dict[str, int] = {}
        for sign_off in self.counting:
            given[sign_off.role] = given.get(sign_off.role, 0) + 1
        return {
            role: needed - given.get(role, 0)
            for role, needed in self.required.items()
            if needed > given.get(role, 0)
        }

    @cached_property
    def section_versions(self) -> dict[str, int]:
        """The version id of each section the change holds, by section id (as its items
        record them): what a reviewer reads, and a tick of "read" holds for."""
        section_type = ContentType.objects.get_for_model(Section).pk
        return {
            i.object_id: i.version_id
            for i in self.change.items.all()
            if i.content_type_id == section_type
        }

    @property
    def section_ids(self) -> list[str]:
        """The ids of the sections the change holds, as its items record them."""
        return list(self.section_versions)

    @cached_property
    def unreviewed_sections(self) -> list[str]:
        """In a full review, the sections no approval that counts has confirmed yet: a full
        review is complete only when every section has been signed off in it."""
        if not self.change.is_full_review:
            return []
        covered = {str(pk) for sign_off in self.counting for pk in sign_off.sections}
        return [pk for pk in self.section_ids if pk not in covered]

    @property
    def stale(self) -> list[SignOff]:
        """Decisions given on content that has changed since: they no longer count."""
        return [s for s in self.sign_offs if s.content_hash != self.change.content_hash]

    @property
    def is_fully_approved(self) -> bool:
        # A change that needs nobody (no requirement in force names an active role) is
        # never approved: readers see only what someone signed off.
        return (
            bool(self.change.content_hash)
            and bool(self.required)
            and not self.missing
            and not self.unreviewed_sections
        )


def review_statuses(changes: Iterable[ChangeRequest]) -> dict[int, ReviewStatus]:
    """A ``ReviewStatus`` for each change, by change id, in a fixed number of queries whatever
    their number. Prefetches the changes' sign-offs and items (read as of now, for a screen)."""
    changes = list(changes)
    prefetch_related_objects(
        changes,
        "items",
        Prefetch("sign_offs", queryset=SignOff.objects.select_related(*SIGN_OFF_RELATED)),
    )
    requirements = requirements_for(change.page for change in changes)
    authors = contents.authors_by_change(changes)
    roles = roles_of(
        s.reviewer_id for change in changes for s in change.sign_offs.all() if s.reviewer_id
    )
    return {
        change.pk: ReviewStatus(
            change,
            requirement=requirements[change.page_id],
            authors=authors[change.pk],
            roles=roles,
        )
        for change in changes
    }
