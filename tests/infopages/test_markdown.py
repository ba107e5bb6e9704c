import pytest

from infopages.markdown import html_to_text, render_markdown

HOSTILE = {
    "script tag": ("<script>alert('x')</script>Hello", "<script"),
    "onerror": ('<img src="x" onerror="alert(1)">', "onerror"),
    "javascript link": ("[click](javascript:alert(1))", "javascript:"),
    "javascript html link": ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert(1)"),
    "iframe": ('<iframe src="https://evil.example"></iframe>', "<iframe"),
    "style attribute": ('<p style="display:none">hidden</p>', "style="),
    "style tag": ("<style>body{display:none}</style>", "<style"),
    "event handler on allowed tag": ('<a href="https://x.org" onclick="steal()">x</a>', "onclick"),
    "form": ('<form action="https://evil"><input name="pw"></form>', "<input"),
}


@pytest.mark.parametrize("markdown_text,forbidden", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_markdown_is_neutralised(markdown_text, forbidden):
    html = render_markdown(markdown_text)
    assert forbidden.lower() not in html.lower()


def test_details_blocks_render_as_details_and_summary():
    html = render_markdown("/// details | Bone scan\nA scan of your bones.\n///")
    assert "<details>" in html
    assert "<summary>Bone scan</summary>" in html
    assert "<p>A scan of your bones.</p>" in html


def test_headings_get_stable_prefixed_anchors_and_tables_render():
    html = render_markdown(
        "### Tests you may have\n\n| a | b |\n|---|---|\n| 1 | 2 |", id_prefix="d-"
    )
    assert '<h3 id="d-tests-you-may-have">' in html
    assert "<table>" in html and "<td>1</td>" in html


def test_external_links_are_kept_safe_and_internal_links_plain():
    html = render_markdown("[NICE](https://www.nice.org.uk) and [home](/info/bone-scan/)")
    assert 'href="https://www.nice.org.uk" rel="noopener noreferrer external"' in html
    assert '<a href="/info/bone-scan/">home</a>' in html


def test_lists_render():
    html = render_markdown("- one\n- two\n\n1. first\n2. second")
    assert "<ul>" in html and "<ol>" in html and "<li>two</li>" in html


def test_plain_text_drops_markup():
    assert html_to_text("<p>Pain &amp; <em>tiredness</em></p><ul><li>a</li></ul>") == (
        "Pain & tiredness a"
    )


def test_editor_live_preview_is_sanitised(admin_client):
    response = admin_client.post(
        "/markdownx/markdownify/", {"content": "<script>alert(1)</script>**bold**"}
    )
    assert response.status_code == 200
    assert b"<strong>bold</strong>" in response.content
    assert b"<script" not in response.content


def test_live_preview_is_for_staff_only(client):
    response = client.post("/markdownx/markdownify/", {"content": "**bold**"})
    assert response.status_code == 302
    assert b"<strong>" not in response.content
