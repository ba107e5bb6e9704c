"""The admin: content and records are read-only there (pages are edited in the workspace,
inside a change), and everything it may still change (people, topics, sign-off requirements,
accounts and their groups) is written to the audit log with who did it and what changed."""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.urls import reverse

from infopages.models import (
    Page,
    PageFeedback,
    Person,
    PublicReviewNotice,
    PublicWording,
    PublishedPage,
    Reference,
    Resource,
    Section,
    Topic,
)
from reviews import services
from reviews.admin import AuditedAdmin
from reviews.core import policy
from reviews.core.audit import Action
from reviews.models import (
    AuditEvent,
    ChangeRequest,
    Notification,
    ReviewerRole,
    SignOffRequirement,
)
from tests.reviews.conftest import requirement_rows

User = get_user_model()


@pytest.fixture
def superuser(make_user):
    return make_user("root", is_staff=True, is_superuser=True, first_name="Ada", last_name="Min")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def admin_url(obj_or_model, action: str, *args) -> str:
    meta = obj_or_model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{action}", args=args)


def admin_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=Action.ADMIN_CHANGED).order_by("id"))


@pytest.fixture
def content(approved_change, author, publisher):
    """One row of each content and record model, as the workflow writes them."""
    page = approved_change.page
    reference = Reference.objects.create(page=page, citation="NICE. NG101. 2017.")
    resource = Resource.objects.create(page=page, title="Booklet", url="https://example.org/")
    publication = services.publish(change=approved_change, by=publisher)
    notice = PublicReviewNotice.objects.create(page=page, started_at=publication.published_at)
    wording = PublicWording.objects.create(key=PublicWording.Key.REVIEW_NOTICE, text="Reviewing.")
    return {
        Page: page,
        Section: page.sections.first(),
        Reference: reference,
        Resource: resource,
        PublishedPage: publication,
        PublicReviewNotice: notice,
        PublicWording: wording,
        AuditEvent: AuditEvent.objects.first(),
        ChangeRequest: approved_change,
        Notification: Notification.objects.first(),
    }


READ_ONLY = [
    Page,
    Section,
    Reference,
    Resource,
    PublishedPage,
    PublicReviewNotice,
    PublicWording,
    AuditEvent,
    ChangeRequest,
    Notification,
]


def stored(obj) -> dict:
    return model_to_dict(type(obj).objects.get(pk=obj.pk))


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m.__name__)
def test_every_admin_change_to_content_and_records_is_refused(admin_client, content, model):
    obj = content[model]
    before, count, events = stored(obj), model.objects.count(), AuditEvent.objects.count()
    data = {**{k: v for k, v in before.items() if v is not None}, "title": "Changed in admin"}

    assert admin_client.get(admin_url(model, "add")).status_code == 403
    assert admin_client.post(admin_url(model, "add"), data).status_code == 403
    change_form = admin_client.get(admin_url(obj, "change", obj.pk))
    assert change_form.status_code == 200  # it may be read
    assert 'name="_save"' not in change_form.content.decode()
    assert admin_client.post(admin_url(obj, "change", obj.pk), data).status_code == 403
    assert admin_client.get(admin_url(obj, "delete", obj.pk)).status_code == 403
    assert admin_client.post(admin_url(obj, "delete", obj.pk), {"post": "yes"}).status_code == 403
    admin_client.post(
        admin_url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
    )

    assert stored(obj) == before
    assert model.objects.count() == count
    assert AuditEvent.objects.count() == events


def test_the_page_admin_says_where_pages_are_edited(admin_client, live_page):
    html = admin_client.get(admin_url(live_page, "change", live_page.pk)).content.decode()
    assert "changed in the workspace" in html
    assert "Pain." in html  # its sections are shown, read-only


def test_everything_the_admin_may_change_is_audited(superuser):
    """A new admin for a model is either read-only or audited: nothing changes unrecorded."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    unaudited = [
        model.__name__
        for model, model_admin in admin.site._registry.items()
        if (
            model_admin.has_add_permission(request)
            or model_admin.has_change_permission(request)
            or model_admin.has_delete_permission(request)
        )
        and not isinstance(model_admin, AuditedAdmin)
    ]
    assert unaudited == []


# What the admin may change, audited


def test_adding_and_changing_a_persons_public_credit_is_audited(admin_client, superuser, medic):
    admin_client.post(
        admin_url(Person, "add"),
        {
            "user": medic.pk,
            "name": "Dr Asha Patel",
            "credentials": "MBBS",
            "role": "Consultant Oncologist",
            "named_publicly": "on",
        },
    )
    person = Person.objects.get()
    admin_client.post(
        admin_url(person, "change", person.pk),
        {
            "user": medic.pk,
            "name": "Dr Asha Patel",
            "credentials": "MBBS FRCR",
            "role": "Consultant Oncologist",
        },
    )

    added, changed = admin_events()
    assert (added.actor, changed.actor) == (superuser, superuser)
    assert added.message.startswith("In the admin: added person “Dr Asha Patel, MBBS”: ")
    assert "public role: Consultant Oncologist" in added.message
    assert changed.message == (
        "In the admin: changed person “Dr Asha Patel, MBBS FRCR”: "
        "credentials: MBBS → MBBS FRCR; named on pages: yes → no"
    )


def test_renaming_a_topic_is_audited_and_sends_open_changes_back_to_review(
    admin_client, approved_change, topic, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            admin_url(topic, "change", topic.pk),
            {
                "name": "Breast cancers",
                "slug": topic.slug,
                "parent": topic.parent_id,
                "position": 0,
            },
        )

    [event] = admin_events()
    assert event.message == (
        "In the admin: changed topic “Cancer types > Breast cancers”: "
        "name: Breast cancer → Breast cancers"
    )
    approved_change.refresh_from_db()
    assert approved_change.state == ChangeRequest.State.IN_REVIEW


def test_deleting_a_topic_is_audited_and_a_topic_with_pages_is_kept(admin_client, topic, live_page):
    spare = Topic.objects.create(name="Spare", slug="spare")

    admin_client.post(admin_url(spare, "delete", spare.pk), {"post": "yes"})
    admin_client.post(admin_url(topic, "delete", topic.pk), {"post": "yes"})  # protected

    assert not Topic.objects.filter(pk=spare.pk).exists()
    assert Topic.objects.filter(pk=topic.pk).exists()
    assert [e.message for e in admin_events()] == ["In the admin: deleted topic “Spare”."]


def test_sign_off_requirements_are_audited_when_added_changed_and_deleted(
    admin_client, live_page, topic
):
    medical, lay = ReviewerRole.objects.get(code="medical"), ReviewerRole.objects.get(code="lay")
    admin_client.post(
        admin_url(SignOffRequirement, "add"),
        {"page": live_page.pk, **requirement_rows([(medical, 1, 0), (lay, 0, 1)])},
    )
    requirement = SignOffRequirement.objects.get(page=live_page)
    rows = list(requirement.roles.order_by("role__position"))
    admin_client.post(
        admin_url(requirement, "change", requirement.pk),
        {"page": live_page.pk, **requirement_rows([(medical, 2, 0), (lay, 1, 1)], rows)},
    )
    admin_client.post(
        admin_url(SignOffRequirement, "changelist"),
        {"action": "delete_selected", "_selected_action": [requirement.pk], "post": "yes"},
    )

    added, changed, deleted = admin_events()
    assert "medical reviewer: 1 (0 for a full review)" in added.message
    assert changed.message.endswith(
        "roles needed: medical reviewer: 1 (0 for a full review); lay reviewer: 0 (1 for a full "
        "review) → medical reviewer: 2 (0 for a full review); lay reviewer: 1 (1 for a full "
        "review)"
    )
    assert deleted.message.startswith("In the admin: deleted sign-off requirement")
    assert {added.page, changed.page, deleted.page} == {live_page}  # found by the page's log
    assert not SignOffRequirement.objects.filter(page=live_page).exists()


def user_form(user, **changes) -> dict:
    """The admin's user form as the browser would send it back, with ``changes``."""
    joined = user.date_joined.astimezone(dt.UTC)
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "groups": [g.pk for g in user.groups.all()],
        "date_joined_0": joined.strftime("%Y-%m-%d"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
        "initial-date_joined_0": joined.strftime("%Y-%m-%d"),
        "initial-date_joined_1": joined.strftime("%H:%M:%S"),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value not in ("", None)}


def test_removing_a_reviewer_from_their_group_and_closing_their_account_is_audited(
    admin_client, superuser, approved_change, medic, django_capture_on_commit_callbacks
):
    url = admin_url(medic, "change", medic.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, user_form(medic, groups=[]))
    assert response.status_code == 302, response.content.decode()[:2000]
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url, user_form(User.objects.get(pk=medic.pk), is_active=""))

    left_group, closed = admin_events()
    assert left_group.actor == superuser
    assert left_group.message == (
        "In the admin: changed user “dr_patel”: groups: Medical reviewers → (none)"
    )
    assert closed.message == "In the admin: changed user “dr_patel”: active: yes → no"
    approved_change.refresh_from_db()
    assert approved_change.state == ChangeRequest.State.IN_REVIEW  # their sign-off lapsed


def test_adding_someone_to_a_group_and_setting_a_password_are_audited_without_secrets(
    admin_client, make_user, groups
):
    nurse = make_user("nurse", is_staff=True)
    admin_client.post(
        admin_url(nurse, "change", nurse.pk),
        user_form(nurse, groups=[groups[policy.EDITORS].pk]),
    )
    admin_client.post(
        reverse("admin:auth_user_password_change", args=[nurse.pk]),
        {"password1": "Another-long-secret-2026", "password2": "Another-long-secret-2026"},
    )

    joined, password = admin_events()
    assert joined.message == "In the admin: changed user “nurse”: groups: (none) → Editors"
    assert password.message == "In the admin: changed user “nurse”: Changed password."
    assert all("Another-long-secret" not in e.message for e in AuditEvent.objects.all())
    assert all("pbkdf2" not in e.message for e in AuditEvent.objects.all())


def test_adding_a_user_and_a_group_is_audited(admin_client):
    admin_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newreviewer",
            "password1": "A-long-secret-for-2026",
            "password2": "A-long-secret-for-2026",
            "usable_password": "true",
        },
    )
    admin_client.post(reverse("admin:auth_group_add"), {"name": "Pharmacists"})

    user_added, group_added = admin_events()
    assert user_added.message.startswith("In the admin: added user “newreviewer”: ")
    assert "username: newreviewer" in user_added.message
    assert "A-long-secret" not in user_added.message
    assert group_added.message.startswith("In the admin: added group “Pharmacists”")
    assert Group.objects.filter(name="Pharmacists").exists()


def test_deleting_a_readers_feedback_is_audited(admin_client, live_page, publish):
    publication = PublishedPage.objects.get(page=live_page, is_current=True)
    feedback = PageFeedback.objects.create(
        publication=publication, slug=live_page.slug, helpful=False, comment="Call me on 0123."
    )

    admin_client.post(admin_url(feedback, "delete", feedback.pk), {"post": "yes"})

    assert not PageFeedback.objects.exists()
    [event] = admin_events()
    assert event.message.startswith("In the admin: deleted page feedback “secondary-breast-cancer")
