"""How the review schedule shows on the change workflow's screens (``reviews.core.panels``).
``reviews.apps`` calls ``register()`` once."""

from reviews.core import panels
from reviews.schedule.selectors import pages_looked_after

LOOKED_AFTER_CAP = 8  # pages listed on an editor's dashboard; the calendar lists them all


def _calendar_link(**given) -> dict:
    return {}


def _looked_after(*, user, steps, **given) -> dict | None:
    """The pages the person looks after, for those who may start changes. Three queries at
    most."""
    if not steps["START_CHANGE"]:
        return None
    looked_after, count = pages_looked_after(owner=user, limit=LOOKED_AFTER_CAP)
    return {"looked_after": looked_after, "looked_after_count": count}


def register() -> None:
    panels.add(
        panels.Panel(
            panels.DASHBOARD,
            "calendar link",
            _calendar_link,
            {"links": "reviews/_dashboard_link_calendar.html"},
        )
    )
    panels.add(
        panels.Panel(
            panels.DASHBOARD,
            "looked after",
            _looked_after,
            {"editor": "reviews/_looked_after.html"},
        )
    )
