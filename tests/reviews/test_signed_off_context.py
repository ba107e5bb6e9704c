"""Everything readers see of a page comes from what was signed off: its address, its topic
names and its reviewers; and a sign-off counts only while its reviewer is active and still
in the role they signed in."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from infopages.models import PublishedPage, Topic
from infopages.services import save_with_version
from reviews import services
from reviews.core import policy
from reviews.core.errors import InvalidTransition, StaleContent
from reviews.models import AuditEvent, ChangeRequest

State = ChangeRequest.State


def test_the_address_published_is_the_one_signed_off(client, approved_change, publisher, author):
    page = approved_change.page
    page.slug = "changed-after-approval"  # e.g. in the admin, outside the change
    save_with_version(page, by=author, comment="Renamed", expected_lock_version=page.lock_version)

    publication = services.publish(change=approved_change, by=publisher)

    assert publication.slug == "secondary-breast-cancer"
    assert client.get("/info/secondary-breast-cancer/").status_code == 200
    assert client.get("/info/changed-after-approval/").status_code == 404


def test_a_change_to_an_address_another_live_page_has_is_refused(
    make_page, publish, author, medic, publisher, edit_section, approve
):
    bone_scan = make_page(slug="bone-scan", title="Bone scan")
    publish(bone_scan)
    bone_scan.slug = "bone-scans"  # renamed in its working copy, still live at bone-scan
    save_with_version(bone_scan, by=author, comment="Renamed", expected_lock_version=0)
    page = make_page(slug="tiredness", title="Tiredness")
    publish(page)
    # Written to the working copy directly (the workspace refuses it: see test_editing_parts),
    # so the last guard, publishing, is what refuses it here.
    page.slug = "bone-scan"
    save_with_version(page, by=author, comment="Address", expected_lock_version=page.lock_version)
    change = services.start_change(page=page, by=author, summary="New address.")
    services.submit_for_review(change=change, by=author)
    approve(change, medic)

    with pytest.raises(InvalidTransition, match="Another live page, “Bone scan”"):
        services.publish(change=change, by=publisher)
    assert PublishedPage.objects.current().filter(slug="bone-scan").count() == 1


def test_renaming_a_topic_sends_a_signed_off_change_back_to_review(
    approved_change, topic, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        topic.name = "Breast cancers"
        topic.save()

    approved_change.refresh_from_db()
    assert approved_change.state == State.IN_REVIEW
    event = AuditEvent.objects.filter(change_request_id=approved_change.pk).last()
    assert event.action == "topic_changed" and "Breast cancers" in event.message


def test_a_topic_renamed_behind_the_workflows_back_cannot_be_published(
    approved_change, topic, publisher
):
    Topic.objects.filter(pk=topic.pk).update(name="Renamed without signals")

    with pytest.raises(StaleContent, match="name of its topic changed"):
        services.publish(change=approved_change, by=publisher)


def test_a_reviewer_leaving_the_role_sends_the_approved_change_back(
    client, approved_change, medic, publisher, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        medic.groups.remove(Group.objects.get(name=policy.MEDICAL_REVIEWERS))

    approved_change.refresh_from_db()
    assert approved_change.state == State.IN_REVIEW
    assert AuditEvent.objects.filter(
        change_request_id=approved_change.pk, action="sign_off_lapsed"
    ).exists()
    client.force_login(publisher)
    html = client.get(approved_change.get_absolute_url()).content.decode()
    assert "No longer counts: they are no longer a medical reviewer." in html


def test_a_closed_account_sends_the_approved_change_back(
    approved_change, medic, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        medic.is_active = False
        medic.save()

    approved_change.refresh_from_db()
    assert approved_change.state == State.IN_REVIEW


def test_a_lapsed_sign_off_cannot_be_published_even_when_nothing_noticed(
    approved_change, medic, publisher
):
    # Group memberships changed straight in the database: no signal ran.
    medic.groups.through.objects.filter(user=medic).delete()

    with pytest.raises(InvalidTransition, match="every sign-off it needs"):
        services.publish(change=approved_change, by=publisher)
    with pytest.raises(InvalidTransition):
        services.schedule(
            change=approved_change, by=publisher, at=timezone.now() + dt.timedelta(days=1)
        )


def test_the_group_removed_from_its_other_side_counts_too(
    approved_change, medic, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Group.objects.get(name=policy.MEDICAL_REVIEWERS).user_set.remove(medic)

    approved_change.refresh_from_db()
    assert approved_change.state == State.IN_REVIEW


def test_the_sign_off_form_of_a_full_review_lists_every_section_and_the_credit(
    client, live_page, author, medic
):
    change = services.start_change(
        page=live_page, by=author, summary="Full review.", is_full_review=True
    )
    services.submit_for_review(change=change, by=author)
    client.force_login(medic)

    html = client.get(change.get_absolute_url()).content.decode()

    assert "Sections you have read" in html
    for section in live_page.sections.all():
        assert f'value="{section.pk}"' in html
    assert "readers will see you credited as: <strong>Asha Patel, Medical reviewer</strong>" in html

    response = client.post(
        reverse("reviews:sign_off", args=[change.pk]),
        {"decision": "approve", "seen_hash": change.content_hash, "sections": []},
    )
    assert "Not ticked yet" in response.content.decode()
