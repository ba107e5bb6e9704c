"""The import_pages command: markdown files with YAML front matter become reviewed pages."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError
from django.utils import timezone
from reversion.models import Version

from infopages.models import Block, Page, Person, PublishedPage, Reference, Section, Topic
from reviews.core import policy
from reviews.core.services.imports import import_pages
from reviews.models import AuditEvent

# Line numbers matter: the bad-file tests below point at lines of this text.
GOOD_PAGE = """\
---
title: Secondary breast cancer
slug: secondary-breast-cancer
summary: Cancer that has spread from the breast to other parts of the body.
topic: Cancer types > Breast cancer
reviewed: 2025-03-01
next_review: 2028-03-01
reviewers:
  - {name: Dr Ada Okoro, role: Consultant Clinical Oncologist, credentials: MBBS FRCR}
  - {name: Sam Lee, role: Lay reviewer}
references:
  - "NICE. Advanced breast cancer. https://www.nice.org.uk/guidance/cg81 (accessed 14 July 2025)"
  - "Smith J. Oncology for patients. 2020."
resources:
  - {title: Our booklet, url: "https://example.org/booklet", description: Free to order.}
related: [bone-scan]
---
## What is it?

Secondary breast cancer is cancer that has spread.

### How does it spread?

Through the blood or lymph system.

## Diagnosis

Tests you may have:

/// details | Bone scan
Pictures of all the bones in your body.
///

```text
## not a heading, it is inside a code block
```
"""

BONE_SCAN = """\
---
title: Bone scan
slug: bone-scan
summary: A scan that shows areas of active bone.
topic: Tests and scans
reviewed: 2025-09-03
next_review: 2028-09-03
related: [secondary-breast-cancer]
---
## What is a bone scan?

A test that makes pictures of your bones.
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def importer(member):
    """The publisher who runs the imports (``--user importer``)."""
    return member("importer", policy.PUBLISHERS)


def import_paths(paths, *, by=None, **options):
    by = by or get_user_model().objects.get(username="importer")
    return import_pages(paths, by=by, **options)


def run(*args: str, user: str = "importer") -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_pages", "--user", user, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args: str, user: str = "importer") -> tuple[str, str]:
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_pages", "--user", user, *args, stdout=io.StringIO(), stderr=err)
    return str(failure.value), err.getvalue()


def test_import_round_trips_front_matter_sections_references_and_reviewers(db, tmp_path):
    out, _ = run(str(write(tmp_path, "page.md", GOOD_PAGE)))

    assert "Imported 1 page (1 published, 0 drafts); 0 files rejected." in out
    page = Page.objects.get(slug="secondary-breast-cancer")
    assert page.title == "Secondary breast cancer"
    assert page.summary == "Cancer that has spread from the breast to other parts of the body."
    assert str(page.topic) == "Cancer types > Breast cancer"
    assert page.topic.path == "cancer-types/breast-cancer"
    publication = PublishedPage.objects.current().get(page=page)
    assert (publication.reviewed_on, publication.next_review_on) == (
        dt.date(2025, 3, 1),
        dt.date(2028, 3, 1),
    )
    sections = list(page.sections.order_by("position"))
    assert [(s.heading, s.anchor) for s in sections] == [
        ("What is it?", "what-is-it"),
        ("Diagnosis", "diagnosis"),
    ]
    assert "### How does it spread?\n\nThrough the blood" in sections[0].body
    assert "/// details | Bone scan\nPictures of all the bones" in sections[1].body
    assert "## not a heading, it is inside a code block" in sections[1].body
    references = list(page.references.order_by("position"))
    assert references[0].citation == "NICE. Advanced breast cancer."  # link and date split off
    assert references[0].url == "https://www.nice.org.uk/guidance/cg81"
    assert references[0].accessed_on == dt.date(2025, 7, 14)
    assert (references[1].citation, references[1].url) == (
        "Smith J. Oncology for patients. 2020.",
        "",
    )
    assert publication.reviewers == [
        {
            "name": "Dr Ada Okoro",
            "role": "Consultant Clinical Oncologist",
            "credentials": "MBBS FRCR",
        },
        {"name": "Sam Lee", "role": "Lay reviewer", "credentials": ""},
    ]
    assert publication.kind == PublishedPage.Kind.IMPORTED
    assert not Person.objects.exists()  # nobody's public profile is changed by an import
    assert list(page.resources.values_list("title", "url")) == [
        ("Our booklet", "https://example.org/booklet")
    ]


def test_imported_page_is_public_as_reviewed_on_its_date(client, db, tmp_path):
    run(str(write(tmp_path, "page.md", GOOD_PAGE)))
    page = Page.objects.get(slug="secondary-breast-cancer")

    response = client.get(page.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Secondary breast cancer</h1>" in html
    assert 'id="what-is-it"' in html and 'id="diagnosis"' in html
    assert "How does it spread?</h3>" in html
    assert "<summary>Bone scan</summary>" in html
    assert "Dr Ada Okoro, MBBS FRCR, Consultant Clinical Oncologist" in html
    assert "NICE. Advanced breast cancer." in html
    assert 'href="https://www.nice.org.uk/guidance/cg81"' in html
    assert "(accessed 14 July 2025)" in html  # the date is written out, the link shown once
    assert html.count("https://www.nice.org.uk/guidance/cg81") == 2  # href and link text
    assert "1 March 2025" in html and "1 March 2028" in html
    publication = PublishedPage.objects.current().get(page=page)
    assert publication.reviewed_on == dt.date(2025, 3, 1)


def test_import_records_an_imported_audit_event(db, tmp_path):
    run(str(write(tmp_path, "page.md", GOOD_PAGE)))

    event = AuditEvent.objects.get(action="imported")
    assert event.page.slug == "secondary-breast-cancer"
    assert "page.md" in event.message
    assert "published as reviewed on 1 March 2025" in event.message
    assert event.versions["sections"]  # the exact versions that went live


def test_reimport_adds_versions_and_never_duplicates(client, db, tmp_path):
    path = write(tmp_path, "page.md", GOOD_PAGE)
    run(str(path))
    page = Page.objects.get()
    what_is_it = page.sections.get(anchor="what-is-it")
    page_versions = Version.objects.get_for_object(page).count()
    section_versions = Version.objects.get_for_object(what_is_it).count()

    changed = GOOD_PAGE.replace("cancer that has spread.", "cancer that has moved.")
    changed = changed.replace("## Diagnosis", "## Treatment")
    changed = changed.replace('  - "Smith J. Oncology for patients. 2020."\n', "")
    path.write_text(changed, encoding="utf-8")
    run(str(path))

    assert Page.objects.count() == 1 and Topic.objects.count() == 2
    assert list(page.sections.order_by("position").values_list("anchor", flat=True)) == [
        "what-is-it",
        "treatment",
    ]
    assert Section.objects.count() == 2 and Reference.objects.count() == 1
    assert Version.objects.get_for_object(page).count() > page_versions
    latest = Version.objects.get_for_object(what_is_it)
    assert latest.count() == section_versions + 1
    assert latest.first().revision.comment == "Imported from page.md"
    html = client.get(page.get_absolute_url()).content.decode()
    assert "cancer that has moved." in html and "cancer that has spread." not in html
    assert 'id="treatment"' in html and 'id="diagnosis"' not in html


def test_reimporting_an_unchanged_file_saves_no_new_section_versions(db, tmp_path):
    path = write(tmp_path, "page.md", GOOD_PAGE)
    run(str(path))
    run(str(path))

    assert Page.objects.count() == 1 and Section.objects.count() == 2
    for section in Section.objects.all():
        assert Version.objects.get_for_object(section).count() == 1


BAD_FILES = {
    "missing front matter": (GOOD_PAGE.split("---\n", 2)[2], 1, "missing front matter"),
    "unclosed front matter": (GOOD_PAGE.replace("---\n## What", "## What"), 1, "not closed"),
    "YAML syntax error": (
        GOOD_PAGE.replace("title: Secondary breast cancer", "title: Secondary: breast cancer"),
        2,
        "YAML syntax error in front matter: mapping values are not allowed here",
    ),
    "missing summary": (
        GOOD_PAGE.replace("summary: Cancer that has spread", "sumary: Cancer that has spread"),
        1,
        "missing required field: summary",
    ),
    "bad date": (
        GOOD_PAGE.replace("reviewed: 2025-03-01", "reviewed: 2025-02-30"),
        6,
        "bad date for 'reviewed': '2025-02-30'",
    ),
    "next review not after reviewed": (
        GOOD_PAGE.replace("next_review: 2028-03-01", "next_review: 2024-03-01"),
        7,
        "next_review (2024-03-01) must be after reviewed (2025-03-01)",
    ),
    "next review more than three years later": (
        GOOD_PAGE.replace("next_review: 2028-03-01", "next_review: 2028-03-02"),
        7,
        "at most 3 years after it",
    ),
    "reviewed in the future": (
        GOOD_PAGE.replace("reviewed: 2025-03-01", "reviewed: 2999-03-01"),
        6,
        "reviewed (2999-03-01) is in the future",
    ),
    "bad slug": (
        GOOD_PAGE.replace("slug: secondary-breast-cancer", "slug: Secondary breast"),
        3,
        "bad slug 'Secondary breast'",
    ),
    "reviewer without a name": (
        GOOD_PAGE.replace("{name: Sam Lee, role: Lay reviewer}", "{role: Lay reviewer}"),
        10,
        "reviewer 2 has no name",
    ),
    "no sections": (GOOD_PAGE.split("## What is it?")[0], 17, "no sections"),
    "text before the first heading": (
        GOOD_PAGE.replace("---\n## What", "---\nAn introduction.\n## What"),
        18,
        "text before the first '## ' heading",
    ),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_bad_file_is_rejected_with_one_line_and_imports_nothing(client, db, tmp_path, kind):
    text, line, problem = BAD_FILES[kind]
    text = text.replace("Dr Ada Okoro", "Dr Only In The Bad File")
    text = text.replace("Cancer types > Breast cancer", "Only in the bad file")
    bad = write(tmp_path, "a-bad.md", text)
    write(tmp_path, "b-good.md", BONE_SCAN)

    summary, err = run_failing(str(tmp_path))

    assert summary == "Imported 1 page (1 published, 0 drafts); 1 file rejected."
    errors = [row for row in err.splitlines() if not row.startswith("Warning:")]
    assert len(errors) == 1
    assert errors[0].startswith(f"{bad}:{line}: ")
    assert problem in errors[0]
    assert not Page.objects.filter(slug="secondary-breast-cancer").exists()
    assert not Topic.objects.filter(slug="only-in-the-bad-file").exists()
    assert not Person.objects.filter(name="Dr Only In The Bad File").exists()
    assert client.get("/info/bone-scan/").status_code == 200
    assert Page.objects.get().slug == "bone-scan"


def test_a_file_failing_while_being_written_leaves_nothing_behind(db, tmp_path, monkeypatch):
    write(tmp_path, "page.md", GOOD_PAGE)

    def refuse(**kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr("infopages.importing._sync_rows", refuse)
    report = import_paths([tmp_path])

    assert report.pages == [] and len(report.errors) == 1
    assert "disk full" in report.errors[0]
    assert not Page.objects.exists() and not Person.objects.exists()
    assert not Version.objects.exists()


def test_draft_import_is_not_published(client, db, tmp_path):
    out, _ = run("--draft", str(write(tmp_path, "page.md", GOOD_PAGE)))

    assert "Imported 1 page (0 published, 1 draft); 0 files rejected." in out
    page = Page.objects.get()
    assert page.sections.count() == 2
    assert client.get(page.get_absolute_url()).status_code == 404
    assert not PublishedPage.objects.exists()
    assert AuditEvent.objects.filter(action="imported_draft", page=page).exists()
    assert not AuditEvent.objects.filter(action="imported").exists()


def test_draft_reimport_leaves_the_public_page_unchanged(client, db, tmp_path):
    path = write(tmp_path, "page.md", GOOD_PAGE)
    run(str(path))
    page = Page.objects.get()
    path.write_text(GOOD_PAGE.replace("cancer that has spread.", "NEW DRAFT TEXT."), "utf-8")

    run("--draft", str(path))

    html = client.get(page.get_absolute_url()).content.decode()
    assert "cancer that has spread." in html and "NEW DRAFT TEXT" not in html
    assert "NEW DRAFT TEXT." in page.sections.get(anchor="what-is-it").body
    assert PublishedPage.objects.filter(page=page).count() == 1


def test_related_pages_link_in_any_order_and_unknown_ones_only_warn(client, db, tmp_path):
    write(tmp_path, "a/secondary.md", GOOD_PAGE.replace("[bone-scan]", "[bone-scan, no-such-page]"))
    write(tmp_path, "z/deeper/bone-scan.md", BONE_SCAN)

    out, err = run(str(tmp_path))

    assert "Imported 2 pages (2 published, 0 drafts); 0 files rejected." in out
    assert (
        err.strip()
        == f"Warning: {tmp_path / 'a/secondary.md'}:16: related page 'no-such-page' not found"
    )
    page = Page.objects.get(slug="secondary-breast-cancer")
    assert list(page.related_pages.values_list("slug", flat=True)) == ["bone-scan"]
    html = client.get(page.get_absolute_url()).content.decode()
    assert 'href="/info/bone-scan/"' in html


def test_a_slug_used_by_two_files_in_one_run_is_rejected_the_second_time(db, tmp_path):
    write(tmp_path, "one.md", GOOD_PAGE)
    second = write(tmp_path, "two.md", GOOD_PAGE.replace("Secondary breast cancer", "Copy"))

    report = import_paths([tmp_path])

    assert [p.title for p in report.pages] == ["Secondary breast cancer"]
    assert report.errors == [
        f"{second}:3: slug 'secondary-breast-cancer' is already imported from {tmp_path / 'one.md'}"
    ]


def test_import_paths_reports_pages_errors_and_warnings(db, tmp_path, importer):
    write(tmp_path, "bone-scan.md", BONE_SCAN)

    report = import_paths([tmp_path, tmp_path / "missing.md"], by=importer)

    assert [page.slug for page in report.pages] == ["bone-scan"]
    assert report.errors == [f"{tmp_path / 'missing.md'}: no such file or directory"]
    assert report.warnings == [
        f"{tmp_path / 'bone-scan.md'}:8: related page 'secondary-breast-cancer' not found"
    ]
    page = report.pages[0]
    assert Version.objects.get_for_object(page).first().revision.user == importer
    assert PublishedPage.objects.current().get(page=page).published_by == importer


def test_progress_bar_stays_quiet_when_stderr_is_not_a_terminal(db, tmp_path, capsys):
    write(tmp_path, "bone-scan.md", BONE_SCAN)

    import_paths([tmp_path], progress=True)

    assert capsys.readouterr().err == ""


def test_only_a_publisher_may_import_and_publish(db, tmp_path, member):
    member("lay-reader", policy.LAY_REVIEWERS)
    member("writer", policy.EDITORS)
    path = str(write(tmp_path, "page.md", GOOD_PAGE))

    message, _ = run_failing(path, user="lay-reader")
    assert message == "Only publishers can import pages and publish them."
    message, _ = run_failing(path, user="writer")
    assert message == "Only publishers can import pages and publish them."
    assert not Page.objects.exists() and not AuditEvent.objects.exists()

    out, _ = run("--draft", path, user="writer")  # a draft changes only the working copy
    assert "Imported 1 page (0 published, 1 draft)" in out
    assert AuditEvent.objects.get(action="imported_draft").actor.username == "writer"


def test_the_importer_must_be_named(db, tmp_path):
    path = str(write(tmp_path, "page.md", GOOD_PAGE))

    with pytest.raises(CommandError, match="--user"):
        call_command("import_pages", path, stdout=io.StringIO(), stderr=io.StringIO())

    assert not Page.objects.exists()


def test_a_file_whose_publication_fails_leaves_neither_working_copy_nor_audit(
    db, tmp_path, monkeypatch
):
    path = write(tmp_path, "page.md", GOOD_PAGE)
    run(str(path))
    page = Page.objects.get()
    path.write_text(GOOD_PAGE.replace("cancer that has spread.", "CHANGED TEXT."), "utf-8")
    events = AuditEvent.objects.count()

    def refuse(**kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr("reviews.core.services.imports.publish_content", refuse)
    report = import_paths([path])

    assert len(report.errors) == 1 and "disk full" in report.errors[0]
    assert "CHANGED TEXT" not in page.sections.get(anchor="what-is-it").body
    assert AuditEvent.objects.count() == events


def test_an_import_sends_an_approved_change_on_the_page_back_to_review(
    db, tmp_path, member, django_capture_on_commit_callbacks
):
    from reviews import services
    from reviews.models import ChangeRequest, Decision

    path = write(tmp_path, "page.md", GOOD_PAGE)
    run(str(path))
    page = Page.objects.get()
    writer = member("writer", policy.EDITORS)
    medic = member("medic", policy.MEDICAL_REVIEWERS)
    change = services.start_change(page=page, by=writer, summary="Clearer.")
    section = page.sections.get(anchor="what-is-it")
    section.body = "Reviewed wording."
    services.edit_in_change(
        change=change,
        obj=section,
        by=writer,
        comment="Clearer",
        expected_lock_version=section.lock_version,
    )
    services.submit_for_review(change=change, by=writer)
    services.sign_off(
        change=change, reviewer=medic, decision=Decision.APPROVE, seen_hash=change.content_hash
    )
    assert ChangeRequest.objects.get(pk=change.pk).state == "approved"
    path.write_text(GOOD_PAGE.replace("cancer that has spread.", "IMPORTED TEXT."), "utf-8")

    run(str(path))

    change.refresh_from_db()
    assert change.state == "in_review"
    edited = AuditEvent.objects.filter(change_request_id=change.pk, action="edited").last()
    assert edited.actor.username == "importer"
    assert "sign-offs given before this edit no longer count" in edited.message


def with_marker(name: str) -> str:
    """GOOD_PAGE with a shared block's marker on line 22, in "What is it?"."""
    return GOOD_PAGE.replace(
        "Secondary breast cancer is cancer that has spread.\n",
        f"Secondary breast cancer is cancer that has spread.\n\n{{{{block:{name}}}}}\n",
    )


@pytest.mark.parametrize("draft", [False, True])
@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("no-such-block", "There is no shared block called “no-such-block”"),
        ("draft-only", "The shared block “draft-only” has not been published yet"),
        ("old-line", "The shared block “old-line” was retired"),
    ],
)
def test_a_block_marker_a_page_could_not_show_is_refused_on_import(
    db, tmp_path, author, publisher, support_line, name, problem, draft
):
    from reviews.blocks import services as blocks

    blocks.create_block(name="draft-only", kind="paragraph", title="Draft", by=author)
    blocks.create_block(name="old-line", kind="paragraph", title="Old", by=author)
    Block.objects.filter(name="old-line").update(retired_at=timezone.now())
    path = write(tmp_path, "page.md", with_marker(name))

    report = import_paths([path], draft=draft, by=publisher)

    assert report.pages == []
    assert len(report.errors) == 1 and report.errors[0].startswith(f"{path}:22: ")
    assert f"section 'What is it?': {problem}" in report.errors[0]
    assert not Page.objects.filter(slug="secondary-breast-cancer").exists()


def test_a_published_block_is_embedded_by_an_import(client, db, tmp_path, publisher, support_line):
    path = write(tmp_path, "page.md", with_marker("support-line"))

    report = import_paths([path], by=publisher)

    assert report.errors == [] and len(report.pages) == 1
    html = client.get("/info/secondary-breast-cancer/").content.decode()
    assert "0808 157 0192" in html and "{{block:" not in html
