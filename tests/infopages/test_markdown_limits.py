"""The renderer's cost is bounded: hostile bodies are refused with a message and never crash.

Times are measured inside the tests against a generous guard: it catches a runaway render
(seconds to minutes before these limits), it is not a benchmark. bench/renderer_worst_case.py
gives the real numbers.
"""

import time
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infopages import markdown as renderer
from infopages.markdown import (
    MAX_NESTING_DEPTH,
    MAX_SECTION_CHARACTERS,
    markdown_problems,
    render_markdown,
    validate_markdown,
)
from tests.infopages.markdown_cases import ADVERSARIAL, ALPHABET

RENDER_GUARD_SECONDS = 2.0

PROPERTY = settings(  # the same few seconds of examples on every run, saved nowhere
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def timed_render(text: str, **kwargs) -> str:
    start = time.perf_counter()
    html = render_markdown(text, **kwargs)
    elapsed = time.perf_counter() - start
    assert isinstance(html, str)
    assert elapsed < RENDER_GUARD_SECONDS, f"{elapsed:.2f} s for {len(text):,} characters"
    return html


# The findings of issue 9 ---------------------------------------------------------------------


def test_sixteen_kilobytes_of_brackets_are_refused_and_render_quickly():
    text = "[" * 16_000

    assert markdown_problems(text) == [
        "There are 16,000 '[' without a matching ']' in the paragraph starting on line 1. "
        "Write \\[ for a bracket that is not part of a link.",
        "This section has 16,000 pieces of markup (line breaks, list and quote markers, "
        "table bars and * _ ` [ < & \\ signs); the most is 10,000. Split it into two sections.",
    ]
    assert timed_render(text) == f"<p>{text}</p>"  # shown as written, as plain text


def test_three_hundred_nested_list_levels_are_refused_and_do_not_crash():
    text = "".join("\t" * level + "- item\n" for level in range(300))  # a tab is 4 spaces

    assert markdown_problems(text) == [
        f"Lists are nested {MAX_NESTING_DEPTH + 1} levels deep here "
        f"(line {MAX_NESTING_DEPTH + 1}); the most is {MAX_NESTING_DEPTH}."
    ]
    html = timed_render(text)
    assert html.startswith("<p>- item<br>")


def test_two_hundred_thousand_entities_are_refused_for_size_and_still_render():
    text = "&amp;" * 200_000

    assert markdown_problems(text) == [
        "This section is 1,000,000 characters long; the most a section can hold is 60,000. "
        "Split it into two sections."
    ]
    with pytest.raises(ValidationError) as refusal:
        validate_markdown(text)
    assert refusal.value.messages == markdown_problems(text)
    html = timed_render(text)
    assert html.startswith("<p>&amp;amp;&amp;amp;") and len(html) == 9 * 200_000 + 7


@pytest.mark.parametrize("name", ADVERSARIAL)
def test_hostile_body_at_the_size_limit_renders_in_bounded_time(name):
    text = ADVERSARIAL[name](MAX_SECTION_CHARACTERS)[:MAX_SECTION_CHARACTERS]

    html = timed_render(text, id_prefix="s-")

    if markdown_problems(text):
        assert html == renderer.plain_paragraphs(text)


# Ordinary content is unaffected ----------------------------------------------------------------

ORDINARY = """\
Most people have **some** tiredness. Read [our booklet](https://example.org/booklet) or the \
[NHS page](/info/bone-scan/ "NHS").

### What helps

- Rest when you need to
- Short walks, *little and often*
    1. first
    2. second

> Ask your nurse about `fatigue clinics` & support.

| Test | When |
|:-----|-----:|
| Blood test | Every 3 weeks |

/// details | Side effects
Feeling sick, <abbr title="also">aka</abbr> nausea.
///

---
Pain &amp; tiredness <script>x</script> H<sub>2</sub>O"""

# What the renderer gave before it had limits, byte for byte.
ORDINARY_HTML = """\
<p>Most people have <strong>some</strong> tiredness. Read <a href="https://example.org/booklet" \
rel="noopener noreferrer external">our booklet</a> or the <a href="/info/bone-scan/" \
title="NHS">NHS page</a>.</p>
<h3 id="s-what-helps">What helps</h3>
<ul>
<li>Rest when you need to</li>
<li>Short walks, <em>little and often</em><ol>
<li>first</li>
<li>second</li>
</ol>
</li>
</ul>
<blockquote>
<p>Ask your nurse about <code>fatigue clinics</code> &amp; support.</p>
</blockquote>
<table>
<thead>
<tr>
<th align="left">Test</th>
<th align="right">When</th>
</tr>
</thead>
<tbody>
<tr>
<td align="left">Blood test</td>
<td align="right">Every 3 weeks</td>
</tr>
</tbody>
</table>
<details>
<summary>Side effects</summary>
<p>Feeling sick, <abbr title="also">aka</abbr> nausea.</p>
</details>
<hr>
<p>Pain &amp; tiredness  H<sub>2</sub>O</p>"""


def test_ordinary_content_renders_exactly_as_before():
    assert markdown_problems(ORDINARY) == []
    assert render_markdown(ORDINARY, id_prefix="s-") == ORDINARY_HTML


def test_every_demo_section_is_within_the_limits():
    from infopages.importing.parsing import parse_page

    pages = sorted((Path(__file__).parents[2] / "demo" / "pages").rglob("*.md"))
    assert pages
    for path in pages:
        for section in parse_page(path).sections:
            assert markdown_problems(section["body"]) == [], (path.name, section["heading"])


def test_nesting_up_to_the_limit_is_fine():
    lists = "".join("    " * level + "- item\n" for level in range(MAX_NESTING_DEPTH))
    quotes = "".join(">" * (level + 1) + " quoted\n" for level in range(MAX_NESTING_DEPTH))

    assert markdown_problems(lists) == [] and markdown_problems(quotes) == []
    assert timed_render(lists).count("<ul>") == MAX_NESTING_DEPTH


def test_mixed_nesting_names_what_is_nested():
    text = "/// details | More\n" + "".join("> " * n + "- a\n" for n in range(1, 10)) + "///"

    assert markdown_problems(text) == [
        "Lists, quotes and details blocks are nested 9 levels deep here (line 8); the most is 8."
    ]


def test_a_section_with_too_much_markup_is_refused_even_in_small_pieces():
    text = "1. item\n\n" * 6_000  # 6,000 one-item lists: cheap each, slow together

    assert markdown_problems(text) == [
        "This section has 18,000 pieces of markup (line breaks, list and quote markers, "
        "table bars and * _ ` [ < & \\ signs); the most is 10,000. Split it into two sections."
    ]


def test_line_numbers_can_count_from_where_the_text_starts_in_a_file():
    text = "Fine.\n\n" + "[" * 2_000

    assert "starting on line 42" in markdown_problems(text, first_line=40)[0]


def test_a_renderer_crash_shows_the_words_instead(settings):
    settings.MARKDOWN_RENDER_CONVERTER = "tests.infopages.renderers.exploding"

    assert render_markdown("Some <b>words</b>\n\nand more") == (
        "<p>Some &lt;b&gt;words&lt;/b&gt;</p>\n<p>and more</p>"
    )


# Properties ------------------------------------------------------------------------------------

markdown_text = st.text(alphabet=ALPHABET, max_size=3_000)
runs = st.lists(
    st.tuples(st.text(alphabet=ALPHABET, min_size=1, max_size=6), st.integers(1, 6_000)),
    min_size=1,
    max_size=6,
).map(lambda parts: "".join(unit * count for unit, count in parts))
CONTAINERS = {
    "list": lambda level: "    " * level + "- a\n",
    "ordered list": lambda level: "    " * level + "1. a\n",
    "quote": lambda level: ">" * (level + 1) + " a\n",
    "quoted list": lambda level: "> " * (level + 1) + "- a\n",
    "details": lambda level: "/" * (300 - level) + " details | x\n",
}
nesting = st.builds(
    lambda kind, depth, filler: "".join(CONTAINERS[kind](level) for level in range(depth)) + filler,
    st.sampled_from(sorted(CONTAINERS)),
    st.integers(1, 300),
    markdown_text,
)


@PROPERTY
@given(st.one_of(markdown_text, runs, nesting, st.lists(runs, max_size=4).map("\n\n".join)))
def test_any_text_renders_in_bounded_time_without_raising(text):
    timed_render(text, id_prefix="p-")


def fresh_render(text: str, **kwargs) -> str:
    """What a new converter makes of ``text`` (the renderer process keeps one)."""
    renderer._per_thread.converter = None
    return renderer.convert(text, **kwargs)


# A text that leaves state behind if anything does: headings (toc ids), tables, expanders.
STATEFUL = (
    "## Side effects\n\n/// details | Side effects\n- a\n///\n\n| a | b |\n|---|---|\n| 1 | 2 |"
)


@PROPERTY
@given(st.one_of(markdown_text, nesting), st.one_of(markdown_text, st.just(STATEFUL)))
def test_a_text_renders_the_same_whatever_was_rendered_before(before, text):
    expected = fresh_render(text, id_prefix="b-")
    render_markdown(before, id_prefix="a-")
    render_markdown(STATEFUL, id_prefix="a-")
    assert render_markdown(text, id_prefix="b-") == expected


def test_headings_take_the_prefix_of_their_own_section_each_time():
    first = render_markdown("## Side effects", id_prefix="treatment-")
    second = render_markdown("## Side effects", id_prefix="surgery-")
    assert 'id="treatment-side-effects"' in first
    assert 'id="surgery-side-effects"' in second and "treatment-" not in second


def test_a_link_defined_in_one_section_does_not_reach_the_next():
    render_markdown("[nhs]: https://www.nhs.uk/\n\nSee [the NHS][nhs].")
    assert "nhs.uk" not in render_markdown("See [the NHS][nhs].")


def test_after_a_renderer_crash_the_next_text_renders_normally(monkeypatch):
    expected = fresh_render(STATEFUL, id_prefix="x-")
    converter = renderer._converter("x-")
    monkeypatch.setattr(converter, "convert", lambda text: (_ for _ in ()).throw(RecursionError()))
    with pytest.raises(RecursionError):  # in the renderer process; it answers with the error
        renderer.convert("Some words")
    assert renderer.convert("Some words") == "<p>Some words</p>"
    assert renderer.convert(STATEFUL, id_prefix="x-") == expected


over_the_limit = st.builds(
    lambda unit, extra: unit * (MAX_SECTION_CHARACTERS // len(unit) + 1) + extra,
    st.text(alphabet=ALPHABET, min_size=1, max_size=20),
    st.text(alphabet=ALPHABET, max_size=20_000),
)


@PROPERTY
@given(over_the_limit)
def test_text_over_the_size_limit_is_refused_and_still_renders(text):
    assert "the most a section can hold is 60,000" in markdown_problems(text)[0]
    assert timed_render(text) == renderer.plain_paragraphs(text)


@PROPERTY
@given(st.sampled_from(["list", "quote"]), st.integers(1, 40))
def test_nesting_is_refused_exactly_past_the_limit(kind, depth):
    text = "".join(CONTAINERS[kind](level) for level in range(depth))

    assert bool(markdown_problems(text)) == (depth > MAX_NESTING_DEPTH)
    timed_render(text)


def test_many_problems_are_reported_as_the_first_few_in_line_order():
    paragraph = "[" * 700
    text = "\n\n".join([paragraph] * 8)

    problems = markdown_problems(text)

    assert [p[:60] for p in problems[:2]] == [
        "There are 700 '[' without a matching ']' in the paragraph st",
        "There are 700 '[' without a matching ']' in the paragraph st",
    ]
    assert "starting on line 1." in problems[0] and "starting on line 3." in problems[1]
    assert problems[5:] == ["And 3 more problems like these further down."]


@pytest.mark.parametrize(
    "body", ["[" * 16_000, "&amp;" * 200_000, "".join("\t" * n + "- a\n" for n in range(300))]
)
def test_the_live_preview_of_a_hostile_body_answers_in_bounded_time(admin_client, body):
    start = time.perf_counter()
    response = admin_client.post("/markdownx/markdownify/", {"content": body})

    assert response.status_code == 200
    assert time.perf_counter() - start < RENDER_GUARD_SECONDS
    assert response.content.decode() == renderer.plain_paragraphs(body)
