"""Shared blocks' steps: create one (with its first change), edit its fields inside a change,
retire it, and republish the live pages that embed it once a new version is published.

A block's changes are the core's change requests on its working copy (``Block.page``), so
submitting, signing off, publishing and withdrawing them are the core's steps, unchanged.
"""

import logging
import re
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from infopages.models import Page, PublishedPage, Section, Topic
from infopages.republishing import republish_pages_with_blocks
from infopages.services import save_with_version
from infopages.shared_blocks import (
    NAME_PATTERN,
    SHARED_BLOCKS_ROOT,
    Block,
    BlockPublication,
    BlockType,
    block_type,
    misplaced_markers,
    names_in,
)
from reviews.blocks.models import BlockRepublication
from reviews.core import audit, policy
from reviews.core.audit import Action
from reviews.core.errors import InvalidInput, InvalidTransition
from reviews.core.models import ChangeRequest, ReviewerRole, SignOffRequirement
from reviews.core.models.roles import SignOffRequirementRole
from reviews.core.services import start_change
from reviews.core.services.common import lock
from reviews.core.services.editing import after_edit
from reviews.core.workflow import PageStep, Step, require, require_page_step

logger = logging.getLogger(__name__)

# The sign-offs each type's changes need when its topic is first made; afterwards they are
# the topic's requirement, which administrators change in the admin like any other.
STARTING_SIGN_OFFS = {
    "support_line": [("publisher", 1)],
    "paragraph": [("medical", 1)],
    "booklet": [("publisher", 1)],
}
# The role a publisher's check is given in, made the first time a type needs it.
PUBLISHER_ROLE = ("publisher", "publisher", "Publisher", policy.PUBLISHERS)

BATCH_SIZE = 100  # pages a batch republishes before reading what is left again
# Pages republished in one transaction: its reads and writes are made once for them all, and
# readers wait for none of it (they read the snapshots committed before); a failure undoes
# at most this many pages, which the next run does again.
GROUP_SIZE = 20


# Creating and editing -------------------------------------------------------------------------


def type_topic(kind: BlockType) -> Topic:
    """The topic a type's blocks sit under ("Shared blocks > Contact details"), made with its
    starting sign-off requirement the first time; readers never see it (no page of theirs
    is filed there)."""
    root, _ = Topic.objects.get_or_create(
        slug=SHARED_BLOCKS_ROOT, parent=None, defaults={"name": "Shared blocks", "position": 999}
    )
    topic, made = Topic.objects.get_or_create(
        slug=kind.topic_slug, parent=root, defaults={"name": kind.topic_name}
    )
    if not SignOffRequirement.objects.filter(topic=topic).exists():
        requirement = SignOffRequirement.objects.create(topic=topic)
        for code, count in STARTING_SIGN_OFFS.get(kind.key, [("medical", 1)]):
            role = _role(code)
            SignOffRequirementRole.objects.create(
                requirement=requirement, role=role, for_every_change=count, for_full_review=count
            )
    return topic


def _role(code: str) -> ReviewerRole:
    role = ReviewerRole.objects.filter(code=code).first()
    if role is None and code == PUBLISHER_ROLE[0]:
        _code, label, public_label, group_name = PUBLISHER_ROLE
        role = ReviewerRole.objects.create(
            code=code,
            label=label,
            public_label=public_label,
            group=Group.objects.get_or_create(name=group_name)[0],
            position=10,
        )
    if role is None:
        raise InvalidInput(f"There is no reviewer role “{code}” for this type of block.")
    return role


@transaction.atomic
def create_block(*, name: str, kind: str, title: str, by, summary: str = "") -> ChangeRequest:
    """A new shared block, with empty fields, and its first change request (open, for the
    editor to fill in and submit). Pages can embed it once that change is published."""
    require_page_step(PageStep.CREATE_BLOCK, user=by)
    name = (name or "").strip().lower()
    if not re.match(NAME_PATTERN, name):
        raise InvalidInput(
            "Give the block a name of 3 to 60 lower-case letters, digits and hyphens, e.g. "
            "support-line: it is what editors write in the marker."
        )
    try:
        block_kind = block_type(kind)
    except KeyError:
        raise InvalidInput("Choose the type of block.") from None
    if not title.strip():
        raise InvalidInput("Give the block a title, e.g. “Our support line”.")
    if Block.objects.filter(name=name).exists():
        raise InvalidInput(f"There is already a shared block called “{name}”.")
    slug = f"shared-block-{name}"
    if Page.objects.filter(slug=slug).exists():
        raise InvalidInput(f"The address {slug} is taken by a page; choose another name.")
    page = save_with_version(
        Page(
            slug=slug,
            title=title.strip(),
            summary=summary.strip() or block_kind.description,
            topic=type_topic(block_kind),
        ),
        by=by,
        comment="Created as a shared block",
    ).obj
    for position, field in enumerate(block_kind.fields):
        save_with_version(
            Section(page=page, position=position, heading=field.label, anchor=field.key),
            by=by,
            comment="Created as a shared block",
        )
    try:
        with transaction.atomic():
            block = Block.objects.create(name=name, kind=block_kind.key, page=page)
    except IntegrityError:
        raise InvalidInput(f"There is already a shared block called “{name}”.") from None
    change = start_change(page=page, by=by, summary=f"New shared block “{name}”.")
    audit.record(
        action=Action.BLOCK_CREATED,
        actor=by,
        page=page,
        change_request_id=change.pk,
        versions={"block": block.name, "type": block.kind},
        message=f"Created the shared block “{name}” ({block_kind.label}).",
    )
    return change


def block_of(change: ChangeRequest) -> Block | None:
    return Block.objects.filter(page_id=change.page_id).first()


def field_problems(block: Block, values: dict[str, str]) -> list[str]:
    """What an editor must fix in a block's fields before they can be saved."""
    problems = []
    for field in block.type.fields:
        value = values.get(field.key, "")
        problems.extend(field.problems(value))
        if misplaced_markers(value) or names_in(value):
            problems.append(f"{field.label}: a shared block cannot embed another one.")
    return problems


@transaction.atomic
def edit_block(
    *, change: ChangeRequest, values: dict[str, str], lock_versions: dict[str, int], by, comment
) -> list[str]:
    """Save a block's fields as part of its change: a new version of each field changed, one
    audit event, and the change pointed at them (back to review if it was signed off).
    Returns the labels of the fields changed. Raises ``EditConflict`` when someone saved a
    field after the editor opened it (nothing is saved)."""
    review = lock(change)
    require(Step.EDIT, user=by, change=change, review=review)
    block = block_of(change)
    if block is None:
        raise InvalidInput(f"“{change.page}” is not a shared block.")
    if not (comment or "").strip():
        raise InvalidInput("Say in a few words what you changed and why.")
    values = {key: _tidy(value) for key, value in values.items()}
    problems = field_problems(block, values)
    if problems:
        raise InvalidInput(" ".join(problems))
    sections = {s.anchor: s for s in Section.objects.filter(page_id=change.page_id)}
    changed = []
    for position, field in enumerate(block.type.fields):
        value = values.get(field.key, "")
        section = sections.get(field.key)
        if section is None:
            section = Section(page_id=change.page_id, anchor=field.key, position=position)
        elif section.body == value:
            continue
        section.heading, section.body = field.label, value
        expected = lock_versions.get(field.key) if section.pk else None
        save_with_version(section, by=by, comment=comment, expected_lock_version=expected)
        changed.append(field.label.lower())
    if not changed:
        raise InvalidInput("Nothing was changed: edit a field first.")
    after_edit(
        change,
        by=by,
        action=Action.EDITED,
        message=f"Saved the shared block “{block.name}” (changed: {', '.join(changed)}): "
        f"{comment.strip()}",
    )
    return changed


def _tidy(value: str) -> str:
    return (value or "").replace("\r\n", "\n").strip()


def working_values(block: Block) -> tuple[dict[str, str], dict[str, int]]:
    """The block's fields as its working copy holds them, and their edit counters."""
    values, counters = {}, {}
    for section in Section.objects.filter(page_id=block.page_id):
        values[section.anchor], counters[section.anchor] = section.body, section.lock_version
    return values, counters


# Where it is used, and retiring it ------------------------------------------------------------


@dataclass(frozen=True)
class WhereUsed:
    live: list[PublishedPage]  # live snapshots showing it (any version)
    drafts: list[Page]  # working copies whose text has its marker

    @property
    def in_use(self) -> bool:
        return bool(self.live or self.drafts)


def where_used(block: Block, *, limit: int | None = None) -> WhereUsed:
    live = (
        PublishedPage.objects.current()
        .filter(blocks__block=block)
        .only("slug", "title", "page_id", "published_at")
        .order_by("title", "id")
    )
    drafts = (
        Page.objects.filter(sections__body__contains=block.marker)
        .exclude(pk=block.page_id)
        .distinct()
        .only("slug", "title")
        .order_by("title", "id")
    )
    if limit is not None:
        live, drafts = live[:limit], drafts[:limit]
    return WhereUsed(live=list(live), drafts=list(drafts))


def live_count(block: Block) -> int:
    return PublishedPage.objects.current().filter(blocks__block=block).count()


@transaction.atomic
def retire_block(*, block: Block, by, reason: str) -> Block:
    """Retire a block no page uses: pages can no longer embed it. Refused while a live page
    shows it, a working copy has its marker, or it has an open change."""
    require_page_step(PageStep.RETIRE_BLOCK, user=by)
    block = Block.objects.select_for_update().get(pk=block.pk)
    if block.retired_at is not None:
        raise InvalidTransition(f"The shared block “{block.name}” is already retired.")
    if not (reason or "").strip():
        raise InvalidInput("Give the reason for retiring the block: it goes in the audit log.")
    used = where_used(block, limit=5)
    if used.in_use:
        titles = [p.title for p in used.live] + [p.title for p in used.drafts]
        raise InvalidTransition(
            f"The shared block “{block.name}” is still used (on “{'”, “'.join(titles[:3])}”"
            f"{' and more' if len(titles) > 3 else ''}). Remove its marker from those pages, "
            "through review, before retiring it: see “Where used”."
        )
    if ChangeRequest.objects.filter(page_id=block.page_id, state__in=ChangeRequest.OPEN_STATES):
        raise InvalidTransition(
            f"The shared block “{block.name}” has an open change: withdraw it first."
        )
    block.retired_at, block.retired_by = timezone.now(), by
    block.save(update_fields=["retired_at", "retired_by"])
    audit.record(
        action=Action.BLOCK_RETIRED,
        actor=by,
        page=block.page,
        versions={"block": block.name},
        message=f"Retired the shared block “{block.name}”: {reason.strip()}",
    )
    return block


# Republishing the pages that embed it ---------------------------------------------------------


def start_republication(*, change: ChangeRequest, by, at) -> BlockRepublication | None:
    """Inside the transaction publishing a block's change: a run for its new version, with
    the number of live pages to republish (audited). None for any other change."""
    block = block_of(change)
    if block is None:
        return None
    version = block.publications.order_by("-number").first()
    if version is None or version.number == 1 or hasattr(version, "republication"):
        return None  # a first version: no page can show an older one
    run = BlockRepublication.objects.create(
        block_publication=version,
        change=change,
        started_by=by if by is not None and by.is_authenticated else None,
        started_at=at,
        total=_remaining(version).count(),
    )
    audit.record(
        action=Action.BLOCK_REPUBLICATION_STARTED,
        actor=by,
        page=change.page,
        change_request_id=change.pk,
        versions={"block": block.name, "block_version": version.number, "run": run.pk},
        message=f"Version {version.number} of the shared block “{block.name}” is to be shown "
        f"on the {run.total} live page{'' if run.total == 1 else 's'} embedding it.",
    )
    return run


def _remaining(version: BlockPublication):
    """Ids of the live pages whose snapshot shows an older version of the block (one join
    row per snapshot and block: a snapshot holds one version of each block)."""
    return (
        PublishedPage.objects.current()
        .filter(blocks__block_id=version.block_id, blocks__number__lt=version.number)
        .order_by("page_id")
        .values_list("page_id", flat=True)
    )


def remaining_count(run: BlockRepublication) -> int:
    return _remaining(run.block_publication).count()


def republish_batch(
    run: BlockRepublication, *, limit: int = BATCH_SIZE, group_size: int = GROUP_SIZE
) -> int:
    """Republish up to ``limit`` of the run's remaining pages, a group of at most
    ``group_size`` in each transaction (their snapshots, their audit events and the run's
    count together); finish the run when none is left. Returns how many pages were
    republished. Safe to run twice at once or after an interruption: a page already showing
    the version is left alone."""
    version = run.block_publication
    block = version.block
    done = 0
    refused = {int(pk) for pk in run.refused}
    page_ids = list(_remaining(version).exclude(page_id__in=refused)[:limit])
    for first in range(0, len(page_ids), max(1, group_size)):
        done += _republish_group(run, page_ids=page_ids[first : first + group_size], block=block)
    if not _remaining(version).exclude(page_id__in=[int(pk) for pk in run.refused]).exists():
        _finish(run)
    return done


def _republish_group(run, *, page_ids: list[int], block: Block) -> int:
    with transaction.atomic():
        result = republish_pages_with_blocks(page_ids=page_ids, block=block, by=run.started_by)
        audit.record_all(
            Action.BLOCK_REPUBLISHED,
            actor=run.started_by,
            events=[
                {
                    "page_id": page_id,
                    "change_request_id": run.change_id,
                    "versions": {
                        "publication": snapshot.pk,
                        "block": block.name,
                        "block_version": snapshot.block_versions[block.name],
                        **snapshot.versions.to_json(),
                    },
                    "message": f"Republished with version {snapshot.block_versions[block.name]} "
                    f"of the shared block “{block.name}”; the page's own content and review "
                    "dates are unchanged.",
                }
                for page_id, snapshot in result.publications.items()
            ],
        )
        for page_id, refusal in result.refused.items():  # e.g. a block retired since
            logger.warning("Page %s was not republished with %s: %s", page_id, block, refusal)
            run.refused[str(page_id)] = refusal
        BlockRepublication.objects.filter(pk=run.pk).update(
            republished=F("republished") + len(result.publications),
            **({"refused": run.refused} if result.refused else {}),
        )
    return len(result.publications)


@transaction.atomic
def _finish(run: BlockRepublication) -> None:
    run = BlockRepublication.objects.select_for_update().get(pk=run.pk)
    if run.finished_at is not None:
        return
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    version = run.block_publication
    audit.record(
        action=Action.BLOCK_REPUBLICATION_FINISHED,
        actor=run.started_by,
        page=version.block.page,
        change_request_id=run.change_id,
        versions={"block": version.block.name, "block_version": version.number, "run": run.pk},
        message=f"Every live page embedding “{version.block.name}” shows version "
        f"{version.number} ({run.republished} republished by this run)"
        + (
            f", but for {len(run.refused)} that could not be: see the block's page."
            if run.refused
            else "."
        ),
    )


def run_unfinished(
    *,
    batch_size: int = BATCH_SIZE,
    group_size: int = GROUP_SIZE,
    max_pages: int | None = None,
    report=None,
):
    """Work through every unfinished run, oldest first, batch by batch (the command), each
    batch in groups of ``group_size`` pages a transaction. Returns the number of pages
    republished."""
    total = 0
    for run in BlockRepublication.objects.filter(finished_at=None).order_by("started_at", "id"):
        run = BlockRepublication.objects.select_related(
            "block_publication__block", "started_by"
        ).get(pk=run.pk)
        while True:
            limit = batch_size if max_pages is None else min(batch_size, max_pages - total)
            if limit <= 0:
                return total
            done = republish_batch(run, limit=limit, group_size=group_size)
            total += done
            run.refresh_from_db()
            if report is not None:
                report(run, remaining_count(run))
            if run.is_finished or done == 0:
                break  # finished, or only refused pages (or another process's) this time
    return total
