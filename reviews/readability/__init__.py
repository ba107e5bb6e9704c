"""Readability: plain-English scores of what readers will see, on the change page, the editor
and a report."""
