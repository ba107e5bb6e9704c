"""The page-level steps' table, walked like the change requests' one (test_workflow_table):
for every role and every page step (the review schedule's, starting a change, taking a page
down, restoring, the source check and the evidence register's), a step the screens offer
(``available_page_steps``) is one its service takes, and a step they do not offer is one its
service refuses, changing nothing. Then the same through the screens and their URLs."""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from infopages.models import Block, Page, PublicWording, Reference, Source
from infopages.register import source_for
from infopages.services import save_with_version
from reviews import services
from reviews.blocks import services as blocks
from reviews.core import workflow
from reviews.core.errors import InvalidTransition, NotAllowed, WorkflowError
from reviews.core.workflow import PageStep, Step
from reviews.models import AuditEvent, ChangeRequest, ReviewFlag

ROLES = ["author", "second_editor", "medic", "lay", "publisher", "staff_admin"]
LINK = "https://www.nice.org.uk/guidance/ng101"
TWIN_LINK = "https://www.nice.org.uk/guidance/ng101/chapter/recommendations"


@pytest.fixture
def staff_admin(make_user):
    """Staff with no workflow role: may look at the workspace, may take no step."""
    return make_user("admin-without-role", is_staff=True)


@pytest.fixture
def scene(live_page, author):
    """A live page whose text was edited since (an older version to restore), citing a
    source the author then marked updated (so the page is flagged), and a near-duplicate of
    that source cited too (to merge)."""
    source, _ = source_for(citation="NICE. Advanced breast cancer (NG101)", url=LINK)
    twin, _ = source_for(citation="NICE NG101 recommendations", url=TWIN_LINK)
    for cited in (source, twin):
        reference = Reference(page=live_page, citation=cited.citation, url=cited.url, source=cited)
        save_with_version(reference, by=author, comment="Cited")
    Page.objects.filter(pk=live_page.pk).update(owner=author)
    section = live_page.sections.get(anchor="symptoms")
    section.body = "Pain, and tiredness."
    save_with_version(section, by=author, comment="Clearer")
    services.mark_source(source=source, by=author, status="updated", note="Updated 2026.")
    spare = blocks.create_block(name="spare", kind="paragraph", title="Spare", by=author)
    services.withdraw(change=spare, by=author)  # a shared block no page uses, to retire
    return {"page": live_page, "source": source, "twin": twin}


def flags_of(scene) -> list[ReviewFlag]:
    return list(ReviewFlag.objects.filter(page=scene["page"], cleared_at__isnull=True))


def take(step: PageStep, scene, user) -> None:
    """Take ``step`` through its service, with input a person could send."""
    page = Page.objects.get(pk=scene["page"].pk)
    source, twin = (Source.objects.get(pk=scene[name].pk) for name in ("source", "twin"))
    if step == PageStep.SET_OWNER:
        services.set_owner(page=page, owner=None, by=user)
    elif step == PageStep.SET_INTERVAL:
        services.set_review_interval(target=page, months=12, by=user)
    elif step == PageStep.BRING_REVIEW_FORWARD:
        on = timezone.localdate() + dt.timedelta(days=7)
        services.set_next_review(page=page, on=on, reason="New NICE guidance.", by=user)
    elif step == PageStep.REWORD_NOTICE:
        key = PublicWording.Key.REVIEW_NOTICE
        services.set_public_wording(key=key, text="We are checking this page.", by=user)
    elif step == PageStep.START_CHANGE:
        services.start_change(page=page, by=user, summary="A typo.")
    elif step == PageStep.START_FULL_REVIEW:
        services.start_change(page=page, by=user, summary="Yearly.", is_full_review=True)
    elif step == PageStep.TAKE_DOWN:
        services.unpublish_page(page=page, by=user, reason="A dosage error.")
    elif step == PageStep.RESTORE:
        publication = page.publications.get(is_current=True)
        services.restore_publication_as_draft(publication=publication, by=user)
    elif step == PageStep.CHECK_SOURCE:
        services.check_against_source(
            page=page,
            source_id=source.pk,
            by=user,
            note="Doses in Treatment match the 2026 edition.",
            shown=[flag.pk for flag in flags_of(scene)],
        )
    elif step == PageStep.ADD_SOURCE:
        services.add_source(by=user, citation="Macmillan. Living with cancer. 2025.")
    elif step == PageStep.EDIT_SOURCE:
        services.edit_source(
            source=source, by=user, expected_lock_version=source.lock_version, publisher="NICE"
        )
    elif step == PageStep.MARK_SOURCE:
        services.mark_source(source=source, by=user, status="withdrawn", note="Withdrawn.")
    elif step == PageStep.MERGE_SOURCES:
        services.merge_sources(keep=source, merge=twin, by=user, reason="The same guideline.")
    elif step == PageStep.CREATE_BLOCK:
        blocks.create_block(name="helpline", kind="support_line", title="Helpline", by=user)
    elif step == PageStep.RETIRE_BLOCK:
        blocks.retire_block(block=Block.objects.get(name="spare"), by=user, reason="Unused.")
    else:  # a new step needs a line here
        raise AssertionError(f"no way to take {step}")


def footprint() -> tuple:
    """Everything a refused step must leave as it was: every page step is audited, and
    changes or sources it would make are counted too."""
    return (
        AuditEvent.objects.count(),
        ChangeRequest.objects.count(),
        Source.objects.count(),
        ReviewFlag.objects.filter(cleared_at__isnull=True).count(),
    )


def test_every_page_step_offered_is_taken_and_every_other_is_refused(request, scene):
    for role in ROLES:
        user = request.getfixturevalue(role)
        for step in PageStep:
            offered = step in workflow.available_page_steps(user, flags=flags_of(scene))
            before = footprint()
            with transaction.atomic():
                try:
                    take(step, scene, user)
                except WorkflowError as refusal:
                    refused = refusal
                else:
                    refused = None
                after = footprint()
                transaction.set_rollback(True)  # each step starts from the same page
            where = f"{role} taking {step}"
            if offered:
                assert refused is None, f"offered but refused: {where}: {refused}"
                assert after != before, f"offered, taken, but nothing recorded: {where}"
            else:
                assert isinstance(refused, NotAllowed), f"not offered but taken: {where}"
                assert after == before, f"refused but changed something: {where}"


def test_each_role_is_offered_the_page_steps_of_its_role(request, scene):
    offered = {
        role: workflow.available_page_steps(request.getfixturevalue(role), flags=flags_of(scene))
        for role in ROLES
    }
    editing = {
        PageStep.SET_OWNER,
        PageStep.START_CHANGE,
        PageStep.START_FULL_REVIEW,
        PageStep.RESTORE,
        PageStep.ADD_SOURCE,
        PageStep.EDIT_SOURCE,
        PageStep.MARK_SOURCE,
        PageStep.MERGE_SOURCES,
        PageStep.CREATE_BLOCK,
    }
    assert offered["author"] == editing  # they marked the source: another medic checks
    assert offered["second_editor"] == editing
    assert offered["medic"] == {PageStep.CHECK_SOURCE}
    assert offered["lay"] == set()
    assert offered["staff_admin"] == set()
    assert offered["publisher"] == {
        PageStep.SET_OWNER,
        PageStep.SET_INTERVAL,
        PageStep.BRING_REVIEW_FORWARD,
        PageStep.REWORD_NOTICE,
        PageStep.TAKE_DOWN,
        PageStep.RETIRE_BLOCK,
    }


def step_urls(scene) -> dict[PageStep, tuple[str, str, dict]]:
    """Each page step: the screen offering it, the URL it posts to, and what a person sends
    (choosing nobody as the owner: the team address)."""
    page, source, twin = scene["page"], scene["source"], scene["twin"]
    schedule = reverse("reviews:page_schedule", args=[page.pk])
    register = reverse("reviews:source", args=[source.pk])
    on = timezone.localdate() + dt.timedelta(days=7)
    return {
        PageStep.SET_OWNER: (
            schedule,
            reverse("reviews:change_owner", args=[page.pk]),
            {"owner": ""},
        ),
        PageStep.SET_INTERVAL: (
            schedule,
            reverse("reviews:change_interval", args=[page.pk]),
            {"months": "12"},
        ),
        PageStep.BRING_REVIEW_FORWARD: (
            schedule,
            reverse("reviews:bring_review_forward", args=[page.pk]),
            {"on": on.isoformat(), "reason": "New NICE guidance."},
        ),
        PageStep.REWORD_NOTICE: (
            schedule,
            reverse("reviews:review_notice_wording"),
            {"text": "We are checking this page."},
        ),
        PageStep.START_FULL_REVIEW: (
            schedule,
            reverse("reviews:start_full_review", args=[page.pk]),
            {"summary": "Yearly."},
        ),
        PageStep.START_CHANGE: (
            reverse("reviews:dashboard"),
            reverse("reviews:start_change"),
            {"page": page.slug, "summary": "A typo."},
        ),
        PageStep.TAKE_DOWN: (
            reverse("reviews:dashboard"),
            reverse("reviews:unpublish"),
            {"page": page.slug, "reason": "A dosage error."},
        ),
        PageStep.RESTORE: (
            reverse("reviews:page_history", args=[page.pk]),
            reverse("reviews:restore_version", args=[page.pk]),
            {"version": str(_older_version_of_symptoms(page))},
        ),
        PageStep.CHECK_SOURCE: (
            reverse("reviews:source_check", args=[page.pk]),
            reverse("reviews:confirm_source_check", args=[page.pk]),
            {
                "source": str(source.pk),
                "note": "Doses in Treatment match the 2026 edition.",
                "flags_shown": [str(flag.pk) for flag in flags_of(scene)],
            },
        ),
        PageStep.ADD_SOURCE: (
            reverse("reviews:sources"),
            reverse("reviews:add_source"),
            {"citation": "Macmillan. Living with cancer. 2025."},
        ),
        PageStep.EDIT_SOURCE: (
            register,
            reverse("reviews:edit_source", args=[source.pk]),
            {
                "citation": source.citation,
                "url": source.url,
                "publisher": "NICE",
                "identifier": source.identifier,
                "version_or_date": source.version_or_date,
                "lock_version": str(source.lock_version),
            },
        ),
        PageStep.MARK_SOURCE: (
            register,
            reverse("reviews:mark_source", args=[source.pk]),
            {"status": "withdrawn", "note": "Withdrawn."},
        ),
        PageStep.MERGE_SOURCES: (
            reverse("reviews:sources"),
            reverse("reviews:merge_sources") + f"?a={source.pk}&b={twin.pk}",
            {"keep": str(source.pk), "reason": "The same guideline."},
        ),
        PageStep.CREATE_BLOCK: (
            reverse("reviews:blocks"),
            reverse("reviews:create_block"),
            {"name": "helpline", "kind": "support_line", "title": "Helpline"},
        ),
        PageStep.RETIRE_BLOCK: (
            reverse("reviews:block", args=["spare"]),
            reverse("reviews:retire_block", args=["spare"]),
            {"reason": "Unused."},
        ),
    }


def _older_version_of_symptoms(page) -> int:
    section = page.sections.get(anchor="symptoms")
    return Version.objects.get_for_object(section).order_by("pk").first().pk


def test_a_screen_shows_a_page_step_exactly_when_it_is_offered(client, request, scene):
    for role in ROLES:
        user = request.getfixturevalue(role)
        client.force_login(user)
        offered = workflow.available_page_steps(user, flags=flags_of(scene))
        for step, (screen, url, _data) in step_urls(scene).items():
            html = client.get(screen).content.decode()
            shown = f'action="{url}"' in html or f'href="{url.split("?")[0]}"' in html
            assert shown == (step in offered), f"{role} on {screen}: {step}"


def test_a_page_step_not_offered_is_refused_through_its_url_and_one_offered_is_taken(
    client, request, scene
):
    for role in ROLES:
        user = request.getfixturevalue(role)
        client.force_login(user)
        for step, (_screen, url, data) in step_urls(scene).items():
            offered = step in workflow.available_page_steps(user, flags=flags_of(scene))
            before = footprint()
            with transaction.atomic():
                response = client.post(url, data)
                after = footprint()
                transaction.set_rollback(True)
            where = f"{role} posting {step}"
            if offered:
                assert response.status_code == 302, f"offered but not taken: {where}"
                assert after != before, f"offered but nothing recorded: {where}"
            else:
                assert response.status_code == 403, f"not offered but answered: {where}"
                assert after == before, f"refused but changed something: {where}"


def test_a_service_never_moves_a_change_where_the_table_does_not_lead(draft_change):
    with pytest.raises(InvalidTransition, match="no step"):
        workflow.move(draft_change, step=Step.SUBMIT, to=ChangeRequest.State.APPROVED)
    with pytest.raises(InvalidTransition, match="no step"):
        workflow.move(draft_change, step=Step.PUBLISH, to=ChangeRequest.State.PUBLISHED)
    assert draft_change.state == ChangeRequest.State.DRAFT
