"""A reviewer's public credit: how readers see them named on pages they review."""

from django.db import transaction

from infopages.models import Person
from reviews.core import audit, policy
from reviews.core.audit import Action
from reviews.core.errors import InvalidInput, NotAllowed


@transaction.atomic
def set_public_credit(
    *, user, name: str, role: str, credentials: str = "", named_publicly: bool = True
) -> Person:
    """Set how readers will see ``user`` credited on full reviews they sign from now on.

    Pages already published keep the credit their sign-offs carried."""
    if not policy.reviewer_roles(user):
        raise NotAllowed("Only reviewers are credited on pages.")
    name, role, credentials = (" ".join(value.split()) for value in (name, role, credentials))
    if not name or not role:
        raise InvalidInput("Give your name and your role as readers should see them.")
    person, _ = Person.objects.get_or_create(user=user, defaults={"name": name})
    person.name, person.role, person.credentials = name, role, credentials
    person.named_publicly = named_publicly
    person.save()
    shown = f"{name}, {credentials}, {role}" if named_publicly else f"{role} (not named)"
    audit.record(action=Action.CREDIT_CHANGED, actor=user, message=f"Public credit: {shown}")
    return person
