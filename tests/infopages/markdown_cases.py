"""Hostile markdown for the renderer's cost tests and bench/renderer_worst_case.py.

Each case builds a body of about ``size`` characters from one construct that makes
Python-Markdown (or the HTML parser behind it) slow or crash when repeated.
"""

import random
from collections.abc import Callable

# Markdown's syntax characters, with enough letters, digits and spaces to make words.
ALPHABET = "[]()<>*_`#>-+|&;!:/\\=~.\"' \n\tabcxyz019"


def repeat(unit: str) -> Callable[[int], str]:
    return lambda size: unit * max(1, size // len(unit))


def nested(line: Callable[[int], str], depth: int) -> Callable[[int], str]:
    """``depth`` levels of ``line(level)``, the whole staircase repeated to fill ``size``."""
    block = "".join(line(level) for level in range(depth)) + "\n"
    return repeat(block)


def nested_details(depth: int) -> Callable[[int], str]:
    opening = "".join("/" * (3 + depth - i) + " details | x\n" for i in range(depth))
    closing = "".join("/" * (4 + i) + "\n" for i in range(depth))
    return repeat(opening + "a\n" + closing + "\n")


ADVERSARIAL: dict[str, Callable[[int], str]] = {
    "unclosed [": repeat("["),
    "unclosed ![": repeat("!["),
    "unclosed *[": repeat("*["),
    "unclosed [a](": repeat("[a]("),
    "nested [[[ ]]]": lambda size: "[" * (size // 2) + "]" * (size // 2),
    "[x][ references": repeat("[x]["),
    "[ in a heading": lambda size: "## " + "[" * size,
    "escaped \\[": repeat("\\["),
    "entities &amp;": repeat("&amp;"),
    "numeric entities": repeat("&#1234;"),
    "<a without >": repeat("<a "),
    "<a and newline": repeat("<a\n"),
    '<a b=" without >': repeat('<a b="'),
    "<![CDATA[": repeat("<![CDATA["),
    "<http:// autolinks": repeat("<http://"),
    "<a@ mail links": repeat("<a@"),
    "<!-- comments": repeat("<!--"),
    "code span pairs": repeat("`a` "),
    "] hidden in code": repeat("[a`]`"),
    "] hidden in tags": repeat("[a<b title=]>"),
    "unclosed ( in links": repeat("[a](b("),
    "star underscore": repeat("*_"),
    "emphasis soup": repeat("*a_"),
    "hard line breaks": repeat("a  \n"),
    "inline tags": repeat("<b>a</b>"),
    "<a b=' without >": repeat("<a b='"),
    "huge entities": repeat("&#x110000;&#99999999999;"),
    "tab-nested lists": nested(lambda level: "\t" * level + "- a\n", 300),
    "backtick runs": lambda size: "".join("`" * i + "a" for i in range(1, 400))[:size],
    "star runs": lambda size: "*" * (size // 2 - 1) + "a" + "*" * (size // 2 - 1),
    "nested emphasis": lambda size: "*a " * (size // 6) + "b* " * (size // 6),
    "nested strong": lambda size: "**a " * (size // 8) + "b** " * (size // 8),
    "hash lines": repeat("#\n"),
    "heading lines": repeat("### a\n"),
    "headings with blank lines": repeat("## a\n\n"),
    "rule lines": repeat("---\n"),
    "setext lines": repeat("a\n=\n"),
    "list and rule": repeat("- a\n---\n"),
    "mixed block lines": repeat("- a\n# b\n> c\n---\n"),
    "list items": repeat("- a\n"),
    "quote lines": repeat("> a\n"),
    "table columns": lambda size: "|" + "a|" * (size // 6) + "\n|" + "-|" * (size // 6) + "\n",
    "table rows": lambda size: "|a|b|\n|-|-|\n" + "|x|y|\n" * (size // 6 - 2),
    "details blocks": repeat("/// details | x\na\n///\n"),
    "unclosed details": repeat("/// details | x\na\n"),
    "nested lists (300 levels)": nested(lambda level: "    " * level + "- a\n", 300),
    "nested lists (9 levels)": nested(lambda level: "    " * level + "- a\n", 9),
    "nested lists (8 levels)": nested(lambda level: "    " * level + "- a\n", 8),
    "nested quotes (300 levels)": nested(lambda level: ">" * (level + 1) + " a\n", 300),
    "nested quotes (8 levels)": nested(lambda level: ">" * (level + 1) + " a\n", 8),
    "quotes of lists (8 levels)": nested(lambda level: "> " * (level + 1) + "- a\n", 8),
    "nested details (300 levels)": nested_details(300),
    "nested details (8 levels)": nested_details(8),
    "paragraphs": repeat("a\n\n"),
    "ordered list items": repeat("1. a\n\n"),
    "list markers on one line": repeat("- - - - - - - a\n\n"),
    "quoted lists on one line": repeat("> > > > > > > - a\n\n"),
    "reference links": repeat("[a]\n\n[a]: b\n\n"),
    "small tables": repeat("|a|\n|-|\n|b|\n\n"),
    "long line": repeat("a"),
    "many lines": repeat("a\n"),
    "words": repeat("word "),
}


def random_markdown(rng: random.Random, size: int) -> str:
    """Random text from ALPHABET with runs and nesting, like the property tests draw."""
    parts: list[str] = []
    length = 0
    while length < size:
        kind = rng.random()
        if kind < 0.5:
            part = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 40)))
        elif kind < 0.8:
            part = rng.choice(ALPHABET.strip()) * rng.randint(1, 2000)
        else:
            unit = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 6)))
            part = unit * rng.randint(1, 1000)
        parts.append(part)
        length += len(part)
    return "".join(parts)[:size]
