"""The migration that turns the medical and lay columns of sign-off requirements into rows:
each requirement needs the same sign-offs as before, and pages under no requirement need what
the code's default gave (one medical reviewer; a full review also one lay reviewer)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from infopages.models import Page
from reviews.core.status import requirements_for

MIGRATION = ("reviews", "0014_reviewer_roles_from_columns")


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def with_role_columns(transactional_db):
    """The database just before the rows: yields its models, and leaves the database fully
    migrated afterwards."""
    executor = MigrationExecutor(connection)
    previous = executor.loader.graph.node_map[MIGRATION].parents
    previous = [parent for parent in previous if parent.key[0] == "reviews"][0].key
    leaves = executor.loader.graph.leaf_nodes()
    yield migrate([previous])
    migrate(leaves)


def needs(rows, *, full_review: bool) -> dict[str, int]:
    counts = {row.role.code: row.needed(full_review=full_review) for row in rows}
    return {code: count for code, count in counts.items() if count}


def test_requirements_need_the_same_sign_offs_as_rows(with_role_columns):
    old = with_role_columns
    Topic, OldPage = old.get_model("infopages", "Topic"), old.get_model("infopages", "Page")
    Requirement = old.get_model("reviews", "SignOffRequirement")
    topic = Topic.objects.create(name="Breast cancer", slug="breast-cancer")
    other = Topic.objects.create(name="Bowel cancer", slug="bowel-cancer")
    own, under_topic, plain = (
        OldPage.objects.create(slug=slug, title=slug, summary="-", topic=t)
        for slug, t in [("own", topic), ("under-topic", topic), ("plain", other)]
    )
    Requirement.objects.create(page=own, needs_medical=2, needs_lay=0, full_review_needs_lay=1)
    Requirement.objects.create(topic=topic, needs_medical=1, needs_lay=1, full_review_needs_lay=0)

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    found = requirements_for(Page.objects.order_by("pk"))
    own, under_topic, plain = (Page.objects.get(slug=s) for s in ("own", "under-topic", "plain"))
    assert needs(found[own.pk], full_review=False) == {"medical": 2}
    assert needs(found[own.pk], full_review=True) == {"medical": 2, "lay": 1}
    assert needs(found[under_topic.pk], full_review=False) == {"medical": 1, "lay": 1}
    assert needs(found[under_topic.pk], full_review=True) == {"medical": 1, "lay": 1}
    assert needs(found[plain.pk], full_review=False) == {"medical": 1}
    assert needs(found[plain.pk], full_review=True) == {"medical": 1, "lay": 1}
