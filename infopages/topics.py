"""Walking the topic tree: the one way up (a topic's ancestors) and down (its descendants).

The tree is small, so callers read it whole in one query (``parents``, or their own query
when they need more columns) and walk it in memory. Every walk stops at a loop, so a tree
an administrator tangled cannot hang a request.
"""

from collections.abc import Mapping

from django.apps import apps

# topic id -> its parent's id (None at the root)
Parents = Mapping[int, int | None]


def parents() -> dict[int, int | None]:
    """Every topic's parent, by id: one query."""
    # Looked up by name: the models read modules that read this one.
    topic = apps.get_model("infopages", "Topic")
    return dict(topic.objects.order_by().values_list("pk", "parent_id"))


def ancestors(topic_id: int | None, parent_of: Parents) -> list[int]:
    """``topic_id`` and each topic above it, nearest first, root last (empty for None or an
    id the tree does not hold)."""
    chain: list[int] = []
    while topic_id is not None and topic_id in parent_of and topic_id not in chain:
        chain.append(topic_id)
        topic_id = parent_of[topic_id]
    return chain


def trail(topic_id: int | None, parent_of: Parents) -> list[int]:
    """``topic_id`` and the topics above it, root first: the order readers see them in."""
    return list(reversed(ancestors(topic_id, parent_of)))


def descendants(topic_id: int, parent_of: Parents) -> list[int]:
    """``topic_id`` and every topic under it, at any depth, the topic itself first."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in parent_of.items():
        children.setdefault(parent_id, []).append(pk)
    found, seen, stack = [], set(), [topic_id]
    while stack:
        pk = stack.pop()
        if pk not in seen:
            seen.add(pk)
            found.append(pk)
            stack.extend(children.get(pk, []))
    return found
