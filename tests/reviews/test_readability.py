"""Plain-English scores: known texts score as expected, publications are scored once, the
report lists the hardest live pages by topic, and readers see none of it."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from infopages import plain_english as readability
from infopages.models import Topic
from reviews import services
from reviews.models import PageReadability

PLAIN = (
    "Cancer can spread. It can go to the bones. It can go to the liver. You may feel tired. "
    "Your nurse can help. Ask them what to do."
)
DENSE = (
    "Metastatic carcinoma frequently necessitates multidisciplinary evaluation incorporating "
    "radiological investigations, histopathological characterisation and individualised "
    "therapeutic considerations, particularly regarding endocrine responsiveness and "
    "receptor-targeted pharmacological interventions."
)


def test_plain_text_reads_younger_than_dense_text():
    plain, dense = readability.score_markdown(PLAIN), readability.score_markdown(DENSE)

    assert plain.reading_age <= 8 and plain.meets_target
    assert dense.reading_age >= 18 and not dense.meets_target
    assert plain.ease > dense.ease
    assert plain.hard_sentences == []
    assert dense.hard_sentences[0].text.startswith("Metastatic carcinoma")
    assert "multidisciplinary" in dense.hard_sentences[0].long_words


def test_list_items_and_headings_count_as_sentences():
    listed = (
        "### What helps\n\n- Rest when you can\n- Eat little and often\n- Walk a short way each day"
    )

    score = readability.score_markdown(listed)

    assert score is not None and score.sentences == 4


def test_too_short_a_text_has_no_score():
    assert readability.score_markdown("Pain.") is None


def test_the_comparison_says_better_or_worse():
    plain, dense = readability.score_markdown(PLAIN), readability.score_markdown(DENSE)

    assert readability.compare(dense, plain) == "better"
    assert readability.compare(plain, dense) == "worse"
    assert readability.compare(plain, plain) == "same"


def test_target_comes_from_the_setting(settings):
    score = readability.score_markdown(DENSE.split(",")[0] + ". " + PLAIN)  # reading age 14.4

    settings.READING_AGE_TARGET = 11
    assert not score.meets_target
    settings.READING_AGE_TARGET = 15
    assert score.meets_target


@pytest.fixture
def scored_pages(make_page, publish):
    easy = make_page(slug="easy", title="Easy page", sections=[("What is it?", PLAIN)])
    hard = make_page(slug="hard", title="Hard page", sections=[("Diagnosis", DENSE)])
    pages = [publish(easy), publish(hard)]
    call_command("score_readability", stdout=io.StringIO())
    return pages


def test_the_command_scores_live_pages_once(scored_pages):
    assert PageReadability.objects.count() == 2
    call_command("score_readability", stdout=io.StringIO())
    assert PageReadability.objects.count() == 2


def test_a_published_change_is_scored_when_published(approved_change, publisher, run_on_commit):
    publication = run_on_commit(services.publish, change=approved_change, by=publisher)

    assert PageReadability.objects.get(publication=publication).sections[0]["anchor"]


def test_the_report_lists_the_hardest_pages_first(client, scored_pages, medic):
    client.force_login(medic)

    html = client.get(reverse("reviews:readability_report")).content.decode()

    assert html.index("Hard page") < html.index("Easy page")
    assert "above target" in html


def test_the_report_filters_by_topic(client, scored_pages, medic, make_page, publish, topic):
    other = Topic.objects.create(name="Tests and scans", slug="tests-and-scans")
    page = make_page(slug="scan", title="Scan page", sections=[("What is it?", DENSE)])
    page.topic = other
    page.save()
    publish(page)
    call_command("score_readability", stdout=io.StringIO())
    client.force_login(medic)

    html = client.get(reverse("reviews:readability_report"), {"topic": "tests-and-scans"})
    html = html.content.decode()

    assert "Scan page" in html and "Hard page" not in html


def test_the_report_reads_the_same_queries_for_many_pages(
    client, make_page, publish, medic, django_assert_max_num_queries
):
    for n in range(30):
        publish(make_page(slug=f"p{n}", title=f"Page {n}", sections=[("Text", PLAIN)]))
    call_command("score_readability", stdout=io.StringIO())
    client.force_login(medic)

    with django_assert_max_num_queries(12):
        assert client.get(reverse("reviews:readability_report")).status_code == 200


def test_readers_never_see_scores(client, scored_pages):
    html = client.get("/info/hard/").content.decode()

    assert "eading age" not in html and "eading ease" not in html
