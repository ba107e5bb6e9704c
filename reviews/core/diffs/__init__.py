"""What a change request changes, as reviewers read it.

- ``words``: a word diff of two plain texts, marked for sight and for screen readers.
- ``blocks``: rendered text split into the blocks a reader sees, each knowing where it sits.
- ``compare``: two renderings compared block by block, changes shown in a little context.
- ``parts``: one part of the page (its details, a section, a reference) between two versions.
- ``published``: the change against the page as last published.
- ``since``: the change against a reviewer's last decision, with the saves made since.
- ``reading``: a full review's whole page as readers will see it, the changes marked.
"""

from reviews.core.diffs.parts import FieldDiff, PartDiff, Renderings, part_diff
from reviews.core.diffs.published import change_diff
from reviews.core.diffs.reading import WholePage, whole_page
from reviews.core.diffs.since import SaveNote, SinceSignOff, since_sign_off
from reviews.core.diffs.words import diff_html

__all__ = [
    "FieldDiff",
    "PartDiff",
    "Renderings",
    "SaveNote",
    "SinceSignOff",
    "WholePage",
    "change_diff",
    "diff_html",
    "part_diff",
    "since_sign_off",
    "whole_page",
]
