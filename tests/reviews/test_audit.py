import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from reviews import services
from reviews.models import AuditEvent
from tests.reviews.conftest import NEW_TEXT


@pytest.fixture
def full_path(live_page, author, medic, lay, publisher, edit_section, approve, request_changes):
    """The whole workflow of a full review, returned with the change request."""
    change = services.start_change(
        page=live_page, by=author, summary="Full review", is_full_review=True
    )
    edit_section(change, "what-is-it", "First go.", by=author)
    services.submit_for_review(change=change, by=author)
    request_changes(change, medic)
    edit_section(change, "what-is-it", NEW_TEXT, by=author)
    services.submit_for_review(change=change, by=author)
    approve(change, medic)
    approve(change, lay)
    services.publish(change=change, by=publisher)
    return change


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user("admin", is_staff=True, is_superuser=True))
    return client


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_audit_log_holds_one_event_per_step_in_order(full_path, author, medic, lay, publisher):
    events = AuditEvent.objects.filter(change_request_id=full_path.pk).order_by("created_at", "id")

    assert [(e.action, e.actor) for e in events] == [
        ("change_started", author),
        ("edited", author),
        ("submitted", author),
        ("changes_requested", medic),
        ("edited", author),
        ("submitted", author),
        ("signed_off", medic),
        ("signed_off", lay),
        ("approved", lay),
        ("published", publisher),
    ]
    published = events.last()
    assert published.page == full_path.page
    assert published.versions["content_hash"] == full_path.content_hash
    assert published.versions["sections"] == full_path.publication.source_versions["sections"]


def test_audit_events_record_the_versions_of_each_step(full_path):
    first_edit, second_edit = AuditEvent.objects.filter(
        change_request_id=full_path.pk, action="edited"
    )

    assert first_edit.versions["content_hash"] != second_edit.versions["content_hash"]
    assert first_edit.versions["sections"] != second_edit.versions["sections"]


def test_admin_exports_the_audit_log_as_csv(admin_client, full_path):
    response = admin_client.get(reverse("reviews:audit_csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:4] == ["when", "who", "who (name)", "what"]
    steps = [row[3] for row in rows[1:] if row[6] == str(full_path.pk)]
    assert steps[0] == "change_started" and steps[-1] == "published" and len(steps) == 10
    approved = next(row for row in rows if row[3] == "approved")
    assert approved[1:3] == ["lee", "Lee Morgan"]
    assert approved[4] == "secondary-breast-cancer"


def test_audit_csv_filters_by_page_and_dates(admin_client, full_path, live_page, make_page):
    other = make_page(slug="bone-scan", title="Bone scan")
    services.start_change(page=other, by=full_path.created_by, summary="Bone scan page")
    today = timezone.localdate().isoformat()
    url = reverse("reviews:audit_csv")

    only_bone_scan = csv_rows(admin_client.get(url, {"page": "bone-scan"}))
    assert [row[4] for row in only_bone_scan[1:]] == ["bone-scan"]
    todays = csv_rows(admin_client.get(url, {"since": today, "until": today}))
    assert len(todays) == AuditEvent.objects.count() + 1
    assert csv_rows(admin_client.get(url, {"until": "2020-01-01"})) == [todays[0]]


@pytest.mark.parametrize(
    "query, message",
    [
        ({"since": "last tuesday"}, "Enter a valid date."),
        ({"page": "no-such-page"}, "There is no page with that address."),
        ({"since": "2026-02-01", "until": "2026-01-01"}, "The start date is after the end date."),
    ],
)
def test_audit_csv_explains_bad_filters(admin_client, query, message):
    response = admin_client.get(reverse("reviews:audit_csv"), query)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_audit_csv_is_not_for_the_public(client, full_path):
    response = client.get(reverse("reviews:audit_csv"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_audit_csv_needs_permission_to_view_the_audit_log(client, author, full_path):
    client.force_login(author)  # staff, but not an admin
    assert client.get(reverse("reviews:audit_csv")).status_code == 403

    author.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
    assert client.get(reverse("reviews:audit_csv")).status_code == 200


def test_csv_cells_that_look_like_formulas_are_neutralised(admin_client, submitted_change, medic):
    services.add_comment(change=submitted_change, by=medic, body='=HYPERLINK("http://x")')

    rows = csv_rows(admin_client.get(reverse("reviews:audit_csv")))

    assert rows[-1][8] == '\'=HYPERLINK("http://x")'


def test_admin_action_exports_selected_events_as_csv(admin_client, full_path):
    chosen = AuditEvent.objects.filter(action="signed_off")

    response = admin_client.post(
        reverse("admin:reviews_auditevent_changelist"),
        {"action": "export_csv", "_selected_action": [e.pk for e in chosen]},
    )

    assert response.status_code == 200
    rows = csv_rows(response)
    assert [row[3] for row in rows[1:]] == ["signed_off", "signed_off"]


def test_audit_events_cannot_be_changed_or_deleted(full_path):
    event = AuditEvent.objects.first()
    event.message = "Tampered"

    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()
