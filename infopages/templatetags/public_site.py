"""Presentation helpers for the public templates."""

import datetime
import json
import re

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# As in Django's json_script: nothing in the data can close the <script> element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
_CLOSED_DETAILS = re.compile(r"<details(?![^>]*\bopen\b)([^>]*)>")


@register.simple_tag
def json_ld(data: dict) -> SafeString:
    """Structured data for search engines. A data block is never executed, so CSP allows it."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(  # noqa: S308 (escaped so it cannot end the element)
        f'<script type="application/ld+json">{text.translate(_JSON_SCRIPT_ESCAPES)}</script>'
    )


@register.filter
def open_details(html: str) -> SafeString:
    """Open every expandable item of already-sanitised section HTML (for the printable view),
    and load its figures' pictures at once: a lazy picture may not be there when printing."""
    opened = _CLOSED_DETAILS.sub(r"<details open\1>", str(html))
    return mark_safe(opened.replace(' loading="lazy"', ""))  # noqa: S308


@register.filter
def iso_to_date(value: str | None):
    """A date stored as ISO text in a snapshot's JSON, as a date the `date` filter can format."""
    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None
