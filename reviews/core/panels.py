"""What features show on the core's screens, without the core knowing them.

A screen of the core (the change page, the publish confirmation, the dashboard, a part's
editor) asks ``context_for(screen, **what_it_has)``; each feature that added a panel for that
screen gives the context its templates read, and names the templates the screen includes at
its places (``{% for template in panels.top %}{% include template %}{% endfor %}``). A
feature adds its panels once, when Django starts (its ``plugin.register()``).

A panel's context function costs the queries it says; the screens' query ceilings count them.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

CHANGE_PAGE = "change page"  # given: change, review, user, steps (those the person may take)
PUBLISH_CONFIRM = "publish confirmation"  # given: change, review
DASHBOARD = "dashboard"  # given: user, steps (the page steps the person may take)
PART_EDITOR = "part editor"  # given: request, kind (the part kind's key), form
SECTION_EDITOR = "section editor"  # given: request, change, form
PAGE_SCREEN = "page screen"  # a page's history in the workspace; given: page, user, steps


@dataclass(frozen=True)
class Panel:
    """One feature's part of one screen: ``context(**given)`` returns what its templates read
    (None: nothing to show this time), and ``templates`` names, per place on the screen, the
    templates included there."""

    screen: str
    key: str
    context: Callable[..., dict]
    templates: dict[str, str] = field(default_factory=dict)


_panels: dict[str, dict[str, Panel]] = defaultdict(dict)


def add(panel: Panel) -> None:
    _panels[panel.screen][panel.key] = panel


def context_for(screen: str, **given) -> dict:
    """The context every panel of ``screen`` gives, and ``panels``: the templates to include
    at each place (only those of panels with something to show)."""
    context: dict = {}
    places: dict[str, list[str]] = defaultdict(list)
    for panel in _panels[screen].values():
        contributed = panel.context(**given)
        if contributed is None:
            continue
        context.update(contributed)
        for place, template in panel.templates.items():
            places[place].append(template)
    context["panels"] = dict(places)
    return context
