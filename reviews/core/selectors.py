"""Reads the workflow's screens and services share: changes, queues, pages, the audit log."""

import datetime as dt
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone
from reversion.models import Version

from infopages.models import Page, PublishedPage
from reviews.core import contents, policy
from reviews.core.models import (
    AuditEvent,
    ChangeRequest,
    ChangeRequestItem,
    Comment,
    Decision,
    Invitation,
    ReadingProgress,
    RoleKey,
    SignOff,
)
from reviews.core.models.roles import key_from, role_annotations
from reviews.core.status import SIGN_OFF_RELATED, review_statuses

State = ChangeRequest.State


def open_change_for(page: Page) -> ChangeRequest | None:
    return ChangeRequest.objects.filter(page=page, state__in=ChangeRequest.OPEN_STATES).first()


def change_with_details(pk: int, *, reader=None) -> ChangeRequest:
    """A change request with everything its screen shows, in a fixed number of queries.
    ``was_published``: whether its page was ever published; ``last_published_versions``:
    the versions of its page's last publication (see ``diffs.change_diff``); with a
    ``reader`` (a user or an invitation), ``sections_read_by_reader``: the sections they
    ticked as read so far in a full review (see ``sections_read``)."""
    # The topic and three above it come with the page: a full review shows the topic path
    # readers see above the title, without a query of its own.
    changes = ChangeRequest.objects.select_related(
        "page__topic__parent__parent__parent",
        "page__shared_block",  # whether it is a shared block's change (its panel)
        "created_by",
        "publication",
    )
    publications = PublishedPage.objects.filter(page=OuterRef("page"))
    if reader is not None and getattr(reader, "pk", None) is not None:
        progress = ReadingProgress.objects.filter(change=OuterRef("pk"), **_reader(reader))
        changes = changes.annotate(
            sections_read_by_reader=Subquery(progress.values("sections")[:1])
        )
    return (
        changes.annotate(
            was_published=Exists(publications),
            last_published_versions=Subquery(
                publications.newest_first().values("source_versions")[:1]
            ),
        )
        .prefetch_related(
            Prefetch(
                "items",
                queryset=ChangeRequestItem.objects.select_related(
                    "content_type", "version", "base_version"
                ),
            ),
            Prefetch("sign_offs", queryset=SignOff.objects.select_related(*SIGN_OFF_RELATED)),
            Prefetch("comments", queryset=Comment.objects.select_related("author")),
            Prefetch("invitations", queryset=Invitation.objects.select_related("invited_by")),
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
    """Changes in review that this reviewer may sign off in a role that is still short, and
    on which no decision of theirs stands (an approval that counts is not asked for again).

    A fixed number of queries however long the queue: the changes' sign-offs, requirements
    and authors are read together, and the policy asks each change's ``ReviewStatus``."""
    if not policy.reviewer_roles(reviewer):
        return []
    changes = list(changes_in_state(State.IN_REVIEW))
    reviews = review_statuses(changes)
    awaiting = []
    for change in changes:
        review = reviews[change.pk]
        roles, _reason = policy.sign_off_roles(reviewer, review)
        still_short = any(role in review.missing for role in roles)
        if still_short and review.standing_of(reviewer).needs_decision:
            awaiting.append(change)
    return awaiting


def changes_sent_back() -> list[ChangeRequest]:
    """Changes a reviewer asked changes of, oldest first, each with ``requests_for_changes``
    (oldest first: the last one is what the editors are working on). Two queries."""
    asked = SignOff.objects.filter(decision=Decision.REQUEST_CHANGES).select_related(
        "reviewer", "invitation"
    )
    return list(
        changes_in_state(State.CHANGES_REQUESTED).prefetch_related(
            Prefetch(
                "sign_offs",
                queryset=asked.order_by("created_at", "id"),
                to_attr="requests_for_changes",
            )
        )
    )


# A full review, read section by section.


def sections_read(*, change: ChangeRequest, reader, review) -> set[str]:
    """The sections ``reader`` (a user or an invitation) ticked as read so far in this
    change, in the version it holds now (an edit since makes a tick lapse). Read with the
    change when ``change_with_details`` was given the reader, else one query."""
    versions = review.section_versions
    if hasattr(change, "sections_read_by_reader"):
        ticked = change.sections_read_by_reader or {}
    else:
        progress = ReadingProgress.objects.filter(change=change, **_reader(reader)).first()
        ticked = progress.sections if progress is not None else {}
    return {pk for pk, version in ticked.items() if versions.get(pk) == version}


def _reader(reader) -> dict:
    return {"invitation": reader} if isinstance(reader, Invitation) else {"reviewer": reader}


def sections_last_confirmed_read(*, page: Page) -> dict[str, dict[RoleKey, datetime]]:
    """When each section of the page was last confirmed read, per role (in the roles' order),
    in a published full review (by approvals that counted: given on the content published):
    one query."""
    approvals = (
        SignOff.objects.filter(
            change__page=page,
            change__state=State.PUBLISHED,
            change__is_full_review=True,
            decision=Decision.APPROVE,
            content_hash=F("change__content_hash"),
        )
        .annotate(**role_annotations())
        .values_list("role", "role_label", "role_position", "sections", "created_at")
    )
    last: dict[str, dict[RoleKey, datetime]] = {}
    for role, label, position, sections, at in approvals.order_by("created_at", "id"):
        for pk in sections:
            last.setdefault(str(pk), {})[key_from(role, label, position)] = at
    return {
        pk: dict(sorted(by_role.items(), key=lambda item: (item[0].position, str(item[0]))))
        for pk, by_role in last.items()
    }


def users_in_roles(codes: list[str]) -> QuerySet:
    """Active people holding any of these active reviewer roles (in their groups)."""
    return (
        get_user_model()
        .objects.filter(
            groups__reviewer_role__code__in=[str(code) for code in codes],
            groups__reviewer_role__active=True,
            is_active=True,
        )
        .distinct()
    )


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
    """The newest published changes, read from an index of their own (no sort of them all)."""
    return (
        ChangeRequest.objects.filter(state=State.PUBLISHED)
        .select_related("page", "created_by")
        .order_by("-published_at", "-id")[:limit]
    )


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


# Plain-English scores (for the team only).


def live_topic_choices() -> list[tuple[str, str]]:
    """(topic path, name as published) of every topic with live pages on it or below it."""
    names: dict[str, str] = {}
    trails = PublishedPage.objects.current().order_by().values_list("topic_trail", flat=True)
    for trail in trails.distinct():
        prefix = ""
        for step in trail:
            prefix = f"{prefix}/{step['slug']}" if prefix else step["slug"]
            names[prefix] = " > ".join(s["name"] for s in trail[: prefix.count("/") + 1])
    return sorted(names.items(), key=lambda item: item[1].lower())


def _published_approvals(page: Page):
    """The approvals counting in the page's published changes (given on the very content
    that was published): their sections, role and time, newest first."""
    return (
        SignOff.objects.filter(
            change__page=page,
            change__state=State.PUBLISHED,
            decision=Decision.APPROVE,
            content_hash=F("change__content_hash"),
        )
        .order_by("-created_at", "-id")
        .annotate(**role_annotations())
        .values_list("sections", "role", "role_label", "role_position", "created_at")
    )


def sections_last_signed_off(*, page: Page) -> dict[int, tuple[dt.date, str]]:
    """When each section of ``page`` was last signed off, and in which role, by section id.

    From the sign-offs themselves: the latest approval, counting in a published change (given
    on the very content that was published), whose sections include it. A section never
    signed off in the portal (imported, or new and unpublished) is absent. One query.
    """
    latest: dict[int, tuple[dt.date, str]] = {}
    for sections, _role, label, _position, created_at in _published_approvals(page):
        for section_id in sections or []:
            if str(section_id).isdigit() and int(section_id) not in latest:
                latest[int(section_id)] = (timezone.localdate(created_at), label or _role)
    return latest


@dataclass(frozen=True)
class RoleSignOff:
    """A section's last sign-off in one role: "10 May 2027 (lay reviewer)"."""

    role: str
    on: dt.date


def sections_signed_off_by_role(*, page: Page) -> dict[int, list[RoleSignOff]]:
    """Each section's last sign-off in each role (in the roles' order), by section id: both roles
    when both signed it off, as in a full review. Counted as ``sections_last_signed_off``
    counts them. One query."""
    latest: dict[int, dict[RoleKey, dt.date]] = {}
    for sections, role, label, position, created_at in _published_approvals(page):
        for section_id in sections or []:
            if str(section_id).isdigit():
                by_role = latest.setdefault(int(section_id), {})
                by_role.setdefault(key_from(role, label, position), timezone.localdate(created_at))
    return {
        section_id: [
            RoleSignOff(role=role.label, on=on)
            for role, on in sorted(by_role.items(), key=lambda item: (item[0].position, item[0]))
        ]
        for section_id, by_role in latest.items()
    }
