"""The one markdown renderer: publication, previews and the editor's live preview all use it.

Markdown is converted first, then the HTML goes through an allow-list sanitiser (nh3), so
whatever an author (or an imported file) writes, only the tags and attributes below survive.
"""

import html
import re

import markdown
import nh3
from django.utils.text import slugify

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "del",
    "details",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "details": {"open"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align", "scope"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}

_WHITESPACE = re.compile(r"\s+")
_EXTERNAL_LINK = re.compile(r'<a href="(https?://[^"]*)"')


def make_anchor(text: str) -> str:
    """A stable, readable anchor for a heading ("What is it?" -> "what-is-it")."""
    return slugify(text)[:80].strip("-") or "section"


def _converter(id_prefix: str) -> markdown.Markdown:
    return markdown.Markdown(
        extensions=["tables", "sane_lists", "toc", "pymdownx.blocks.details"],
        extension_configs={
            "tables": {"use_align_attribute": True},
            "toc": {"slugify": lambda value, _sep: id_prefix + make_anchor(value)},
        },
        output_format="html",
    )


def render_markdown(text: str, *, id_prefix: str = "") -> str:
    """Render author markdown to sanitised HTML.

    ``id_prefix`` keeps heading anchors unique when several sections share a page.
    """
    raw_html = _converter(id_prefix).convert(text or "")
    clean = nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    # Links to other sites open normally but never get a handle on our window or our URL.
    return _EXTERNAL_LINK.sub(r'<a href="\1" rel="noopener noreferrer external"', clean)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment, for search and the API."""
    spaced = re.sub(r"<(/?)(p|li|h\d|tr|td|th|summary|details|br|dd|dt)\b", r" <\1\2", fragment)
    text = nh3.clean(spaced, tags=set())
    return _WHITESPACE.sub(" ", html.unescape(text)).strip()
