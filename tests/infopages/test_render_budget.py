"""Every render is bounded by the clock (issue 18): it runs in a renderer process that is
killed past ``MARKDOWN_RENDER_SECONDS``, whatever the text, so no text holds a web worker.

The budget here is 1 s, so each test that reaches it costs about that; a guard of the budget
plus two seconds (a renderer restarting on a busy machine) catches a render that was not
stopped, and an alarm at 30 s fails a test rather than let it hang.
"""

import html
import json
import signal
import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bench import fuzz_markdown
from infopages import markdown as renderer
from infopages import render_pool
from infopages.markdown import body_refusals, markdown_problems, render_markdown
from tests.infopages.found_bodies import FOUND_BODIES
from tests.infopages.renderers import (  # noqa: F401 (fixtures)
    BUDGET,
    fail_rather_than_hang,
)

GUARD = BUDGET + 2.0  # and a renderer's start, after a stop, on a busy machine
ENDLESS = "tests.infopages.renderers.endless_on_marker"


pytestmark = pytest.mark.usefixtures("render_budget")  # 1 second, nothing remembered


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    elapsed = time.perf_counter() - start
    assert elapsed < GUARD, f"{elapsed:.2f} s"
    return result


@pytest.mark.parametrize("name", FOUND_BODIES)
def test_a_found_body_passes_the_pre_check_so_only_the_clock_stops_it(name):
    assert markdown_problems(FOUND_BODIES[name]) == []


@pytest.mark.parametrize("name", FOUND_BODIES)
def test_a_found_body_is_refused_within_the_budget_with_a_message(name):
    refusals = timed(body_refusals, FOUND_BODIES[name])

    assert refusals == [
        "This text took too long to turn into a page (more than 1 second). Simplify how "
        "its lists and details blocks (///) are nested or interleaved, put a blank line "
        "between a list and what follows it, or split the section."
    ]


@pytest.mark.parametrize("name", FOUND_BODIES)
def test_a_found_body_already_stored_is_shown_as_escaped_plain_text(name):
    body = FOUND_BODIES[name]

    assert timed(render_markdown, body) == renderer.plain_paragraphs(body)


def test_a_render_past_its_budget_is_stopped_and_the_next_text_renders(render_budget):
    render_budget.MARKDOWN_RENDER_CONVERTER = ENDLESS

    assert timed(render_markdown, "A SLOW <b>text</b>") == "<p>A SLOW &lt;b&gt;text&lt;/b&gt;</p>"
    assert timed(render_markdown, "## Next\n\n- fine", id_prefix="n-") == (
        '<h2 id="n-next">Next</h2>\n<ul>\n<li>fine</li>\n</ul>'
    )


def test_a_text_stopped_once_is_shown_at_once_the_next_time(render_budget):
    render_budget.MARKDOWN_RENDER_CONVERTER = ENDLESS
    render_markdown("SLOW")

    start = time.perf_counter()
    assert render_markdown("SLOW") == "<p>SLOW</p>"
    assert time.perf_counter() - start < 0.1


def test_a_renderer_over_its_memory_limit_shows_the_words(render_budget):
    render_markdown("Warm up: a renderer is ready.")
    render_budget.MARKDOWN_RENDER_CONVERTER = "tests.infopages.renderers.greedy"
    start = time.perf_counter()

    assert render_markdown("Two <i>GiB</i>") == "<p>Two &lt;i&gt;GiB&lt;/i&gt;</p>"
    assert time.perf_counter() - start < BUDGET  # refused memory, not stopped by the clock


def test_a_renderer_nobody_stops_ends_itself_after_its_budget():
    """Were the web worker killed mid-render, its renderer must not spin for ever."""
    worker = subprocess.Popen(
        [sys.executable, "-m", "infopages.render_worker", str(render_pool.MEMORY_LIMIT_BYTES)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=render_pool.PROJECT_ROOT,
    )
    try:
        assert worker.stdout.readline() == b"ready\n"
        request = {"text": "SLOW", "id_prefix": "", "converter": ENDLESS, "budget": 0.5}
        worker.stdin.write(json.dumps(request).encode() + b"\n")
        worker.stdin.flush()  # and nobody reads the answer or kills it

        assert worker.wait(timeout=5) == -signal.SIGALRM
    finally:
        worker.kill()
        worker.wait()
        worker.stdin.close()
        worker.stdout.close()


def test_the_change_of_budget_takes_effect_without_a_restart(render_budget):
    render_markdown("Warm up: a renderer is ready.")
    render_budget.MARKDOWN_RENDER_CONVERTER = ENDLESS
    render_budget.MARKDOWN_RENDER_SECONDS = 0.2

    start = time.perf_counter()
    render_markdown("SLOW")
    assert time.perf_counter() - start < BUDGET  # the fixture's 1 s no longer applies


PROPERTY = hypothesis_settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@PROPERTY
@given(st.randoms(use_true_random=False))
def test_any_body_of_markdown_atoms_is_refused_or_rendered_within_the_budget(rng):
    text = fuzz_markdown.atom_body(rng)

    refusals = timed(body_refusals, text)
    shown = timed(render_markdown, text)

    assert isinstance(shown, str)
    if refusals:
        assert shown == renderer.plain_paragraphs(text)


def test_the_fuzzer_runs_its_seeded_cases_each_refused_or_rendered_within_the_budget():
    start = time.perf_counter()
    report = fuzz_markdown.run(cases=1_500, seed=18)

    assert report.cases == 1_500
    assert report.refused + report.rendered + len(report.stopped) == 1_500
    assert report.rendered > 500  # it reaches the renderer, not only the pre-check
    assert report.slowest_seconds < GUARD
    assert time.perf_counter() - start < 30


def test_escaped_text_is_all_that_a_stopped_render_shows(render_budget):
    render_budget.MARKDOWN_RENDER_CONVERTER = ENDLESS
    body = 'SLOW <script>alert(1)</script> <a href="javascript:x">y</a>'

    shown = timed(render_markdown, body)

    assert shown == f"<p>{html.escape(body)}</p>"
