"""The evidence register's steps: adding and correcting a source, marking it updated or
withdrawn (which flags every page citing it for review), and merging near-duplicates. Editors
take them; each is one transaction with its audit event.

A source is the register's record; the pages' references keep their own citations, as signed
off. So none of these steps edits a page: pages change only through a change request.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from infopages.register import move_references, source_for
from infopages.sources import Source, identifier_in, source_key
from infopages.weblinks import public_link_problem
from reviews.core import audit
from reviews.core.audit import Action
from reviews.core.errors import InvalidInput, InvalidTransition, StaleContent
from reviews.core.workflow import PageStep, require_page_step
from reviews.evidence.models import ReviewFlag
from reviews.evidence.services.flags import raise_flags

# What a person may change on a source in the register, with the audit log's names for them.
EDITABLE = {
    "citation": "citation",
    "url": "link",
    "publisher": "publisher",
    "identifier": "guideline number or DOI",
    "version_or_date": "version or date",
}
Status = Source.Status


def _checked(source: Source) -> None:
    # The forms check links too; here, so that no other way in (a script, a later screen)
    # can put a link in the register that the weekly checker must not ask for.
    if source.url and (problem := public_link_problem(source.url)):
        raise InvalidInput(f"Link: {problem}")
    try:
        source.full_clean(exclude=["key", "merged_into", "link_final_url"], validate_unique=False)
    except ValidationError as error:
        raise InvalidInput(
            " ".join(
                f"{Source._meta.get_field(name).verbose_name.capitalize()}: {message}"
                for name, messages in error.message_dict.items()
                for message in messages
            )
        ) from None


def _audit(action: str, *, by, source: Source, message: str, **extra) -> None:
    audit.record(action=action, actor=by, versions={"source": source.pk, **extra}, message=message)


@transaction.atomic
def add_source(*, by, citation: str, url: str = "", **details: str) -> Source:
    """Add a source to the register (``details``: publisher, identifier, version_or_date).
    An exact duplicate of one already there is refused, naming it."""
    require_page_step(PageStep.ADD_SOURCE, user=by)
    unknown = set(details) - set(EDITABLE)
    if unknown:
        raise InvalidInput(f"A source has no {', '.join(sorted(unknown))}.")
    source = Source(citation=citation.strip(), url=url.strip(), **details)
    if not source.identifier:
        source.identifier = identifier_in(source.citation, source.url)
    _checked(source)
    twin = Source.objects.filter(key=source_key(source.citation, source.url)).first()
    if twin is not None:
        raise InvalidInput(
            f"This source is already in the register: “{twin.merged_into or twin}”. "
            "Use that one, or correct it."
        )
    source.save()
    _audit(Action.SOURCE_ADDED, by=by, source=source, message=f"Added the source “{source}”.")
    return source


@transaction.atomic
def edit_source(*, source: Source, by, expected_lock_version: int, **values: str) -> Source:
    """Correct a source's record (citation, link, publisher, identifier, version or date).
    Pages citing it keep their own citations, as signed off. Refused, saving nothing, when
    someone else saved it after ``expected_lock_version``."""
    require_page_step(PageStep.EDIT_SOURCE, user=by)
    stored = Source.objects.select_for_update().get(pk=source.pk)
    if stored.merged_into_id:
        raise InvalidTransition(
            "This source was merged into another one; correct that one instead."
        )
    if stored.lock_version != expected_lock_version:
        raise StaleContent(
            "Someone else changed this source while you were editing it, so your changes "
            "were not saved. They are still in the form: compare them with the source as it "
            "is now, and save again."
        )
    changed = []
    for name, value in values.items():
        if name not in EDITABLE:
            raise InvalidInput(f"A source has no {name}.")
        value = (value or "").strip()
        if getattr(stored, name) != value:
            changed.append(f"{EDITABLE[name]}: “{getattr(stored, name)}” → “{value}”")
            setattr(stored, name, value)
    if not changed:
        raise InvalidInput("Nothing was changed.")
    _checked(stored)
    stored.lock_version += 1
    stored.save()
    _audit(
        Action.SOURCE_CHANGED,
        by=by,
        source=stored,
        message=f"Changed the source “{stored}”: " + "; ".join(changed),
    )
    return stored


@dataclass(frozen=True)
class Marked:
    source: Source
    flags: list[ReviewFlag]


@transaction.atomic
def mark_source(*, source: Source, by, status: str, note: str) -> Marked:
    """Mark a source updated or withdrawn (or current again), saying what happened, e.g.
    "NICE NG101 updated October 2026". Updated or withdrawn: every page whose working copy or
    live publication cites it is flagged "review needed" with that note, until a change to
    it is published whose reviewers were shown the note."""
    require_page_step(PageStep.MARK_SOURCE, user=by)
    try:
        status = Status(status)
    except ValueError:
        raise InvalidInput(f"“{status}” is not a status of a source.") from None
    note = " ".join(note.split())
    stored = Source.objects.select_for_update().get(pk=source.pk)
    if stored.merged_into_id:
        raise InvalidTransition("This source was merged into another one; mark that one instead.")
    if status != Status.CURRENT and not note:
        raise InvalidInput(
            "Say what changed, e.g. “NICE NG101 updated October 2026”: the pages citing "
            "it are flagged for review with these words."
        )
    if len(note) > 300:
        raise InvalidInput("Keep the note to 300 characters; details can go in the pages' changes.")
    if status == Status.CURRENT and stored.status == Status.CURRENT:
        raise InvalidInput("This source is already marked current.")
    now = timezone.now()
    was = stored.get_status_display()
    stored.status, stored.status_note, stored.status_changed_at = status, note, now
    stored.save(update_fields=["status", "status_note", "status_changed_at", "updated_at"])
    flags = raise_flags(source=stored, by=by, at=now) if status != Status.CURRENT else []
    message = f"Marked the source “{stored}” {stored.get_status_display()} (was {was})"
    message += f": {note}" if note else "."
    if status != Status.CURRENT:
        message += f" {len(flags)} page{'s' if len(flags) != 1 else ''} flagged for review."
    _audit(
        Action.SOURCE_MARKED,
        by=by,
        source=stored,
        message=message,
        status=status.value,
        flagged_pages=[flag.page_id for flag in flags],
    )
    return Marked(source=stored, flags=flags)


@transaction.atomic
def merge_sources(*, keep: Source, merge: Source, by, reason: str = "") -> Source:
    """Merge ``merge`` (a near-duplicate) into ``keep``: every reference citing it now cites
    ``keep``, and it stays in the register marked as merged, so nothing naming it is lost.
    The references' own citations are unchanged (as signed off)."""
    require_page_step(PageStep.MERGE_SOURCES, user=by)
    if keep.pk == merge.pk:
        raise InvalidInput("Choose two different sources to merge.")
    locked = {
        s.pk: s for s in Source.objects.select_for_update().filter(pk__in=[keep.pk, merge.pk])
    }
    keep, merge = locked[keep.pk], locked[merge.pk]
    for source in (keep, merge):
        if source.merged_into_id:
            raise InvalidTransition(
                f"“{source}” was already merged into another source; choose that one."
            )
    moved = move_references(source=merge, into=keep)
    why = f": {reason.strip()}" if reason.strip() else "."
    _audit(
        Action.SOURCES_MERGED,
        by=by,
        source=keep,
        merged=merge.pk,
        message=f"Merged the source “{merge}” (#{merge.pk}) into “{keep}” (#{keep.pk}); "
        f"{moved} reference{'s' if moved != 1 else ''} moved{why}",
    )
    return keep


def source_for_reference(*, citation: str, url: str, by) -> Source:
    """The register's source of a citation typed into a page's reference: the exact
    duplicate already there, or a new source (audited). Called inside the edit's
    transaction."""
    source, created = source_for(citation=citation, url=url)
    if created:
        _audit(
            Action.SOURCE_ADDED,
            by=by,
            source=source,
            message=f"Added the source “{source}” (from a page's reference).",
        )
    return source
