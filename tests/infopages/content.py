"""Published demo content for public-site tests, built through the versioning and publishing
services (not the import command, which has its own tests), from the pages in ``demo/pages``."""

import re
from pathlib import Path

import yaml

from infopages import images
from infopages.models import Block, Figure, Page, Reference, Resource, Section, Topic
from infopages.publishing import content_from_working_copy, publish_content
from infopages.services import save_with_version
from tests.conftest import imported_review

DEMO_PAGES = Path(__file__).resolve().parents[2] / "demo" / "pages"
_HEADING = re.compile(r"^## (.+)$", re.MULTILINE)


def _topic(path: str) -> Topic:
    parent = None
    for name in [part.strip() for part in path.split(">")]:
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        parent, _ = Topic.objects.get_or_create(slug=slug, parent=parent, defaults={"name": name})
    return parent


def _sections(body: str) -> list[tuple[str, str]]:
    parts = _HEADING.split(body)
    return [(parts[i].strip(), parts[i + 1].strip()) for i in range(1, len(parts) - 1, 2)]


_PICTURE = re.compile(r'^!\[([^\]]*)\]\(([^)\s]+)(?:\s+"([^"]*)")?\)$', re.MULTILINE)


def _figures(page: Page, text: str, folder: Path, details: list[dict], *, by) -> str:
    """The section's pictures saved as figures (as the importer would), placed where they were."""
    by_file = {detail["file"]: detail for detail in details}

    def figure(match: re.Match) -> str:
        alt, target, caption = match.groups()
        clean = images.check_upload((folder / target).read_bytes(), Path(target).name)
        detail = by_file.get(target, {})
        name = Path(target).stem
        save_with_version(
            Figure(
                page=page,
                name=name,
                image=images.store(clean),
                alt=alt,
                caption=caption or "",
                long_description=detail.get("long_description", "").strip(),
                credit=detail.get("credit", ""),
            ),
            by=by,
            comment="Figure",
        )
        return f"[figure: {name}]"

    return _PICTURE.sub(figure, text)


def publish_demo_blocks(*, by) -> None:
    """The shared blocks the demo pages show (``loaddemo``'s), each published once: its
    working copy saved as versions and published as its first version."""
    from portal.management.commands.loaddemo import DEMO_BLOCKS

    root, _ = Topic.objects.get_or_create(
        slug="shared-blocks", parent=None, defaults={"name": "Shared blocks"}
    )
    for name, kind, title, values in DEMO_BLOCKS:
        if Block.objects.filter(name=name).exists():
            continue
        page = save_with_version(
            Page(slug=f"shared-block-{name}", title=title, summary=title, topic=root),
            by=by,
            comment="Created",
        ).obj
        for position, (key, value) in enumerate(values.items()):
            section = Section(page=page, position=position, heading=key, anchor=key, body=value)
            save_with_version(section, by=by, comment="Created")
        Block.objects.create(name=name, kind=kind, page=page)
        publish_content(
            page=page, content=content_from_working_copy(page), review=imported_review()
        )


def publish_demo_pages(*, by) -> dict[str, Page]:
    """Every demo page, saved as versions and published, with related pages linked (and the
    shared blocks they show, first)."""
    publish_demo_blocks(by=by)
    pages, related, reviews = {}, {}, {}
    for path in sorted(DEMO_PAGES.glob("*.md")):
        _, front, body = path.read_text().split("---", 2)
        meta = yaml.safe_load(front)
        page = save_with_version(
            Page(
                slug=meta["slug"],
                title=meta["title"],
                summary=meta["summary"],
                topic=_topic(meta["topic"]),
            ),
            by=by,
            comment="Created",
        ).obj
        for position, (heading, text) in enumerate(_sections(body)):
            text = _figures(page, text, path.parent, meta.get("figures", []), by=by)
            save_with_version(
                Section(page=page, position=position, heading=heading, body=text),
                by=by,
                comment="Created",
            )
        for position, citation in enumerate(meta.get("references", [])):
            save_with_version(
                Reference(page=page, position=position, citation=citation), by=by, comment="Ref"
            )
        for position, resource in enumerate(meta.get("resources", [])):
            save_with_version(
                Resource(page=page, position=position, **resource), by=by, comment="Resource"
            )
        review = imported_review(
            reviewed_on=meta["reviewed"],
            next_review_on=meta["next_review"],
            reviewers=[
                {key: reviewer.get(key, "") for key in ("name", "role", "credentials")}
                for reviewer in meta.get("reviewers", [])
            ],
        )
        pages[page.slug], related[page.slug] = page, meta.get("related", [])
        reviews[page.slug] = review
    for slug, page in pages.items():
        page.related_pages.set([pages[s] for s in related[slug] if s in pages])
        publish_content(
            page=page, content=content_from_working_copy(page), review=reviews[slug], by=by
        )
    return pages
