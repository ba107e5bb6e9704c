"""Figures: where a section's text places them, the rules for their alt text, and the HTML
readers get, written once at publication.

An editor places a figure by a line of its own in a section's text, ``[figure: name]``
(the name is the figure's, shown on its screen). The renderer leaves that line as a paragraph
of plain text; publishing swaps the paragraph for the figure. Nothing in the marker is HTML,
so a typo is shown as the words typed, never as markup, and saving refuses a name the page
has no figure of.
"""

import re
from pathlib import PurePosixPath

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from infopages import images

MARKER = re.compile(r"^[ \t]*\[figure:[ \t]*([A-Za-z0-9_-]+)[ \t]*\][ \t]*$", re.MULTILINE)
RENDERED_MARKER = re.compile(r"(?:<p>|\n)\[figure:\s*([A-Za-z0-9_-]+)\s*\](?:</p>|\n)")
# Alt text that says nothing the reader's software does not already say.
REDUNDANT_OPENINGS = (
    "image of",
    "picture of",
    "photo of",
    "graphic of",
    "an image of",
    "a picture of",
)
MAX_ALT = 300
# The width the layout gives a figure, for the browser to choose a file before it lays the page
# out: the text column (46rem less 1rem each side, the root being 112.5%) on wide screens, the
# screen less the margins on narrow ones. In ``sizes`` an em is the browser's default font size,
# so this follows a reader who sets a larger one, as the layout does.
SIZES = "(min-width: 51.75em) 49.5em, calc(100vw - 2.25em)"


def markers_in(body: str) -> list[str]:
    """The figure names a section's text places, in order."""
    return [name.lower() for name in MARKER.findall(body or "")]


def marker_for(name: str) -> str:
    return f"[figure: {name}]"


def alt_refusal(*, alt: str, decorative: bool, original_name: str = "") -> str:
    """Why the alt text cannot be used, or ""."""
    text = " ".join((alt or "").split())
    if decorative:
        return ""
    if not text:
        return (
            "Describe the picture for people who cannot see it (alt text), or tick “decorative” "
            "if it adds nothing the text does not say."
        )
    lowered = text.lower()
    if lowered.startswith(REDUNDANT_OPENINGS):
        return (
            "Start the alt text with what the picture shows, not “image of” or “picture of”: "
            "screen readers already say it is a picture."
        )
    stem = PurePosixPath(original_name.lower()).stem
    if lowered == original_name.lower() or (stem and lowered in (stem, stem.replace("_", " "))):
        return "The alt text is the file's name. Describe what the picture shows instead."
    if re.fullmatch(r"[\w-]+\.(png|jpe?g|webp|gif|svg)", lowered):
        return "The alt text looks like a file name. Describe what the picture shows instead."
    return ""


def with_renditions(figure: dict, image) -> dict:
    """The figure's entry with its picture's sizes and rendition URLs, for the read model and
    the API (``image``: its ``StoredImage``)."""
    renditions = [{**r, "url": images.url(r["name"])} for r in image.renditions]
    webp = [r for r in renditions if r["format"] == "webp"]
    fallback = [r for r in renditions if r["format"] != "webp"]
    largest = max(fallback, key=lambda r: r["width"]) if fallback else None
    middle = _closest(fallback, 640)
    return {
        **figure,
        "width": largest["width"] if largest else image.width,
        "height": largest["height"] if largest else image.height,
        "src": middle["url"] if middle else images.url(image.name),
        "srcset": _srcset(fallback),
        "webp_srcset": _srcset(webp),
        "og_image": (_closest(fallback, 1200) or {}).get("url", ""),
        "fallback_type": images.CONTENT_TYPES.get(largest["format"], "") if largest else "",
    }


def _closest(renditions: list[dict], width: int) -> dict | None:
    if not renditions:
        return None
    return min(renditions, key=lambda r: (abs(r["width"] - width), -r["width"]))


def _srcset(renditions: list[dict]) -> str:
    return ", ".join(
        f"{r['url']} {r['width']}w" for r in sorted(renditions, key=lambda r: r["width"])
    )


def figure_html(
    figure: dict, *, description_html: str = "", number: int = 0, ids: bool = True
) -> SafeString:
    """A figure as readers get it: ``<figure>``, its picture in every size, its caption and
    credit, and its long description as an expandable "Describe this image". ``ids``: give it
    its anchor (not in the workspace's previews, which may show one figure several times)."""
    return mark_safe(
        render_to_string(
            "infopages/_figure.html",
            {
                "figure": figure,
                "description_html": description_html,
                "sizes": SIZES,
                "number": number,
                "ids": ids,
            },
        ).strip()
    )


_PARAGRAPH_WITH_MARKER = re.compile(r"<p>((?:(?!</p>).)*?\[figure:(?:(?!</p>).)*?)</p>", re.S)
_MARKER_LINE = re.compile(r"^\s*\[figure:\s*([A-Za-z0-9_-]+)\s*\]\s*$")


def place(html: str, figures_html: dict[str, str]) -> str:
    """The section's HTML with each marker line replaced by its figure. A marker is a line of
    its own, in a paragraph of its own or inside one (typed under a sentence with no blank
    line): then the paragraph is split around it. A marker naming no figure is left as the
    words typed (publishing refuses it before this)."""

    def split(match: re.Match) -> str:
        pieces, words = [], []
        for line in match.group(1).split("\n"):
            marker = _MARKER_LINE.match(line)
            figure = figures_html.get(marker.group(1).lower()) if marker else None
            if figure is None:
                words.append(line)
                continue
            if words:
                pieces.append("<p>" + "\n".join(words) + "</p>")
                words = []
            pieces.append(figure)
        if words:
            pieces.append("<p>" + "\n".join(words) + "</p>")
        return "".join(pieces)

    return _PARAGRAPH_WITH_MARKER.sub(split, html)


def marker_refusals(page_id: int, body: str) -> list[str]:
    """Why the markers in a section's text cannot be saved: a name the page has no figure of,
    or one figure placed twice. Empty when every marker is fine (one query when there are any)."""
    names = markers_in(body)
    if not names:
        return []
    from django.apps import apps

    figure_model = apps.get_model("infopages", "Figure")
    known = set(
        figure_model.objects.filter(page_id=page_id, name__in=names).values_list("name", flat=True)
    )
    refusals = []
    for name in dict.fromkeys(names):
        if name not in known:
            listed = ", ".join(
                sorted(figure_model.objects.filter(page_id=page_id).values_list("name", flat=True))
            )
            refusals.append(
                f"{marker_for(name)} places a figure the page does not have. "
                + (f"Its figures are: {listed}." if listed else "Add the figure first.")
            )
        elif names.count(name) > 1:
            refusals.append(f"{marker_for(name)} is there twice: a figure is shown once.")
    return refusals


def preview_pictures(*digests: str | None) -> dict[str, dict]:
    """A mid-sized rendition of each stored picture (its URL, width and height), by digest,
    for the workspace's screens: one query."""
    from django.apps import apps

    wanted = [d for d in digests if d]
    if not wanted:
        return {}
    stored = apps.get_model("infopages", "StoredImage").objects.filter(digest__in=wanted)
    shown = {}
    for image in stored:
        fallback = [r for r in image.renditions if r["format"] != "webp"] or image.renditions
        best = min(fallback, key=lambda r: abs(r["width"] - 480))
        shown[image.digest] = {
            "url": images.url(best["name"]),
            "width": best["width"],
            "height": best["height"],
            "size": f"{image.width} × {image.height}",
            "original_name": image.original_name,
        }
    return shown


def absolute(url: str) -> str:
    """A picture's URL readers' software can follow from anywhere (the API, link previews)."""
    from django.conf import settings

    return url if url.startswith(("https://", "http://")) else f"{settings.SITE_URL}{url}"


def api_figures(figures: list[dict]) -> list[dict]:
    """A publication's figures for the API: where each is placed, its words and its files."""
    return [
        {
            "name": figure["name"],
            "section": figure.get("section", ""),
            "alt": "" if figure["decorative"] else figure["alt"],
            "decorative": figure["decorative"],
            "caption": figure["caption"],
            "credit": figure["credit"],
            "long_description_html": figure.get("description_html", ""),
            "width": figure["width"],
            "height": figure["height"],
            "url": absolute(figure["src"]),
            "renditions": [
                {"url": absolute(url), "width": int(width.rstrip("w")), "type": kind}
                for srcset, kind in (
                    (figure["webp_srcset"], "image/webp"),
                    (figure["srcset"], figure.get("fallback_type", "")),
                )
                for url, width in (entry.rsplit(" ", 1) for entry in srcset.split(", ") if entry)
            ],
        }
        for figure in figures
    ]


def shared_image(figures: list[dict]) -> dict | None:
    """The picture a link preview or a search engine shows of the page: the first figure
    that is not decorative, with its alt text (None when there is none)."""
    for figure in figures:
        if not figure["decorative"] and figure.get("og_image"):
            return {"url": absolute(figure["og_image"]), "alt": figure["alt"]}
    return None


def working_copy_figures_html(page_id: int | None) -> dict[str, str]:
    """Each figure of the page as it stands, as readers will see it, by name: for the
    workspace's previews of a section's text (one query)."""
    from django.apps import apps

    from infopages.markdown import render_markdown
    from infopages.parts import field_values, part_kind

    if page_id is None:
        return {}
    kind = part_kind("figures")
    figure_model = apps.get_model("infopages", "Figure")
    shown = {}
    for number, figure in enumerate(
        figure_model.objects.filter(page_id=page_id)
        .select_related("image")
        .order_by("position", "id"),
        start=1,
    ):
        entry = with_renditions(kind.snapshot(field_values(figure), None), figure.image)
        description = figure.long_description
        shown[figure.name] = figure_html(
            entry,
            description_html=render_markdown(description, id_prefix=f"figure-{figure.name}-")
            if description.strip()
            else "",
            number=number,
            ids=False,
        )
    return shown
