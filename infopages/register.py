"""Reads and writes of the evidence register that span sources and pages: finding the source
of a citation, the pages citing a source, near-duplicates, and moving references from one
source to another. Who may do these, and the audit log, are the workflow's
(``reviews.evidence.services.sources``); the import links its references here too.

Each is a fixed number of queries, whatever the number of sources or pages.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from django.db import transaction
from django.db.models import Count

from infopages.models import PublishedPage, Reference
from infopages.sources import Source, identifier_in, normal_url, source_key


def final_ids(source_ids: Iterable[int]) -> dict[int, int]:
    """Each source id mapped to the source in use: itself, or the one it was merged into.
    One query (a merge points every source it takes in straight at the one kept)."""
    ids = {pk for pk in source_ids if pk}
    if not ids:
        return {}
    merged = dict(
        Source.objects.filter(pk__in=ids, merged_into__isnull=False).values_list(
            "pk", "merged_into_id"
        )
    )
    return {pk: merged.get(pk, pk) for pk in ids}


def source_for(*, citation: str, url: str) -> tuple[Source, bool]:
    """The register's source with exactly this citation and link (spaces, case, a trailing
    slash aside), or a new one; and whether it is new. A source merged into another gives
    the one kept."""
    found = (
        Source.objects.filter(key=source_key(citation, url))
        .select_related("merged_into")
        .order_by("pk")
        .first()
    )
    if found is not None:
        return (found.merged_into or found), False
    source = Source.objects.create(
        citation=citation.strip(), url=url.strip(), identifier=identifier_in(citation, url)
    )
    return source, True


def sources_for(pairs: Iterable[tuple[str, str]]) -> dict[str, Source]:
    """``source_for`` of many (citation, link) pairs at once, by their duplicate key: one
    query to find those known, one to add the rest."""
    wanted = {source_key(citation, url): (citation, url) for citation, url in pairs}
    if not wanted:
        return {}
    found: dict[str, Source] = {}
    for source in (
        Source.objects.filter(key__in=wanted).select_related("merged_into").order_by("-pk")
    ):
        found[source.key] = source.merged_into or source  # the oldest wins
    missing = [key for key in wanted if key not in found]
    created = Source.objects.bulk_create(
        [
            Source(
                citation=wanted[key][0].strip(),
                url=wanted[key][1].strip(),
                identifier=identifier_in(*wanted[key]),
                key=key,
            )
            for key in missing
        ]
    )
    found.update(zip(missing, created, strict=True))
    return found


def pages_citing(source_ids: Iterable[int]) -> set[int]:
    """Ids of the pages whose working copy or live publication cites any of these sources
    (or a source merged into them). Two queries."""
    ids = set(source_ids)
    if not ids:
        return set()
    with_merged = ids | set(Source.objects.filter(merged_into__in=ids).values_list("pk", flat=True))
    working = Reference.objects.filter(source__in=with_merged).order_by().values_list("page_id")
    live = (
        PublishedPage.objects.filter(is_current=True, sources__in=with_merged)
        .order_by()
        .values_list("page_id")
    )
    return {page_id for (page_id,) in working.union(live).order_by()}


@dataclass(frozen=True)
class NearDuplicate:
    """Two sources that may be one: the older first, and why they look alike."""

    first: Source
    second: Source
    reason: str


_WORDS = re.compile(r"[^\w]+")


def _loose_url(url: str) -> str:
    normal = normal_url(url)
    normal = normal.split("://", 1)[-1]
    return normal.removeprefix("www.")


def _loose_citation(citation: str) -> str:
    return " ".join(_WORDS.sub(" ", citation.casefold()).split())


def near_duplicates(*, limit: int = 50) -> tuple[list[NearDuplicate], int]:
    """Pairs of sources in use that may be one source: the same link (http or https, with
    or without www), the same guideline number or DOI, or the same citation but for
    punctuation; the first ``limit`` of them (oldest first), and how many in all.
    Two queries: all sources' texts, then those shown."""
    rows = Source.objects.filter(merged_into__isnull=True).values_list(
        "pk", "citation", "url", "identifier"
    )
    groups: dict[tuple[str, str], list[int]] = {}
    for pk, citation, url, identifier in rows.order_by("pk"):
        if url:
            groups.setdefault(("the same link", _loose_url(url)), []).append(pk)
        if identifier:
            key = ("the same guideline number or DOI", identifier.casefold())
            groups.setdefault(key, []).append(pk)
        groups.setdefault(("the same citation", _loose_citation(citation)), []).append(pk)
    reasons: dict[tuple[int, int], str] = {}
    for (reason, _value), ids in groups.items():
        for pair in combinations(ids[:20], 2):  # a huge group is reviewed a few at a time
            reasons.setdefault(pair, reason)
    pairs = sorted(reasons)
    shown = pairs[:limit]
    wanted = {pk for pair in shown for pk in pair}
    sources = {
        s.pk: s
        for s in Source.objects.filter(pk__in=wanted).annotate(
            reference_count=Count("references", distinct=True)
        )
    }
    found = [NearDuplicate(sources[a], sources[b], reasons[(a, b)]) for a, b in shown]
    return found, len(pairs)


@transaction.atomic
def move_references(*, source: Source, into: Source) -> int:
    """Everything citing ``source`` now cites ``into``, and ``source`` is kept as merged into
    it; returns how many references moved. The references' own citations are untouched (as
    signed off); their versions keep naming ``source``, which leads to ``into``.

    Not a content edit: which record in the register a reference points to is bookkeeping,
    so no new version is written and open changes keep their sign-offs. Publications are
    left as they were: they are found through the source kept (``pages_citing``)."""
    moved = Reference.objects.filter(source=source).update(source=into)
    Source.objects.filter(merged_into=source).update(merged_into=into)
    source.merged_into = into
    source.save(update_fields=["merged_into", "updated_at"])
    return moved
