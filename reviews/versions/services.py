"""Starting a language or easy read version of a page, and having one follow the English
page's newer publication. Each is one transaction, checks who may, and is audited."""

from django.db import IntegrityError, transaction
from reversion.models import Version

from infopages.languages import VERSION_KINDS
from infopages.models import Figure, Page, PublishedPage, Reference, Resource, Section
from infopages.services import save_with_version
from reviews.core import audit
from reviews.core.audit import Action
from reviews.core.errors import InvalidInput, InvalidTransition
from reviews.core.models import ChangeRequest
from reviews.core.services import edit_in_change, start_change
from reviews.core.services.common import lock
from reviews.core.workflow import PageStep, Step, require, require_page_step

# The parts copied from the English publication as the version's starting text, in order.
_COPIED = (Section, Reference, Resource, Figure)


@transaction.atomic
def start_version(*, source: Page, kind: str, by) -> ChangeRequest:
    """A new version of ``source`` in ``kind`` (a code of ``infopages.languages``), made from
    the English page live now: its published text copied as the starting point, for the
    translator to replace, inside a new change request (a full review: its first)."""
    require_page_step(PageStep.START_CHANGE, user=by)
    version_kind = VERSION_KINDS.get(kind)
    if version_kind is None:
        raise InvalidInput("Choose which language or format the version is in.")
    Page.objects.select_for_update().filter(pk=source.pk).first()
    if source.source_id is not None:
        raise InvalidInput("This page is itself a version: start versions from its English page.")
    made_from = PublishedPage.objects.current().filter(page=source).first()
    if made_from is None:
        raise InvalidTransition(
            f"“{source}” is not live: a version is made from the English text readers see, "
            "so publish the English page first."
        )
    existing = Page.objects.filter(source=source, version_kind=kind).first()
    if existing is not None:
        raise InvalidInput(
            f"“{source}” already has a {version_kind.name} version: change that one."
        )
    slug = f"{made_from.slug}-{kind}"[:120]
    if Page.objects.filter(slug=slug).exists():
        raise InvalidInput(f"The address {slug} is taken by another page.")
    comment = f"Started the {version_kind.name} version from publication {made_from.pk}"
    try:
        with transaction.atomic():
            version = save_with_version(
                Page(
                    slug=slug,
                    title=made_from.title,
                    summary=made_from.summary,
                    topic_id=made_from.topic_id,
                    owner=source.owner,
                    review_interval_months=source.review_interval_months,
                    source=source,
                    version_kind=kind,
                    made_from=made_from,
                ),
                by=by,
                comment=comment,
            ).obj
    except IntegrityError:  # started by someone else at the same moment
        raise InvalidInput(f"“{source}” already has a {version_kind.name} version.") from None
    _copy_parts(made_from, version, by=by, comment=comment)
    change = start_change(
        page=version,
        by=by,
        summary=f"{version_kind.name} version of “{source.title}”: replace the English text.",
    )
    audit.record(
        action=Action.VERSION_STARTED,
        actor=by,
        page=version,
        change_request_id=change.pk,
        versions={"source": source.pk, "kind": kind, "made_from": made_from.pk},
        message=(
            f"Started the {version_kind.name} version of “{source.title}”, made from its "
            f"publication of {made_from.published_at:%d %b %Y %H:%M}."
        ),
    )
    return change


def _copy_parts(made_from: PublishedPage, version: Page, *, by, comment: str) -> None:
    """The parts of the English publication, exactly as signed off there (from the versions
    it records), as the new version's own parts."""
    ids = made_from.versions.ids()
    for recorded in Version.objects.filter(pk__in=ids).order_by("pk"):
        model = recorded._model
        if model not in _COPIED:
            continue
        fields = {
            name: value
            for name, value in recorded.field_dict.items()
            if name not in ("id", "page_id", "lock_version")
        }
        save_with_version(model(page=version, **fields), by=by, comment=comment)


@transaction.atomic
def follow_source(*, change: ChangeRequest, by) -> ChangeRequest:
    """Make the version in ``change`` record the English page live now as what it is made
    from: an edit like any other (reviewers sign it off, and it needs a medical sign-off if
    the English text differs), made once the translator has brought the text up to date."""
    review = lock(change)
    require(Step.EDIT, user=by, change=change, review=review)
    page = change.page
    if page.source_id is None:
        raise InvalidInput("Only a language or easy read version follows an English page.")
    live = PublishedPage.objects.current().filter(page_id=page.source_id).first()
    if live is None:
        raise InvalidTransition("The English page is not live, so there is nothing to follow.")
    if live.pk == page.made_from_id:
        raise InvalidTransition("This version already records the English page live now.")
    previous = page.made_from_id
    page.made_from = live
    edit_in_change(
        change=change,
        obj=page,
        by=by,
        comment=f"Made from the English page's publication {live.pk} (was {previous})",
        expected_lock_version=page.lock_version,
    )
    audit.record_change(
        change,
        action=Action.SOURCE_FOLLOWED,
        actor=by,
        message=(
            f"The version now records the English page as published "
            f"{live.published_at:%d %b %Y %H:%M} as what it is made from."
        ),
        made_from=live.pk,
        was=previous,
    )
    return change
