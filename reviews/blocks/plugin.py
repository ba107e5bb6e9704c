"""How shared blocks take part in the core's steps and screens (``reviews.core.hooks``,
``reviews.core.panels``). ``reviews.apps`` calls ``register()`` once.

- Saving a part: a block's fields keep to its type (a section of a block's working copy is
  one of its fields), a block stays under its type's topic, and no page moves there.
- Publishing a change: a block's new version starts the republication of the live pages
  embedding it; the first batch runs as soon as the publication commits, the rest in the
  ``republish_blocks`` command.
- Screens: the block's change page says it is a shared block and shows it as readers will
  see it; a section's editor lists the blocks to embed, with a preview; the dashboard links
  to the blocks.
"""

from django.db import transaction
from django.urls import reverse

from infopages.models import Page, Section, Topic
from infopages.shared_blocks import (
    SHARED_BLOCKS_ROOT,
    Block,
    BlockPublication,
    render_block,
)
from reviews.blocks import services
from reviews.blocks.models import BlockRepublication
from reviews.core import hooks, panels
from reviews.core.errors import InvalidInput

# Pages a publication republishes before its request answers; the command does the rest.
FIRST_BATCH = 25


def _keep_to_type(part, by) -> None:
    """Refuse an edit through the generic screens that would break a block (or move a page
    under the blocks' topics)."""
    if isinstance(part, Section):
        block = Block.objects.filter(page_id=part.page_id).first()
        if block is None:
            return
        field = next((f for f in block.type.fields if f.key == part.anchor), None)
        if field is None:
            raise InvalidInput(
                f"A shared block has only the fields of its type; edit “{block.name}” on its "
                "own screen."
            )
        problems = services.field_problems(block, {field.key: part.body})
        if problems:
            raise InvalidInput(" ".join(problems))
    elif isinstance(part, Page):
        block = Block.objects.filter(page_id=part.pk).first() if part.pk else None
        under_blocks = _under_blocks(part.topic_id)
        if block is not None and part.topic_id != block.page.topic_id:
            raise InvalidInput("A shared block stays under its type's topic.")
        if block is None and under_blocks:
            raise InvalidInput("The shared blocks' topics hold blocks only: choose another topic.")


def _under_blocks(topic_id) -> bool:
    root = Topic.objects.filter(slug=SHARED_BLOCKS_ROOT, parent=None).first()
    if root is None or topic_id is None:
        return False
    return Topic.objects.filter(pk=topic_id, parent=root).exists() or topic_id == root.pk


def _republish(*, change, approvals, at, **given) -> hooks.Outcome:
    """A block's new version: its republication started, and its authors told where to see
    it (the block's page in the workspace; its working copy's address is never public)."""
    block = services.block_of(change)
    if block is None:
        return hooks.Outcome()
    shown = {
        "shown_at": reverse("reviews:block", args=[block.name]),
        "shown_as": "Readers see it on every page embedding it. The block, with its progress "
        "and where it is used:",
    }
    run = services.start_republication(change=change, by=given.get("by"), at=at)
    if run is None:
        return hooks.Outcome(**shown)
    transaction.on_commit(lambda: _first_batch(run.pk), robust=True)
    pages = f"{run.total} live page{'' if run.total == 1 else 's'}"
    return hooks.Outcome(
        f"The {pages} embedding the block are being republished with it.",
        {"republication": run.pk},
        **shown,
    )


def _first_batch(run_pk: int) -> None:
    run = BlockRepublication.objects.select_related("block_publication__block", "started_by").get(
        pk=run_pk
    )
    services.republish_batch(run, limit=FIRST_BATCH)


def _shared_block(page) -> Block | None:
    try:
        return page.shared_block
    except Block.DoesNotExist:
        return None


def _block_change(*, change, **given) -> dict | None:
    """On a block's change page: what it is, where it is used, how it will look. No query
    for other changes (the screen's change comes with its block, if any)."""
    block = _shared_block(change.page)
    if block is None:
        return None
    values = {s.anchor: s.body for s in Section.objects.filter(page_id=change.page_id)}
    problems = services.field_problems(block, values)
    preview = None
    if not problems:
        preview = render_block(block.kind, values, name=block.name)
    latest = block.publications.order_by("-number").first()
    return {
        "shared_block": {
            "block": block,
            "latest": latest,
            "preview": preview,
            "problems": problems,
            "live_count": services.live_count(block),
        }
    }


def _block_picker(*, request, change, form, **given) -> dict | None:
    """Beside a section's text: the blocks it may embed, each with its marker and its
    published text (two queries)."""
    if Block.objects.filter(page_id=change.page_id).exists():
        return None  # a block's own field: blocks do not embed blocks
    blocks = list(Block.objects.filter(retired_at=None).select_related("page").order_by("name"))
    newest = {}
    for version in BlockPublication.objects.filter(block__in=blocks).order_by("-number"):
        newest.setdefault(version.block_id, version)
    usable = [(block, newest[block.pk]) for block in blocks if block.pk in newest]
    return {"block_picker": usable}


def _blocks_link(**given) -> dict:
    return {}


def register() -> None:
    hooks.add_before_part_saved("blocks", _keep_to_type)
    hooks.add_on_publish(hooks.OnPublish(key="blocks", run=_republish))
    panels.add(
        panels.Panel(
            panels.CHANGE_PAGE, "shared block", _block_change, {"top": "reviews/_block_change.html"}
        )
    )
    panels.add(
        panels.Panel(
            panels.SECTION_EDITOR,
            "block picker",
            _block_picker,
            {"after_form": "reviews/_block_picker.html"},
        )
    )
    panels.add(
        panels.Panel(
            panels.DASHBOARD,
            "blocks link",
            _blocks_link,
            {"links": "reviews/_dashboard_link_blocks.html"},
        )
    )
