from infopages.models import Reference, Resource
from infopages.publishing import content_from_versions, content_from_working_copy
from infopages.services import save_with_version
from reviews.core import contents


def test_content_from_versions_matches_the_working_copy_it_was_saved_from(live_page, author):
    save_with_version(Reference(page=live_page, citation="NICE CG81"), by=author, comment="Ref")
    save_with_version(
        Resource(page=live_page, title="Booklet", url="https://example.org/b"),
        by=author,
        comment="Booklet",
    )

    versions = contents.latest_versions(live_page, by=author)

    assert content_from_versions(page=live_page, versions=versions) == content_from_working_copy(
        live_page
    )


def test_content_hash_changes_with_content_but_not_with_a_save_that_changes_nothing(
    live_page, author
):
    section = live_page.sections.first()
    before = contents.content_hash(contents.latest_versions(live_page, by=author))

    save_with_version(section, by=author, comment="Saved again, unchanged")
    unchanged = contents.content_hash(contents.latest_versions(live_page, by=author))
    section.body += " More."
    save_with_version(section, by=author, comment="Edited")
    edited = contents.content_hash(contents.latest_versions(live_page, by=author))

    assert before == unchanged != edited


def test_change_request_records_which_parts_changed_since_publication(draft_change):
    changed = {item.version.object_repr for item in draft_change.items.all() if item.is_changed}

    assert changed == {"Secondary breast cancer: What is it?"}
    assert draft_change.items.count() == 3  # the page and both sections
