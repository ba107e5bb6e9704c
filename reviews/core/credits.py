"""How reviewers are named to readers: the public credit each sign-off carries.

A sign-off copies the reviewer's credit as it is when they sign (their ``Person`` profile:
name, public role, credentials, and whether to be named at all), so what a page says of its
reviewers is what they signed with. A reviewer who chooses not to be named is shown by role.
"""

from collections.abc import Iterable

from infopages.models import Person
from reviews.core.models import SignOff
from reviews.core.models.roles import role_key


def credit_for(user, role) -> dict:
    """The credit a sign-off by ``user`` in ``role`` (a ``RoleKey``) would carry now."""
    role_label = role.public_label
    person = Person.objects.filter(user=user).first()
    if person is None:
        name = user.get_full_name() or user.get_username()
        return {"name": name, "role": role_label, "credentials": "", "named": True}
    named = person.named_publicly
    return {
        "name": person.name if named else "",
        "role": person.role or role_label,
        "credentials": person.credentials if named else "",
        "named": named,
    }


def public_reviewers(approvals: Iterable[SignOff]) -> list[dict]:
    """The reviewers readers see for a full review: each approving reviewer's credit, in the
    roles' order (medical reviewers first), as {"name", "role", "credentials"} (no name for
    those not named)."""
    reviewers = []
    for sign_off in sorted(approvals, key=lambda s: (_position(s.role), s.created_at, s.pk)):
        credit = sign_off.credit or credit_for(sign_off.reviewer, role_key(sign_off.role))
        entry = {key: credit.get(key, "") for key in ("name", "role", "credentials")}
        if entry not in reviewers:
            reviewers.append(entry)
    return reviewers


def _position(code: str) -> int:
    role = role_key(code)
    return role.position if role is not None else 1000
