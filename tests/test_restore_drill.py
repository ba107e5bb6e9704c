"""The restore drill (``make restore-drill``, run in CI on PostgreSQL) compares a database
before its dump and after its restore. Here: its comparison notices a publication whose
stored HTML came back different, on the page readers see as well as in the snapshot."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from infopages.models import PublishedSection
from portal import restore_drill

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the drill dumps and restores PostgreSQL"
)


@pytest.mark.django_db(transaction=True)
def test_the_drill_notices_a_publication_that_came_back_different(settings):
    settings.DEBUG = True
    settings.PUBLIC_PAGE_MEMORY_BYTES = 0  # as the drill runs: every answer read afresh
    call_command("loaddemo", stdout=io.StringIO())
    addresses = restore_drill.public_addresses()
    before = restore_drill.snapshot(addresses)
    section = PublishedSection.objects.filter(publication__is_current=True).order_by("pk")[0]
    publication = section.publication
    with connection.cursor() as cursor:  # what a bad restore could do, beneath the model
        cursor.execute(
            "UPDATE infopages_publishedsection SET html = '<p>Tampered</p>' WHERE id = %s",
            [section.pk],
        )
        # Readers are served the body stored at publication, so tamper with it as well.
        cursor.execute(
            "UPDATE infopages_storedpagebody SET body = REPLACE(body, %s, %s) "
            "WHERE publication_id = %s",
            [publication.title, "Tampered", publication.pk],
        )

    found = restore_drill.differences(before, restore_drill.snapshot(addresses))

    slug = publication.slug
    assert f"differs: infopages_publishedsection #{section.pk}" in found
    assert f"differs: infopages_storedpagebody #{publication.pk}" in found
    assert f"differs: public /info/{slug}/" in found
    assert all(
        slug in line or line.endswith((f"#{section.pk}", f"#{publication.pk}")) for line in found
    )
    assert before["audit log refuses"] == {"UPDATE": True, "DELETE": True, "TRUNCATE": True}
