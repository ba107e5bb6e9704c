"""import_pages on hostile or broken files: each is refused quickly with one readable
``file:line: problem`` line, and the other files in the same run still import."""

import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infopages.importing import parsing
from infopages.models import Page
from tests.reviews.test_import_pages import (  # noqa: F401 (importer: the publisher who runs them)
    BONE_SCAN,
    GOOD_PAGE,
    importer,
    run,
    run_failing,
    write,
)

GUARD_SECONDS = 10  # against a runaway (46 s to 120 s before these limits), not a benchmark

FRONT, BODY = GOOD_PAGE.split("---\n", 2)[1:]

BILLION_LAUGHS = """\
---
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
title: [*i]
---
## Laughs

Ha.
"""


def with_front(extra: str) -> str:
    """GOOD_PAGE with ``extra`` added to the end of its front matter."""
    return f"---\n{FRONT}{extra}---\n{BODY}"


def refused(tmp_path, text: str) -> tuple[str, str]:
    """Import ``text`` beside a good file; return the one error line and the bad file's path."""
    bad = write(tmp_path, "a-bad.md", text)
    write(tmp_path, "b-good.md", BONE_SCAN)
    start = time.perf_counter()
    summary, err = run_failing(str(tmp_path))
    assert time.perf_counter() - start < GUARD_SECONDS
    assert summary == "Imported 1 page (1 published, 0 drafts); 1 file rejected."
    assert list(Page.objects.values_list("slug", flat=True)) == ["bone-scan"]
    errors = [row for row in err.splitlines() if not row.startswith("Warning:")]
    assert len(errors) == 1 and len(errors[0]) < len(str(bad)) + 400, errors
    return errors[0], str(bad)


def test_billion_laughs_is_refused_before_it_expands(db, tmp_path):
    error, bad = refused(tmp_path, BILLION_LAUGHS)

    assert error == (f"{bad}:2: YAML anchors and aliases (& and *) are not allowed in front matter")


def test_a_single_alias_is_refused_too(db, tmp_path):
    text = with_front("x: &name Dr Ada Okoro\ny: *name\n")

    error, bad = refused(tmp_path, text)

    assert error == f"{bad}:17: YAML anchors and aliases (& and *) are not allowed in front matter"


def test_five_thousand_brackets_in_front_matter_are_refused_and_others_import(db, tmp_path):
    error, bad = refused(tmp_path, with_front("notes: " + "[" * 5_000 + "\n"))

    assert error == f"{bad}:17: the front matter is nested more than 10 levels deep"


def test_a_hundred_thousand_references_are_refused_quickly(db, tmp_path):
    text = with_front("").replace("references:\n", "references:\n" + "  - r\n" * 100_000)

    error, bad = refused(tmp_path, text)

    assert error.startswith(f"{bad}:1: the front matter is 600,")
    assert error.endswith(
        " characters long; the most is 200,000 ('references' alone takes 100,003 lines)"
    )


def test_more_references_than_the_limit_are_refused_at_the_first_one_too_many(db, tmp_path):
    text = with_front("").replace("references:\n", "references:\n" + '  - "A ref."\n' * 250)

    error, bad = refused(tmp_path, text)

    assert error == f"{bad}:{12 + 200}: 'references' has more than 200 items; the most is 200"


def test_too_many_related_pages_in_a_flow_list_are_refused(db, tmp_path):
    related = ", ".join(f"page-{n}" for n in range(201))
    text = with_front("").replace("related: [bone-scan]", f"related: [{related}]")

    error, bad = refused(tmp_path, text)

    assert error == f"{bad}:16: 'related' has more than 200 items; the most is 200"


def test_a_file_over_one_megabyte_is_refused_unread(db, tmp_path):
    error, bad = refused(tmp_path, GOOD_PAGE + "\nMore words.\n" * 80_000)

    assert error == (
        f"{bad}:1: the file is larger than 1,000,000 bytes (1 MB), the most for one page: "
        "split it into several pages"
    )


def test_a_page_with_more_than_a_hundred_sections_is_refused(db, tmp_path):
    sections = "".join(f"## Part {n}\n\nText.\n\n" for n in range(101))

    error, bad = refused(tmp_path, with_front("").replace(BODY, sections))

    line = 18 + 100 * 4  # sections start on line 18, four lines each
    assert error == (
        f"{bad}:{line}: the page has more than 100 sections ('## ' headings); the most is 100: "
        "split it into several pages"
    )


def test_a_section_body_gets_the_editors_check_with_the_file_line(db, tmp_path):
    nested = "".join("    " * level + "- item\n" for level in range(12))
    text = GOOD_PAGE.replace("## Diagnosis\n\n", "## Diagnosis\n\n" + nested + "\n")

    error, bad = refused(tmp_path, text)

    # "## Diagnosis" is on line 26, so the body starts on line 28 and level 9 is line 36.
    assert error == (
        f"{bad}:36: section 'Diagnosis': Lists are nested 9 levels deep here (line 36); "
        "the most is 8."
    )


def test_an_oversized_section_body_is_refused(db, tmp_path):
    text = GOOD_PAGE.replace("Through the blood", "Words " * 12_000 + "Through the blood")

    error, bad = refused(tmp_path, text)

    assert error.startswith(f"{bad}:20: section 'What is it?': This section is 72,")
    assert error.endswith(
        " characters long; the most a section can hold is 60,000. Split it into two sections."
    )


@pytest.mark.parametrize(
    "replace,new,line",
    [
        ("slug: secondary-breast-cancer", "slug: " + "X" * 100_000, 3),
        ("reviewed: 2025-03-01", "reviewed: " + "9" * 100_000, 2),  # too big for int()
        ("related: [bone-scan]", "related: [" + "Y" * 100_000 + "]", 16),
        ("title: Secondary breast cancer", "title: !" + "z" * 100_000 + " x", 2),
        ("topic: Cancer types", "topic: 'Cancer types\n" + "Z" * 100_000, 17),
    ],
    ids=["slug", "huge number", "related", "tag", "unclosed quote"],
)
def test_messages_quote_at_most_eighty_characters_of_the_file(db, tmp_path, replace, new, line):
    error, bad = refused(tmp_path, GOOD_PAGE.replace(replace, new))

    assert error.startswith(f"{bad}:{line}: ")
    assert "X" * 81 not in error and "9" * 81 not in error and "Y" * 81 not in error
    assert "z" * 81 not in error and "Z" * 81 not in error


def test_a_nul_character_is_refused_with_its_line(db, tmp_path):
    """PostgreSQL cannot store it: refuse the file instead of failing in the database."""
    error, bad = refused(tmp_path, GOOD_PAGE.replace("Through the blood", "Through\x00the blood"))

    assert error == f"{bad}:24: the file contains a NUL character, which text cannot hold"


def test_a_control_character_in_front_matter_is_refused_with_its_line(db, tmp_path):
    error, bad = refused(tmp_path, GOOD_PAGE.replace("summary: Cancer", "summary: \x07Cancer"))

    assert error == f"{bad}:4: the front matter has a control character (#x0007) in it"


def test_a_yaml_error_names_where_the_unfinished_part_started(db, tmp_path):
    text = GOOD_PAGE.replace("topic: Cancer types", "topic: 'Cancer types")

    error, bad = refused(tmp_path, text)

    assert error == (
        f"{bad}:16: YAML syntax error in front matter: found unexpected end of stream "
        "(while scanning a quoted scalar on line 5)"
    )


@pytest.mark.parametrize("failure", [RecursionError, MemoryError, ValueError])
def test_any_failure_inside_the_yaml_library_is_a_bad_file(db, tmp_path, monkeypatch, failure):
    original = parsing._FrontMatterLoader.get_single_node

    def explode(self):
        if "Secondary breast cancer" in self.buffer:  # the bad file only
            raise failure("deep inside the YAML library")
        return original(self)

    monkeypatch.setattr(parsing._FrontMatterLoader, "get_single_node", explode)

    error, bad = refused(tmp_path, GOOD_PAGE)

    assert error == f"{bad}:2: the front matter could not be read as YAML ({failure.__name__})"


YAML_ALPHABET = "-:[]{}&*!|>'\"#%@`?,.\n\t abz09\x00\x07\x85\ufeff"
yaml_text = st.one_of(
    st.text(alphabet=YAML_ALPHABET, max_size=400),
    st.tuples(st.text(alphabet=YAML_ALPHABET, min_size=1, max_size=4), st.integers(1, 3_000)).map(
        lambda unit_count: unit_count[0] * unit_count[1]
    ),
)


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(front=yaml_text, body=st.text(alphabet=YAML_ALPHABET + "#", max_size=400))
def test_any_file_is_read_or_refused_as_a_bad_file(front, body):
    """Whatever a file holds, parse_page returns a page or raises BadFile: never a traceback."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "page.md"
        path.write_text(f"---\n{FRONT}{front}\n---\n## Section\n{body}", encoding="utf-8")
        start = time.perf_counter()
        try:
            parsing.parse_page(path)
        except parsing.BadFile as refusal:
            assert len(refusal.problem) < 400
        assert time.perf_counter() - start < GUARD_SECONDS
