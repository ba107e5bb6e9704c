"""The block splitter and the block diff: rendered text split into what a reader reads, and
two renderings compared as a reviewer reads them. Examples, then properties (hypothesis)
over markdown built from the pieces authors use: paragraphs, lists, expandable items,
tables, headings, links and emphasis."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infopages.markdown import ALLOWED_TAGS, html_to_text, render_markdown
from reviews.core.diffs.blocks import BLOCK_KINDS, CONTAINER_TAGS, INLINE_TAGS, split_blocks
from reviews.core.diffs.compare import Gap, compare, preview_marks, with_context
from reviews.core.diffs.words import diff_html, diff_runs

DIAGNOSIS = """If your doctor thinks the cancer may have spread, you will have some tests.

/// details | Blood tests
Blood tests check your general health.
///

/// details | Bone scan
A bone scan can show areas of bone that look unusual.
Read more on our [bone scan page](/info/bone-scan/).
///

/// details | CT scan
A CT scan uses X-rays to make detailed pictures.
///

Waiting for test results can be very hard."""

RECEPTORS = """| Type of cancer | What it means |
| --- | --- |
| HER2 positive | The cells have lots of HER2 |
| Triple negative | None of the three receptors |"""


def rendered(markdown: str):
    return split_blocks(render_markdown(markdown, id_prefix="t-"))


# The splitter


def test_every_tag_the_renderer_allows_is_known_to_the_splitter():
    known = set(BLOCK_KINDS) | CONTAINER_TAGS | INLINE_TAGS
    assert set(ALLOWED_TAGS) <= known
    assert not (set(BLOCK_KINDS) & CONTAINER_TAGS) and not (set(BLOCK_KINDS) & INLINE_TAGS)


def test_expandable_items_split_into_their_title_and_body_and_know_where_they_are():
    blocks = rendered(DIAGNOSIS).blocks

    assert [(b.kind, b.text[:20], [e.title for e in b.expanders]) for b in blocks] == [
        ("paragraph", "If your doctor think", []),
        ("title", "Blood tests", []),
        ("paragraph", "Blood tests check yo", ["Blood tests"]),
        ("title", "Bone scan", []),
        ("paragraph", "A bone scan can show", ["Bone scan"]),
        ("title", "CT scan", []),
        ("paragraph", "A CT scan uses X-ray", ["CT scan"]),
        ("paragraph", "Waiting for test res", []),
    ]
    bone_scan = blocks[4]
    assert bone_scan.links == ("/info/bone-scan/",)
    assert "bone scan page." in bone_scan.text and "<a " not in bone_scan.text
    assert '<a href="/info/bone-scan/">bone scan page</a>' in bone_scan.html
    assert [e.index for e in bone_scan.expanders] == [1]


def test_table_cells_know_their_row_and_column():
    cells = [b for b in rendered(RECEPTORS).blocks if b.kind == "table cell"]

    assert [(c.text, c.row, c.column) for c in cells] == [
        ("HER2 positive", "", "Type of cancer"),
        ("The cells have lots of HER2", "HER2 positive", "What it means"),
        ("Triple negative", "", "Type of cancer"),
        ("None of the three receptors", "Triple negative", "What it means"),
    ]


def test_list_items_nested_or_made_of_paragraphs_read_as_list_items():
    blocks = rendered("- one\n- two\n    - nested\n\n1. a\n\n    more of a\n\n> quoted").blocks

    assert [(b.kind, b.text, b.quoted) for b in blocks] == [
        ("list item", "one", False),
        ("list item", "two", False),
        ("list item", "nested", False),
        ("list item", "a", False),
        ("list item", "more of a", False),
        ("paragraph", "quoted", True),
    ]


def test_text_outside_any_block_is_a_paragraph_of_its_own():
    rendering = split_blocks("Loose <b>text</b><details><summary>T</summary>Body</details>")

    assert [(b.kind, b.text) for b in rendering.blocks] == [
        ("paragraph", "Loose text"),
        ("title", "T"),
        ("paragraph", "Body"),
    ]
    assert rendering.tops == ()  # no windowed preview of such HTML: it is shown whole


def test_marking_opens_expandable_items_and_marks_blocks_whatever_their_attributes_say():
    html = render_markdown(
        'Intro [x](https://example.org "<details")\n\n/// details | One\nBody\n///',
        id_prefix="t-",
    )
    rendering = split_blocks(html)
    body = rendering.blocks[-1]

    marked = rendering.marked(opened={0}, changed={body.start})

    assert marked.count("<details open>") == 1
    assert '<p class="changed">Body</p>' in marked
    assert 'title="&lt;details"' in marked  # untouched
    assert split_blocks(marked).blocks == tuple(  # the same text, only marked
        type(b)(**{**b.__dict__, "start": s.start})
        for b, s in zip(rendering.blocks, split_blocks(marked).blocks, strict=True)
    )


def test_a_window_shows_only_the_chosen_top_level_elements():
    rendering = rendered(DIAGNOSIS)

    pieces = rendering.window({2}, opened={1})

    assert [p if isinstance(p, str) else [t.kind for t in p] for p in pieces] == [
        ["paragraph", "expandable item"],
        "<details open>\n<summary>Bone scan</summary>\n<p>A bone scan can show areas of bone "
        'that look unusual.\nRead more on our <a href="/info/bone-scan/">bone scan page</a>.'
        "</p>\n</details>",
        ["expandable item", "paragraph"],
    ]


# The block diff


def one_sentence_changed():
    old = rendered(DIAGNOSIS)
    new = rendered(DIAGNOSIS.replace("look unusual.", "look unusual. It is safe."))
    return old, new, compare(old, new)


def test_a_change_in_an_expandable_item_is_one_changed_block_with_one_either_side():
    _old, _new, rows = one_sentence_changed()

    shown = with_context(rows)

    assert [r.status for r in shown] == ["gap", "same", "changed", "same", "gap"]
    assert (shown[0].count, shown[-1].count) == (3, 2)
    changed = shown[2]
    assert changed.where == "In “Bone scan” (an expandable item)"
    assert changed.label == "Paragraph"
    assert '<ins><span class="visually-hidden">[Added: </span>It is safe.<span' in changed.html
    assert (shown[1].short_label, shown[1].block.text) == ("Expandable item", "Bone scan")


def test_the_preview_opens_and_marks_the_change_and_shows_one_element_either_side():
    _old, new, rows = one_sentence_changed()

    marks = preview_marks(rows, new)

    assert marks.opened == {1}
    assert marks.changed == {new.blocks[4].start}
    assert marks.tops == {1, 2, 3}


def test_an_added_and_a_removed_block_and_an_edited_one_are_told_apart():
    old = rendered("First one.\n\nSecond paragraph here.\n\nThird, going away.")
    new = rendered("First one.\n\nSecond paragraph here, edited.\n\nA new fourth one.")

    rows = compare(old, new)

    assert [(r.status, r.block.text) for r in rows] == [
        ("same", "First one."),
        ("changed", "Second paragraph here, edited."),
        ("removed", "Third, going away."),
        ("added", "A new fourth one."),
    ]
    assert rows[2].html.startswith("<del>") and rows[3].html.startswith("<ins>")


def test_a_changed_link_or_formatting_is_shown_though_the_words_are_the_same():
    old = rendered("Read [our page](/info/a/) **now**.")
    new = rendered("Read [our page](https://elsewhere.example/) now.")

    (row,) = compare(old, new)

    assert row.status == "changed" and row.formatting_only
    assert row.links_html == (
        '<del><span class="visually-hidden">[Removed: </span>/info/a/'
        '<span class="visually-hidden">]</span></del>\n'
        '<ins><span class="visually-hidden">[Added: </span>https://elsewhere.example/'
        '<span class="visually-hidden">]</span></ins>'
    )


def test_a_changed_title_of_an_expandable_item_opens_it_in_the_preview():
    old = rendered(DIAGNOSIS)
    new = rendered(DIAGNOSIS.replace("| CT scan", "| CT (computed tomography) scan"))

    rows = compare(old, new)

    (changed,) = [r for r in rows if r.is_change]
    assert (changed.label, changed.where) == ("Title of an expandable item", "")
    assert preview_marks(rows, new).opened == {2}


# Properties, over markdown made of what authors write

WORDS = st.sampled_from(
    ["scan", "bone", "pain", "cancer", "treatment", "nurse", "tests", "may", "the", "safe"]
)
SENTENCE = st.lists(WORDS, min_size=1, max_size=8).map(lambda w: " ".join(w).capitalize() + ".")
INLINE = st.one_of(
    SENTENCE,
    SENTENCE.map(lambda s: f"**{s}**"),
    st.tuples(SENTENCE, WORDS).map(lambda p: f"{p[0]} [{p[1]}](/info/{p[1]}/)"),
)
PARAGRAPH = st.lists(INLINE, min_size=1, max_size=3).map(" ".join)
LIST = st.lists(PARAGRAPH, min_size=1, max_size=4).map(
    lambda items: "\n".join(f"- {i}" for i in items)
)
EXPANDER = st.tuples(WORDS, st.lists(PARAGRAPH, min_size=1, max_size=2)).map(
    lambda p: f"/// details | {p[0].capitalize()}\n" + "\n\n".join(p[1]) + "\n///"
)
TABLE = st.lists(st.tuples(WORDS, WORDS), min_size=1, max_size=3).map(
    lambda rows: "| Name | Means |\n| --- | --- |\n" + "\n".join(f"| {a} | {b} |" for a, b in rows)
)
HEADING = WORDS.map(lambda w: f"### {w.capitalize()}")
TEXT = st.lists(st.one_of(PARAGRAPH, LIST, EXPANDER, TABLE, HEADING), min_size=1, max_size=6).map(
    "\n\n".join
)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def spaced(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@SETTINGS
@given(TEXT)
def test_blocks_hold_all_the_text_once_in_reading_order(markdown):
    html = render_markdown(markdown, id_prefix="t-")
    rendering = split_blocks(html)

    assert spaced(" ".join(b.text for b in rendering.blocks)) == html_to_text(html)
    for block in rendering.blocks:
        assert re.match(r"<(p|li|summary|h\d|td|th)\b", html[block.start :]), block
    # The top-level elements are the whole HTML, in order.
    assert "\n".join(html[t.start : t.end] for t in rendering.tops) == html.strip()


@SETTINGS
@given(TEXT, TEXT)
def test_the_block_diff_accounts_for_every_block_of_both_texts(old_markdown, new_markdown):
    old, new = rendered(old_markdown), rendered(new_markdown)

    rows = compare(old, new)

    assert [r.block for r in rows if r.status != "removed"] == list(new.blocks)
    # (An unchanged block is the same text, wherever it now sits.)
    assert [(r.old or r.block).key for r in rows if r.status != "added"] == [
        b.key for b in old.blocks
    ]
    shown = with_context(rows)
    assert sum(g.count if isinstance(g, Gap) else 1 for g in shown) == (
        len(rows) if any(r.is_change for r in rows) else 0
    )
    assert [r for r in shown if not isinstance(r, Gap) and r.is_change] == [
        r for r in rows if r.is_change
    ]


@SETTINGS
@given(TEXT)
def test_a_text_compared_with_itself_has_no_changes(markdown):
    assert not any(row.is_change for row in compare(rendered(markdown), rendered(markdown)))


@SETTINGS
@given(st.text(max_size=80), st.text(max_size=80))
def test_the_word_diff_gives_back_both_texts(old, new):
    runs = diff_runs(old, new)
    normal = lambda text: text.replace("\r\n", "\n").replace("\r", "\n")  # noqa: E731

    assert "".join(equal + removed for equal, removed, _added in runs) == normal(old)
    assert "".join(equal + added for equal, _removed, added in runs) == normal(new)
    assert "<" not in re.sub(r"</?(ins|del|span)[^>]*>", "", diff_html(old, new))
