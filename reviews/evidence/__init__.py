"""The evidence register: sources cited by pages, flags when a source changes, broken links,
and checking a page against a source."""
