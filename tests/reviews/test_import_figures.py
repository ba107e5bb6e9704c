"""Importing markdown that shows pictures kept next to it: each becomes a figure, placed
where the picture was, checked as an upload is, with ``file:line`` messages."""

import pytest

from infopages.models import Figure, Page, PublishedPage, StoredImage
from tests.figures import pictures
from tests.infopages.content import publish_demo_blocks
from tests.reviews.test_import_pages import (  # noqa: F401 (importer: the publisher, autouse)
    BONE_SCAN,
    import_paths,
    importer,
    run_failing,
    write,
)

ALT = "An outline of a body with the bones, lungs, liver and brain shaded."


def _page(picture_line: str) -> str:
    # The picture is on line 12.
    return BONE_SCAN.replace(
        "A test that makes pictures of your bones.",
        f"A test that makes pictures of your bones.\n{picture_line}\n\nMore text.",
    ).replace("related: [secondary-breast-cancer]\n", "")


def test_a_picture_next_to_the_file_becomes_a_placed_figure(client, db, tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "scan.png").write_bytes(pictures.png(900, 600))
    path = write(tmp_path, "bone-scan.md", _page(f'![{ALT}](images/scan.png "A bone scan")'))

    report = import_paths([path])

    assert report.errors == []
    figure = Figure.objects.get()
    assert (figure.name, figure.alt, figure.caption) == ("scan", ALT, "A bone scan")
    assert "[figure: scan]" in Page.objects.get().sections.get().body
    publication = PublishedPage.objects.get(is_current=True)
    assert [f["name"] for f in publication.figures] == ["scan"]
    html = client.get("/info/bone-scan/").content.decode()
    assert f'alt="{ALT}"' in html and "A bone scan" in html
    assert "[figure: scan]" not in html
    assert '<p>A test that makes pictures of your bones.</p><div class="figure-block"' in html


@pytest.mark.parametrize(
    ("line", "files", "message"),
    [
        (f"![{ALT}](images/missing.png)", {}, "cannot read the picture"),
        (f"![{ALT}](https://example.org/x.png)", {}, "is not a file next to the page"),
        (f"![{ALT}](../outside.png)", {}, "outside the page's folder"),
        ("![](images/scan.png)", {"images/scan.png": pictures.png()}, "Describe the picture"),
        (
            "![scan.png](images/scan.png)",
            {"images/scan.png": pictures.png()},
            "The alt text is the file",
        ),
        (
            f"![{ALT}](images/scan.png)",
            {"images/scan.png": pictures.polyglot()},
            "other data hidden after the picture",
        ),
        (
            f"![{ALT}](images/scan.svg)",
            {"images/scan.svg": pictures.svg_with_script()},
            "SVG files can carry scripts",
        ),
        (f"Text with ![{ALT}](images/scan.png) inside.", {}, "in the middle of a line"),
    ],
)
def test_a_bad_picture_rejects_the_file_at_its_line_and_stores_nothing(
    db, tmp_path, line, files, message
):
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    path = (
        write(tmp_path / "pages", "bone-scan.md", _page(line))
        if "../" in line
        else write(tmp_path, "bone-scan.md", _page(line))
    )
    if "../" in line:
        (tmp_path / "outside.png").write_bytes(pictures.png())

    failure, err = run_failing(str(path))

    assert f"{path}:12: " in err
    assert message in err
    assert not Page.objects.exists()
    assert not StoredImage.objects.exists()
    assert "1 file rejected" in failure


def test_front_matter_gives_a_picture_its_long_description_and_credit(
    client, db, tmp_path, request
):
    """The demo's secondary breast cancer page, as shipped: its diagram comes back (and the
    shared blocks it shows, published first, as ``loaddemo`` does)."""
    from django.conf import settings

    publish_demo_blocks(by=request.getfixturevalue("importer"))
    path = settings.BASE_DIR / "demo" / "pages" / "secondary-breast-cancer.md"

    report = import_paths([path])

    assert report.errors == []
    figure = Figure.objects.get()
    assert figure.alt.startswith("An outline of a body with four places marked")
    assert figure.caption.startswith("Breast cancer can spread to different parts of the body.")
    assert "**the liver**" in figure.long_description
    assert figure.credit == "Drawing: our information team"
    html = client.get("/info/secondary-breast-cancer/").content.decode()
    assert "<strong>the liver</strong>" in html and "Describe this image" in html


def test_a_figure_in_the_front_matter_must_be_shown_in_a_section(db, tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "scan.png").write_bytes(pictures.png())
    text = _page("").replace(
        "next_review: 2028-09-03\n",
        "next_review: 2028-09-03\nfigures:\n  - {file: images/scan.png, credit: Us}\n",
    )
    path = write(tmp_path, "bone-scan.md", text)

    failure, err = run_failing(str(path))

    assert f"{path}:9: figure 'images/scan.png' is not shown in any section" in err
