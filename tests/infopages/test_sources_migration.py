"""The migration that makes today's references into the evidence register's sources: one
source per exact duplicate (the same citation and link, spaces, case and a trailing slash
aside), every reference pointing to its source and otherwise untouched, every publication
linked to the sources it cites; nothing lost."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

MIGRATION = ("infopages", "0007_sources")

NICE = "NICE. Advanced breast cancer (NG101). 2017."
NICE_URL = "https://www.nice.org.uk/guidance/ng101"


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def before_the_register(transactional_db):
    """The database as it was just before the register: yields its models (apps), and
    leaves the database fully migrated afterwards."""
    executor = MigrationExecutor(connection)
    previous = [
        parent
        for parent in executor.loader.graph.node_map[MIGRATION].parents
        if parent.key[0] == "infopages"
    ][0].key
    leaves = executor.loader.graph.leaf_nodes()
    yield migrate([previous])
    migrate(leaves)


def test_references_become_sources_exact_duplicates_merged_nothing_lost(before_the_register):
    old = before_the_register
    Topic, Page = old.get_model("infopages", "Topic"), old.get_model("infopages", "Page")
    Reference = old.get_model("infopages", "Reference")
    PublishedPage = old.get_model("infopages", "PublishedPage")
    topic = Topic.objects.create(name="Breast cancer", slug="breast-cancer")
    pages = [
        Page.objects.create(slug=f"page-{n}", title=f"Page {n}", summary="-", topic=topic)
        for n in range(3)
    ]
    rows = [
        (pages[0], NICE, NICE_URL),
        (pages[1], f"  {NICE.upper()}\n", NICE_URL + "/"),  # an exact duplicate, typed apart
        (pages[2], NICE, NICE_URL),
        (pages[2], NICE, "https://www.nice.org.uk/guidance/ng101/chapter/1"),  # another link
        (pages[1], "Cancer Research UK. Bone scan. 2025. doi:10.1136/bmj.n71", ""),
    ]
    references = [
        Reference.objects.create(page=page, position=n, citation=citation, url=url)
        for n, (page, citation, url) in enumerate(rows)
    ]
    before = list(Reference.objects.order_by("pk").values_list("pk", "page_id", "citation", "url"))
    publication = PublishedPage.objects.create(
        page=pages[0],
        slug="page-0",
        title="Page 0",
        summary="-",
        topic=topic,
        published_at="2026-03-01T09:00Z",
        is_current=True,
        references=[
            {"citation": NICE, "url": NICE_URL, "accessed_on": None},
            {"citation": "Removed since from the working copy", "url": "", "accessed_on": None},
        ],
    )

    new = migrate([MIGRATION])

    Source = new.get_model("infopages", "Source")
    Reference = new.get_model("infopages", "Reference")
    after = list(Reference.objects.order_by("pk").values_list("pk", "page_id", "citation", "url"))
    assert after == before  # every reference kept, word for word
    linked = dict(Reference.objects.values_list("pk", "source_id"))
    assert None not in linked.values()
    assert linked[references[0].pk] == linked[references[1].pk] == linked[references[2].pk]
    assert len(set(linked.values())) == 3
    nice = Source.objects.get(pk=linked[references[0].pk])
    assert (nice.citation, nice.url, nice.identifier) == (NICE, NICE_URL, "NG101")
    assert Source.objects.get(pk=linked[references[4].pk]).identifier == "10.1136/bmj.n71"
    cited = Source.objects.filter(publications=publication.pk)
    assert set(cited.values_list("citation", flat=True)) == {
        NICE,
        "Removed since from the working copy",
    }
    assert Source.objects.count() == 4  # the three in use, and the one only readers still see
