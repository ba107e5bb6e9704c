"""How readability shows on the change workflow's screens (``reviews.core.panels``).
``reviews.apps`` calls ``register()`` once."""

from reviews.core import panels


def _report_link(**given) -> dict:
    return {}


def register() -> None:
    panels.add(
        panels.Panel(
            panels.DASHBOARD,
            "readability link",
            _report_link,
            {"links": "reviews/_dashboard_link_readability.html"},
        )
    )
