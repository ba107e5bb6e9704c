"""Converters the tests put in the renderer process (settings.MARKDOWN_RENDER_CONVERTER)."""

import html
import signal
import time

import pytest

from infopages.markdown import convert

BUDGET = 1.0  # seconds: the tests' render budget (the render_budget fixture)


def exploding(text: str, *, id_prefix: str = "") -> str:
    raise RecursionError("maximum recursion depth exceeded")


def endless_on_marker(text: str, *, id_prefix: str = "") -> str:
    """Renders normally, except a text holding SLOW, which never finishes."""
    while "SLOW" in text:
        time.sleep(0.05)
    return convert(text, id_prefix=id_prefix)


def greedy(text: str, *, id_prefix: str = "") -> str:
    """Asks for more memory than a renderer may have (zeroed lazily: fast where allowed)."""
    return str(len(bytes(2 * 1024 * 1024 * 1024)))


@pytest.fixture(autouse=True)
def fail_rather_than_hang():
    """Without the bound these tests would never end: fail them instead."""

    def stuck(signum, frame):
        raise AssertionError("a render was not stopped within 30 s")

    previous = signal.signal(signal.SIGALRM, stuck)
    signal.alarm(30)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def endless(text: str, *, id_prefix: str = "") -> str:
    """Never finishes, whatever the text."""
    while True:
        time.sleep(0.05)


def words_only(text: str, *, id_prefix: str = "") -> str:
    """A quick stand-in, to publish text that the real renderer cannot finish (old data)."""
    return f"<p>{html.escape(text)}</p>"
