"""Two republication runners at once (cron and an operator, say) publish each page once: the
second waits on the first group's page locks, then reads under them that the pages already
show the new version, and leaves them. PostgreSQL only: SQLite lets one writer in at a time,
so runners cannot overlap there."""

import threading

import pytest
from django.db import connection

from infopages.models import PublishedPage
from reviews.blocks import services as blocks
from reviews.blocks.models import BlockRepublication
from reviews.models import AuditEvent

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
)


def test_two_runners_at_once_republish_each_page_once(
    transactional_db, pages_with_block, change_block, monkeypatch
):
    monkeypatch.setattr("reviews.blocks.plugin.FIRST_BATCH", 0)  # both runners do it all
    pages = pages_with_block(3)
    change_block(hours="Every day, 8am to 8pm")
    assert not PublishedPage.objects.filter(kind=PublishedPage.Kind.BLOCK_UPDATED).exists()

    first_wrote, let_first_commit = threading.Event(), threading.Event()
    republish = blocks.republish_pages_with_blocks

    def republish_then_wait(**kwargs):
        done = republish(**kwargs)
        if threading.current_thread().name == "first":
            first_wrote.set()  # its snapshots are written, its pages locked, not committed
            let_first_commit.wait(timeout=30)
        return done

    monkeypatch.setattr(blocks, "republish_pages_with_blocks", republish_then_wait)
    results, errors = {}, []

    def run():
        try:
            results[threading.current_thread().name] = blocks.run_unfinished()
        except Exception as error:  # reported below, with the thread's name
            errors.append(error)
        finally:
            connection.close()

    first = threading.Thread(target=run, name="first")
    second = threading.Thread(target=run, name="second")
    first.start()
    assert first_wrote.wait(timeout=30)
    second.start()  # finds the same pages left; waits for the first group's locks
    second.join(timeout=1)
    assert second.is_alive()
    let_first_commit.set()
    first.join(timeout=30)
    second.join(timeout=30)

    assert errors == []
    assert (results["first"], results["second"]) == (3, 0)
    for page in pages:
        assert PublishedPage.objects.filter(page=page, blocks__number=2).count() == 1
    assert AuditEvent.objects.filter(action="block_republished").count() == 3
    run = BlockRepublication.objects.get()
    assert (run.republished, run.is_finished) == (3, True)
