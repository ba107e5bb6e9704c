import pytest

from infopages.models import PublishedPage
from reviews import services
from reviews.core.errors import InvalidInput, InvalidTransition, NotAllowed, StaleContent
from reviews.core.status import ReviewStatus
from reviews.models import AuditEvent, ChangeRequest, Decision, Role, SignOff
from tests.reviews.conftest import NEW_TEXT, require_sign_offs

State = ChangeRequest.State


def counts():
    return (SignOff.objects.count(), AuditEvent.objects.count(), PublishedPage.objects.count())


def test_sign_off_given_before_an_edit_no_longer_counts(
    approved_change, author, medic, publisher, edit_section, approve
):
    assert approved_change.state == State.APPROVED

    edit_section(approved_change, "what-is-it", NEW_TEXT + " Mostly to bones.", by=author)

    assert approved_change.state == State.IN_REVIEW
    assert ReviewStatus(approved_change).counting == []
    assert ReviewStatus(approved_change).missing == {Role.MEDICAL: 1}
    with pytest.raises(InvalidTransition):
        services.publish(change=approved_change, by=publisher)

    approve(approved_change, medic)  # on the edited content
    assert approved_change.state == State.APPROVED


def test_edit_to_a_scheduled_change_cancels_the_schedule_and_asks_again(
    approved_change, author, publisher, edit_section
):
    import datetime as dt

    from django.utils import timezone

    services.schedule(
        change=approved_change, by=publisher, at=timezone.now() + dt.timedelta(days=1)
    )

    edit_section(approved_change, "symptoms", "Pain, tiredness.", by=author)

    assert approved_change.state == State.IN_REVIEW
    assert approved_change.scheduled_for is None
    assert services.publish_due(now=timezone.now() + dt.timedelta(days=2)) == []


def test_saving_unchanged_content_keeps_sign_offs(approved_change, author, edit_section):
    edit_section(approved_change, "what-is-it", NEW_TEXT, by=author, comment="No real change")

    assert approved_change.state == State.APPROVED


def test_approving_stale_content_is_refused(submitted_change, medic, author, edit_section):
    seen = submitted_change.content_hash  # the reviewer opens the change...
    edit_section(submitted_change, "symptoms", "Pain and tiredness.", by=author)  # ...it moves on
    before = counts()

    with pytest.raises(StaleContent, match="edited after you opened it"):
        services.sign_off(
            change=submitted_change, reviewer=medic, decision=Decision.APPROVE, seen_hash=seen
        )

    assert counts() == before
    assert submitted_change.state == State.IN_REVIEW


def test_approving_your_own_change_is_refused(submitted_change, author, groups):
    author.groups.add(groups["Medical reviewers"])  # an editor who is also a reviewer
    before = counts()

    with pytest.raises(NotAllowed, match="You wrote part of this change"):
        services.sign_off(
            change=submitted_change,
            reviewer=author,
            decision=Decision.APPROVE,
            seen_hash=submitted_change.content_hash,
            sections=ReviewStatus(submitted_change).section_ids,
        )

    assert counts() == before
    submitted_change.refresh_from_db()
    assert submitted_change.state == State.IN_REVIEW


def test_a_reviewer_who_edited_one_section_cannot_sign_off(
    submitted_change, member, edit_section, approve
):
    nurse = member("nurse", "Editors", "Medical reviewers")
    edit_section(submitted_change, "symptoms", "Pain, tiredness, breathlessness.", by=nurse)

    with pytest.raises(NotAllowed, match="You wrote part of this change"):
        approve(submitted_change, nurse)


def test_a_reviewer_who_removed_a_section_cannot_sign_off(draft_change, author, member, approve):
    nurse = member("nurse", "Editors", "Medical reviewers")
    services.remove_in_change(
        change=draft_change,
        obj=draft_change.page.sections.get(anchor="symptoms"),
        by=nurse,
        comment="Duplicated elsewhere",
    )
    services.submit_for_review(change=draft_change, by=author)

    with pytest.raises(NotAllowed, match="You wrote part of this change"):
        approve(draft_change, nurse)


def test_reviewer_outside_the_required_roles_is_refused(submitted_change, lay, approve):
    before = counts()

    with pytest.raises(NotAllowed, match="does not need a lay reviewer's sign-off"):
        approve(submitted_change, lay, role=Role.LAY)

    assert counts() == before


def test_person_without_a_reviewer_role_cannot_sign_off(submitted_change, publisher, approve):
    with pytest.raises(
        NotAllowed, match="needs a sign-off from a medical reviewer, and you are not"
    ):
        approve(submitted_change, publisher)
    with pytest.raises(NotAllowed, match="you are not one"):
        approve(submitted_change, publisher, role=Role.MEDICAL)


def test_asking_for_changes_needs_a_comment(submitted_change, medic):
    with pytest.raises(InvalidInput, match="Say what needs to change"):
        services.sign_off(
            change=submitted_change,
            reviewer=medic,
            decision=Decision.REQUEST_CHANGES,
            seen_hash=submitted_change.content_hash,
            comment="  ",
        )

    assert submitted_change.state == State.IN_REVIEW


def test_full_review_needs_a_lay_reviewer_as_well(
    live_page, author, medic, lay, edit_section, approve
):
    change = services.start_change(
        page=live_page, by=author, summary="Three-yearly review", is_full_review=True
    )
    services.submit_for_review(change=change, by=author)
    approve(change, medic)

    assert change.state == State.IN_REVIEW
    assert ReviewStatus(change).missing == {Role.LAY: 1}

    approve(change, lay)
    assert change.state == State.APPROVED


def test_topic_can_require_two_medical_reviewers(submitted_change, topic, medic, member, approve):
    require_sign_offs(topic=topic.parent, medical=2)
    second = member("dr_okafor", "Medical reviewers")

    approve(submitted_change, medic)
    assert submitted_change.state == State.IN_REVIEW

    approve(submitted_change, second)
    assert submitted_change.state == State.APPROVED


def test_page_requirement_wins_over_its_topic(submitted_change, topic, medic, lay, approve):
    require_sign_offs(topic=topic, medical=2)
    require_sign_offs(page=submitted_change.page, medical=1, lay=1)

    assert ReviewStatus(submitted_change).required == {Role.MEDICAL: 1, Role.LAY: 1}
    approve(submitted_change, medic)
    approve(submitted_change, lay)
    assert submitted_change.state == State.APPROVED


def test_one_person_cannot_give_both_sign_offs_of_a_full_review(live_page, author, member, approve):
    both = member("both", "Medical reviewers", "Lay reviewers")
    change = services.start_change(page=live_page, by=author, summary="Review", is_full_review=True)
    services.submit_for_review(change=change, by=author)
    approve(change, both, role=Role.MEDICAL)

    with pytest.raises(NotAllowed, match="another person must sign it off as a lay reviewer"):
        approve(change, both, role=Role.LAY)


def test_reviewer_in_two_roles_must_say_which(live_page, author, member, approve):
    both = member("both", "Medical reviewers", "Lay reviewers")
    change = services.start_change(page=live_page, by=author, summary="Review", is_full_review=True)
    services.submit_for_review(change=change, by=author)

    with pytest.raises(InvalidInput, match="say in which role"):
        approve(change, both)


def test_giving_the_same_decision_twice_is_refused(submitted_change, medic, approve, topic):
    require_sign_offs(topic=topic, medical=2)
    approve(submitted_change, medic)

    with pytest.raises(InvalidTransition, match="already given this decision"):
        approve(submitted_change, medic)
    assert SignOff.objects.count() == 1


def test_a_later_request_for_changes_replaces_that_reviewers_approval(
    submitted_change, medic, member, approve, request_changes, author, topic
):
    require_sign_offs(topic=topic, medical=2)
    approve(submitted_change, medic)
    request_changes(submitted_change, medic, comment="On second thoughts: cite the source.")
    services.submit_for_review(change=submitted_change, by=author)  # resubmitted unchanged

    approve(submitted_change, member("dr_okafor", "Medical reviewers"))

    assert submitted_change.state == State.IN_REVIEW
    assert ReviewStatus(submitted_change).missing == {Role.MEDICAL: 1}


def test_sign_off_records_the_hash_and_versions_the_reviewer_saw(submitted_change, medic, approve):
    signed = approve(submitted_change, medic)

    assert signed.content_hash == submitted_change.content_hash
    assert signed.versions == submitted_change.source_versions().to_json()
    assert len(signed.content_hash) == 64
