"""A word diff of two plain texts as accessible HTML: removals in <del>, additions in <ins>,
each also labelled in words for screen readers ("[Removed: …]", "[Added: …]").

Lines are matched first, then words within the lines that changed, with the standard
library's ``difflib`` (a diff library was tried: it matches with difflib too, adds four
packages and writes inline styles our CSP refuses). Everything is escaped here.
"""

import re
from difflib import SequenceMatcher

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


def _segments(old: str, new: str) -> list[tuple[str, str]]:
    """(kind, text) pieces, kind "equal", "delete" or "insert": lines first, then words
    within the lines that changed, so a one-word edit in a long paragraph reads as one word."""
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    pieces: list[tuple[str, str]] = []
    lines = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in lines.get_opcodes():
        before, after = "".join(old_lines[i1:i2]), "".join(new_lines[j1:j2])
        if tag == "equal":
            pieces.append(("equal", before))
        elif tag == "delete":
            pieces.append(("delete", before))
        elif tag == "insert":
            pieces.append(("insert", after))
        else:
            pieces.extend(_word_segments(before, after))
    return pieces


def _word_segments(old: str, new: str) -> list[tuple[str, str]]:
    old_words, new_words = _TOKENS.findall(old), _TOKENS.findall(new)
    pieces = []
    words = SequenceMatcher(None, old_words, new_words, autojunk=False)
    for tag, i1, i2, j1, j2 in words.get_opcodes():
        if tag in ("equal", "delete", "replace") and i2 > i1:
            pieces.append(("equal" if tag == "equal" else "delete", "".join(old_words[i1:i2])))
        if tag in ("insert", "replace") and j2 > j1:
            pieces.append(("insert", "".join(new_words[j1:j2])))
    return pieces


def _grouped(pieces: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(unchanged text, removed text, added text) runs, in order. A lone space between two
    changes that together remove and add words is folded into both, so "old words" -> "new
    words" reads as one removal and one addition rather than alternating fragments."""
    runs: list[list[str]] = []
    for index, (kind, text) in enumerate(pieces):
        folded = kind == "equal" and _is_gap(pieces, index)
        if kind == "equal" and not folded:
            runs.append([text, "", ""])
            continue
        if not runs:
            runs.append(["", "", ""])
        run = runs[-1]
        if kind in ("equal", "delete"):
            run[1] += text
        if kind in ("equal", "insert"):
            run[2] += text
    return [(equal, removed, added) for equal, removed, added in runs]


def _is_gap(pieces: list[tuple[str, str]], index: int) -> bool:
    """A space between changes that, taken together, both remove and add words."""
    text = pieces[index][1]
    if not (0 < index < len(pieces) - 1) or text.strip() or "\n" in text:
        return False
    kinds = set()
    for step in (-1, 1):
        near = index + step
        while 0 <= near < len(pieces) and pieces[near][0] != "equal":
            kinds.add(pieces[near][0])
            near += step
    return {"delete", "insert"} <= kinds


def diff_runs(old: str, new: str) -> list[tuple[str, str, str]]:
    """``old`` -> ``new`` as (unchanged, removed, added) runs of text, in order."""
    return _aligned(_grouped(_segments(_lines(old), _lines(new))))


def _aligned(runs: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Slide each pure addition or removal along the text it repeats to where it reads best
    (ends of sentences, then spaces): "later[Added: . New sentence]." reads as
    "later.[Added: New sentence.]" (as diff-match-patch's semantic clean-up does)."""
    runs = [list(run) for run in runs]
    for index, run in enumerate(runs):
        equal, removed, added = run
        if bool(removed) == bool(added):
            continue
        change = removed or added
        after = runs[index + 1][0] if index + 1 < len(runs) else ""
        while equal and change and equal[-1] == change[-1]:  # as far left as it goes
            equal, change, after = equal[:-1], equal[-1] + change[:-1], change[-1] + after
        best = (equal, change, after)
        best_score = _score(equal, change) + _score(change, after)
        while change and after and change[0] == after[0]:  # then try each place rightwards
            equal, change, after = equal + change[0], change[1:] + after[0], after[1:]
            score = _score(equal, change) + _score(change, after)
            if score >= best_score:
                best, best_score = (equal, change, after), score
        equal, change, after = best
        run[0], run[1 if removed else 2] = equal, change
        if index + 1 < len(runs):
            runs[index + 1][0] = after
    return [tuple(run) for run in runs]


def _score(before: str, after: str) -> int:
    """How good a boundary between the two texts is: 3 at the end of a sentence, 2 at a
    space, 1 at other punctuation, 0 inside a word (the texts' ends count)."""
    if not before or not after:
        return 4
    left, right = before[-1], after[0]
    if not left.isalnum() and not left.isspace() and right.isspace():
        return 3
    if left.isspace() or right.isspace():
        return 2
    if not left.isalnum() or not right.isalnum():
        return 1
    return 0


def diff_html(old: str, new: str) -> SafeString:
    """``old`` -> ``new`` as escaped HTML with <del>/<ins> and text labels for screen readers.
    A change of spaces or line breaks alone gets a visible mark, so it cannot go unnoticed."""
    html = []
    for equal, removed, added in diff_runs(old, new):
        if equal:
            html.append(escape(equal))
        if removed:
            html.append(marked("del", "Removed", removed))
        if added:
            html.append(marked("ins", "Added", added))
    return mark_safe("".join(str(piece) for piece in html))  # every piece escaped


def _lines(text: str) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


def marked(tag: str, label: str, text: str) -> SafeString:
    """``text`` in <ins> or <del>, labelled for screen readers ("[Added: …]"). Spaces at its
    ends are shown outside the mark: "[Added: New sentence.]", not "[Added:  New sentence.]"."""
    if text.strip():
        stripped = text.strip(" ")
        lead, trail = text[: len(text) - len(text.lstrip(" "))], text[len(text.rstrip(" ")) :]
        if lead or trail:
            return format_html("{}{}{}", lead, marked(tag, label, stripped), trail)
        shown = text
    elif "\n" in text:
        label, shown = f"{label} line break", "¶" + text
    else:
        label, shown = f"{label} space", "␣"
    return format_html(
        '<{tag}><span class="visually-hidden">[{label}: </span>{text}'
        '<span class="visually-hidden">]</span></{tag}>',
        tag=tag,
        label=label,
        text=shown,
    )
