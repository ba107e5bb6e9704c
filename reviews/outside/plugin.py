"""How outside reviewers show on the change workflow's screens (``reviews.core.panels``).
``reviews.apps`` calls ``register()`` once."""

from reviews.core import panels
from reviews.core.workflow import Step


def _invitations(*, change, steps, **given) -> dict | None:
    """Who was invited to sign this change off and where each stands, with the way to invite
    for those who may. Reads the change's invitations, prefetched with it."""
    invitations = [{"invitation": i, "status": i.status()} for i in change.invitations.all()]
    if not invitations and Step.INVITE not in steps:
        return None
    return {"invitations": invitations}


def register() -> None:
    panels.add(
        panels.Panel(
            panels.CHANGE_PAGE,
            "invitations",
            _invitations,
            {"people": "reviews/_invitations.html"},
        )
    )
