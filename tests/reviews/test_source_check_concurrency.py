"""Two medical reviewers recording "no change needed" for the same page and source at once:
the second waits on the first's lock on the flags, then finds them cleared and is refused,
so the page has one source check. PostgreSQL only: SQLite lets one writer in at a time."""

import threading

import pytest
from django.db import connection

from infopages.models import Reference
from infopages.register import source_for
from infopages.services import save_with_version
from reviews import services
from reviews.core import policy
from reviews.core.errors import InvalidTransition
from reviews.evidence.services import source_checks
from reviews.models import ReviewFlag, SourceCheck

CHECKED = "Still agrees with the 2026 edition."

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
)


@pytest.fixture
def flagged_page(live_page, author):
    """The live page, citing a source since marked updated."""
    source, _ = source_for(citation="NICE NG101", url="https://www.nice.org.uk/guidance/ng101")
    reference = Reference(page=live_page, citation="NICE NG101", url=source.url, source=source)
    save_with_version(reference, by=author, comment="Cited")
    services.mark_source(source=source, by=author, status="updated", note="NG101 updated")
    return live_page


def test_two_checks_at_once_record_one(transactional_db, flagged_page, medic, member, monkeypatch):
    other = member("dr_ng", policy.MEDICAL_REVIEWERS)
    flag = ReviewFlag.objects.get(page=flagged_page)
    first_checked, let_first_commit = threading.Event(), threading.Event()
    record = source_checks.audit.record

    def record_then_wait(**event):
        created = record(**event)
        if threading.current_thread().name == "first":
            first_checked.set()  # its check is written, not yet committed
            let_first_commit.wait(timeout=30)
        return created

    monkeypatch.setattr(source_checks.audit, "record", record_then_wait)
    outcomes = {}

    def check(by):
        try:
            services.check_against_source(
                page=flagged_page, source_id=flag.source_id, by=by, note=CHECKED, shown=[flag.pk]
            )
            outcomes[threading.current_thread().name] = "checked"
        except InvalidTransition as refusal:
            outcomes[threading.current_thread().name] = refusal.message
        finally:
            connection.close()

    first = threading.Thread(target=check, args=(medic,), name="first")
    second = threading.Thread(target=check, args=(other,), name="second")
    first.start()
    assert first_checked.wait(timeout=30)
    second.start()
    second.join(timeout=1)
    assert second.is_alive()  # waiting for the first check's lock on the flag
    let_first_commit.set()
    first.join(timeout=30)
    second.join(timeout=30)

    assert outcomes["first"] == "checked"
    assert "no longer needs review because of this source" in outcomes["second"]
    assert SourceCheck.objects.count() == 1
