"""Opening, submitting and withdrawing change requests; the comment thread; restores; what
a change takes in when the page is written outside it. Editing within a change: ``editing``."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from reversion.models import Version

from infopages import topics
from infopages.models import Page, PublishedPage, Section, Topic
from infopages.parts import kind_of, plurals_in_words
from infopages.publishing import end_review_notice, last_publication, start_review_notice
from infopages.services import restore_version
from reviews.core import audit, contents, selectors
from reviews.core.audit import Action
from reviews.core.errors import InvalidInput, InvalidTransition
from reviews.core.models import ChangeRequest, Comment
from reviews.core.services.common import NEVER_PUBLISHED, State, ask_reviewers, lock
from reviews.core.services.editing import after_edit, require_renderable
from reviews.core.workflow import PageStep, Step, move, require, require_page_step


@transaction.atomic
def start_change(
    *, page: Page, by, summary: str = "", is_full_review: bool = False
) -> ChangeRequest:
    """Open a draft change request for ``page``, holding the page as it stands now.

    A page never published is always given a full review (its first publication dates it).
    While a full review is open, readers of the live page are told it is being reviewed.
    """
    step = PageStep.START_FULL_REVIEW if is_full_review else PageStep.START_CHANGE
    require_page_step(step, user=by)
    Page.objects.select_for_update().filter(pk=page.pk).first()
    _refuse_second_open_change(page)
    is_full_review = is_full_review or last_publication(page) is None
    try:
        with transaction.atomic():
            change = ChangeRequest.objects.create(
                page=page, created_by=by, summary=summary.strip(), is_full_review=is_full_review
            )
    except IntegrityError:  # someone opened one at the same moment
        _refuse_second_open_change(page)
        raise
    contents.refresh_items(change, by=by)
    kind = "full review" if is_full_review else "change request"
    audit.record_change(
        change, action=Action.CHANGE_STARTED, actor=by, message=f"Started a {kind}."
    )
    if is_full_review:
        start_review_notice(page=page)
    return change


def _refuse_second_open_change(page: Page) -> None:
    existing = selectors.open_change_for(page)
    if existing is not None:
        raise InvalidTransition(
            f"“{page}” already has an open change request (#{existing.pk}, "
            f"{existing.get_state_display()}): add your edits to that one."
        )


@transaction.atomic
def update_change_details(
    *, change: ChangeRequest, by, summary: str | None = None, is_full_review: bool | None = None
) -> ChangeRequest:
    """Change the summary, or whether this is a full review, before (re)submitting."""
    review = lock(change)
    require(Step.DESCRIBE, user=by, change=change, review=review)
    updated = []
    if summary is not None and summary.strip() != change.summary:
        change.summary = summary.strip()
        updated.append("summary")
    if is_full_review is not None and is_full_review != change.is_full_review:
        if not is_full_review and last_publication(change.page) is None:
            raise InvalidInput(NEVER_PUBLISHED)
        change.is_full_review = is_full_review
        updated.append("is_full_review")
        if is_full_review:
            start_review_notice(page=change.page)
        else:
            end_review_notice(page=change.page)
    if updated:
        change.save(update_fields=updated)
        audit.record_change(
            change,
            action=Action.DETAILS_CHANGED,
            actor=by,
            message=f"Summary: {change.summary}\nFull review: {_yes_no(change.is_full_review)}",
        )
    return change


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


@transaction.atomic
def content_changed_outside(
    *, change: ChangeRequest, by, message: str, action: str = Action.EDITED
) -> ChangeRequest:
    """The page was written outside the change (an import, a renamed topic): the change
    takes in what readers would now see, and if it was in review or signed off, it goes
    back to review. Whoever wrote it (``by``) is one of its authors from now on."""
    lock(change)
    after_edit(change, by=by, action=action, message=f"{message} The change holds it now.")
    return change


def topic_changed(*, topic: Topic) -> list[ChangeRequest]:
    """Open changes to pages under ``topic`` (or below it) take in its new name or place:
    pages show it, so reviewers sign it off like the rest."""
    under = topics.descendants(topic.pk, topics.parents())
    changes = ChangeRequest.objects.filter(
        page__topic_id__in=under, state__in=ChangeRequest.OPEN_STATES
    )
    for change in changes:
        content_changed_outside(
            change=change,
            by=None,
            action=Action.TOPIC_CHANGED,
            message=f"The topic “{topic.name}” was renamed or moved.",
        )
    return list(changes)


@transaction.atomic
def submit_for_review(*, change: ChangeRequest, by) -> ChangeRequest:
    """Send the change to its reviewers, holding the exact versions it contains now."""
    review = lock(change)
    require(Step.SUBMIT, user=by, change=change, review=review)
    if not change.summary.strip():
        raise InvalidInput(
            "Say in a sentence or two what changed and why: reviewers read this first."
        )
    contents.refresh_items(change, by=by)
    if not change.is_full_review and not contents.differs_from_published(change):
        raise InvalidInput(
            "Nothing in this change differs from the published page. Edit the page first, "
            "or mark it as a full review to have it re-checked as it is."
        )
    resubmitted = move(change, step=Step.SUBMIT, to=State.IN_REVIEW) == State.CHANGES_REQUESTED
    change.submitted_at = timezone.now()
    change.decided_at = None
    change.save(update_fields=["state", "submitted_at", "decided_at"])
    audit.record_change(
        change,
        action=Action.SUBMITTED,
        actor=by,
        message=("Resubmitted" if resubmitted else "Submitted") + f" for review: {change.summary}",
    )
    ask_reviewers(change, review=review, actor=by)
    return change


@transaction.atomic
def withdraw(*, change: ChangeRequest, by, reason: str = "") -> ChangeRequest:
    """Close the change request without publishing. The edits stay in the working copy."""
    review = lock(change)
    require(Step.WITHDRAW, user=by, change=change, review=review)
    move(change, step=Step.WITHDRAW, to=State.WITHDRAWN)
    change.withdrawn_at = timezone.now()
    change.scheduled_for = change.scheduled_by = None
    change.save(update_fields=["state", "withdrawn_at", "scheduled_for", "scheduled_by"])
    end_review_notice(page=change.page, at=change.withdrawn_at)
    audit.record_change(
        change, action=Action.WITHDRAWN, actor=by, message=reason.strip() or "Withdrawn."
    )
    return change


@transaction.atomic
def add_comment(*, change: ChangeRequest, by, body: str) -> Comment:
    """Add to the change request's thread between editors and reviewers."""
    review = lock(change)
    require(Step.COMMENT, user=by, change=change, review=review)
    if not body.strip():
        raise InvalidInput("Write a comment before sending it.")
    comment = Comment.objects.create(change=change, author=by, body=body.strip())
    audit.record_change(change, action=Action.COMMENTED, actor=by, message=comment.body)
    return comment


def _open_or_start_change(page: Page, *, by, summary: str) -> ChangeRequest:
    change = selectors.open_change_for(page)
    if change is None:
        return start_change(page=page, by=by, summary=summary)
    review = lock(change)
    require(Step.EDIT, user=by, change=change, review=review)
    return change


@transaction.atomic
def restore_as_draft(*, version: Version, by, comment: str = "") -> ChangeRequest:
    """Bring back an earlier version of a page or one of its parts as a new draft.

    It joins the page's open change request (sending it back to review if it was signed
    off) or opens a new one: a restored text reaches readers only through review.
    """
    require_page_step(PageStep.RESTORE, user=by)
    if version._model is not Page and kind_of(version._model) is None:
        raise InvalidInput(f"Only versions of pages, {plurals_in_words()} can be restored.")
    page = contents.page_of_version(version)
    when = f"{version.revision.date_created:%d %b %Y %H:%M}"
    what = f"{version._model._meta.verbose_name} “{version.object_repr}”"
    change = _open_or_start_change(page, by=by, summary=f"Restore the {what} of {when}.")
    _refuse_anchor_taken(version, page=page)
    _refuse_unrenderable([version])
    restore_version(version=version, by=by, comment=comment or f"Restored the version of {when}")
    message = f"Restored version {version.pk} of {what} (saved {when})."
    after_edit(change, by=by, action=Action.RESTORED, message=message)
    return change


def _refuse_unrenderable(versions: list[Version]) -> None:
    """An old section's text comes back only if it can still be published as written (it
    may predate the renderer's limits)."""
    for version in versions:
        if version._model is Section:
            try:
                require_renderable(version.field_dict.get("body") or "")
            except InvalidInput as error:
                heading = version.field_dict.get("heading")
                raise InvalidInput(
                    f"The section “{heading}” cannot be restored as it was. "
                    f"{error.message} Copy the earlier text into the section and simplify it."
                ) from None


def _refuse_anchor_taken(version: Version, *, page: Page) -> None:
    """A removed section cannot come back at an anchor another section has taken since."""
    if version._model is not Section:
        return
    anchor = version.field_dict["anchor"]
    taken = page.sections.filter(anchor=anchor).exclude(pk=version.object_id).first()
    if taken is not None:
        raise InvalidInput(
            f"“{page}” already has a section at #{anchor} (“{taken.heading}”). Remove that "
            "section before restoring this one, or copy the earlier text into it."
        )


@transaction.atomic
def restore_publication_as_draft(
    *, publication: PublishedPage, by, comment: str = ""
) -> ChangeRequest:
    """Bring back every part of the page as it was in an earlier publication, as a new draft.

    Parts added since that publication are kept; remove them in the change if need be.
    """
    require_page_step(PageStep.RESTORE, user=by)
    when = f"{publication.published_at:%d %b %Y %H:%M}"
    page = publication.page
    change = _open_or_start_change(page, by=by, summary=f"Restore the page as published on {when}.")
    versions = list(Version.objects.filter(pk__in=publication.versions.ids()).order_by("pk"))
    _refuse_unrenderable(versions)
    for version in versions:
        restore_version(
            version=version, by=by, comment=comment or f"Restored as published on {when}"
        )
    message = f"Restored the page as published on {when} (publication {publication.pk})."
    after_edit(change, by=by, action=Action.RESTORED, message=message)
    return change
