"""Every workspace URL, for every role, with GET and with POST, built from the URL resolver so
a new view cannot slip past: a view missing from ``EXPECTED`` fails the test until someone
says who may use it.

For each request the effect is checked, not only the status: a refused request (403, or the
sign-in page for anonymous people) changes nothing at all (no audit event, version,
publication, comment, sign-off or state), and no request answers with a server error.

An outside reviewer's link ("token": its key is the only way in) is "not found" with any
other key, for everyone; with a real one, in a session that gave its code, no other
workspace URL opens.
"""

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from reversion.models import Version

from infopages.models import Figure, PublishedPage, Reference, Resource, Source
from infopages.services import save_with_version
from reviews.blocks import services as blocks
from reviews.core import policy
from reviews.models import AuditEvent, ChangeRequest, Comment, Invitation, ReviewFlag, SignOff
from tests.figures import pictures

ANONYMOUS, NO_ROLE, STAFF = "anonymous", "signed_in_no_role", "staff_no_role"
EDITORS = {"author", "second_editor"}
REVIEWERS = {"medic", "lay"}
PUBLISHERS = {"publisher"}
MEMBERS = EDITORS | REVIEWERS | PUBLISHERS  # anyone in a workflow group
WORKSPACE = MEMBERS | {STAFF}  # may look around the workspace
ROLES = [ANONYMOUS, NO_ROLE, STAFF, *sorted(MEMBERS)]

# Who may use each workspace URL, by method ("-": the method is not served, 405).
# The change used is in review and needs one medical reviewer (not the lay reviewer).
EXPECTED: dict[str, dict[str, set[str] | str]] = {
    "reviews:dashboard": {"GET": WORKSPACE, "POST": "-"},
    "reviews:audit_csv": {"GET": set(), "POST": "-"},  # admins with the permission only
    "reviews:notification_preference": {"GET": "-", "POST": WORKSPACE},
    "reviews:public_credit": {"GET": REVIEWERS, "POST": REVIEWERS},
    "reviews:readability_report": {"GET": WORKSPACE, "POST": "-"},
    "reviews:start_change": {"GET": "-", "POST": EDITORS},
    "reviews:change": {"GET": WORKSPACE, "POST": "-"},
    "reviews:update_details": {"GET": "-", "POST": EDITORS},
    "reviews:submit": {"GET": "-", "POST": EDITORS},
    "reviews:sign_off": {"GET": "-", "POST": {"medic"}},
    # Ticks in a full review, kept for later: whoever may sign the change off.
    "reviews:keep_sections_read": {"GET": "-", "POST": {"medic"}},
    "reviews:comment": {"GET": "-", "POST": MEMBERS},
    "reviews:withdraw": {"GET": "-", "POST": EDITORS | PUBLISHERS},
    "reviews:publish": {"GET": PUBLISHERS, "POST": PUBLISHERS},  # GET: the confirmation
    "reviews:schedule": {"GET": "-", "POST": PUBLISHERS},
    "reviews:unschedule": {"GET": "-", "POST": PUBLISHERS},
    "reviews:edit_page": {"GET": EDITORS, "POST": EDITORS},
    "reviews:edit_topic": {"GET": EDITORS, "POST": EDITORS},
    "reviews:edit_address": {"GET": EDITORS, "POST": EDITORS},
    "reviews:edit_related": {"GET": EDITORS, "POST": EDITORS},
    "reviews:reorder": {"GET": EDITORS, "POST": EDITORS},
    "reviews:add_figure": {"GET": EDITORS, "POST": EDITORS},
    "reviews:edit_figure": {"GET": EDITORS, "POST": EDITORS},
    "reviews:remove_figure": {"GET": "-", "POST": EDITORS},
    "reviews:add_reference": {"GET": EDITORS, "POST": EDITORS},
    "reviews:edit_reference": {"GET": EDITORS, "POST": EDITORS},
    "reviews:remove_reference": {"GET": "-", "POST": EDITORS},
    "reviews:add_resource": {"GET": EDITORS, "POST": EDITORS},
    "reviews:edit_resource": {"GET": EDITORS, "POST": EDITORS},
    "reviews:remove_resource": {"GET": "-", "POST": EDITORS},
    "reviews:add_section": {"GET": EDITORS, "POST": EDITORS},
    "reviews:edit_section": {"GET": EDITORS, "POST": EDITORS},
    "reviews:remove_section": {"GET": "-", "POST": EDITORS},
    "reviews:unpublish": {"GET": "-", "POST": PUBLISHERS},
    "reviews:page_history": {"GET": WORKSPACE, "POST": "-"},
    "reviews:publication": {"GET": WORKSPACE, "POST": "-"},
    "reviews:page_as_of": {"GET": WORKSPACE, "POST": "-"},
    "reviews:restore_version": {"GET": "-", "POST": EDITORS},
    "reviews:restore_publication": {"GET": "-", "POST": EDITORS},
    "reviews:calendar": {"GET": WORKSPACE, "POST": "-"},
    "reviews:calendar_csv": {"GET": WORKSPACE, "POST": "-"},
    "reviews:review_report": {"GET": WORKSPACE, "POST": "-"},
    "reviews:create_calendar_feed": {"GET": "-", "POST": EDITORS},
    # Anyone may revoke their own address (even after leaving the editors).
    "reviews:revoke_calendar_feed": {"GET": "-", "POST": WORKSPACE},
    # A private feed for calendar apps: its secret address is the key, whoever asks.
    "reviews:calendar_feed": {"GET": "key", "POST": "-"},
    "reviews:review_notice_wording": {"GET": PUBLISHERS, "POST": PUBLISHERS},
    "reviews:page_schedule": {"GET": WORKSPACE, "POST": "-"},
    "reviews:change_owner": {"GET": "-", "POST": EDITORS | PUBLISHERS},
    "reviews:change_interval": {"GET": "-", "POST": PUBLISHERS},
    "reviews:bring_review_forward": {"GET": "-", "POST": PUBLISHERS},
    "reviews:start_full_review": {"GET": "-", "POST": EDITORS},
    # Inviting outside reviewers: publishers, and the page's owner (not set on this page).
    "reviews:invite": {"GET": PUBLISHERS, "POST": PUBLISHERS},
    "reviews:revoke_invitation": {"GET": "-", "POST": PUBLISHERS},
    # An outside reviewer's link: whoever has it, nobody signed in (see the test below).
    "reviews:outside_review": {"GET": "token", "POST": "-"},
    "reviews:outside_send_code": {"GET": "-", "POST": "token"},
    "reviews:outside_check_code": {"GET": "-", "POST": "token"},
    "reviews:outside_decide": {"GET": "-", "POST": "token"},
    "reviews:outside_keep_sections_read": {"GET": "-", "POST": "token"},
    # The evidence register: read by everyone in the workspace, changed by editors.
    "reviews:sources": {"GET": WORKSPACE, "POST": "-"},
    "reviews:source": {"GET": WORKSPACE, "POST": "-"},
    "reviews:broken_links": {"GET": WORKSPACE, "POST": "-"},
    "reviews:add_source": {"GET": EDITORS, "POST": EDITORS},
    "reviews:edit_source": {"GET": EDITORS, "POST": EDITORS},
    "reviews:mark_source": {"GET": "-", "POST": EDITORS},
    "reviews:merge_sources": {"GET": EDITORS, "POST": EDITORS},
    # The source check of a flagged page: read by everyone in the workspace; a medical
    # reviewer records "no change needed", an editor starts a change.
    "reviews:source_check": {"GET": WORKSPACE, "POST": "-"},
    "reviews:confirm_source_check": {"GET": "-", "POST": {"medic"}},
    "reviews:start_change_for_source": {"GET": "-", "POST": EDITORS},
    # Shared blocks: read by everyone in the workspace, made and edited by editors (inside a
    # change, reviewed as a page's), retired by publishers.
    "reviews:blocks": {"GET": WORKSPACE, "POST": "-"},
    "reviews:create_block": {"GET": "-", "POST": EDITORS},
    "reviews:block": {"GET": WORKSPACE, "POST": "-"},
    "reviews:start_block_change": {"GET": "-", "POST": EDITORS},
    "reviews:edit_block": {"GET": EDITORS, "POST": EDITORS},
    "reviews:retire_block": {"GET": "-", "POST": PUBLISHERS},
    # Language and easy read versions: started by editors, made to follow the English page
    # by whoever may edit the change.
    "reviews:start_version": {"GET": "-", "POST": EDITORS},
    "reviews:follow_source": {"GET": "-", "POST": EDITORS},
}
OUTSIDE_REVIEW = {name for name, methods in EXPECTED.items() if "token" in methods.values()}


def workspace_patterns() -> list[tuple[str, list[str]]]:
    """(namespaced URL name, its keyword arguments) of every URL under /reviews/."""
    found = []

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace == "reviews":
                found.append((f"reviews:{pattern.name}", list(pattern.pattern.converters)))

    walk(get_resolver().url_patterns, "")
    return found


def test_every_workspace_url_says_who_may_use_it():
    names = {name for name, _kwargs in workspace_patterns()}

    assert names - set(EXPECTED) == set(), "add the new views to EXPECTED"
    assert set(EXPECTED) - names == set(), "remove views that no longer exist from EXPECTED"


@pytest.fixture
def staff_no_role(make_user):
    return make_user("staff-without-role", is_staff=True)


@pytest.fixture
def signed_in_no_role(make_user):
    return make_user("reader-with-an-account")


@pytest.fixture
def sample_kwargs(live_page, author, submitted_change, invite):
    page = submitted_change.page
    reference = save_with_version(
        Reference(page=page, citation="NICE CG81"), by=author, comment="Added"
    ).obj
    resource = save_with_version(
        Resource(page=page, title="Booklet", url="https://example.org/b"), by=author, comment="x"
    ).obj
    figure = save_with_version(
        Figure(page=page, name="diagram", image=pictures.stored(), alt="A body outline."),
        by=author,
        comment="Added",
    ).obj
    return {
        "figure_pk": figure.pk,
        "resource_pk": resource.pk,
        "pk": submitted_change.pk,
        "page_pk": page.pk,
        "section_pk": page.sections.first().pk,
        "part_pk": reference.pk,
        "kind": "sections",
        "key": "not-a-real-key",
        "publication_pk": PublishedPage.objects.filter(page=page).first().pk,
        "invitation_pk": invite(submitted_change)[0].pk,
        "source_pk": Source.objects.create(citation="NICE. Early breast cancer (NG101).").pk,
        "name": blocks.create_block(
            name="sample-block", kind="paragraph", title="Sample", by=author
        ).page.shared_block.name,
    }


def post_data(change: ChangeRequest, page) -> dict:
    """Form fields any of the workspace's forms might need, valid where it matters."""
    return {
        "summary": "Clearer wording.",
        "body": "New text.",
        "heading": "What is it?",
        "title": "A title",
        "comment": "Because.",
        "reason": "A reason.",
        "decision": "request_changes",
        "seen_hash": change.content_hash,
        "lock_version": "0",
        "frequency": "daily",
        "page": page.slug,
        "publish_at": "2099-01-01T09:00",
        "version": str(Version.objects.get_for_object(page).first().pk),
        "publication": str(PublishedPage.objects.filter(page=page).first().pk),
        "name": "Dr A Reviewer",
        "citation": "NICE. Suspected cancer: recognition and referral (NG12). 2015.",
        "status": "updated",
        "note": "NICE NG101 updated.",
    }


# Fields whose meaning differs from one form to another.
POST_OVERRIDES = {
    "reviews:sign_off": {"role": "medical"},
    "reviews:public_credit": {"role": "Consultant Clinical Oncologist"},
}


def footprint() -> tuple:
    return (
        AuditEvent.objects.count(),
        Version.objects.count(),
        PublishedPage.objects.count(),
        Comment.objects.count(),
        SignOff.objects.count(),
        tuple(Source.objects.order_by("pk").values_list("citation", "status", "merged_into")),
        ReviewFlag.objects.count(),
        tuple(ChangeRequest.objects.order_by("pk").values_list("state", flat=True)),
        tuple(Invitation.objects.order_by("pk").values_list("revoked_at", "decided_at")),
    )


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_what_the_matrix_says(
    client, request, role, submitted_change, sample_kwargs, staff_no_role, signed_in_no_role
):
    user = None if role == ANONYMOUS else request.getfixturevalue(role)
    if user is not None:
        client.force_login(user)
    client.raise_request_exception = False
    data = post_data(submitted_change, submitted_change.page)
    problems = []
    for name, converters in workspace_patterns():
        samples = sample_kwargs | (
            {"part_pk": sample_kwargs["resource_pk"]} if name.endswith("_resource") else {}
        )
        url = reverse(name, kwargs={key: samples[key] for key in converters})
        for method in ("GET", "POST"):
            allowed = EXPECTED[name][method]
            before = footprint()
            with transaction.atomic():
                payload = {**data, **POST_OVERRIDES.get(name, {})}
                response = client.get(url) if method == "GET" else client.post(url, payload)
                after = footprint()
                transaction.set_rollback(True)  # every request starts from the same state
            status = response.status_code
            where = f"{role} {method} {url} -> {status}"
            if status >= 500:
                problems.append(f"server error: {where}")
            elif allowed == "-":
                if status != 405:
                    problems.append(f"expected 405: {where}")
            elif allowed in ("key", "token"):  # a wrong secret address is not there, for anyone
                if status != 404 or after != before:
                    problems.append(f"expected 404 for a wrong key: {where}")
            elif role == ANONYMOUS:
                signs_in = status == 302 and response["Location"].startswith(reverse("login"))
                if not signs_in or after != before:
                    problems.append(f"anonymous not sent to sign in: {where}")
            elif role in allowed:
                if status == 403:
                    problems.append(f"refused but should be allowed: {where}")
            elif status != 403 or after != before:
                problems.append(f"not refused cleanly (403, nothing changed): {where}")
    assert problems == []


def test_a_membership_change_is_seen_at_once(client, submitted_change, signed_in_no_role, groups):
    """Roles are read per request: someone added to a group may act at once, and removed,
    may not."""
    client.force_login(signed_in_no_role)
    url = reverse("reviews:change", args=[submitted_change.pk])
    assert client.get(url).status_code == 403

    signed_in_no_role.groups.add(groups[policy.EDITORS])
    assert client.get(url).status_code == 200

    signed_in_no_role.groups.remove(groups[policy.EDITORS])
    assert client.get(url).status_code == 403


def test_a_session_that_gave_an_invitations_code_opens_no_workspace_url(
    client, submitted_change, sample_kwargs, invite, open_link
):
    """The outside reviewer's own change opens; every other workspace URL sends them to sign
    in (or is not there, or not served), and changes nothing."""
    _invitation, path = invite(submitted_change, email="lay.expert@example.net", role="medical")
    open_link(client, path)
    assert client.get(path).status_code == 200
    client.raise_request_exception = False
    data = post_data(submitted_change, submitted_change.page)
    problems = []
    for name, converters in workspace_patterns():
        if name in OUTSIDE_REVIEW:
            continue
        url = reverse(name, kwargs={key: sample_kwargs[key] for key in converters})
        for method in ("GET", "POST"):
            allowed = EXPECTED[name][method]
            before = footprint()
            with transaction.atomic():
                response = client.get(url) if method == "GET" else client.post(url, data)
                after = footprint()
                transaction.set_rollback(True)
            status, where = response.status_code, f"{method} {url} -> {response.status_code}"
            if allowed == "-":
                expected = status == 405
            elif allowed == "key":
                expected = status == 404
            else:
                expected = status == 302 and response["Location"].startswith(reverse("login"))
            if not expected or after != before:
                problems.append(where)
    assert problems == []
    assert client.get(path).status_code == 200  # and their own link still opens
