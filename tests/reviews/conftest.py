"""Workflow fixtures: people in their roles, a live page, and a change request to review."""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group

from infopages.models import Block
from reviews import services
from reviews.blocks import services as blocks
from reviews.core import policy
from reviews.core.status import ReviewStatus
from reviews.models import (
    Decision,
    ReviewerRole,
    Role,
    SignOffRequirement,
    SignOffRequirementRole,
)

NEW_TEXT = "Secondary breast cancer is breast cancer that has spread to other parts of the body."
OLD_TEXT = "Cancer that has spread."


@pytest.fixture
def groups(db):
    return {name: Group.objects.get_or_create(name=name)[0] for name in policy.WORKFLOW_GROUPS}


@pytest.fixture
def member(make_user, groups):
    """A user in the named workflow groups."""

    def make(username, *group_names, **extra):
        user = make_user(username, **extra)
        user.groups.add(*(groups[name] for name in group_names))
        return user

    return make


@pytest.fixture
def author(editor, groups):
    """The editor who wrote the page (``make_page`` saves as ``editor``) and its changes."""
    editor.first_name, editor.last_name = "Erin", "Editor"
    editor.save()
    editor.groups.add(groups[policy.EDITORS])
    return editor


@pytest.fixture
def second_editor(member):
    return member("sam", policy.EDITORS, first_name="Sam", last_name="Second")


@pytest.fixture
def medic(member):
    return member("dr_patel", policy.MEDICAL_REVIEWERS, first_name="Asha", last_name="Patel")


@pytest.fixture
def lay(member):
    return member("lee", policy.LAY_REVIEWERS, first_name="Lee", last_name="Morgan")


@pytest.fixture
def publisher(member):
    return member("pat", policy.PUBLISHERS, first_name="Pat", last_name="Jones")


@pytest.fixture
def live_page(make_page, publish, author):
    """A page readers can see, published before the workflow existed (as the import does)."""
    page = make_page()
    publish(page)
    return page


@pytest.fixture
def recertification(live_page, author, medic, lay, publisher):
    """A full review with no edit (a re-certification), in review: it needs a medical and a
    lay reviewer."""
    change = services.start_change(
        page=live_page, by=author, summary="Due for review.", is_full_review=True
    )
    return services.submit_for_review(change=change, by=author)


@pytest.fixture
def edit_section():
    """Save new text for one section of the change's page, as an editor's form would."""

    def edit(change, anchor, body, *, by, comment="Clearer wording"):
        section = change.page.sections.get(anchor=anchor)
        section.body = body
        return services.edit_in_change(
            change=change,
            obj=section,
            by=by,
            comment=comment,
            expected_lock_version=section.lock_version,
        )

    return edit


@pytest.fixture
def draft_change(live_page, author, edit_section):
    change = services.start_change(
        page=live_page, by=author, summary="Explain where the cancer has spread from."
    )
    edit_section(change, "what-is-it", NEW_TEXT, by=author)
    return change


@pytest.fixture
def submitted_change(draft_change, author, medic, lay, publisher):
    return services.submit_for_review(change=draft_change, by=author)


@pytest.fixture
def approve():
    def do(change, reviewer, *, role=None, comment="Accurate and clear.", sections=None):
        """Approve, having read every section (a full review needs each one confirmed)."""
        return services.sign_off(
            change=change,
            reviewer=reviewer,
            decision=Decision.APPROVE,
            seen_hash=change.content_hash,
            comment=comment,
            role=role,
            sections=ReviewStatus(change).section_ids if sections is None else sections,
        )

    return do


@pytest.fixture
def request_changes():
    def do(change, reviewer, *, comment="Say which organs it most often spreads to."):
        return services.sign_off(
            change=change,
            reviewer=reviewer,
            decision=Decision.REQUEST_CHANGES,
            seen_hash=change.content_hash,
            comment=comment,
        )

    return do


@pytest.fixture
def approved_change(submitted_change, medic, approve):
    approve(submitted_change, medic)
    return submitted_change


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run the transaction's on-commit hooks (immediate emails), as a real commit would."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


@pytest.fixture
def invite(publisher, mailoutbox, django_capture_on_commit_callbacks):
    """Invite an outside reviewer to a change as a publisher does; returns the invitation and
    the path of the link in the email they were sent (the only place it exists)."""

    def do(change, *, email="amira.hale@hospital.example", by=None, **details):
        details = {
            "name": "Dr Amira Hale",
            "role": "medical",
            "public_role": "Consultant Clinical Oncologist",
            "credentials": "MBBS FRCR",
            **details,
        }
        with django_capture_on_commit_callbacks(execute=True):
            invitation = services.invite_reviewer(
                change=change, by=by or publisher, email=email, **details
            )
        sent = [m for m in mailoutbox if m.to == [email]]
        link = re.search(r"https?://\S+/outside-review/\S+/", sent[-1].body).group(0)
        return invitation, urlsplit(link).path

    return do


def code_in(mailoutbox) -> str:
    """The one-time code of the newest email."""
    return re.search(r"^(\d{6})$", mailoutbox[-1].body, re.MULTILINE).group(1)


@pytest.fixture
def open_link(mailoutbox):
    """Open an invitation's link in ``client`` as its reviewer does: ask for a code, read it
    from the email, enter it. The client's session is then verified for that invitation."""

    def do(client, path: str):
        assert client.post(path + "code/").status_code == 302
        response = client.post(path + "code/check/", {"code": code_in(mailoutbox)})
        assert response.status_code == 302, response.content.decode()[:2000]
        return client

    return do


def require_sign_offs(*, topic=None, page=None, medical=1, lay=0, full_review_lay=1):
    """A sign-off requirement for a topic or a page, as the two starting roles' numbers
    (for every change; lay for a full review), as the admin would set them."""
    requirement = SignOffRequirement.objects.create(topic=topic, page=page)
    roles = {role.code: role for role in ReviewerRole.objects.all()}
    SignOffRequirementRole.objects.create(
        requirement=requirement, role=roles[Role.MEDICAL], for_every_change=medical
    )
    SignOffRequirementRole.objects.create(
        requirement=requirement,
        role=roles[Role.LAY],
        for_every_change=lay,
        for_full_review=full_review_lay,
    )
    return requirement


def requirement_rows(rows, existing=()) -> dict:
    """A requirement's inline rows as the admin's form sends them: (role, for every change,
    for a full review) each, ``existing`` the rows already saved."""
    data = {
        "roles-TOTAL_FORMS": str(len(rows)),
        "roles-INITIAL_FORMS": str(len(existing)),
        "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "1000",
    }
    for n, (role, every, full) in enumerate(rows):
        data |= {
            f"roles-{n}-role": role.pk,
            f"roles-{n}-for_every_change": every,
            f"roles-{n}-for_full_review": full,
        }
        if n < len(existing):
            data[f"roles-{n}-id"] = existing[n].pk
    return data


# Shared blocks (tests/reviews/test_shared_blocks.py, test_block_republication.py) ----------

PHONE = "0808 157 0192"  # Ofcom's drama range: rings nobody
FIELDS = {
    "intro": "If you would like to talk, you can:",
    "phone": PHONE,
    "hours": "Monday to Friday, 9am to 5pm",
    "chat": "https://support.example.org/chat",
    "email": "support@example.org",
}
MARKER = "{{block:support-line}}"


@pytest.fixture
def second_publisher(member):
    return member("quinn", policy.PUBLISHERS, first_name="Quinn", last_name="Reid")


@pytest.fixture
def change_block(author, publisher, approve, django_capture_on_commit_callbacks):
    """Put new field values through a block's whole review: edit, submit, a publisher's
    check, publish (with the publication's after-commit work, as a real commit runs it)."""

    def change(name="support-line", *, run_first_batch=True, **values):
        block = Block.objects.get(name=name)
        open_change = services.start_change(page=block.page, by=author, summary="Block update")
        current, counters = blocks.working_values(block)
        blocks.edit_block(
            change=open_change,
            values={**current, **values},
            lock_versions=counters,
            by=author,
            comment="New details",
        )
        services.submit_for_review(change=open_change, by=author)
        approve(open_change, publisher, role="publisher")
        with django_capture_on_commit_callbacks(execute=run_first_batch):
            services.publish(change=open_change, by=publisher, public_note="New opening hours.")
        return open_change

    return change


@pytest.fixture
def support_line(author, publisher, approve, django_capture_on_commit_callbacks):
    """The support-line block, published once (version 1)."""
    change = blocks.create_block(
        name="support-line", kind="support_line", title="Our support line", by=author
    )
    block = Block.objects.get(name="support-line")
    _values, counters = blocks.working_values(block)
    blocks.edit_block(
        change=change, values=FIELDS, lock_versions=counters, by=author, comment="First text"
    )
    services.submit_for_review(change=change, by=author)
    approve(change, publisher, role="publisher")
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(change=change, by=publisher)
    return block


@pytest.fixture
def embed(author, medic, publisher, approve):
    """Put the marker at the end of a live page's first section, through review."""

    def do(page, marker=MARKER):
        change = services.start_change(page=page, by=author, summary="Add the support line")
        section = page.sections.order_by("position").first()
        section.body = f"{section.body}\n\n{marker}\n"
        services.edit_in_change(
            change=change,
            obj=section,
            by=author,
            comment="Support line",
            expected_lock_version=section.lock_version,
        )
        services.submit_for_review(change=change, by=author)
        approve(change, medic)
        return services.publish(change=change, by=publisher)

    return do


@pytest.fixture
def pages_with_block(make_page, publish, support_line, embed):
    def make(count):
        pages = []
        for n in range(count):
            page = make_page(slug=f"page-{n}", title=f"Page {n}")
            publish(page)
            embed(page)
            pages.append(page)
        return pages

    return make
