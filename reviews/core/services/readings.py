"""A reviewer's progress through a full review, kept between visits."""

from collections.abc import Iterable

from django.db import transaction

from reviews.core.errors import InvalidInput, StaleContent
from reviews.core.models import ChangeRequest, Invitation, ReadingProgress
from reviews.core.services.common import lock
from reviews.core.workflow import Step, require


def reader_of(reader) -> dict:
    """The filter naming a staff reviewer (a user) or an outside one (an invitation)."""
    return {"invitation": reader} if isinstance(reader, Invitation) else {"reviewer": reader}


@transaction.atomic
def keep_sections_read(
    *, change: ChangeRequest, reader, seen_hash: str, sections: Iterable[int | str]
) -> list[str]:
    """Keep which sections a reviewer has ticked as read so far in a full review, so they
    can leave and come back: each tick holds for the version of the section they were shown.

    ``sections``: every section ticked now (the others are unticked). It is not a decision,
    and nobody else sees it, so it writes no audit event: the sign-off records the sections
    it covers. Only someone who may sign the change off now keeps ticks. Returns the ids of
    the sections ticked, in reading order.
    """
    review = lock(change)
    require(Step.SIGN_OFF, user=reader, change=change, review=review)
    if not change.is_full_review:
        raise InvalidInput("Only a full review asks you to tick each section as read.")
    if seen_hash != change.content_hash:
        raise StaleContent(
            "The page was edited after you opened it, so your ticks were not kept. Please "
            "read the sections again: the ones that changed are marked."
        )
    versions = review.section_versions
    wanted = {str(pk) for pk in sections}
    if wanted - set(versions):
        raise InvalidInput("That is not a section of this page: nothing was kept.")
    ReadingProgress.objects.update_or_create(
        change=change,
        **reader_of(reader),
        defaults={"sections": {pk: versions[pk] for pk in versions if pk in wanted}},
    )
    return [pk for pk in versions if pk in wanted]
