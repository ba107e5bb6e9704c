"""The source check: a page flagged because a source it cites changed shows, per source, what
changed, the page's references to it and the passages citing it, with the whole live page;
a medical reviewer clears the flag with "Checked against the updated source: no change
needed" (no edit, no lay reviewer, the review dates kept, audited, in the workspace history
and not shown to readers); an editor starts a change instead."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from infopages.models import Page, PublishedPage, Reference
from infopages.register import source_for
from infopages.services import save_with_version
from reviews import services
from reviews.core import policy
from reviews.models import AuditEvent, ChangeRequest, ReviewFlag, SourceCheck

NOTE = "NICE NG101 updated October 2026"
CHECKED = "Dose advice in Treatment matches the 2026 edition, section 1.4."
CHECK_BUTTON = "Checked against the updated source: no change needed"
LINK = "https://www.nice.org.uk/guidance/ng101"
SECTIONS = [
    ("Treatment", f"Your team follows the [NICE guidance]({LINK}) on hormone therapy."),
    ("Side effects", "Guideline NG101 lists the common side effects."),
    ("Living with it", "Talk to your nurse about how you feel."),
]


@pytest.fixture
def flagged_page(make_page, publish, author):
    """A live page (reviewed 1 March 2026) citing NICE NG101 in its references, linking to it
    in one section and naming it in another; the source was then marked updated."""
    page = make_page(slug="hormone-therapy", title="Hormone therapy", sections=SECTIONS)
    source, _ = source_for(
        citation="NICE. Early and locally advanced breast cancer (NG101)", url=LINK
    )
    cite(page, source, by=author)
    Page.objects.filter(pk=page.pk).update(owner=author)
    publish(page)
    services.mark_source(source=source, by=author, status="updated", note=NOTE)
    return page


def cite(page, source, *, by) -> Reference:
    """Add a reference to ``source`` to the page's working copy."""
    reference = Reference(page=page, citation=source.citation, url=source.url, source=source)
    return save_with_version(reference, by=by, comment="Cited").obj


def check_url(page) -> str:
    return reverse("reviews:source_check", args=[page.pk])


def confirm(client, page, *, note=CHECKED, shown=None):
    flags = ReviewFlag.objects.filter(page=page, cleared_at__isnull=True)
    return client.post(
        reverse("reviews:confirm_source_check", args=[page.pk]),
        {
            "source": flags.first().source_id,
            "note": note,
            "flags_shown": [flag.pk for flag in flags] if shown is None else shown,
        },
    )


def test_a_medical_reviewer_clears_the_flag_without_a_change_or_a_lay_reviewer(
    client, flagged_page, medic
):
    client.force_login(medic)

    response = confirm(client, flagged_page)

    assert response.status_code == 302
    flag = ReviewFlag.objects.get(page=flagged_page)
    assert flag.cleared_at is not None
    assert flag.cleared_by_check.checked_by == medic
    assert flag.cleared_by_change is None
    assert not ChangeRequest.objects.filter(page=flagged_page).exists()
    screen = client.get(check_url(flagged_page)).content.decode()
    assert "does not need review because of a changed source" in screen


def test_a_source_check_keeps_the_review_dates(client, flagged_page, medic):
    client.force_login(medic)

    confirm(client, flagged_page)

    live = PublishedPage.objects.get(page=flagged_page)  # still the one publication
    assert (live.reviewed_on, live.next_review_on) == (dt.date(2026, 3, 1), dt.date(2029, 3, 1))
    public = client.get(flagged_page.get_absolute_url()).content.decode()
    assert "1 March 2026" in public


def test_the_source_check_lists_the_passages_citing_the_source(client, flagged_page, medic):
    client.force_login(medic)

    html = client.get(check_url(flagged_page)).content.decode()

    assert NOTE in html
    passages = html[html.index("Passages citing it") : html.index("Checked against the updated")]
    assert '<a href="#passage-treatment">Treatment</a> <span class="meta">(links to it)' in passages
    assert '<a href="#passage-side-effects">Side effects</a>' in passages
    assert "names NG101" in passages
    assert "Living with it" not in passages
    assert "NICE. Early and locally advanced breast cancer (NG101)" in html  # the reference


def test_the_source_check_shows_the_whole_live_page_with_the_citing_passages_marked(
    client, flagged_page, medic
):
    client.force_login(medic)
    stored = PublishedPage.objects.get(page=flagged_page).sections.get(anchor="treatment").html

    html = client.get(check_url(flagged_page)).content.decode()

    assert stored in html  # the publication's stored HTML, as readers see it
    assert 'class="info-section cites-source" id="passage-treatment"' in html
    assert 'class="info-section cites-source" id="passage-side-effects"' in html
    assert 'class="info-section" id="passage-living-with-it"' in html
    assert "Talk to your nurse about how you feel." in html


def test_a_link_to_the_source_counts_whatever_its_case_or_trailing_slash(
    client, make_page, publish, author, medic
):
    page = make_page(
        slug="scans",
        title="Scans",
        sections=[("Why", "See [NICE](https://WWW.nice.org.uk/guidance/ng101/).")],
    )
    source, _ = source_for(citation="NICE guidance on scans", url=LINK)
    cite(page, source, by=author)
    publish(page)
    services.mark_source(source=source, by=author, status="withdrawn", note="Withdrawn 2026")
    client.force_login(medic)

    html = client.get(check_url(page)).content.decode()

    assert '<a href="#passage-why">Why</a> <span class="meta">(links to it)' in html


def test_a_page_not_live_yet_is_checked_in_its_working_copy(client, make_page, author, medic):
    page = make_page(slug="draft-page", title="Draft page", sections=SECTIONS)
    source, _ = source_for(citation="NICE NG101", url=LINK)
    cite(page, source, by=author)
    services.mark_source(source=source, by=author, status="updated", note=NOTE)
    client.force_login(medic)

    html = client.get(check_url(page)).content.decode()

    assert "The whole page, as it stands (not live yet)" in html
    assert 'class="info-section cites-source" id="passage-treatment"' in html
    assert "Talk to your nurse about how you feel." in html


@pytest.mark.parametrize("who", ["lay", "author", "publisher"])
def test_only_a_medical_reviewer_may_clear_a_flag(client, flagged_page, who, request):
    client.force_login(request.getfixturevalue(who))

    response = confirm(client, flagged_page)

    assert response.status_code == 403
    assert "Only medical reviewers can confirm" in response.content.decode()
    assert ReviewFlag.objects.get(page=flagged_page).is_open
    assert not AuditEvent.objects.filter(action="source_checked").exists()


def test_the_screen_offers_the_check_only_to_those_the_service_allows(
    client, flagged_page, medic, lay
):
    client.force_login(lay)
    as_lay = client.get(check_url(flagged_page)).content.decode()
    client.force_login(medic)
    as_medic = client.get(check_url(flagged_page)).content.decode()

    assert f"{CHECK_BUTTON}</button>" not in as_lay
    assert "Only medical reviewers can confirm" in as_lay
    assert f"{CHECK_BUTTON}</button>" in as_medic


def test_whoever_marked_the_source_may_not_clear_its_flag(
    client, make_page, publish, member, medic
):
    marker = member("mo", policy.EDITORS, policy.MEDICAL_REVIEWERS)
    page = make_page(slug="other", title="Other", sections=SECTIONS)
    source, _ = source_for(citation="NICE NG101", url=LINK)
    cite(page, source, by=marker)
    publish(page)
    services.mark_source(source=source, by=marker, status="updated", note=NOTE)
    client.force_login(marker)

    response = confirm(client, page)

    assert response.status_code == 403
    assert "another medical reviewer must check" in response.content.decode()
    assert ReviewFlag.objects.get(page=page).is_open


def test_a_check_without_a_note_is_refused_and_clears_nothing(client, flagged_page, medic):
    client.force_login(medic)

    response = confirm(client, flagged_page, note="   ")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Say briefly what you checked" in html
    assert ReviewFlag.objects.get(page=flagged_page).is_open


def test_a_refused_check_keeps_the_note_typed(client, flagged_page, medic):
    client.force_login(medic)

    response = confirm(client, flagged_page, note="x" * 301)

    html = response.content.decode()
    assert "Keep the note to 300 characters" in html
    assert "x" * 301 in html
    assert ReviewFlag.objects.get(page=flagged_page).is_open


def test_a_flag_raised_after_the_screen_was_read_is_not_cleared_unseen(
    client, flagged_page, medic, author
):
    first = ReviewFlag.objects.get(page=flagged_page)
    services.mark_source(source=first.source, by=author, status="withdrawn", note="Withdrawn")
    client.force_login(medic)

    response = confirm(client, flagged_page, shown=[first.pk])

    assert "The source was marked again after you opened this screen" in response.content.decode()
    assert ReviewFlag.objects.filter(page=flagged_page, cleared_at__isnull=True).count() == 2


def test_a_source_check_is_audited(client, flagged_page, medic):
    client.force_login(medic)

    confirm(client, flagged_page)

    event = AuditEvent.objects.get(action="source_checked")
    assert (event.actor, event.page_id) == (medic, flagged_page.pk)
    assert CHECKED in event.message
    assert event.versions["flags"] == [ReviewFlag.objects.get(page=flagged_page).pk]


def test_a_source_check_shows_in_the_workspace_history_and_not_to_readers(
    client, flagged_page, medic
):
    client.force_login(medic)
    confirm(client, flagged_page)

    history = client.get(reverse("reviews:page_history", args=[flagged_page.pk]))
    public_page = client.get(flagged_page.get_absolute_url())
    public_history = client.get(f"{flagged_page.get_absolute_url()}history/")

    assert "Checked against updated sources" in history.content.decode()
    assert CHECKED in history.content.decode()
    assert CHECKED not in public_page.content.decode()
    assert public_history.status_code in (200, 404)
    assert CHECKED not in public_history.content.decode()


def test_an_editor_starts_a_change_from_the_source_check(client, flagged_page, author):
    client.force_login(author)

    response = client.post(
        reverse("reviews:start_change_for_source", args=[flagged_page.pk]),
        {"summary": "Bring the hormone therapy advice in line with NG101 (2026)."},
    )

    change = ChangeRequest.objects.get(page=flagged_page)
    assert response.url == change.get_absolute_url()
    assert change.summary == "Bring the hormone therapy advice in line with NG101 (2026)."
    assert ReviewFlag.objects.get(page=flagged_page).is_open  # until its change is published


def test_a_reviewer_may_not_start_a_change_from_the_source_check(client, flagged_page, medic):
    client.force_login(medic)

    response = client.post(
        reverse("reviews:start_change_for_source", args=[flagged_page.pk]), {"summary": "Fix."}
    )

    assert response.status_code == 403
    assert not ChangeRequest.objects.filter(page=flagged_page).exists()


def test_the_change_pages_flag_links_to_the_check_and_names_the_citing_passages(
    client, flagged_page, author, medic
):
    change = services.start_change(page=flagged_page, by=author, summary="NG101 update.")
    client.force_login(medic)

    html = client.get(change.get_absolute_url()).content.decode()

    url = check_url(flagged_page)
    assert f'Cited in: <a href="{url}#passage-treatment">Treatment</a>' in html
    assert f'<a href="{url}#passage-side-effects">Side effects</a>' in html
    assert f'href="{url}#source-' in html and "Check the page against this source" in html


def test_the_dashboard_calendar_and_schedule_link_a_flagged_page_to_its_check(
    client, flagged_page, author
):
    client.force_login(author)
    url = check_url(flagged_page)

    for screen in (
        reverse("reviews:dashboard"),
        reverse("reviews:calendar"),
        reverse("reviews:page_schedule", args=[flagged_page.pk]),
    ):
        assert f'href="{url}' in client.get(screen).content.decode(), screen


def test_the_source_check_is_a_fixed_number_of_queries(client, flagged_page, medic, author):
    client.force_login(medic)
    client.get(check_url(flagged_page))  # warm the session and the groups
    with CaptureQueriesContext(connection) as one_source:
        client.get(check_url(flagged_page))
    for n in range(5):
        source, _ = source_for(citation=f"NICE CG{n}", url=f"https://www.nice.org.uk/cg{n}")
        cite(flagged_page, source, by=author)
        services.mark_source(source=source, by=author, status="updated", note=f"CG{n} updated")

    with CaptureQueriesContext(connection) as six_sources:
        response = client.get(check_url(flagged_page))

    assert response.content.decode().count(f"{CHECK_BUTTON}</button>") == 6
    assert len(six_sources) == len(one_source) <= 12


def test_a_second_check_of_a_cleared_flag_says_it_was_already_cleared(
    client, flagged_page, medic, member
):
    other_medic = member("dr_ng", policy.MEDICAL_REVIEWERS)
    source_id = ReviewFlag.objects.get(page=flagged_page).source_id
    shown = list(ReviewFlag.objects.values_list("pk", flat=True))
    client.force_login(medic)
    confirm(client, flagged_page)
    client.force_login(other_medic)

    response = client.post(
        reverse("reviews:confirm_source_check", args=[flagged_page.pk]),
        {"source": source_id, "note": CHECKED, "flags_shown": shown},
    )

    assert "no longer needs review because of this source" in response.content.decode()
    assert SourceCheck.objects.count() == 1
