"""Where features take part in the core's steps, without the core knowing them.

The core calls these at fixed points inside its transactions; a feature adds its part once,
when Django starts (``reviews.apps`` calls each feature's ``plugin.register()``). Each hook
runs in the step's transaction, so what it does is kept or undone with the step. Today the
evidence register uses all three: the flags a reviewer's screen listed are checked and
recorded with the decision, a publication clears the flags its approvals saw, and a
reference typed into a page is filed under its source in the register.

(What follows a publication outside the workflow, such as the search index, the caches and
readability figures, subscribes to the publication event instead: ``infopages.events``.)
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ShownWithDecision:
    """Something besides the change that a reviewer's screen lists and their decision vouches
    they saw (the evidence register's review flags: why the page needs review).

    The screen sends the ids it listed in the form field ``field``; the services take them as
    ``shown={key: ids}``. ``check(change, ids)`` runs before the sign-off is stored and may
    refuse it (a flag raised since the screen was read, as an edit since refuses it);
    ``record(sign_off, checked)`` keeps what ``check`` returned with the stored decision.
    """

    key: str
    field: str
    check: Callable
    record: Callable


@dataclass(frozen=True)
class Outcome:
    """What a feature did inside a publication: a sentence for its audit event (empty: none)
    and details recorded with it. ``shown_at``: where the published change is to be seen,
    when not at its page's public address (a shared block's page in the workspace: its
    own address is never public), told the authors after ``shown_as``."""

    sentence: str = ""
    details: dict = field(default_factory=dict)
    shown_at: str = ""  # a path on this site
    shown_as: str = ""


@dataclass(frozen=True)
class OnPublish:
    """What a feature does inside the transaction that publishes a change:
    ``run(change=, approvals=, at=, by=)`` with the approvals that counted and the publisher;
    returns an ``Outcome``."""

    key: str
    run: Callable[..., Outcome]


@dataclass(frozen=True)
class RequirementRule:
    """Which sign-offs a kind of page needs instead of its requirement rows:
    ``applies(page)`` says whether the rule is the page's (asked without a query);
    ``required(change, needed)`` returns the roles and counts, from the rows' ``needed``.
    A language version's rule (``reviews.versions``) is one."""

    key: str
    applies: Callable
    required: Callable


_shown: dict[str, ShownWithDecision] = {}
_requirement_rules: dict[str, RequirementRule] = {}
_on_publish: dict[str, OnPublish] = {}
_before_part_saved: dict[str, Callable] = {}


def add_shown_with_decision(hook: ShownWithDecision) -> None:
    _shown[hook.key] = hook


def add_on_publish(hook: OnPublish) -> None:
    _on_publish[hook.key] = hook


def add_before_part_saved(key: str, hook: Callable) -> None:
    """``hook(part, by)``: called on a page part about to be saved in a change (after its
    checks, before its version is stored); it may fill in fields the editor does not type."""
    _before_part_saved[key] = hook


def add_requirement_rule(rule: RequirementRule) -> None:
    _requirement_rules[rule.key] = rule


def required_for(change, needed: dict) -> dict:
    """The roles ``change`` needs: the first rule that applies to its page decides, else the
    requirement rows' ``needed``."""
    for rule in _requirement_rules.values():
        if rule.applies(change.page):
            return rule.required(change, needed)
    return needed


def shown_in(post) -> dict[str, list[int]]:
    """From a decision form: the ids each registered hook's screen listed (``post`` is the
    request's POST)."""
    return {
        hook.key: [int(pk) for pk in post.getlist(hook.field) if pk.isdigit()]
        for hook in _shown.values()
    }


def shown_fields() -> list[str]:
    """The form fields the decision forms send the listed ids in."""
    return [hook.field for hook in _shown.values()]


def check_shown(change, shown: Mapping[str, Iterable[int]] | None) -> list[tuple]:
    """Run every registered check on what the screen listed; a hook whose key is absent
    from ``shown`` had nothing listed and is skipped. Returns what to record."""
    shown = shown or {}
    return [
        (hook, hook.check(change, list(shown[hook.key])))
        for hook in _shown.values()
        if hook.key in shown
    ]


def record_shown(sign_off, checked: list[tuple]) -> None:
    for hook, result in checked:
        hook.record(sign_off, result)


def publish(*, change, approvals, at, by=None) -> list[Outcome]:
    return [
        hook.run(change=change, approvals=approvals, at=at, by=by) for hook in _on_publish.values()
    ]


def before_part_saved(part, by) -> None:
    for hook in _before_part_saved.values():
        hook(part, by)
