"""Each workflow step reads and writes in a bounded number of queries, whatever the page's
size: a page with 12 sections costs a step no more than a page with 3 (no query per section
beyond the versions the step itself saves)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews import services
from reviews.models import Decision

# Measured before the workflow's rules were gathered into one table (December 2026), on
# SQLite and PostgreSQL alike; the refactor must not make any step dearer.
MAX_QUERIES = {
    "start_change": 25,
    # + 1 for figures (issue 20): a change holds the latest version of each kind of part.
    # + 1 (issue 21): whether the part belongs to a shared block (its fields keep to its type)
    "edit_in_change": 31,
    "submit_for_review": 32,
    "add_comment": 9,
    "sign_off": 37,
    # + 6 since publishing writes the search index (SQLite: adds the new snapshot's rows and
    # removes the old one's; PostgreSQL: stores the vectors) and moves the publication
    # generation of the caches, in the same transaction; + 1 for the page's open review
    # flags (issue 13); + 2 for the stored page body and the row in the log of changes
    # (issue 23).
    "publish": 40,
}


def count(action, *args, **kwargs) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        result = action(*args, **kwargs)
    return len(captured), result


@pytest.fixture
def walk(make_page, publish, author, medic, publisher, django_capture_on_commit_callbacks):
    """Take one change through every step, counting each step's queries."""

    def run(size: int, slug: str) -> dict[str, int]:
        # Fresh user objects, as each request has: a user object keeps its groups once read.
        editor, reviewer, publishing = (
            type(user).objects.get(pk=user.pk) for user in (author, medic, publisher)
        )
        sections = [(f"Part {n}", f"Old text {n}.") for n in range(size)]
        page = make_page(slug=slug, title=f"Page {slug}", sections=sections)
        publish(page)
        counts = {}
        counts["start_change"], change = count(
            services.start_change, page=page, by=editor, summary="Clearer part 0."
        )
        section = page.sections.get(anchor="part-0")
        section.body = "New text 0."
        counts["edit_in_change"], _ = count(
            services.edit_in_change,
            change=change,
            obj=section,
            by=editor,
            comment="Clearer",
            expected_lock_version=section.lock_version,
        )
        counts["submit_for_review"], _ = count(services.submit_for_review, change=change, by=editor)
        counts["add_comment"], _ = count(
            services.add_comment, change=change, by=reviewer, body="Looks right."
        )
        counts["sign_off"], _ = count(
            services.sign_off,
            change=change,
            reviewer=reviewer,
            decision=Decision.APPROVE,
            seen_hash=change.content_hash,
        )
        counts["publish"], _ = count(services.publish, change=change, by=publishing)
        return counts

    return run


def test_each_step_costs_the_same_for_a_small_and_a_big_page(walk):
    small, big = walk(2, "small"), walk(12, "big")

    assert big == small


@pytest.mark.parametrize("step", list(MAX_QUERIES))
def test_each_step_stays_within_its_measured_queries(walk, step):
    counts = walk(3, "page")

    assert counts[step] <= MAX_QUERIES[step]
