"""Reads the workflow's screens and services share: requirements, counting sign-offs, queues."""

from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from reversion.models import Version

from infopages.models import Page
from reviews.models import AuditEvent, ChangeRequest, Decision, Role, SignOff, SignOffRequirement

State = ChangeRequest.State


def requirement_for(page: Page) -> SignOffRequirement:
    """The page's own requirement, else the nearest topic's up the tree, else the default."""
    own = SignOffRequirement.objects.filter(page=page).first()
    if own is not None:
        return own
    topics = page.topic.ancestry()  # root first
    by_topic = {
        r.topic_id: r for r in SignOffRequirement.objects.filter(topic__in=[t.pk for t in topics])
    }
    for topic in reversed(topics):
        if topic.pk in by_topic:
            return by_topic[topic.pk]
    return SignOffRequirement()  # unsaved: the defaults


def required_sign_offs(change: ChangeRequest) -> dict[Role, int]:
    """How many approvals each role must give, e.g. {medical: 1, lay: 1} for a full review."""
    requirement = requirement_for(change.page)
    lay = requirement.needs_lay
    if change.is_full_review:
        lay = max(lay, requirement.full_review_needs_lay)
    needed = {Role.MEDICAL: requirement.needs_medical, Role.LAY: lay}
    return {role: count for role, count in needed.items() if count > 0}


def latest_sign_offs(change: ChangeRequest) -> list[SignOff]:
    """Each reviewer's most recent decision on the change, oldest first."""
    latest: dict[int, SignOff] = {}
    for sign_off in change.sign_offs.select_related("reviewer").order_by("created_at", "id"):
        latest[sign_off.reviewer_id] = sign_off
    return sorted(latest.values(), key=lambda s: (s.created_at, s.pk))


def counting_approvals(change: ChangeRequest) -> list[SignOff]:
    """Approvals that count now: a reviewer's latest decision, given on the current content."""
    return [
        sign_off
        for sign_off in latest_sign_offs(change)
        if sign_off.decision == Decision.APPROVE and sign_off.content_hash == change.content_hash
    ]


def stale_sign_offs(change: ChangeRequest) -> list[SignOff]:
    """Sign-offs given on content that has changed since: they no longer count."""
    return [s for s in change.sign_offs.all() if s.content_hash != change.content_hash]


def missing_sign_offs(change: ChangeRequest) -> dict[Role, int]:
    """How many more approvals each role still has to give (only roles still short)."""
    given: dict[str, int] = {}
    for sign_off in counting_approvals(change):
        given[sign_off.role] = given.get(sign_off.role, 0) + 1
    return {
        role: needed - given.get(role, 0)
        for role, needed in required_sign_offs(change).items()
        if needed > given.get(role, 0)
    }


def is_fully_approved(change: ChangeRequest) -> bool:
    return bool(change.content_hash) and not missing_sign_offs(change)


def open_change_for(page: Page) -> ChangeRequest | None:
    return ChangeRequest.objects.filter(page=page, state__in=ChangeRequest.OPEN_STATES).first()


def change_with_details(pk: int) -> ChangeRequest:
    """A change request with everything its screen shows, in a fixed number of queries."""
    return (
        ChangeRequest.objects.select_related("page", "page__topic", "created_by", "publication")
        .prefetch_related(
            "items__content_type",
            "items__version__revision__user",
            "items__base_version",
            Prefetch("sign_offs", queryset=SignOff.objects.select_related("reviewer")),
            "comments__author",
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
    """Changes in review that this reviewer may sign off in a role that is still short."""
    from reviews import policy  # policy reads selectors too

    waiting = []
    for change in changes_in_state(State.IN_REVIEW):
        missing = missing_sign_offs(change)
        if any(policy.can_sign_off(reviewer, change, role) for role in missing):
            waiting.append(change)
    return waiting


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
    from reviews.contents import EDITING_ACTIONS

    touched = AuditEvent.objects.filter(
        actor=editor, action__in=EDITING_ACTIONS, change_request_id__isnull=False
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
    from reviews.contents import page_parts

    wanted = Q(pk__in=[])
    for part in page_parts(page):
        content_type = ContentType.objects.get_for_model(part)
        wanted |= Q(content_type=content_type, object_id=str(part.pk))
    versions: dict[tuple[int, str], list[Version]] = {}
    for version in Version.objects.filter(wanted).select_related("revision__user").order_by("-pk"):
        versions.setdefault((version.content_type_id, version.object_id), []).append(version)
    return versions
