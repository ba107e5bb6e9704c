"""The evidence register's verbs. Each is one transaction that checks permission and state,
writes its audit event and raises a ``WorkflowError`` (with a message for the person) when refused.
"""

from reviews.evidence.services.source_checks import check_against_source
from reviews.evidence.services.sources import add_source, edit_source, mark_source, merge_sources

__all__ = ["add_source", "check_against_source", "edit_source", "mark_source", "merge_sources"]
