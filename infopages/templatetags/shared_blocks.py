"""``blocks_in_place``: for reviewers and editors, a rendered text with each shared block's
marker shown as the block's published text, labelled as reviewed on its own."""

import re

from django import template
from django.utils.safestring import SafeString, mark_safe

from infopages.shared_blocks import IN_PLACE_LABEL as LABEL
from infopages.shared_blocks import in_place_for_editors

register = template.Library()

_SPLICED = re.compile(
    r'(<div class="shared-block shared-block--[a-z_]+" data-block="([a-z0-9-]+)" '
    r'data-version="\d+">)'
)


@register.filter
def blocks_in_place(rendered) -> SafeString:
    """``rendered`` is sanitised HTML from the one renderer (or a snapshot's stored HTML)."""
    if not rendered:
        return rendered
    text = str(rendered)
    # In a published snapshot's HTML the block is already in place: say so, inside it (first:
    # the blocks put in place of markers below carry their label already).
    text = _SPLICED.sub(
        lambda m: f'{m.group(1)}<p class="shared-block-label">{LABEL} (“{m.group(2)}”)</p>', text
    )
    text = in_place_for_editors(text)
    return mark_safe(text)  # noqa: S308  (sanitised input; labels escaped; blocks escaped)
