"""The source check: a medical reviewer reads a flagged page against the source that changed
and, when the page still agrees with it, clears the page's flags for that source with
"Checked against the updated source: no change needed".

No content changes, so nothing goes to readers and the review dates stay: the page was not
reviewed, it was checked against one source. The check is kept (who, when, what they
checked) and audited, and the page's workspace history shows it. When the check finds
something, an editor starts a change instead, and the flags clear when it is published.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from infopages.models import Page, Source
from reviews.core import audit
from reviews.core.audit import Action
from reviews.core.errors import InvalidInput, InvalidTransition, StaleContent
from reviews.core.workflow import PageStep, require_page_step
from reviews.evidence.models import ReviewFlag, SourceCheck

NOTE_MAX_LENGTH = 300


@transaction.atomic
def check_against_source(
    *, page: Page, source_id: int, by, note: str, shown: Iterable[int]
) -> SourceCheck:
    """Clear ``page``'s open flags for the source ``source_id``: ``by`` checked the page
    against it and no change is needed (``note``: what they checked). ``shown``: the flags
    the screen listed; refused when the source was marked again since, so its new note is
    read first."""
    flags = list(
        ReviewFlag.objects.select_for_update()
        .filter(page=page, source_id=source_id, cleared_at__isnull=True)
        .order_by("raised_at", "id")
    )
    require_page_step(PageStep.CHECK_SOURCE, user=by, flags=flags)
    if not flags:
        raise InvalidTransition(
            f"“{page}” no longer needs review because of this source: someone else checked "
            "it, or a change to it was published."
        )
    listed = {int(pk) for pk in shown}
    if any(flag.pk not in listed for flag in flags):
        raise StaleContent(
            "The source was marked again after you opened this screen, so nothing was "
            "cleared. Read its new note below, and check the page again."
        )
    note = " ".join(note.split())
    if not note:
        raise InvalidInput(
            "Say briefly what you checked, e.g. “Dose advice in ‘Treatment’ matches the "
            "2026 edition, section 1.4”: the page's history keeps it."
        )
    if len(note) > NOTE_MAX_LENGTH:
        raise InvalidInput(f"Keep the note to {NOTE_MAX_LENGTH} characters.")
    now = timezone.now()
    source = Source.objects.get(pk=source_id)
    check = SourceCheck.objects.create(
        page=page, source=source, checked_by=by, checked_at=now, note=note
    )
    ReviewFlag.objects.filter(pk__in=[flag.pk for flag in flags]).update(
        cleared_at=now, cleared_by_check=check
    )
    audit.record(
        action=Action.SOURCE_CHECKED,
        actor=by,
        page=page,
        versions={"source": source.pk, "flags": [flag.pk for flag in flags], "check": check.pk},
        message=f"Checked “{page}” against the updated source “{source}”: no change needed. {note}",
    )
    return check
