"""Converters the tests put in the renderer process (settings.MARKDOWN_RENDER_CONVERTER)."""

import time

from infopages.markdown import convert


def exploding(text: str, *, id_prefix: str = "") -> str:
    raise RecursionError("maximum recursion depth exceeded")


def endless_on_marker(text: str, *, id_prefix: str = "") -> str:
    """Renders normally, except a text holding SLOW, which never finishes."""
    while "SLOW" in text:
        time.sleep(0.05)
    return convert(text, id_prefix=id_prefix)


def greedy(text: str, *, id_prefix: str = "") -> str:
    """Asks for more memory than a renderer may have."""
    return str(len(bytearray(2 * 1024 * 1024 * 1024)))
