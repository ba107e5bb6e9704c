import pytest
from django.urls import reverse
from reversion.models import Version

from reviews.models import NotificationPreference, ReviewerRole, SignOffRequirement
from tests.reviews.conftest import requirement_rows


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user("admin", is_staff=True, is_superuser=True))
    return client


def test_admin_shows_a_change_request_with_its_sign_offs_and_comments(
    admin_client, approved_change
):
    url = reverse("admin:reviews_changerequest_change", args=[approved_change.pk])

    html = admin_client.get(url).content.decode()

    assert "Explain where the cancer has spread from." in html
    assert "Accurate and clear." in html


@pytest.mark.parametrize(
    "name",
    [
        "admin:reviews_changerequest_changelist",
        "admin:reviews_auditevent_changelist",
        "admin:reviews_signoffrequirement_add",
        "admin:reviews_notificationpreference_add",
        "admin:reviews_notification_changelist",
        "admin:auth_user_changelist",
        "admin:auth_group_changelist",
        "admin:infopages_person_changelist",
        "admin:infopages_topic_changelist",
    ],
)
def test_admin_pages_open(admin_client, approved_change, name):
    assert admin_client.get(reverse(name)).status_code == 200


def test_admin_cannot_change_workflow_records(admin_client, approved_change):
    url = reverse("admin:reviews_changerequest_change", args=[approved_change.pk])

    admin_client.post(url, {"state": "published"})

    approved_change.refresh_from_db()
    assert approved_change.state == "approved"


def test_admin_history_of_a_section_opens_and_its_versions_stay(admin_client, approved_change):
    """The admin shows a section read-only; its versions are listed in the workspace's page
    history (and restored there, as a new draft)."""
    section = approved_change.page.sections.get(anchor="what-is-it")

    response = admin_client.get(reverse("admin:infopages_section_history", args=[section.pk]))

    assert response.status_code == 200
    assert Version.objects.get_for_object(section).count() == 2


def test_sign_off_requirement_and_preference_are_set_in_the_admin(admin_client, topic, editor):
    admin_client.post(
        reverse("admin:reviews_signoffrequirement_add"),
        {
            "topic": topic.pk,
            **requirement_rows([(ReviewerRole.objects.get(code="medical"), 2, 0)]),
        },
    )
    admin_client.post(
        reverse("admin:reviews_notificationpreference_add"),
        {"user": editor.pk, "frequency": "daily"},
    )

    assert SignOffRequirement.objects.get(topic=topic).roles.get().for_every_change == 2
    assert NotificationPreference.objects.get().frequency == "daily"


def test_reviewer_reads_the_change_request_the_email_links_to(client, submitted_change, medic):
    client.force_login(medic)

    html = client.get(submitted_change.get_absolute_url()).content.decode()

    assert "Explain where the cancer has spread from." in html
    assert "Still needed: 1 medical reviewer" in html


def test_change_requests_are_not_for_the_public(client, submitted_change, make_user):
    assert client.get(submitted_change.get_absolute_url()).status_code == 302
    client.force_login(make_user("reader"))
    assert client.get(submitted_change.get_absolute_url()).status_code == 403
