"""The line placing a figure in a section's text: found in the markdown, swapped for the
figure in the rendered HTML wherever the editor put it (a paragraph of its own, or right
under a sentence), and nothing else touched. Property-based: bodies built from lines."""

from hypothesis import given, settings
from hypothesis import strategies as st

from infopages.figures import markers_in, place
from infopages.markdown import render_markdown

KNOWN = ["where-it-spreads", "scan"]
sentences = st.sampled_from(
    ["It can spread.", "Tell your nurse.", "- the bones", "## Tests", "Some *words* here.", ""]
)
markers = st.sampled_from([f"[figure: {name}]" for name in [*KNOWN, "unknown-one"]])
lines = st.lists(st.one_of(sentences, markers), min_size=1, max_size=12)


def _figures() -> dict[str, str]:
    return {name: f'<div data-figure="{name}"></div>' for name in KNOWN}


@given(lines)
def test_markers_are_found_in_order_on_lines_of_their_own(body_lines):
    body = "\n".join(body_lines)

    expected = [line[len("[figure: ") : -1] for line in body_lines if line.startswith("[figure:")]

    assert markers_in(body) == expected


@settings(max_examples=60, deadline=None)
@given(lines)
def test_each_marker_outside_a_list_becomes_its_figure_and_the_words_stay(body_lines):
    body = "\n\n".join(body_lines)  # every line a block of its own
    html = render_markdown(body)

    placed = place(html, _figures())

    for name in KNOWN:
        assert f"[figure: {name}]" not in placed
        assert placed.count(f'data-figure="{name}"') == body_lines.count(f"[figure: {name}]")
    assert placed.count("[figure: unknown-one]") == body_lines.count("[figure: unknown-one]")
    for words in ("It can spread.", "Tell your nurse."):
        assert placed.count(words) == body_lines.count(words)


def test_a_marker_right_under_a_sentence_splits_its_paragraph():
    html = render_markdown("It can spread.\n[figure: scan]\nTo the bones.")

    assert place(html, _figures()) == (
        '<p>It can spread.</p><div data-figure="scan"></div><p>To the bones.</p>'
    )


def test_a_marker_inside_a_list_item_or_code_is_left_as_typed():
    html = render_markdown("- [figure: scan]\n\n```\n[figure: scan]\n```")

    assert 'data-figure="scan"' not in place(html, _figures())
