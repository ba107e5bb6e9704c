"""A reviewer asked to look again is shown what changed since their decision, first, with
each save's note and who saved it; so is the email asking them. A request for changes is
at the top until the editors resubmit. Publishing is confirmed on a screen that says what
goes live. Through the HTTP client and the services, as the product does it."""

import pytest
from django.urls import reverse

from infopages.models import PublishedPage, Section, Topic
from reviews import services
from reviews.core.diffs import since_sign_off
from reviews.core.selectors import change_with_details
from reviews.models import ChangeRequest, SignOff
from tests.reviews.conftest import NEW_TEXT

State = ChangeRequest.State
SNEAKED = "Bone scans are completely safe for everyone."


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def html_of(response) -> str:
    return response.content.decode()


def since_part(html: str) -> str:
    """The "what changed since" section of a change page."""
    return html.split('id="since-heading"', 1)[1].split('id="why-heading"', 1)[0]


@pytest.fixture
def sneaked(approved_change, author, edit_section):
    """After the medic's approval, a sentence added under the note "typo"."""
    edit_section(approved_change, "what-is-it", f"{NEW_TEXT} {SNEAKED}", by=author, comment="typo")
    return approved_change


def test_a_reviewer_asked_again_sees_what_changed_since_their_approval_first(
    as_user, sneaked, medic
):
    html = html_of(as_user(medic).get(sneaked.get_absolute_url()))

    top, rest = html.split('id="since-heading"', 1)
    assert "Your approval of" in top and "no longer counts: the page was edited after it." in top
    since = since_part(html)
    assert "What changed since you approved" in html
    assert f'[Added: </span>{SNEAKED}<span class="visually-hidden">]' in since
    assert NEW_TEXT.split()[0] in since  # the approved text is there, unmarked
    assert "[Added: </span>Secondary" not in since
    assert "“typo”" in since and "Erin Editor saved “What is it?”" in since
    assert "Symptoms" not in since  # unchanged since the approval
    # Then the whole change against the published page.
    assert rest.index("Everything that changes on the page") > rest.index("What changed and why")
    assert "Read what changes since you approved below" in top


def test_only_the_reviewer_whose_decision_is_out_of_date_is_shown_it(
    as_user, sneaked, author, publisher, lay
):
    for person in (author, publisher, lay):
        html = html_of(as_user(person).get(sneaked.get_absolute_url()))
        assert 'id="since-heading"' not in html, person
        assert "What changes on the page" in html


def test_no_since_view_once_the_reviewer_decided_on_the_current_content(
    as_user, sneaked, medic, approve
):
    approve(sneaked, medic)

    html = html_of(as_user(medic).get(sneaked.get_absolute_url()))

    assert 'id="since-heading"' not in html and "Your approval of" not in html


def test_after_asking_for_changes_the_reviewer_sees_their_request_and_what_changed_since(
    as_user, submitted_change, medic, author, edit_section, request_changes
):
    request_changes(submitted_change, medic, comment="Name the organs it spreads to.")
    edit_section(
        submitted_change, "what-is-it", f"{NEW_TEXT} Often the bones.", by=author, comment="Organs"
    )
    services.submit_for_review(change=submitted_change, by=author)

    html = html_of(as_user(medic).get(submitted_change.get_absolute_url()))

    assert "You asked for changes on" in html and "Name the organs it spreads to." in html
    since = since_part(html)
    assert "What changed since you asked for changes" in html
    assert "[Added: </span>Often the bones.<span" in since and "“Organs”" in since


def test_a_removed_section_and_its_reason_are_shown_since_the_approval(
    as_user, approved_change, medic, author
):
    symptoms = approved_change.page.sections.get(anchor="symptoms")
    services.remove_in_change(
        change=approved_change, obj=symptoms, by=author, comment="Covered elsewhere"
    )

    since = since_part(html_of(as_user(medic).get(approved_change.get_absolute_url())))

    assert 'class="part part--removed"' in since and "[Removed: </span>Pain." in since
    assert "Removed section “Secondary breast cancer: Symptoms”" in since
    assert "Covered elsewhere" in since


def test_a_renamed_topic_is_all_that_changed_since_and_says_so(
    as_user, approved_change, medic, topic
):
    topic.name = "Breast cancers"
    topic.save()
    services.topic_changed(topic=Topic.objects.get(pk=topic.pk))

    since = since_part(html_of(as_user(medic).get(approved_change.get_absolute_url())))

    assert "No part of the page changed: the name or place of its topic did" in since
    assert "The topic “Breast cancers” was renamed or moved." in since


def test_a_decision_recorded_without_its_versions_says_it_cannot_be_compared(
    approved_change, medic, author, edit_section
):
    edit_section(approved_change, "symptoms", "Pain and tiredness.", by=author)
    signed = SignOff.objects.get()
    signed.versions = {}  # as recorded before sign-offs kept their versions

    since = since_sign_off(change_with_details(approved_change.pk), signed)

    assert not since.known and since.parts == []


def test_the_change_page_renders_each_text_once(as_user, sneaked, medic, monkeypatch):
    import reviews.core.diffs.parts as parts

    rendered = []
    real = parts.render_markdown
    monkeypatch.setattr(
        parts, "render_markdown", lambda text, **kw: rendered.append(text) or real(text, **kw)
    )

    html = html_of(as_user(medic).get(sneaked.get_absolute_url()))

    assert SNEAKED in since_part(html)
    # Published, approved and current text: each once, though two comparisons use them.
    assert sorted(rendered) == sorted(
        ["Cancer that has spread.", NEW_TEXT, f"{NEW_TEXT} {SNEAKED}"]
    )


# The email asking again


def test_the_email_asking_again_says_what_changed_since_with_the_notes(
    approved_change, author, medic, edit_section, run_on_commit, mailoutbox
):
    run_on_commit(
        edit_section,
        approved_change,
        "what-is-it",
        f"{NEW_TEXT} {SNEAKED}",
        by=author,
        comment="typo",
    )

    (email,) = mailoutbox
    assert email.to == ["dr_patel@example.org"]
    assert "What changed since you approved on " in email.body
    assert "- Section “What is it?”: changed" in email.body
    assert '- "typo": Erin Editor, “What is it?”, ' in email.body
    assert "the change page shows what was done" in email.body


def test_a_reviewer_who_had_not_decided_is_told_what_changed_since_the_last_approval(
    approved_change, author, medic, member, edit_section, run_on_commit, mailoutbox
):
    other = member("dr_okafor", "Medical reviewers", first_name="Ben", last_name="Okafor")

    run_on_commit(edit_section, approved_change, "symptoms", "Pain, tiredness.", by=author)

    emails = {email.to[0]: email.body for email in mailoutbox}
    assert "What changed since it was last approved on " in emails[other.email]
    assert "What changed since you approved on " in emails[medic.email]
    assert "- Section “Symptoms”: changed" in emails[other.email]


def test_the_first_request_to_review_says_nothing_about_earlier_decisions(
    draft_change, author, medic, run_on_commit, mailoutbox
):
    run_on_commit(services.submit_for_review, change=draft_change, by=author)

    assert "What changed since" not in mailoutbox[0].body


# Requests for changes, first


def test_a_request_for_changes_is_at_the_top_of_the_change_page_until_resubmitted(
    as_user, submitted_change, author, medic, request_changes, edit_section
):
    request_changes(submitted_change, medic, comment="Say which organs.")
    client = as_user(author)

    html = html_of(client.get(submitted_change.get_absolute_url()))

    top = html.split('id="why-heading"', 1)[0]
    assert "Changes asked for" in top and "Say which organs." in top
    assert "Asha Patel</strong> (medical reviewer) asked for changes on" in top
    edit_section(submitted_change, "what-is-it", f"{NEW_TEXT} The bones.", by=author)
    services.submit_for_review(change=submitted_change, by=author)
    assert "Changes asked for" not in html_of(client.get(submitted_change.get_absolute_url()))


def test_the_editors_dashboard_card_shows_the_latest_request_for_changes(
    as_user, submitted_change, author, medic, request_changes, edit_section
):
    request_changes(submitted_change, medic, comment="Say which organs.")
    edit_section(submitted_change, "what-is-it", f"{NEW_TEXT} The bones.", by=author)
    services.submit_for_review(change=submitted_change, by=author)
    request_changes(submitted_change, medic, comment="And the liver, please.")

    html = html_of(as_user(author).get(reverse("reviews:dashboard")))

    card = html.split('id="sent-back-heading"', 1)[1].split("</section>", 1)[0]
    assert "Asha Patel</strong> (medical reviewer) asked for changes on" in card
    assert "And the liver, please." in card and "Say which organs." not in card


# Publishing, confirmed


def test_publishing_shows_what_goes_live_before_it_is_confirmed(
    as_user, approved_change, publisher
):
    response = as_user(publisher).get(reverse("reviews:publish", args=[approved_change.pk]))

    html = html_of(response)
    assert response.status_code == 200
    assert "Publish “Secondary breast cancer”?" in html
    assert "/info/secondary-breast-cancer/" in html
    assert "A minor change: the page keeps its review dates." in html
    assert "1 March 2026 (kept)" in html and "1 March 2029 (kept)" in html
    assert "Section “What is it?”: changed" in html
    assert f'name="seen_hash" value="{approved_change.content_hash}"' in html
    approved_change.refresh_from_db()
    assert approved_change.state == State.APPROVED  # a GET changes nothing


def test_a_full_review_is_confirmed_with_its_new_dates(
    as_user, live_page, author, medic, lay, approve, publisher, edit_section, time_machine
):
    time_machine.move_to("2026-06-15 10:00 +00:00")
    change = services.start_change(page=live_page, by=author, summary="Yearly", is_full_review=True)
    edit_section(change, "what-is-it", NEW_TEXT, by=author)
    services.submit_for_review(change=change, by=author)
    approve(change, medic)
    approve(change, lay)

    html = html_of(as_user(publisher).get(reverse("reviews:publish", args=[change.pk])))

    assert "A full review: the page is dated from today." in html
    assert "15 June 2026 (new)" in html and "15 June 2029 (new)" in html
    assert "Asha Patel" in html


def test_the_confirmation_is_refused_to_others_and_when_not_approved(
    as_user, approved_change, submitted_change, medic, publisher
):
    url = reverse("reviews:publish", args=[approved_change.pk])
    assert as_user(medic).get(url).status_code == 403

    approved_change.state = State.IN_REVIEW
    approved_change.save(update_fields=["state"])
    response = as_user(publisher).get(url, follow=True)

    assert response.redirect_chain[-1][0] == approved_change.get_absolute_url()
    assert "It cannot be published now." in html_of(response)


def test_publishing_content_other_than_the_one_confirmed_is_refused(
    as_user, approved_change, publisher, author, medic, approve, edit_section
):
    seen = approved_change.content_hash  # the publisher opens the confirmation...
    edit_section(approved_change, "symptoms", "Pain and tiredness.", by=author)
    approve(approved_change, medic)  # ...it is edited and approved again meanwhile

    response = as_user(publisher).post(
        reverse("reviews:publish", args=[approved_change.pk]), {"seen_hash": seen}, follow=True
    )

    assert "edited and signed off again after you opened it" in html_of(response)
    approved_change.refresh_from_db()
    assert approved_change.state == State.APPROVED
    assert not PublishedPage.objects.filter(change_requests=approved_change).exists()


def test_publishing_what_was_confirmed_publishes_it(as_user, approved_change, publisher):
    response = as_user(publisher).post(
        reverse("reviews:publish", args=[approved_change.pk]),
        {"seen_hash": approved_change.content_hash},
        follow=True,
    )

    assert "Published: readers now see the new “Secondary breast cancer”." in html_of(response)
    assert Section.objects.get(anchor="what-is-it").body == NEW_TEXT
    approved_change.refresh_from_db()
    assert approved_change.state == State.PUBLISHED
