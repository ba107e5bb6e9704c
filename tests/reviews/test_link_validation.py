"""Every door a link comes in by reads it as strictly as the link checker does
(``infopages.weblinks``): the register's source form, a page's reference and resource forms
and the importer refuse a link to this machine, or one only a forgiving parser reads, with
a message saying what to change, and keep nothing of it."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from infopages.models import Page, Reference, Resource, Source
from reviews import services
from reviews.core import policy
from reviews.core.errors import InvalidInput


def html_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def editor_client(client, author):
    client.force_login(author)
    return client


def test_the_source_form_refuses_a_percent_encoded_host_and_keeps_what_was_typed(
    editor_client,
):
    typed = {"citation": "Redis, apparently", "url": "http://local%68ost:6379/"}

    response = editor_client.post(reverse("reviews:add_source"), typed)

    html = html_of(response)
    assert response.status_code == 200
    assert "Write the site&#x27;s name without %-codes" in html
    assert 'value="http://local%68ost:6379/"' in html
    assert not Source.objects.exists()


def test_the_register_service_refuses_a_link_to_a_private_address(author):
    with pytest.raises(InvalidInput, match="Link: This is a private or local address"):
        services.add_source(by=author, citation="Metadata", url="http://169.254.169.254/")

    assert not Source.objects.exists()


def test_the_reference_form_refuses_a_link_to_this_machine(editor_client, draft_change):
    response = editor_client.post(
        reverse("reviews:add_reference", args=[draft_change.pk]),
        {
            "citation": "Something local",
            "url": "http://[::ffff:127.0.0.1]:8000/",
            "comment": "Add it",
        },
    )

    assert response.status_code == 200
    assert "a private or local address, which readers cannot open" in html_of(response)
    assert not Reference.objects.exists()


def test_the_resource_form_refuses_a_link_with_a_user_name(editor_client, draft_change):
    response = editor_client.post(
        reverse("reviews:add_resource", args=[draft_change.pk]),
        {
            "title": "A booklet",
            "url": "https://www.macmillan.org.uk@10.0.0.5/booklet",
            "comment": "Add it",
        },
    )

    assert response.status_code == 200
    assert "Leave out the user name or password" in html_of(response)
    assert not Resource.objects.exists()


PAGE = """\
---
title: Bone scan
slug: bone-scan
summary: A scan that shows areas of active bone.
topic: Tests and scans
reviewed: 2025-09-03
next_review: 2028-09-03
references:
  - "Somebody. Notes. {link} (accessed 14 July 2025)"
---
## What is a bone scan?

A test that makes pictures of your bones.
"""


@pytest.mark.parametrize(
    ("link", "problem"),
    [
        ("http://%31%32%37.0.0.1:6379/", "without %-codes"),
        ("http://2130706433/", "four numbers from 0 to 255"),
        ("http://example.org:99999/", "between 1 and 65535"),
        ("http://localhost:6379/", "private or local address"),
    ],
)
def test_the_importer_refuses_a_file_citing_such_a_link(member, tmp_path, link, problem):
    member("importer", policy.PUBLISHERS)
    (tmp_path / "page.md").write_text(PAGE.format(link=link), encoding="utf-8")
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command(
            "import_pages", "--user", "importer", str(tmp_path), stdout=io.StringIO(), stderr=err
        )

    assert f"reference 1 has a link that cannot be used: '{link}'" in err.getvalue()
    assert problem in err.getvalue()
    assert not Page.objects.exists()
