"""Reads the workflow's screens and services share: requirements, counting sign-offs, queues."""

from collections.abc import Iterable
from datetime import date
from functools import cached_property

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from reversion.models import Version

from infopages.models import Page, PublishedPage, Topic
from reviews import contents
from reviews.models import (
    AuditEvent,
    ChangeRequest,
    ChangeRequestItem,
    Comment,
    Decision,
    Role,
    SignOff,
    SignOffRequirement,
)

State = ChangeRequest.State


def requirement_for(page: Page) -> SignOffRequirement:
    """The page's own requirement, else the nearest topic's up the tree, else the default."""
    return requirements_for([page])[page.pk]


def requirements_for(pages: Iterable[Page]) -> dict[int, SignOffRequirement]:
    """``requirement_for`` each page, by page id, in two queries whatever their number."""
    pages = list(pages)
    parents = dict(Topic.objects.order_by().values_list("pk", "parent_id"))  # the tree is small
    topics_up: dict[int, list[int]] = {}  # per page: its topic, then each parent, root last
    for page in pages:
        chain, topic_id = [], page.topic_id
        while topic_id is not None and topic_id not in chain:
            chain.append(topic_id)
            topic_id = parents.get(topic_id)
        topics_up[page.pk] = chain
    all_topics = {topic_id for chain in topics_up.values() for topic_id in chain}
    by_page, by_topic = {}, {}
    for requirement in SignOffRequirement.objects.filter(
        Q(page__in=[page.pk for page in pages]) | Q(topic__in=all_topics)
    ):
        if requirement.page_id is not None:
            by_page[requirement.page_id] = requirement
        else:
            by_topic[requirement.topic_id] = requirement
    found = {}
    for page in pages:
        nearest = (by_topic[t] for t in topics_up[page.pk] if t in by_topic)
        found[page.pk] = by_page.get(page.pk) or next(nearest, None) or SignOffRequirement()
    return found  # an unsaved SignOffRequirement() holds the defaults


class ReviewStatus:
    """Where one change stands on its sign-offs, and who wrote it: what the workflow's rules
    and screens ask of it. Each answer is read once, when first asked, then kept; so a screen
    makes one and asks it everything, while a service makes a new one after each write.

    It reads the change's prefetched sign-offs and items when it has them (a screen's change,
    see ``change_with_details``), else reads them now.
    """

    def __init__(self, change: ChangeRequest, *, requirement=None, authors=None):
        self.change = change
        self._requirement = requirement
        self._authors = authors

    @property
    def requirement(self) -> SignOffRequirement:
        if self._requirement is None:
            self._requirement = requirement_for(self.change.page)
        return self._requirement

    @property
    def authors(self) -> set:
        """Who may neither sign the change off nor publish it (see ``contents.authors_of``)."""
        if self._authors is None:
            self._authors = contents.authors_of(self.change)
        return self._authors

    @cached_property
    def sign_offs(self) -> list[SignOff]:
        """Every decision given on the change, oldest first, with its reviewer."""
        change = self.change
        if "sign_offs" in getattr(change, "_prefetched_objects_cache", {}):
            given = change.sign_offs.all()
        else:  # not kept on the change: a service reads afresh after each write
            given = change.sign_offs.select_related("reviewer")
        return sorted(given, key=lambda s: (s.created_at, s.pk))

    @cached_property
    def required(self) -> dict[Role, int]:
        """How many approvals each role must give, e.g. {medical: 1, lay: 1} for a full review."""
        requirement = self.requirement
        lay = requirement.needs_lay
        if self.change.is_full_review:
            lay = max(lay, requirement.full_review_needs_lay)
        needed = {Role.MEDICAL: requirement.needs_medical, Role.LAY: lay}
        return {role: count for role, count in needed.items() if count > 0}

    @cached_property
    def latest(self) -> list[SignOff]:
        """Each reviewer's most recent decision, oldest first."""
        latest: dict[int, SignOff] = {}
        for sign_off in self.sign_offs:
            latest[sign_off.reviewer_id] = sign_off
        return sorted(latest.values(), key=lambda s: (s.created_at, s.pk))

    @cached_property
    def counting(self) -> list[SignOff]:
        """Approvals that count now: a reviewer's latest decision, given on the current content."""
        content_hash = self.change.content_hash
        return [
            sign_off
            for sign_off in self.latest
            if sign_off.decision == Decision.APPROVE and sign_off.content_hash == content_hash
        ]

    @cached_property
    def missing(self) -> dict[Role, int]:
        """How many more approvals each role still has to give (only roles still short)."""
        given: dict[str, int] = {}
        for sign_off in self.counting:
            given[sign_off.role] = given.get(sign_off.role, 0) + 1
        return {
            role: needed - given.get(role, 0)
            for role, needed in self.required.items()
            if needed > given.get(role, 0)
        }

    @property
    def is_fully_approved(self) -> bool:
        return bool(self.change.content_hash) and not self.missing


def review_status(change: ChangeRequest) -> ReviewStatus:
    return ReviewStatus(change)


def review_statuses(changes: Iterable[ChangeRequest]) -> dict[int, ReviewStatus]:
    """A ``ReviewStatus`` for each change, by change id, in a fixed number of queries whatever
    their number. Prefetches the changes' sign-offs and items (read as of now, for a screen)."""
    changes = list(changes)
    prefetch_related_objects(
        changes,
        "items",
        Prefetch("sign_offs", queryset=SignOff.objects.select_related("reviewer")),
    )
    requirements = requirements_for(change.page for change in changes)
    authors = contents.authors_by_change(changes)
    return {
        change.pk: ReviewStatus(
            change, requirement=requirements[change.page_id], authors=authors[change.pk]
        )
        for change in changes
    }


# The same questions one at a time, each read anew: what services ask after each write.


def required_sign_offs(change: ChangeRequest) -> dict[Role, int]:
    """How many approvals each role must give, e.g. {medical: 1, lay: 1} for a full review."""
    return ReviewStatus(change).required


def latest_sign_offs(change: ChangeRequest) -> list[SignOff]:
    """Each reviewer's most recent decision on the change, oldest first."""
    return ReviewStatus(change).latest


def counting_approvals(change: ChangeRequest) -> list[SignOff]:
    """Approvals that count now: a reviewer's latest decision, given on the current content."""
    return ReviewStatus(change).counting


def stale_sign_offs(change: ChangeRequest) -> list[SignOff]:
    """Sign-offs given on content that has changed since: they no longer count."""
    return [s for s in ReviewStatus(change).sign_offs if s.content_hash != change.content_hash]


def missing_sign_offs(change: ChangeRequest) -> dict[Role, int]:
    """How many more approvals each role still has to give (only roles still short)."""
    return ReviewStatus(change).missing


def is_fully_approved(change: ChangeRequest) -> bool:
    return ReviewStatus(change).is_fully_approved


def open_change_for(page: Page) -> ChangeRequest | None:
    return ChangeRequest.objects.filter(page=page, state__in=ChangeRequest.OPEN_STATES).first()


def change_with_details(pk: int) -> ChangeRequest:
    """A change request with everything its screen shows, in a fixed number of queries.
    ``was_published``: whether its page was ever published."""
    return (
        ChangeRequest.objects.select_related("page", "created_by", "publication")
        .annotate(was_published=Exists(PublishedPage.objects.filter(page=OuterRef("page"))))
        .prefetch_related(
            Prefetch(
                "items",
                queryset=ChangeRequestItem.objects.select_related(
                    "content_type", "version", "base_version"
                ),
            ),
            Prefetch("sign_offs", queryset=SignOff.objects.select_related("reviewer")),
            Prefetch("comments", queryset=Comment.objects.select_related("author")),
        )
        .get(pk=pk)
    )


def changes_in_state(*states: str) -> QuerySet[ChangeRequest]:
    return (
        ChangeRequest.objects.filter(state__in=states)
        .select_related("page", "created_by")
        .order_by("submitted_at", "created_at", "id")
    )


def changes_awaiting(*, reviewer) -> list[ChangeRequest]:
    """Changes in review that this reviewer may sign off in a role that is still short.

    A fixed number of queries however long the queue: the changes' sign-offs, requirements
    and authors are read together, and the policy asks each change's ``ReviewStatus``."""
    from reviews import policy  # policy reads selectors too

    if not policy.reviewer_roles(reviewer):
        return []
    changes = list(changes_in_state(State.IN_REVIEW))
    reviews = review_statuses(changes)
    return [
        change
        for change in changes
        if any(
            policy.can_sign_off(reviewer, change, role, review=reviews[change.pk])
            for role in reviews[change.pk].missing
        )
    ]


def users_in_group_any(names: list[str]) -> QuerySet:
    """Active people in any of the named groups."""
    return get_user_model().objects.filter(groups__name__in=names, is_active=True).distinct()


def audit_events(
    *, page: Page | None = None, since: date | None = None, until: date | None = None
) -> QuerySet[AuditEvent]:
    """Audit events in order, optionally for one page and between two dates (inclusive)."""
    events = AuditEvent.objects.select_related("actor", "page").order_by("created_at", "id")
    if page is not None:
        events = events.filter(page=page)
    if since is not None:
        events = events.filter(created_at__date__gte=since)
    if until is not None:
        events = events.filter(created_at__date__lte=until)
    return events


# The workspace's lists. Each is one query (plus prefetches), whatever the number of rows.


def open_changes_of(*, editor) -> QuerySet[ChangeRequest]:
    """Open change requests ``editor`` started, or edited, removed or restored something in."""
    touched = AuditEvent.objects.filter(
        actor=editor, action__in=contents.EDITING_ACTIONS, change_request_id__isnull=False
    ).values("change_request_id")
    return (
        ChangeRequest.objects.filter(state__in=ChangeRequest.OPEN_STATES)
        .filter(Q(created_by=editor) | Q(pk__in=touched))
        .select_related("page", "created_by")
        .order_by("-created_at", "-id")
    )


def recently_published_changes(*, limit: int = 10) -> QuerySet[ChangeRequest]:
    return (
        ChangeRequest.objects.filter(state=State.PUBLISHED)
        .select_related("page", "created_by", "publication__published_by")
        .order_by("-published_at", "-id")[:limit]
    )


def pages_with_open_change() -> QuerySet[Page]:
    """Every page, each with ``open_change_id`` (its open change request, or None)."""
    open_change = ChangeRequest.objects.filter(
        page=OuterRef("pk"), state__in=ChangeRequest.OPEN_STATES
    ).values("pk")[:1]
    return Page.objects.annotate(open_change_id=Subquery(open_change)).order_by("title", "pk")


def live_pages() -> QuerySet[Page]:
    """Pages readers can see now."""
    return Page.objects.filter(publications__is_current=True).order_by("title", "pk")


def versions_by_part(*, page: Page) -> dict[tuple[int, str], list[Version]]:
    """Every version of the page and of each of its current parts, newest first, with who
    saved it: keyed by (content type id, object id) as reversion stores them."""
    wanted = Q(pk__in=[])
    for part in contents.page_parts(page):
        content_type = ContentType.objects.get_for_model(part)
        wanted |= Q(content_type=content_type, object_id=str(part.pk))
    versions: dict[tuple[int, str], list[Version]] = {}
    for version in Version.objects.filter(wanted).select_related("revision__user").order_by("-pk"):
        versions.setdefault((version.content_type_id, version.object_id), []).append(version)
    return versions
