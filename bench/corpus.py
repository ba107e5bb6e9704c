"""A synthetic corpus for the benchmark, in the database DJANGO_SETTINGS_MODULE points at.

``python -m bench.corpus --pages 2000`` builds: a topic tree, ``--pages`` pages of
``--sections`` sections (with a reference and a resource), each saved as a django-reversion
revision and published through ``infopages.publishing.publish_content`` (so the read model,
its search index and the caches' generation are exactly what publishing writes), and five
change requests per page (published, each with a medical and a lay sign-off; on every
fiftieth page the latest is open, in review) with their audit events. Everything but the
publications is written in bulk: the corpus is test data, not a test of the workflow.

The words come from a fixed vocabulary with a seeded random generator, so two runs build
the same corpus and searches find a realistic share of the pages.
"""

import argparse
import datetime as dt
import os
import random
import sys
import time


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


WORDS = (
    "bone scan blood test biopsy chemotherapy radiotherapy hormone therapy surgery tiredness "
    "fatigue pain nausea appetite sleep breathing liver lung brain lymph node tumour cells "
    "treatment side effects nurse doctor hospital appointment results diagnosis stage "
    "spread secondary primary breast bowel prostate skin kidney ovarian family support "
    "work money travel exercise diet recovery symptoms infection fever bleeding bruising "
    "hair loss mouth sores memory mood anxiety worry sleeping medicines tablets injection "
    "drip port line scan contrast dye radiation dose session weeks months clinic team"
).split()
HEADINGS = [
    "What is it?",
    "Who might have it?",
    "Before it",
    "What happens",
    "After it",
    "Risks and side effects",
    "Getting your results",
    "Living with it",
    "Questions to ask",
    "Where to get support",
]
OPEN_EVERY = 50  # one page in this many has a change in review
ROOTS = ["Cancer types", "Tests and scans", "Treatments", "Living with cancer", "Support"]


# Rarer words, as a real corpus has: each page uses a few of them, so a search for one finds
# a handful of pages, while a search for a common word finds most of them.
RARE = [
    a + b
    for a in ("zol", "den", "mab", "tin", "cap", "ver", "nib", "lex")
    for b in ("edronic", "osumab", "ertinib", "ecitabine", "afenib", "oxifen", "olimus", "aplatin")
]


def sentence(rng: random.Random, n: int = 14) -> str:
    words = [rng.choice(RARE) if rng.random() < 0.02 else rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def section_body(rng: random.Random) -> str:
    paragraph = " ".join(sentence(rng) for _ in range(3))
    items = "\n".join(f"- {sentence(rng, 6)}" for _ in range(3))
    return f"{paragraph}\n\n{items}\n\n{sentence(rng)}"


def build(
    *, pages: int, sections: int, seed: int = 1, progress: bool = True, block: str = ""
) -> dict:
    """``block``: the name of a published shared block every page's first section embeds."""
    from django.contrib.auth.models import Group, User
    from django.contrib.contenttypes.models import ContentType
    from django.core import serializers
    from django.db import transaction
    from django.utils import timezone
    from reversion.models import Revision, Version

    from infopages.models import Page, Reference, Resource, Section, Topic
    from infopages.publishing import (
        PageContent,
        ReviewRecord,
        SectionContent,
        publish_content,
        topic_trail,
    )
    from infopages.versions import SourceVersions
    from reviews.models import AuditEvent, ChangeRequest, SignOff

    started = time.perf_counter()
    rng = random.Random(seed)
    users = {}
    for username, group in [
        ("bench-editor", "Editors"),
        ("bench-medic", "Medical reviewers"),
        ("bench-lay", "Lay reviewers"),
        ("bench-publisher", "Publishers"),
    ]:
        user, _ = User.objects.get_or_create(username=username, defaults={"is_staff": True})
        user.set_password("bench-password-not-secret")
        user.save()
        user.groups.add(Group.objects.get_or_create(name=group)[0])
        users[username] = user
    editor, medic, lay, publisher = users.values()

    # Topics: five roots, each with leaves of about 50 pages (at least one leaf per root).
    leaves_per_root = max(1, pages // (50 * len(ROOTS)))
    leaves = []
    for position, name in enumerate(ROOTS):
        root = Topic.objects.create(name=name, slug=f"bench-{position}", position=position)
        for n in range(leaves_per_root):
            leaves.append(
                Topic.objects.create(
                    name=f"{name} {n + 1}", slug=f"part-{n + 1}", parent=root, position=n
                )
            )
    trails = {leaf.pk: topic_trail(leaf.pk) for leaf in leaves}

    page_type, section_type, reference_type, resource_type = (
        ContentType.objects.get_for_model(model) for model in (Page, Section, Reference, Resource)
    )
    now = timezone.now()
    reviewed_on = timezone.localdate() - dt.timedelta(days=100)
    review = ReviewRecord(
        kind="full_review",
        reviewed_on=reviewed_on,
        next_review_on=reviewed_on + dt.timedelta(days=3 * 365),
        reviewers=[
            {"name": "Dr Bench Medic", "role": "Consultant", "credentials": "MBBS"},
            {"name": "Bench Lay", "role": "Lay reviewer", "credentials": ""},
        ],
    )
    batch = 100
    for first in range(0, pages, batch):
        with transaction.atomic():
            numbers = range(first, min(first + batch, pages))
            created = Page.objects.bulk_create(
                Page(
                    slug=f"bench-page-{n:05d}",
                    title=f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {n}",
                    summary=sentence(rng, 20),
                    topic=leaves[n % len(leaves)],
                    owner=editor,
                )
                for n in numbers
            )
            parts = {}
            for page in created:
                parts[page.pk] = (
                    [
                        Section(
                            page=page,
                            heading=HEADINGS[i % len(HEADINGS)],
                            anchor=f"s{i}-{HEADINGS[i % len(HEADINGS)][:12].lower()}".replace(
                                " ", "-"
                            ).replace("?", ""),
                            body=section_body(rng)
                            + (f"\n\n{{{{block:{block}}}}}\n" if block and i == 0 else ""),
                            position=i,
                        )
                        for i in range(sections)
                    ],
                    [Reference(page=page, citation=sentence(rng, 8), position=0)],
                    [
                        Resource(
                            page=page, title="Our booklet", url="https://example.org/b", position=0
                        )
                    ],
                )
            Section.objects.bulk_create(s for secs, _, _ in parts.values() for s in secs)
            Reference.objects.bulk_create(r for _, refs, _ in parts.values() for r in refs)
            Resource.objects.bulk_create(r for _, _, res in parts.values() for r in res)
            revisions = Revision.objects.bulk_create(
                Revision(date_created=now, user=editor, comment="Bench corpus") for _ in created
            )
            versions = []
            for page, revision in zip(created, revisions, strict=True):
                secs, refs, res = parts[page.pk]
                for obj, kind in [(page, page_type)] + [
                    (o, t)
                    for objs, t in (
                        (secs, section_type),
                        (refs, reference_type),
                        (res, resource_type),
                    )
                    for o in objs
                ]:
                    versions.append(
                        Version(
                            revision=revision,
                            object_id=str(obj.pk),
                            content_type=kind,
                            db="default",
                            format="json",
                            serialized_data=serializers.serialize("json", [obj]),
                            object_repr=str(obj)[:191],
                        )
                    )
            versions = Version.objects.bulk_create(versions)
            by_object = {(v.content_type_id, v.object_id): v.pk for v in versions}
            for page in created:
                secs, refs, res = parts[page.pk]
                content = PageContent(
                    slug=page.slug,
                    title=page.title,
                    summary=page.summary,
                    topic_id=page.topic_id,
                    topic_trail=trails[page.topic_id],
                    sections=[
                        SectionContent(
                            s.heading, s.anchor, s.body, by_object[(section_type.pk, str(s.pk))]
                        )
                        for s in secs
                    ],
                    references=[
                        {"citation": r.citation, "url": "", "accessed_on": None} for r in refs
                    ],
                    resources=[{"title": r.title, "url": r.url, "description": ""} for r in res],
                    source_versions=SourceVersions(
                        page=by_object[(page_type.pk, str(page.pk))],
                        sections=tuple(by_object[(section_type.pk, str(s.pk))] for s in secs),
                        references=tuple(by_object[(reference_type.pk, str(r.pk))] for r in refs),
                        resources=tuple(by_object[(resource_type.pk, str(r.pk))] for r in res),
                    ),
                )
                publication = publish_content(
                    page=page, content=content, review=review, by=publisher, note="Bench corpus"
                )
                page.bench_publication = publication
            _changes(
                created, editor, medic, lay, publisher, now, ChangeRequest, SignOff, AuditEvent
            )
        if progress:
            done = min(first + batch, pages)
            rate = done / (time.perf_counter() - started)
            print(f"\r  corpus: {done}/{pages} pages ({rate:.0f}/s)", end="", file=sys.stderr)
    if progress:
        print(file=sys.stderr)
    from django.db import connection

    with connection.cursor() as cursor:  # as autovacuum would after a bulk load: the planner
        cursor.execute("ANALYZE")  # sees the real row counts, not those of empty tables
    return {
        "pages": pages,
        "sections_per_page": sections,
        "topics": len(leaves) + len(ROOTS),
        "change_requests": ChangeRequest.objects.count(),
        "sign_offs": SignOff.objects.count(),
        "audit_events": AuditEvent.objects.count(),
        "versions": Version.objects.count(),
        "seconds": round(time.perf_counter() - started, 1),
    }


def _changes(pages, editor, medic, lay, publisher, now, ChangeRequest, SignOff, AuditEvent):
    """Five change requests a page (10,000 at 2,000 pages): published ones with two sign-offs
    each, and on every fiftieth page an open one, in review, signed off by the medical
    reviewer (40 in the queue at 2,000 pages)."""
    changes = []
    for page in pages:
        published = 4 if (page.pk - 1) % OPEN_EVERY == 0 else 5
        for n in range(published):
            when = now - dt.timedelta(days=300 * (published - n))
            changes.append(
                ChangeRequest(
                    page=page,
                    summary=f"Yearly update {n + 1}",
                    created_by=editor,
                    state=ChangeRequest.State.PUBLISHED,
                    content_hash=f"{page.pk:032x}{n:032x}",
                    submitted_at=when,
                    decided_at=when,
                    published_at=when,
                )
            )
        if (page.pk - 1) % OPEN_EVERY == 0:
            changes.append(
                ChangeRequest(
                    page=page,
                    summary="Clearer wording",
                    created_by=editor,
                    state=ChangeRequest.State.IN_REVIEW,
                    content_hash=f"{page.pk:032x}{9:032x}",
                    submitted_at=now,
                )
            )
    changes = ChangeRequest.objects.bulk_create(changes)
    sign_offs, events = [], []
    for change in changes:
        signers = [(medic, "medical")]
        if change.state == ChangeRequest.State.PUBLISHED:
            signers.append((lay, "lay"))
        for reviewer, role in signers:
            sign_offs.append(
                SignOff(
                    change=change,
                    reviewer=reviewer,
                    role=role,
                    decision="approve",
                    content_hash=change.content_hash,
                    credit={"name": reviewer.username, "role": role, "credentials": ""},
                )
            )
            events.append(
                AuditEvent(
                    actor=reviewer,
                    action="signed_off",
                    page=change.page,
                    change_request_id=change.pk,
                    message="Approved (bench corpus).",
                )
            )
        if change.state == ChangeRequest.State.PUBLISHED:
            events.append(
                AuditEvent(
                    actor=publisher,
                    action="published",
                    page=change.page,
                    change_request_id=change.pk,
                    message="Published (bench corpus).",
                )
            )
    SignOff.objects.bulk_create(sign_offs)
    AuditEvent.objects.bulk_create(events)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--sections", type=int, default=10)
    args = parser.parse_args(argv)
    setup()
    import json

    print(json.dumps(build(pages=args.pages, sections=args.sections)))


if __name__ == "__main__":
    main()
