"""The workflow's one table, walked: for every role, every state and every step, a step the
screens offer (``available_steps``) is one its service takes, and a step they do not offer is
one its service refuses, changing nothing. Then the same through the HTTP endpoints.

An outside reviewer's invitation is one of the actors: it may sign off (in review) and take
no other step."""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from reviews import services
from reviews.core import workflow
from reviews.core.errors import WorkflowError
from reviews.core.models.invitations import hash_token
from reviews.core.status import ReviewStatus
from reviews.core.workflow import Step
from reviews.models import ChangeRequest, Comment, Decision, Invitation, SignOff

State = ChangeRequest.State
ROLES = ["author", "second_editor", "medic", "lay", "publisher", "staff_admin", "outside"]
STATES = [s.value for s in State]


@pytest.fixture
def staff_admin(make_user):
    """Staff with no workflow role: may look at the workspace, may take no step."""
    return make_user("admin-without-role", is_staff=True)


def invitation_to(change: ChangeRequest, *, by, email: str, role: str = "medical") -> Invitation:
    """An invitation made as the service makes it, whatever the change's state (arranging)."""
    return Invitation.objects.create(
        change=change,
        name=f"Dr {email.split('@')[0].title()}",
        email=email,
        role=role,
        public_role="Consultant Clinical Oncologist",
        token_hash=hash_token(email),
        invited_by=by,
        expires_at=timezone.now() + dt.timedelta(days=14),
    )


@pytest.fixture
def change_in(draft_change, author, medic, publisher, approve):
    """The draft change taken to ``state`` through the services."""

    def move(state: str) -> ChangeRequest:
        change = draft_change
        if state == State.DRAFT:
            return change
        if state == State.WITHDRAWN:
            return services.withdraw(change=change, by=author, reason="Not needed.")
        services.submit_for_review(change=change, by=author)
        if state == State.CHANGES_REQUESTED:
            services.sign_off(
                change=change,
                reviewer=medic,
                decision=Decision.REQUEST_CHANGES,
                seen_hash=change.content_hash,
                comment="Say more.",
            )
        elif state != State.IN_REVIEW:
            approve(change, medic)
        if state == State.SCHEDULED:
            services.schedule(change=change, by=publisher, at=timezone.now() + dt.timedelta(days=1))
        if state == State.PUBLISHED:
            services.publish(change=change, by=publisher)
        change.refresh_from_db()
        assert change.state == state
        return change

    return move


def take(step: Step, change: ChangeRequest, user) -> None:
    """Take ``step`` through its service, with input a person could send (or an outside
    reviewer, through their invitation)."""
    if step == Step.SIGN_OFF and isinstance(user, Invitation):
        services.decide_as_invited(
            invitation=user,
            decision=Decision.REQUEST_CHANGES,
            seen_hash=change.content_hash,
            comment="One more thing.",
        )
    elif step == Step.EDIT:
        section = change.page.sections.get(anchor="symptoms")
        section.body = "Pain, and tiredness."
        services.edit_in_change(
            change=change,
            obj=section,
            by=user,
            comment="More symptoms",
            expected_lock_version=section.lock_version,
        )
    elif step == Step.DESCRIBE:
        services.update_change_details(change=change, by=user, summary="Clearer, and why.")
    elif step == Step.SUBMIT:
        services.submit_for_review(change=change, by=user)
    elif step == Step.SIGN_OFF:
        services.sign_off(
            change=change,
            reviewer=user,
            decision=Decision.REQUEST_CHANGES,
            seen_hash=change.content_hash,
            comment="One more thing.",
        )
    elif step == Step.WITHDRAW:
        services.withdraw(change=change, by=user, reason="Not needed.")
    elif step == Step.PUBLISH:
        services.publish(change=change, by=user)
    elif step == Step.SCHEDULE:
        services.schedule(change=change, by=user, at=timezone.now() + dt.timedelta(days=2))
    elif step == Step.UNSCHEDULE:
        services.unschedule(change=change, by=user)
    elif step == Step.COMMENT:
        services.add_comment(change=change, by=user, body="A question.")
    elif step == Step.INVITE:
        services.invite_reviewer(
            change=change,
            by=user,
            name="Dr Ana Silva",
            email="ana.silva@hospital.example",
            role="medical",
            public_role="Consultant Radiologist",
        )
    elif step == Step.REVOKE_INVITATION:
        standing = change.invitations.get(email="standing@hospital.example")
        services.revoke_invitation(invitation=standing, by=user)
    else:  # a new step needs a line here
        raise AssertionError(f"no way to take {step}")


def footprint(change: ChangeRequest) -> tuple:
    """Everything a refused step must leave as it was."""
    change = ChangeRequest.objects.get(pk=change.pk)
    return (
        change.state,
        change.content_hash,
        change.summary,
        change.scheduled_for,
        SignOff.objects.filter(change=change).count(),
        Comment.objects.filter(change=change).count(),
        tuple(change.invitations.order_by("pk").values_list("pk", "revoked_at", "decided_at")),
        change.page.sections.get(anchor="symptoms").body,
    )


@pytest.mark.parametrize("state", STATES)
def test_every_step_offered_is_taken_and_every_other_is_refused(
    request, change_in, publisher, state
):
    change = change_in(state)
    invitation_to(change, by=publisher, email="standing@hospital.example", role="lay")
    outside = invitation_to(change, by=publisher, email="consultant@hospital.example")
    users = {
        role: outside if role == "outside" else request.getfixturevalue(role) for role in ROLES
    }
    for role, user in users.items():
        for step in Step:
            fresh = ChangeRequest.objects.get(pk=change.pk)
            offered = step in workflow.available_steps(user, fresh, ReviewStatus(fresh))
            before = footprint(fresh)
            with transaction.atomic():
                try:
                    take(step, fresh, user)
                except WorkflowError as refusal:
                    refused = refusal.message
                else:
                    refused = ""
                after = footprint(fresh)
                transaction.set_rollback(True)  # each step starts from the same change
            where = f"{role} taking {step} on a {state} change"
            if offered:
                assert not refused, f"offered but refused: {where}: {refused}"
            else:
                assert refused, f"not offered but taken: {where}"
                assert after == before, f"refused but changed something: {where}"


def test_the_table_names_every_step_and_only_real_states():
    assert set(workflow.TRANSITIONS) == set(Step)
    for transition in workflow.TRANSITIONS.values():
        assert set(transition.sources) <= set(STATES)
        assert set(transition.targets) <= set(STATES)


STEP_URLS = {
    Step.DESCRIBE: ("reviews:update_details", {"summary": "Clearer, and why."}),
    Step.SUBMIT: ("reviews:submit", {}),
    Step.SIGN_OFF: (
        "reviews:sign_off",
        {"decision": "request_changes", "comment": "One more thing."},
    ),
    Step.WITHDRAW: ("reviews:withdraw", {"reason": "Not needed."}),
    Step.PUBLISH: ("reviews:publish", {}),
    Step.SCHEDULE: ("reviews:schedule", {"publish_at": "2099-01-01T09:00"}),
    Step.UNSCHEDULE: ("reviews:unschedule", {}),
    Step.COMMENT: ("reviews:comment", {"body": "A question."}),
    Step.INVITE: (
        "reviews:invite",
        {
            "name": "Dr Ana Silva",
            "email": "ana.silva@hospital.example",
            "role": "medical",
            "public_role": "Consultant Radiologist",
            "days": "14",
        },
    ),
    Step.EDIT: (
        "reviews:add_reference",
        {"citation": "NICE. Advanced breast cancer. 2017.", "comment": "A source."},
    ),
}


@pytest.mark.parametrize("state", [State.IN_REVIEW, State.APPROVED, State.SCHEDULED])
def test_a_step_not_offered_on_the_screen_changes_nothing_through_its_url(
    client, request, change_in, state
):
    change = change_in(state)
    for role in ROLES:
        if role == "outside":  # never signed in: see test_invitations for their screens
            continue
        user = request.getfixturevalue(role)
        client.force_login(user)
        for step, (name, data) in STEP_URLS.items():
            fresh = ChangeRequest.objects.get(pk=change.pk)
            if step in workflow.available_steps(user, fresh, ReviewStatus(fresh)):
                continue
            before = footprint(fresh)
            response = client.post(
                reverse(name, args=[change.pk]), {**data, "seen_hash": fresh.content_hash}
            )
            assert response.status_code in (200, 302, 403), (role, step)
            assert footprint(fresh) == before, f"{role} took {step} on a {state} change"
