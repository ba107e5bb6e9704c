"""Reads of review flags ("review needed: a source this page cites changed") that the change
page, the dashboard, the calendar and the reminders share. Each is a fixed number of
queries, whatever the number of pages or flags."""

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from reviews.core.models import ChangeRequest, Decision, SignOff
from reviews.evidence.models import ReviewFlag


def open_flags() -> QuerySet[ReviewFlag]:
    """Every flag not yet cleared, oldest first, with its source and who raised it."""
    return (
        ReviewFlag.objects.filter(cleared_at__isnull=True)
        .select_related("source", "raised_by")
        .order_by("raised_at", "id")
    )


def open_flags_of(page_id: int) -> list[ReviewFlag]:
    """The page's open flags, oldest first. One query."""
    return list(open_flags().filter(page_id=page_id))


def open_flags_by_page(page_ids) -> dict[int, list[ReviewFlag]]:
    """Open flags of these pages, by page id. One query."""
    by_page: dict[int, list[ReviewFlag]] = {}
    for flag in open_flags().filter(page_id__in=list(page_ids)):
        by_page.setdefault(flag.page_id, []).append(flag)
    return by_page


def has_open_flag(page_ref: str = "pk") -> Exists:
    """For an annotation: whether the page (``page_ref``: the outer query's page id) has an
    open flag."""
    return Exists(ReviewFlag.objects.filter(page_id=OuterRef(page_ref), cleared_at__isnull=True))


def open_flag_count(page_ref: str = "pk") -> Coalesce:
    """For an annotation: how many open flags the page (``page_ref``) has."""
    counted = (
        ReviewFlag.objects.filter(page_id=OuterRef(page_ref), cleared_at__isnull=True)
        .order_by()
        .values("page_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted[:1]), 0)


def seen_by_every_approval(flags: list[ReviewFlag], approval_ids: list[int]) -> set[int]:
    """Ids of the ``flags`` whose reason every one of these approvals (sign-off ids) was
    given with on screen: publishing the change clears them. None without approvals.
    One query."""
    if not flags or not approval_ids:
        return set()
    shown = set(
        ReviewFlag.shown_to.through.objects.filter(
            reviewflag_id__in=[flag.pk for flag in flags], signoff_id__in=approval_ids
        ).values_list("reviewflag_id", "signoff_id")
    )
    return {flag.pk for flag in flags if all((flag.pk, pk) in shown for pk in approval_ids)}


def on_change_page(change: ChangeRequest) -> dict:
    """What a change page shows of why its page needs review: the page's open flags while
    the change is open (``flags``), or those its publication cleared (``cleared_flags``).
    One query."""
    if change.is_open:
        return {"flags": open_flags_of(change.page_id), "cleared_flags": []}
    if change.state == ChangeRequest.State.PUBLISHED:
        cleared = change.cleared_flags.select_related("source").order_by("raised_at", "id")
        return {"flags": [], "cleared_flags": list(cleared)}
    return {"flags": [], "cleared_flags": []}


def on_publishing(change: ChangeRequest, *, approvals: list[SignOff]) -> dict:
    """Which of the page's open flags publishing ``change`` would clear (every counting
    approval was given with it on screen: ``flags_clearing``) and which stay
    (``flags_staying``). Two queries."""
    flags = open_flags_of(change.page_id)
    approval_ids = [s.pk for s in approvals if s.decision == Decision.APPROVE]
    seen = seen_by_every_approval(flags, approval_ids)
    return {
        "flags_clearing": [flag for flag in flags if flag.pk in seen],
        "flags_staying": [flag for flag in flags if flag.pk not in seen],
    }
