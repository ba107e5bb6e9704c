"""Bodies that pass every limit of the pre-check and make Python-Markdown loop for ever (issue
18), found by bench/fuzz_markdown.py and shrunk. Each must be refused or rendered within the
budget, wherever it is saved or shown."""

FOUND_BODIES = {
    # Shrunk from the first finding below: a list item opens a details block, the next item
    # is empty, and a details block opens after it.
    "numbered": "9. ///details\n2. \n///details",
    "bulleted": "* /// details | x\n* \n/// details | y",
    # From `make fuzz` (20,000 cases, seed 18), shrunk: an empty item, a details block
    # indented under it, a rule, another details block.
    "rule between details": "* \n    ///details\n---\n///details",
    "first finding": (
        "  /// details | *a*\n   /// details | x\n    | *a* | b |\n|---|---|\n > > ///\n"
        "###### x\n\t| - | b |\n  | - | b |\n|---|---|\n| `c` | b |\n    # 1.\n\n"
        "  999999999) Side effects\n\n- #\n      > x\n///\n        1.\n\t| # | b |\n|---|---|\n"
        "+ -\n\n *a*\n\n\t***\n\t> > #\n        | # | b |\n   1. *a*\n\n   999999999. ///\n"
        "    ////\n   ///\n    + -\n     //// details | a\n   2. ///\n   /////\n"
        "   /// details | [a](b)"
    ),
}
