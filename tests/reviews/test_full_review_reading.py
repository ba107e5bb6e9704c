"""A full review is a reading of the whole page (issue 17): every section in full, as readers
will see it, with a tick beside each that is kept between visits; the title, summary,
address, references, booklets and related pages too; the parts the change alters marked."""

import re

import pytest
from django.urls import reverse

from infopages.models import Page, PublishedSection, Reference, Resource, Topic
from infopages.services import save_with_version
from reviews import services
from reviews.core.status import ReviewStatus
from reviews.models import ChangeRequest, ReadingProgress, SignOff

State = ChangeRequest.State
WHOLE_PAGE = "The whole page, as readers will see it"


def whole_page_of(client, user, change) -> str:
    client.force_login(user)
    html = client.get(change.get_absolute_url()).content.decode()
    assert WHOLE_PAGE in html
    return html.split(WHOLE_PAGE, 1)[1].split('id="sign-off"', 1)[0]


def section_html(page_html: str, heading: str) -> str:
    """One section of the whole page, from its heading to the next section."""
    start = page_html.index(f"</span> {heading}</h3>")
    end = page_html.find('<section class="read-section', start)
    return page_html[start : end if end != -1 else None]


@pytest.mark.parametrize("who", ["medic", "lay"])
def test_a_recertification_shows_the_text_of_every_section_to_each_reviewer(
    client, request, recertification, who
):
    html = whole_page_of(client, request.getfixturevalue(who), recertification)

    assert "<p>Cancer that has spread.</p>" in section_html(html, "What is it?")
    assert "<p>Pain.</p>" in section_html(html, "Symptoms")
    for section in recertification.page.sections.all():
        assert (
            f'<input type="checkbox" name="sections" value="{section.pk}" form="sign-off-form"'
            in html
        )


def test_a_recertification_says_nothing_differs_and_points_to_the_whole_page(
    client, recertification, medic
):
    client.force_login(medic)
    html = client.get(recertification.get_absolute_url()).content.decode()

    assert "this full review confirms the page as it is. Read all of it below." in html
    assert "Nothing differs from the published page yet." not in html


def test_a_full_review_with_a_small_edit_shows_every_section_and_marks_the_edited_one(
    client, recertification, author, medic, edit_section
):
    edit_section(recertification, "symptoms", "Pain and *tiredness*.", by=author)

    html = whole_page_of(client, medic, recertification)

    symptoms = section_html(html, "Symptoms")
    assert "Changed in this change" in symptoms
    assert '<p class="changed">Pain and <em>tiredness</em>.</p>' in symptoms
    assert "#part-section-" in symptoms  # to what changes, in the comparison above
    what_is_it = section_html(html, "What is it?")
    assert "<p>Cancer that has spread.</p>" in what_is_it
    assert "Changed in this change" not in what_is_it


def test_an_unchanged_section_is_shown_as_its_publication_stored_it(client, recertification, medic):
    # The read model's HTML is what readers see; it is shown, not the markdown rendered again.
    PublishedSection.objects.filter(heading="Symptoms").update(html="<p>Pain, as stored.</p>")

    html = whole_page_of(client, medic, recertification)

    assert "<p>Pain, as stored.</p>" in section_html(html, "Symptoms")


def test_the_title_summary_address_references_booklets_and_related_pages_are_shown(
    client, live_page, make_page, author, medic, lay, editor
):
    other = make_page(slug="bone-secondaries", title="Bone secondaries")
    live_page.related_pages.add(other)
    save_with_version(live_page, by=editor, comment="Related")
    save_with_version(
        Reference(page=live_page, citation="NICE NG101 (2018)", url="https://nice.org.uk/ng101"),
        by=editor,
        comment="Cited",
    )
    save_with_version(
        Resource(page=live_page, title="Secondary breast cancer booklet", url="https://x.org/b"),
        by=editor,
        comment="Booklet",
    )
    change = services.start_change(
        page=live_page, by=author, summary="Full review.", is_full_review=True
    )
    services.submit_for_review(change=change, by=author)

    html = whole_page_of(client, medic, change)

    assert "<dd>Secondary breast cancer" in html
    assert "<dd>About secondary breast cancer.</dd>" in html
    assert "<dd>/info/secondary-breast-cancer/</dd>" in html
    assert "NICE NG101 (2018)" in html and 'href="https://nice.org.uk/ng101"' in html
    assert ">Secondary breast cancer booklet</a>" in html
    assert "Bone secondaries" in html.split("Related pages", 1)[1]


def test_each_section_says_when_each_role_last_signed_it_off(
    client, recertification, medic, lay, publisher, author, approve
):
    approve(recertification, medic)
    approve(recertification, lay)
    services.publish(change=recertification, by=publisher)
    medical_at = SignOff.objects.get(reviewer=medic).created_at
    again = services.start_change(
        page=recertification.page, by=author, summary="Again.", is_full_review=True
    )
    services.submit_for_review(change=again, by=author)

    html = whole_page_of(client, medic, again)

    said = (
        f"Last signed off in a full review: medical reviewer {medical_at:%-d %B %Y}; lay reviewer"
    )
    assert said in section_html(html, "Symptoms")


def test_a_section_never_signed_off_in_a_full_review_says_so(client, recertification, medic):
    html = whole_page_of(client, medic, recertification)

    assert "Last signed off in a full review: not yet in the portal." in html


# Ticks kept between visits


def keep(client, change, *sections, seen_hash=None, json=False, **typed):
    """Keep ticks as the decision form's "Keep my ticks for later" button (or, ``json``,
    its script) sends them, with anything typed in the form."""
    return client.post(
        reverse("reviews:keep_sections_read", args=[change.pk]),
        {
            "seen_hash": seen_hash or change.content_hash,
            "sections": [str(s.pk) for s in sections],
            **typed,
        },
        headers={"Accept": "application/json"} if json else {},
    )


def ticked_boxes(html: str) -> list[str]:
    return re.findall(
        r'name="sections" value="(\d+)" form="sign-off-form" data-read-tick checked', html
    )


def test_ticks_kept_for_later_are_ticked_when_the_reviewer_comes_back(
    client, recertification, medic
):
    symptoms = recertification.page.sections.get(anchor="symptoms")
    client.force_login(medic)

    response = keep(client, recertification, symptoms)

    assert response.status_code == 302
    html = whole_page_of(client, medic, recertification)
    assert ticked_boxes(html) == [str(symptoms.pk)]
    assert (
        "<strong data-read-count>1</strong> of 2 ticked"
        in client.get(recertification.get_absolute_url()).content.decode()
    )


def test_kept_ticks_are_not_a_sign_off(client, recertification, medic):
    client.force_login(medic)

    keep(client, recertification, *recertification.page.sections.all())

    recertification.refresh_from_db()
    assert recertification.state == State.IN_REVIEW
    assert not SignOff.objects.exists()


def test_ticks_are_each_reviewers_own(client, recertification, medic, lay):
    client.force_login(medic)
    keep(client, recertification, *recertification.page.sections.all())

    assert ticked_boxes(whole_page_of(client, lay, recertification)) == []


def test_an_edit_to_a_section_unticks_it(client, recertification, medic, author, edit_section):
    sections = list(recertification.page.sections.order_by("position"))
    client.force_login(medic)
    keep(client, recertification, *sections)

    edit_section(recertification, "symptoms", "Pain and tiredness.", by=author)

    assert ticked_boxes(whole_page_of(client, medic, recertification)) == [str(sections[0].pk)]


def test_ticks_sent_for_content_edited_since_are_refused_and_not_kept(
    client, recertification, medic, author, edit_section
):
    seen = recertification.content_hash
    edit_section(recertification, "symptoms", "Pain and tiredness.", by=author)
    client.force_login(medic)

    response = keep(
        client,
        recertification,
        *recertification.page.sections.all(),
        seen_hash=seen,
        comment="Reads well so far.",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "The page was edited after you opened it, so your ticks were not kept." in html
    assert "Reads well so far.</textarea>" in html
    assert not ReadingProgress.objects.exists()


def test_keeping_ticks_keeps_what_the_reviewer_typed_in_the_decision_form(
    client, recertification, medic
):
    client.force_login(medic)
    symptoms = recertification.page.sections.get(anchor="symptoms")

    response = keep(client, recertification, symptoms, comment="Half way through.")

    html = response.content.decode()
    assert "Your ticks are kept: 1 of 2 sections read." in html
    assert "Half way through.</textarea>" in html
    assert ticked_boxes(html) == [str(symptoms.pk)]


def test_with_javascript_each_tick_is_kept_and_answered_in_json(client, recertification, medic):
    client.force_login(medic)
    symptoms = recertification.page.sections.get(anchor="symptoms")

    response = keep(client, recertification, symptoms, json=True)

    assert response.json() == {"ticked": 1, "total": 2}
    version = ReviewStatus(recertification).section_versions[str(symptoms.pk)]
    assert ReadingProgress.objects.get(reviewer=medic).sections == {str(symptoms.pk): version}


def test_someone_who_may_not_sign_off_cannot_keep_ticks(client, recertification, author):
    client.force_login(author)

    response = keep(client, recertification, *recertification.page.sections.all())

    assert response.status_code == 403
    assert not ReadingProgress.objects.exists()


def test_a_section_of_another_page_is_refused(client, recertification, medic, make_page):
    other = make_page(slug="other", title="Other").sections.first()
    client.force_login(medic)

    response = keep(client, recertification, other)

    assert "That is not a section of this page: nothing was kept." in response.content.decode()
    assert not ReadingProgress.objects.exists()


def test_approving_still_needs_every_section_ticked_with_the_decision(
    client, recertification, medic
):
    symptoms = recertification.page.sections.get(anchor="symptoms")
    client.force_login(medic)
    keep(client, recertification, *recertification.page.sections.all())

    response = client.post(
        reverse("reviews:sign_off", args=[recertification.pk]),
        {
            "decision": "approve",
            "seen_hash": recertification.content_hash,
            "sections": [str(symptoms.pk)],
        },
    )

    html = response.content.decode()
    assert "Not ticked yet: “What is it?”." in html
    assert ticked_boxes(html) == [str(symptoms.pk)]  # as sent, not as kept
    assert not SignOff.objects.exists()


# Outside reviewers read the same page, by their link


def test_an_outside_reviewer_reads_the_whole_page_and_their_ticks_are_kept(
    client, recertification, invite, open_link
):
    _invitation, path = invite(recertification)
    open_link(client, path)
    symptoms = recertification.page.sections.get(anchor="symptoms")

    html = client.get(path).content.decode()
    assert "<p>Pain.</p>" in section_html(html.split(WHOLE_PAGE, 1)[1], "Symptoms")

    response = client.post(
        path + "sections-read/",
        {"seen_hash": recertification.content_hash, "sections": [str(symptoms.pk)]},
    )
    assert "Your ticks are kept: 1 of 2 sections read." in response.content.decode()
    assert ticked_boxes(client.get(path).content.decode()) == [str(symptoms.pk)]


def test_after_deciding_an_outside_reviewer_is_told_what_the_change_waits_for(
    client, recertification, invite, open_link
):
    _invitation, path = invite(recertification)
    open_link(client, path)

    response = client.post(
        path + "decision/",
        {
            "decision": "approve",
            "seen_hash": recertification.content_hash,
            "sections": [str(s.pk) for s in recertification.page.sections.all()],
            "role": "medical",
        },
        follow=True,
    )

    html = response.content.decode()
    assert "Thank you" in html
    assert re.search(
        r"You approved this on \d+ \w+ at \d\d:\d\d; waiting for 1 lay reviewer\.", html
    )


def test_a_decision_refused_because_a_section_was_edited_unticks_that_section(
    client, recertification, medic, author, edit_section
):
    sections = list(recertification.page.sections.order_by("position"))
    client.force_login(medic)
    keep(client, recertification, *sections)
    seen = recertification.content_hash
    edit_section(recertification, "symptoms", "Pain and tiredness.", by=author)

    response = client.post(
        reverse("reviews:sign_off", args=[recertification.pk]),
        {"decision": "approve", "seen_hash": seen, "sections": [str(s.pk) for s in sections]},
    )

    html = response.content.decode()
    assert "This change was edited after you opened it" in html
    assert ticked_boxes(html) == [str(sections[0].pk)]  # "Symptoms" must be read again
    assert not SignOff.objects.exists()


def test_the_topic_path_readers_see_above_the_title_is_shown(client, recertification, medic):
    html = whole_page_of(client, medic, recertification)

    facts = html.split("<h3>Title, summary, topic and address</h3>", 1)[1].split("</dl>", 1)[0]
    assert "<dt>Topic</dt><dd>Cancer types &gt; Breast cancer</dd>" in facts


def test_a_full_review_that_moves_the_page_marks_the_new_topic_changed(
    client, live_page, author, medic
):
    change = services.start_change(
        page=live_page, by=author, summary="Due for review; moved.", is_full_review=True
    )
    page = Page.objects.get(pk=live_page.pk)
    page.topic = Topic.objects.create(name="Living with cancer", slug="living-with-cancer")
    services.edit_in_change(
        change=change,
        obj=page,
        by=author,
        comment="Move to living with cancer",
        expected_lock_version=page.lock_version,
    )
    services.submit_for_review(change=change, by=author)

    html = whole_page_of(client, medic, change)

    facts = html.split("<h3>Title, summary, topic and address</h3>", 1)[1].split("</dl>", 1)[0]
    assert "<dt>Topic</dt><dd>Living with cancer" in facts
    assert (
        'Living with cancer <span class="tag tag--changed">Changed in this change</span>' in facts
    )
