"""The workspace screens for editing everything on a page within a change, through the HTTP
client: references and resources, topic, address, related pages, and putting sections in
order. Every form keeps what was typed on any error; a stale save shows both versions."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from infopages.models import Page, Reference, Resource, Section, Topic
from reviews import services
from reviews.core.audit import Action
from reviews.models import AuditEvent


def html_of(response) -> str:
    return response.content.decode()


def url(name, change, *args) -> str:
    return reverse(f"reviews:{name}", args=[change.pk, *args])


@pytest.fixture
def editor_client(client, author):
    client.force_login(author)
    return client


@pytest.fixture
def reference(draft_change, author):
    return services.edit_in_change(
        change=draft_change,
        obj=Reference(
            page=draft_change.page,
            citation="NICE. Advanced breast cancer (NG101). 2017.",
            url="https://www.nice.org.uk/guidance/ng101",
            accessed_on=dt.date(2026, 1, 5),
        ),
        by=author,
        comment="NICE",
    ).obj


def test_the_change_page_lists_everything_on_the_page_to_edit(
    editor_client, draft_change, reference
):
    html = html_of(editor_client.get(draft_change.get_absolute_url()))

    assert "Take in edits saved elsewhere" not in html
    assert "/info/secondary-breast-cancer/" in html and "Cancer types › Breast cancer" in html
    for name, args in [
        ("edit_page", []),
        ("edit_topic", []),
        ("edit_address", []),
        ("edit_related", []),
        ("add_section", []),
        ("reorder", ["sections"]),
        ("add_reference", []),
        ("edit_reference", [reference.pk]),
        ("add_resource", []),
    ]:
        assert f'href="{url(name, draft_change, *args)}"' in html, name


def test_a_reviewer_sees_no_edit_panel(client, submitted_change, medic):
    client.force_login(medic)
    html = html_of(client.get(submitted_change.get_absolute_url()))
    assert "Edit the page" not in html
    assert url("add_reference", submitted_change) not in html


def test_editor_adds_a_reference_with_a_uk_date(editor_client, draft_change):
    response = editor_client.post(
        url("add_reference", draft_change),
        {
            "citation": "Cancer Research UK. Secondary breast cancer. 2025.",
            "url": "https://www.cancerresearchuk.org/",
            "accessed_on": "14/07/2025",
            "comment": "Add CRUK",
        },
        follow=True,
    )

    reference = Reference.objects.get(page=draft_change.page)
    assert reference.accessed_on == dt.date(2025, 7, 14)
    assert "Added the reference “Cancer Research UK. Secondary breast cancer. 2025.”" in (
        html_of(response)
    )
    assert AuditEvent.objects.filter(
        change_request_id=draft_change.pk, action=Action.EDITED, actor__username="editor"
    ).exists()


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("accessed_on", "31/02/2025", "Enter a real date, e.g. 14/07/2025."),
        ("accessed_on", "01/01/2099", "The accessed date cannot be in the future."),
        ("url", "nice guidance", "Enter a web address"),
        ("citation", "", "Write the citation."),
        ("comment", "", "Say in a few words what you changed."),
    ],
)
def test_a_reference_with_a_mistake_keeps_everything_typed(
    editor_client, draft_change, field, value, error
):
    typed = {
        "citation": "Cancer Research UK. Secondary breast cancer. 2025.",
        "url": "https://www.cancerresearchuk.org/",
        "accessed_on": "14/07/2025",
        "comment": "Add CRUK",
    }
    typed[field] = value

    response = editor_client.post(url("add_reference", draft_change), typed)

    html = html_of(response)
    assert response.status_code == 200
    assert error in html
    for name, text in typed.items():
        if text:
            assert f'value="{text}"' in html or f">\n{text}</textarea>" in html, name
    assert not Reference.objects.exists()


def test_two_editors_saving_one_reference_lose_nothing(
    draft_change, author, second_editor, reference
):
    mine, theirs = Client(), Client()
    mine.force_login(author)
    theirs.force_login(second_editor)
    edit = url("edit_reference", draft_change, reference.pk)
    started_from = reference.lock_version
    assert f'name="lock_version" value="{started_from}"' in html_of(mine.get(edit))
    theirs.post(
        edit,
        {
            "citation": reference.citation,
            "url": reference.url,
            "accessed_on": "2026-02-01",
            "comment": "Checked the link",
            "lock_version": started_from,
        },
    )

    response = mine.post(
        edit,
        {
            "citation": "NICE. Advanced breast cancer (NG101), updated 2024.",
            "url": reference.url,
            "accessed_on": "2026-01-05",
            "comment": "Updated edition",
            "lock_version": started_from,
        },
    )

    html = html_of(response)
    assert response.status_code == 409
    assert "Sam Second saved this while you were editing" in html
    assert "NICE. Advanced breast cancer (NG101), updated 2024.</textarea>" in html  # mine
    assert "1 February 2026" in html  # theirs, beside it
    assert f'name="lock_version" value="{started_from + 1}"' in html
    assert Reference.objects.get(pk=reference.pk).accessed_on == dt.date(2026, 2, 1)


def test_editor_removes_a_reference_with_a_reason_and_a_reason_is_needed(
    editor_client, draft_change, reference
):
    remove = url("remove_reference", draft_change, reference.pk)
    response = editor_client.post(remove, {"comment": ""})
    assert "Say why the reference is removed." in html_of(response)
    assert Reference.objects.filter(pk=reference.pk).exists()

    response = editor_client.post(remove, {"comment": "Superseded"}, follow=True)

    assert not Reference.objects.filter(pk=reference.pk).exists()
    assert "Removed the reference" in html_of(response)


def test_a_save_to_a_reference_removed_meanwhile_keeps_the_editors_text(
    editor_client, draft_change, second_editor, reference
):
    edit = url("edit_reference", draft_change, reference.pk)
    started_from = reference.lock_version
    services.remove_in_change(
        change=draft_change, obj=reference, by=second_editor, comment="Superseded"
    )

    response = editor_client.post(
        edit,
        {
            "citation": "NICE. NG101, updated 2024.",
            "url": "",
            "accessed_on": "",
            "comment": "Updated",
            "lock_version": started_from,
        },
    )

    assert response.status_code == 409
    html = html_of(response)
    assert "This reference was removed while you were editing" in html
    assert ">\nNICE. NG101, updated 2024.</textarea>" in html


def test_editor_adds_and_edits_a_resource(editor_client, draft_change):
    editor_client.post(
        url("add_resource", draft_change),
        {
            "title": "Our booklet",
            "url": "https://example.org/booklet",
            "description": "Free to order.",
            "comment": "Booklet",
        },
    )
    resource = Resource.objects.get(page=draft_change.page)

    response = editor_client.post(
        url("edit_resource", draft_change, resource.pk),
        {
            "title": "Our secondary breast cancer booklet",
            "url": "not a link",
            "description": "Free to order or download.",
            "comment": "Clearer title",
            "lock_version": resource.lock_version,
        },
    )

    html = html_of(response)
    assert "Enter a web address" in html
    assert 'value="Our secondary breast cancer booklet"' in html
    assert 'value="Free to order or download."' in html
    assert Resource.objects.get(pk=resource.pk).title == "Our booklet"


def test_a_part_of_another_page_is_not_found(editor_client, draft_change, author, make_page):
    other_page = make_page(slug="bone-scan", title="Bone scan")
    other = Reference.objects.create(page=other_page, citation="Elsewhere")

    assert editor_client.get(url("edit_reference", draft_change, other.pk)).status_code == 404
    response = editor_client.post(url("remove_reference", draft_change, other.pk), {"comment": "x"})
    assert response.status_code == 404
    assert Reference.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize(
    "name",
    ["add_reference", "add_resource", "edit_topic", "edit_address", "edit_related"],
)
def test_reviewers_may_not_open_or_post_the_editors_forms(client, draft_change, medic, name):
    client.force_login(medic)
    before = draft_change.content_hash

    assert client.get(url(name, draft_change)).status_code == 403
    response = client.post(
        url(name, draft_change),
        {"citation": "x", "title": "x", "url": "https://example.org/", "comment": "x"},
    )

    assert response.status_code == 403
    draft_change.refresh_from_db()
    assert draft_change.content_hash == before


# The page's own details


def test_editor_changes_the_topic(editor_client, draft_change, topic):
    lung = Topic.objects.create(name="Lung cancer", slug="lung-cancer", parent=topic.parent)
    page = draft_change.page
    form = html_of(editor_client.get(url("edit_topic", draft_change)))
    assert "Cancer types › Lung cancer" in form

    editor_client.post(
        url("edit_topic", draft_change),
        {"topic": lung.pk, "comment": "It is about the lungs", "lock_version": page.lock_version},
    )

    assert Page.objects.get(pk=page.pk).topic == lung


def test_the_address_form_warns_that_readers_are_sent_on_and_refuses_a_taken_address(
    editor_client, draft_change, make_page
):
    make_page(slug="bone-scan", title="Bone scan")
    page = draft_change.page
    form = html_of(editor_client.get(url("edit_address", draft_change)))
    assert "will be sent on to the new one once this change is published" in form

    response = editor_client.post(
        url("edit_address", draft_change),
        {"slug": "bone-scan", "comment": "Shorter", "lock_version": page.lock_version},
    )

    html = html_of(response)
    assert "Another page, “Bone scan”, already has the address /info/bone-scan/." in html
    assert 'value="bone-scan"' in html and 'value="Shorter"' in html
    assert Page.objects.get(pk=page.pk).slug == "secondary-breast-cancer"

    response = editor_client.post(
        url("edit_address", draft_change),
        {"slug": "Not a slug!", "comment": "Shorter", "lock_version": page.lock_version},
    )
    assert "Use only lower-case letters, numbers and hyphens" in html_of(response)

    editor_client.post(
        url("edit_address", draft_change),
        {
            "slug": "Metastatic-Breast-Cancer",
            "comment": "Other name",
            "lock_version": Page.objects.get(pk=page.pk).lock_version,
        },
    )
    assert Page.objects.get(pk=page.pk).slug == "metastatic-breast-cancer"


def test_editor_adds_a_related_page_by_name_and_a_stale_choice_shows_both(
    draft_change, author, second_editor, make_page
):
    bone_scan = make_page(slug="bone-scan", title="Bone scan")
    ct_scan = make_page(slug="ct-scan", title="CT scan")
    page = draft_change.page
    mine, theirs = Client(), Client()
    mine.force_login(author)
    theirs.force_login(second_editor)
    form = html_of(mine.get(url("edit_related", draft_change)))
    assert "Add a related page" in form and "Bone scan" not in form  # no list of every page
    theirs.post(
        url("edit_related", draft_change),
        {"add_page": "ct-scan", "comment": "CT", "lock_version": page.lock_version},
    )

    response = mine.post(
        url("edit_related", draft_change),
        {"add_page": "Bone scan", "comment": "Bone", "lock_version": page.lock_version},
    )

    assert response.status_code == 409
    html = html_of(response)
    assert "Saved meanwhile by Sam Second" in html
    assert 'value="Bone scan"' in html  # what I typed stays in the form
    assert list(Page.objects.get(pk=page.pk).related_pages.all()) == [ct_scan]

    form = html_of(mine.get(url("edit_related", draft_change)))
    assert f'value="{ct_scan.pk}"' in form and "checked" in form  # related now: untick to remove
    page.refresh_from_db()
    mine.post(
        url("edit_related", draft_change),
        {
            "related_pages": [ct_scan.pk],
            "add_page": "bone",
            "comment": "Bone",
            "lock_version": page.lock_version,
        },
    )
    assert list(Page.objects.get(pk=page.pk).related_pages.all()) == [ct_scan]  # unclear name
    mine.post(
        url("edit_related", draft_change),
        {"add_page": "/info/bone-scan/", "comment": "Bone", "lock_version": page.lock_version},
    )
    assert list(Page.objects.get(pk=page.pk).related_pages.all()) == [bone_scan]


# Putting the sections in order


@pytest.fixture
def three_sections(draft_change, author):
    services.edit_in_change(
        change=draft_change,
        obj=Section(page=draft_change.page, heading="Treatment", body="Drugs."),
        by=author,
        comment="Treatment",
    )
    return list(draft_change.page.sections.order_by("position"))


def test_moving_a_section_shows_the_new_order_without_saving_and_keeps_the_comment(
    editor_client, draft_change, three_sections
):
    what, symptoms, treatment = three_sections
    order = url("reorder", draft_change, "sections")
    ids = f"{what.pk},{symptoms.pk},{treatment.pk}"
    form = html_of(editor_client.get(order))
    assert f'name="order" value="{ids}"' in form
    assert f'value="{what.pk}:up"' not in form  # the first cannot move up

    response = editor_client.post(
        order,
        {"order": ids, "expected": ids, "move": f"{treatment.pk}:up", "comment": "Treatment"},
    )

    html = html_of(response)
    assert f'name="order" value="{what.pk},{treatment.pk},{symptoms.pk}"' in html
    assert f'name="expected" value="{ids}"' in html
    assert "“Treatment” is now number 2 of 3. Not saved yet" in html
    assert f'value="{treatment.pk}:up" class="button--secondary" autofocus' in html
    assert ">\nTreatment</textarea>" in html
    assert "Say in a few words" not in html  # no error before saving
    assert [s.pk for s in draft_change.page.sections.order_by("position")] == [
        what.pk,
        symptoms.pk,
        treatment.pk,
    ]


def test_saving_the_new_order(editor_client, draft_change, three_sections):
    what, symptoms, treatment = three_sections
    ids = f"{what.pk},{symptoms.pk},{treatment.pk}"
    new = f"{treatment.pk},{what.pk},{symptoms.pk}"
    order = url("reorder", draft_change, "sections")

    response = editor_client.post(order, {"order": new, "expected": ids, "comment": ""})
    assert "Say in a few words why the order changes." in html_of(response)

    response = editor_client.post(
        order, {"order": new, "expected": ids, "comment": "Treatment first"}, follow=True
    )

    assert "Saved the new order of the sections." in html_of(response)
    assert [s.pk for s in draft_change.page.sections.order_by("position")] == [
        treatment.pk,
        what.pk,
        symptoms.pk,
    ]


def test_saving_an_order_after_someone_else_changed_it_keeps_mine_fitted_to_theirs(
    editor_client, draft_change, second_editor, three_sections
):
    what, symptoms, treatment = three_sections
    ids = f"{what.pk},{symptoms.pk},{treatment.pk}"
    removed_pk = symptoms.pk
    services.remove_in_change(
        change=draft_change, obj=symptoms, by=second_editor, comment="Covered elsewhere"
    )

    response = editor_client.post(
        url("reorder", draft_change, "sections"),
        {"order": f"{treatment.pk},{removed_pk},{what.pk}", "expected": ids, "comment": "Mine"},
    )

    html = html_of(response)
    assert response.status_code == 409
    assert "Someone changed the sections of this page while you were putting them in order" in (
        html
    )
    assert f'name="order" value="{treatment.pk},{what.pk}"' in html  # mine, without the gone
    assert f'name="expected" value="{what.pk},{treatment.pk}"' in html  # from theirs now
    assert ">\nMine</textarea>" in html


def test_an_unknown_kind_of_part_is_not_found(editor_client, draft_change):
    assert editor_client.get(url("reorder", draft_change, "pages")).status_code == 404


# Queries


@pytest.fixture
def page_with_parts(make_page, publish, author, edit_section):
    def make(size: int, slug: str):
        page = make_page(
            slug=slug, title=slug, sections=[(f"Part {n}", f"Text {n}.") for n in range(size)]
        )
        for n in range(size):
            Reference.objects.create(page=page, position=n, citation=f"Source {n}.")
            Resource.objects.create(page=page, position=n, title=f"Booklet {n}", url="https://a.b/")
        publish(page)
        change = services.start_change(page=page, by=author)
        edit_section(change, "part-0", "New text.", by=author)
        return change

    return make


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("change", []),
        ("reorder", ["sections"]),
        ("reorder", ["references"]),
        ("edit_related", []),
        ("edit_topic", []),
        ("edit_address", []),
        ("add_reference", []),
    ],
)
def test_editing_screens_do_not_grow_with_the_page(
    editor_client, page_with_parts, name, args, django_assert_max_num_queries
):
    small, big = page_with_parts(2, "small"), page_with_parts(12, "big")
    editor_client.get(url(name, small, *args))  # warm up what is read once per process

    def queries(change) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(url(name, change, *args)).status_code == 200
        return len(captured)

    assert queries(small) == queries(big)
    with django_assert_max_num_queries(20):
        editor_client.get(url(name, big, *args))
