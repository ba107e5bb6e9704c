"""Figures as readers get them: in place in the section's text, every size of the picture,
its caption and long description, in the print view, the API, the JSON-LD and link previews;
the pictures served for a year; a replaced picture still shown for what readers saw before."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from infopages import images
from infopages.models import Figure
from infopages.publishing import (
    PublishingRefused,
    content_from_working_copy,
    publish_content,
)
from infopages.services import save_with_version
from tests.conftest import imported_review
from tests.figures import pictures

ALT = "An outline of a body with the bones, lungs, liver and brain shaded."
CAPTION = "Breast cancer can spread to different parts of the body."
DESCRIBED = "The drawing shows:\n\n- the bones\n- the lungs\n- the liver\n- the brain"


def add_figure(page, name, *, by, n=1, body_of=None, **fields):
    """A figure saved as a version, and placed at the end of the first section's text."""
    values = {"alt": ALT, "caption": CAPTION, "credit": "Drawing: the information team"}
    figure = save_with_version(
        Figure(
            page=page,
            name=name,
            image=pictures.stored(n, width=1600, height=1200),
            position=n,
            **(values | fields),
        ),
        by=by,
        comment="Added",
    ).obj
    section = body_of or page.sections.order_by("position").first()
    section.body += f"\n\n[figure: {name}]"
    save_with_version(section, by=by, comment="Placed")
    return figure


@pytest.fixture
def page_with_figures(make_page, editor, publish):
    page = make_page()
    add_figure(page, "where-it-spreads", by=editor, long_description=DESCRIBED)
    second = page.sections.order_by("position")[1]
    add_figure(page, "scan-machine", by=editor, n=2, body_of=second, decorative=True, alt="")
    publish(page)
    return page


def test_a_figure_is_shown_in_place_with_every_size_and_its_words(client, page_with_figures):
    html = client.get("/info/secondary-breast-cancer/").content.decode()

    figure = re.search(
        r'<div class="figure-block" id="figure-where-it-spreads">.*?</div>', html, re.S
    )
    assert figure, html
    block = figure.group(0)
    assert html.index("Cancer that has spread.") < html.index('id="figure-where-it-spreads"')
    assert "<figure" in block and "<picture>" in block
    assert re.search(r'<source type="image/webp" srcset="[^"]*/w320\.webp 320w', block)
    img = re.search(r"<img [^>]*>", block).group(0)
    assert f'alt="{ALT}"' in img
    assert 'width="1600" height="1200"' in img  # the space is kept while it loads
    assert 'loading="lazy"' in img and 'sizes="' in img and 'srcset="' in img
    assert "<figcaption" in block and CAPTION in block
    assert "Drawing: the information team" in block
    assert "<summary>Describe this image" in block and "<li>the liver</li>" in block


def test_a_decorative_figure_has_an_empty_alt(client, page_with_figures):
    html = client.get("/info/secondary-breast-cancer/").content.decode()

    block = html[html.index('id="figure-scan-machine"') :]
    assert re.search(r'<img [^>]*alt=""', block)


def test_a_page_with_two_figures_costs_at_most_four_queries(
    client, page_with_figures, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        response = client.get("/info/secondary-breast-cancer/")

    assert response.content.decode().count("<figure") == 2


def test_the_print_view_opens_the_long_description_and_loads_pictures_at_once(
    client, page_with_figures
):
    html = client.get("/info/secondary-breast-cancer/print/").content.decode()

    assert '<details open class="figure-description">' in html
    assert "<figure" in html and 'loading="lazy"' not in html


def test_the_api_gives_each_figure_with_urls_alt_text_and_caption(client, page_with_figures):
    data = client.get("/api/pages/secondary-breast-cancer/").json()

    first, second = data["figures"]
    assert (first["name"], first["alt"], first["caption"]) == ("where-it-spreads", ALT, CAPTION)
    assert first["url"].startswith("http://") and "/figures/" in first["url"]
    assert {r["type"] for r in first["renditions"]} == {"image/webp", "image/png"}
    assert "<li>the liver</li>" in first["long_description_html"]
    assert second["decorative"] and second["alt"] == ""


def test_link_previews_and_search_engines_get_the_first_picture_with_its_alt(
    client, page_with_figures
):
    html = client.get("/info/secondary-breast-cancer/").content.decode()

    og = re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)
    assert og.startswith("http") and og.endswith(".png")
    assert f'<meta property="og:image:alt" content="{ALT}">' in html
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    )
    assert [image["caption"] for image in data["image"]] == [CAPTION]  # not the decorative one


def test_pictures_are_served_for_a_year_as_pictures_only(client, page_with_figures):
    figure = Figure.objects.get(name="where-it-spreads")
    name = f"{figure.image_id}/w640.webp"

    response = client.get(f"/figures/{name}")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    served = b"".join(response.streaming_content)
    response.close()
    with images.storage().open(name) as stored:
        assert served == stored.read()


@pytest.mark.parametrize(
    "name",
    ["../settings.py", "a" * 64 + ".html", "a" * 64 + "/../../etc/passwd", "nothing.png"],
)
def test_only_our_picture_names_are_served(client, name):
    assert client.get(f"/figures/{name}").status_code == 404


def test_the_page_allows_pictures_from_the_portal_only(client, page_with_figures):
    response = client.get("/info/secondary-breast-cancer/")

    policy = response["Content-Security-Policy"]
    img_src = re.search(r"img-src ([^;]+)", policy).group(1).split()
    assert img_src == ["'self'", "data:"]


def test_the_storage_origin_joins_the_csp_when_pictures_come_from_an_object_store():
    from portal.settings import figures_origin

    assert figures_origin(bucket="", endpoint_url="", custom_domain="", region="") == ""
    assert (
        figures_origin(bucket="b", endpoint_url="", custom_domain="img.example.org", region="")
        == "https://img.example.org"
    )
    assert (
        figures_origin(
            bucket="b", endpoint_url="http://127.0.0.1:9000/", custom_domain="", region=""
        )
        == "http://127.0.0.1:9000"
    )


def test_publishing_refuses_a_marker_naming_no_figure(make_page, editor):
    page = make_page(sections=[("What is it?", "Spread.\n\n[figure: gone]")])

    with pytest.raises(PublishingRefused, match="no figure of that name"):
        publish_content(
            page=page, content=content_from_working_copy(page), review=imported_review()
        )


def test_what_readers_saw_before_a_picture_was_replaced_still_shows_the_old_picture(
    client, make_page, editor, make_user
):
    page = make_page()
    figure = add_figure(page, "where-it-spreads", by=editor)
    old_digest = figure.image_id
    march = timezone.make_aware(dt.datetime(2026, 3, 1, 9, 0))
    april = timezone.make_aware(dt.datetime(2026, 4, 1, 9, 0))
    first = publish_content(
        page=page, content=content_from_working_copy(page), review=imported_review(), at=march
    )
    figure.image = pictures.stored(9, width=1600, height=1200)
    save_with_version(figure, by=editor, comment="A clearer drawing")
    publish_content(
        page=page, content=content_from_working_copy(page), review=imported_review(), at=april
    )
    client.force_login(editor)

    now = client.get("/info/secondary-breast-cancer/").content.decode()
    then = client.get(reverse("reviews:publication", args=[page.pk, first.pk])).content.decode()

    assert old_digest not in now and figure.image_id in now
    assert f"/figures/{old_digest}/" in then
    old = client.get(f"/figures/{old_digest}/w640.png")
    old.close()
    assert old.status_code == 200
