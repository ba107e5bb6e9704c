"""Figures edited inside a change, through the workspace's screens: upload, replace, remove,
reorder; hostile files refused with nothing stored; alt text rules; sign-offs lapsing when a
picture or its words change; what reviewers see of a replaced picture."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from infopages.models import Figure, StoredImage
from reviews import services
from reviews.models import ChangeRequest
from tests.figures import pictures

ALT = "A simple outline of a body with the bones, lungs, liver and brain shaded."


@pytest.fixture
def figure_storage(settings, tmp_path):
    """A storage of the test's own, so "nothing stored" can be checked by listing it."""
    settings.STORAGES = {
        **settings.STORAGES,
        "figures": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "figures", "base_url": "/figures/"},
        },
    }
    return tmp_path / "figures"


def _stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _upload(data: bytes, name: str = "where-it-spreads.png", content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def _add(client, change, *, picture=None, **fields):
    data = {
        "name": "where-it-spreads",
        "alt": ALT,
        "caption": "Breast cancer can spread to different parts of the body.",
        "long_description": "",
        "credit": "Drawing: the information team",
        "comment": "Add the diagram",
        **fields,
    }
    if picture is not None:
        data["picture"] = picture
    return client.post(reverse("reviews:add_figure", args=[change.pk]), data)


def _edit(client, change, figure, *, picture=None, **fields):
    data = {
        "name": figure.name,
        "alt": figure.alt,
        "caption": figure.caption,
        "long_description": figure.long_description,
        "credit": figure.credit,
        "comment": "Clearer picture",
        "lock_version": figure.lock_version,
        **fields,
    }
    if picture is not None:
        data["picture"] = picture
    return client.post(reverse("reviews:edit_figure", args=[change.pk, figure.pk]), data)


def test_an_editor_uploads_a_figure_and_it_is_stored_by_its_digest(
    client, draft_change, author, figure_storage
):
    client.force_login(author)
    before = ChangeRequest.objects.get(pk=draft_change.pk).content_hash

    response = _add(client, draft_change, picture=_upload(pictures.png(1400, 1000)))

    assert response.status_code == 302
    figure = Figure.objects.get(page=draft_change.page)
    assert (figure.name, figure.alt) == ("where-it-spreads", ALT)
    image = figure.image
    names = {p.relative_to(figure_storage).as_posix() for p in _stored_files(figure_storage)}
    assert f"{image.digest}.png" in names
    assert {f"{image.digest}/w320.webp", f"{image.digest}/w1400.png"} <= names
    assert ChangeRequest.objects.get(pk=draft_change.pk).content_hash != before
    page = client.get(response["Location"]).content.decode()
    assert "Figure:</span> where-it-spreads" in page
    assert (
        "[figure: where-it-spreads]"
        in client.get(
            reverse("reviews:edit_figure", args=[draft_change.pk, figure.pk])
        ).content.decode()
    )


HOSTILE = {
    "not a picture": (b"%PDF-1.7 this is a document, not a picture", "leaflet.png"),
    "truncated": (pictures.truncated_png(), "cut.png"),
    "100 megapixels": (pictures.huge_png_header(), "bomb.png"),
    "20 MB": (pictures.twenty_megabytes(), "huge.png"),
    "a polyglot": (pictures.polyglot(), "both.png"),
    "a wrong extension": (pictures.png(), "photo.jpg"),
    "SVG with script": (pictures.svg_with_script(), "drawing.svg"),
    "SVG named as PNG": (pictures.svg_with_script(), "drawing.png"),
}
MESSAGES = {
    "not a picture": "could not be read as a picture",
    "truncated": "damaged or cut short",
    "100 megapixels": "100 megapixels",
    "20 MB": "at most 10 MB",
    "a polyglot": "other data hidden after the picture",
    "a wrong extension": "is really a PNG file",
    "SVG with script": "SVG files can carry scripts",
    "SVG named as PNG": "SVG files can carry scripts",
}


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_a_hostile_file_is_refused_with_a_clear_message_and_nothing_stored(
    case, client, draft_change, author, figure_storage
):
    client.force_login(author)
    data, name = HOSTILE[case]
    hash_before = ChangeRequest.objects.get(pk=draft_change.pk).content_hash

    response = _add(client, draft_change, picture=_upload(data, name), caption="Kept caption")

    assert response.status_code == 200
    page = response.content.decode()
    assert MESSAGES[case] in page
    assert 'value="Kept caption"' in page  # the rest of the form is kept
    assert not Figure.objects.exists()
    assert not StoredImage.objects.exists()
    assert _stored_files(figure_storage) == []
    assert ChangeRequest.objects.get(pk=draft_change.pk).content_hash == hash_before


@pytest.mark.parametrize(
    ("alt", "message"),
    [
        ("", "Describe the picture for people who cannot see it"),
        ("Image of the body", "not “image of” or “picture of”"),
        ("picture of bones", "not “image of” or “picture of”"),
        ("where-it-spreads.png", "The alt text is the file"),
        ("where-it-spreads", "The alt text is the file"),
    ],
)
def test_alt_text_that_does_not_help_is_refused_and_the_picture_is_kept(
    alt, message, client, draft_change, author, figure_storage
):
    client.force_login(author)

    response = _add(client, draft_change, picture=_upload(pictures.png()), alt=alt)

    page = response.content.decode()
    assert message in page
    assert not Figure.objects.exists()
    kept = StoredImage.objects.get()  # stored whole, so the editor need not choose it again
    assert f'name="kept_image" value="{kept.digest}"' in page
    assert "You need not choose it again" in page
    again = _add(client, draft_change, kept_image=kept.digest)  # no file sent this time
    assert again.status_code == 302
    assert Figure.objects.get().image == kept


def test_a_decorative_figure_needs_no_alt_text(client, draft_change, author):
    client.force_login(author)

    response = _add(client, draft_change, picture=_upload(pictures.png()), alt="", decorative="on")

    assert response.status_code == 302
    assert Figure.objects.get().decorative


def test_replacing_the_picture_keeps_the_old_one_and_shows_both_to_reviewers(
    client, draft_change, author
):
    client.force_login(author)
    _add(client, draft_change, picture=_upload(pictures.png(mark="old")))
    figure = Figure.objects.get()
    old_digest = figure.image_id

    response = _edit(client, draft_change, figure, picture=_upload(pictures.png(mark="new")))

    assert response.status_code == 302
    figure.refresh_from_db()
    assert figure.image_id != old_digest
    assert StoredImage.objects.filter(digest=old_digest).exists()  # never deleted
    versions = [v.field_dict["image_id"] for v in figure_versions(figure)]
    assert versions == [figure.image_id, old_digest]


def figure_versions(figure):
    from reversion.models import Version

    return list(Version.objects.get_for_object(figure))


def test_the_change_page_shows_a_replaced_picture_old_and_new_side_by_side(
    client, live_page, author, medic, publisher, approve, edit_section
):
    client.force_login(author)
    change = services.start_change(page=live_page, by=author, summary="Add the diagram")
    _add(client, change, picture=_upload(pictures.png(mark="old")))
    edit_section(
        change, "what-is-it", "Cancer that has spread.\n\n[figure: where-it-spreads]", by=author
    )
    change = services.submit_for_review(change=change, by=author)
    approve(change, medic)
    services.publish(change=ChangeRequest.objects.get(pk=change.pk), by=publisher)
    change = services.start_change(page=live_page, by=author, summary="A clearer drawing")
    figure = Figure.objects.get()
    old, old_name = figure.image, figure.image.renditions

    _edit(
        client,
        change,
        figure,
        picture=_upload(pictures.png(mark="new")),
        alt=ALT + " The liver is larger.",
    )
    page = client.get(change.get_absolute_url()).content.decode()

    new = Figure.objects.get().image
    assert "Picture (replaced)" in page
    assert f"/figures/{old.digest}/" in page and f"/figures/{new.digest}/" in page
    assert page.index(old.digest) < page.index(new.digest)  # old first, new beside it
    assert "<ins>The liver is larger.</ins>" in page or "The liver is larger." in page
    assert old_name  # renditions of the old picture are still listed


def test_editing_a_figures_picture_or_alt_text_makes_sign_offs_lapse(
    client, draft_change, author, medic, approve
):
    client.force_login(author)
    _add(client, draft_change, picture=_upload(pictures.png()))
    change = services.submit_for_review(change=draft_change, by=author)
    approve(change, medic)
    change.refresh_from_db()
    assert change.state == ChangeRequest.State.APPROVED
    figure = Figure.objects.get()

    _edit(client, change, figure, picture=_upload(pictures.png(mark="another")))

    change.refresh_from_db()
    assert change.state == ChangeRequest.State.IN_REVIEW
    approve(change, medic)
    change.refresh_from_db()
    assert change.state == ChangeRequest.State.APPROVED
    figure.refresh_from_db()

    _edit(client, change, figure, alt="The outline of a body, with four places shaded.")

    change.refresh_from_db()
    assert change.state == ChangeRequest.State.IN_REVIEW


def test_a_section_may_place_only_figures_the_page_has(client, draft_change, author, edit_section):
    from reviews.core.errors import InvalidInput

    with pytest.raises(InvalidInput, match=r"\[figure: nowhere\] places a figure the page"):
        edit_section(draft_change, "what-is-it", "Text.\n\n[figure: nowhere]", by=author)


def test_a_placed_figure_is_removed_only_once_its_line_is_gone(
    client, draft_change, author, edit_section
):
    client.force_login(author)
    _add(client, draft_change, picture=_upload(pictures.png()))
    figure = Figure.objects.get()
    edit_section(draft_change, "what-is-it", "Spread.\n\n[figure: where-it-spreads]", by=author)
    url = reverse("reviews:remove_figure", args=[draft_change.pk, figure.pk])

    refused = client.post(url, {"comment": "Not needed"})

    assert "still places this figure" in refused.content.decode()
    assert Figure.objects.exists()
    edit_section(draft_change, "what-is-it", "Spread.", by=author)
    done = client.post(url, {"comment": "Not needed"})
    assert done.status_code == 302
    assert not Figure.objects.exists()
    assert StoredImage.objects.filter(digest=figure.image_id).exists()


def test_figures_are_put_in_order_through_the_workspace(client, draft_change, author):
    client.force_login(author)
    _add(client, draft_change, picture=_upload(pictures.png(mark="1")), name="first")
    _add(client, draft_change, picture=_upload(pictures.png(mark="2")), name="second")
    first, second = Figure.objects.order_by("position")
    url = reverse("reviews:reorder", args=[draft_change.pk, "figures"])

    response = client.post(
        url,
        {
            "order": f"{second.pk},{first.pk}",
            "expected": f"{first.pk},{second.pk}",
            "comment": "The overview first",
        },
    )

    assert response.status_code == 302
    assert list(Figure.objects.order_by("position").values_list("name", flat=True)) == [
        "second",
        "first",
    ]


def test_only_editors_reach_the_figure_screens(client, draft_change, medic, figure_storage):
    client.force_login(medic)

    response = _add(client, draft_change, picture=_upload(pictures.png()))

    assert response.status_code == 403
    assert _stored_files(figure_storage) == []


def test_the_figure_screen_needs_the_csrf_token(draft_change, author):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(author)

    response = _add(strict, draft_change, picture=_upload(pictures.png()))

    assert response.status_code == 403
    assert not StoredImage.objects.exists()


def test_reviewers_see_a_placed_figure_in_place_in_the_section_as_it_will_look(
    client, draft_change, author, edit_section
):
    client.force_login(author)
    _add(client, draft_change, picture=_upload(pictures.png()))
    edit_section(
        draft_change, "what-is-it", "It has spread.\n\n[figure: where-it-spreads]", by=author
    )

    page = client.get(draft_change.get_absolute_url()).content.decode()

    preview = page[page.index("How it will look") :]
    assert '<div class="figure-block"><figure class="figure">' in preview
    assert f'alt="{ALT}"' in preview
    assert "<p>[figure: where-it-spreads]</p>" not in page


def test_a_full_review_shows_every_figure_and_where_it_is(client, live_page, author):
    client.force_login(author)
    change = services.start_change(
        page=live_page, by=author, summary="Due for review.", is_full_review=True
    )
    _add(client, change, picture=_upload(pictures.png()), name="not-placed-yet")

    page = client.get(change.get_absolute_url()).content.decode()

    figures = page[page.index("<h3>Figures</h3>") :]
    assert "not-placed-yet" in figures
    assert "not placed in any section, so readers will not see it" in figures
    assert ALT in figures


def test_what_changed_since_a_reviewer_approved_shows_the_replaced_picture(
    client, draft_change, author, medic, approve
):
    client.force_login(author)
    _add(client, draft_change, picture=_upload(pictures.png(mark="first")))
    change = services.submit_for_review(change=draft_change, by=author)
    approve(change, medic)
    figure = Figure.objects.get()
    old = figure.image_id
    _edit(client, change, figure, picture=_upload(pictures.png(mark="second")))
    client.force_login(medic)

    page = client.get(change.get_absolute_url()).content.decode()

    since = page[page.index('id="since-heading"') : page.index('id="changes-heading"')]
    assert "Picture (replaced)" in since
    assert old in since and Figure.objects.get().image_id in since
