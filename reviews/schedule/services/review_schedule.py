"""The review schedule's steps: who looks after a page, how often it is reviewed, bringing a
review forward, and how readers are told a review is under way. Each is audited.

Review dates themselves move only by publishing a full review (``services.publish``);
a publisher may bring the next review forward (new evidence, a safety alert), never push it
later than the page's interval allows.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from infopages.models import Page, PublicWording, Topic
from infopages.publishing import PublishingRefused, republish_with_next_review
from infopages.review_intervals import add_months, interval_refusal
from reviews.core import audit, policy
from reviews.core.audit import Action
from reviews.core.errors import InvalidInput, InvalidTransition
from reviews.core.workflow import PageStep, require_page_step
from reviews.schedule.dates import review_interval_for


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


@transaction.atomic
def set_next_review(*, page: Page, on: dt.date, reason: str, by):
    """Bring the page's next review forward to ``on`` (or back, up to what its interval
    allows after the last full review). Readers see the new date at once."""
    require_page_step(PageStep.BRING_REVIEW_FORWARD, user=by)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("Say why the review date changes (e.g. new NICE guidance): it is kept.")
    current = page.publications.filter(is_current=True).first()
    if current is None or current.next_review_on is None:
        raise InvalidTransition(f"“{page}” is not live, so it has no review date to change.")
    if on < timezone.localdate():
        raise InvalidInput("Choose today or a later date: a review cannot be due in the past.")
    latest = add_months(current.reviewed_on, review_interval_for(page))
    if on > latest:
        raise InvalidInput(
            f"“{page}” was last reviewed on {_day(current.reviewed_on)}, so it must be reviewed "
            f"again by {_day(latest)} at the latest: choose that day or an earlier one."
        )
    if on == current.next_review_on:
        raise InvalidInput(f"The next review is already {_day(on)}.")
    was = current.next_review_on
    try:
        publication = republish_with_next_review(
            page=page, next_review_on=on, by=by, note=f"Next review {_day(on)}: {reason}"
        )
    except PublishingRefused as refusal:
        raise InvalidTransition(str(refusal)) from None
    audit.record(
        action=Action.NEXT_REVIEW_CHANGED,
        actor=by,
        page=page,
        versions={"publication": publication.pk, **publication.versions.to_json()},
        message=f"Next review moved from {_day(was)} to {_day(on)}: {reason}",
    )
    return publication


@transaction.atomic
def set_review_interval(*, target: Page | Topic, months: int | None, by) -> Page | Topic:
    """How often pages are fully reviewed, for one page or a topic (None: as the topic above).

    It applies from each page's next full review; bring a review forward to act sooner."""
    require_page_step(PageStep.SET_INTERVAL, user=by)
    refusal = interval_refusal(months)
    if refusal:
        raise InvalidInput(refusal)
    was = target.review_interval_months
    if was == months:
        return target
    target.review_interval_months = months
    target.save(update_fields=["review_interval_months"])
    what = "as the topic above" if months is None else f"every {months} months"
    audit.record(
        action=Action.REVIEW_INTERVAL_CHANGED,
        actor=by,
        page=target if isinstance(target, Page) else None,
        message=f"{target._meta.verbose_name.capitalize()} “{target}”: reviewed {what} "
        f"(was {'as the topic above' if was is None else f'every {was} months'}).",
    )
    return target


@transaction.atomic
def set_owner(*, page: Page, owner, by) -> Page:
    """Who looks after the page and is reminded of its reviews (None: the team address)."""
    require_page_step(PageStep.SET_OWNER, user=by)
    if owner is not None and not policy.is_editor(owner):
        raise InvalidInput(f"{owner.get_full_name() or owner} is not an editor.")
    if page.owner_id == (owner.pk if owner else None):
        return page
    page.owner = owner
    page.save(update_fields=["owner"])
    who = (owner.get_full_name() or owner.get_username()) if owner else "nobody (the team)"
    audit.record(action=Action.OWNER_CHANGED, actor=by, page=page, message=f"Owner: {who}.")
    return page


@transaction.atomic
def set_public_wording(*, key: str, text: str, by) -> PublicWording:
    """Reword what readers are told (e.g. the notice while a page is reviewed)."""
    require_page_step(PageStep.REWORD_NOTICE, user=by)
    text = " ".join(text.split())
    if not text:
        raise InvalidInput("Write the words readers will see.")
    wording, _created = PublicWording.objects.get_or_create(key=key, defaults={"text": text})
    if wording.text != text or _created:
        wording.text = text
        wording.save()
        audit.record(
            action=Action.WORDING_CHANGED,
            actor=by,
            message=f"{wording.get_key_display().capitalize()}: {text}",
        )
    return wording
