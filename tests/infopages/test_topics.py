"""The topic tree walked one way up and one way down, by every screen and rule that needs it."""

import pytest

from infopages import topics
from infopages.models import Topic


@pytest.fixture
def tree(db):
    """Cancer types > Breast cancer > Secondary; Cancer types > Bowel cancer; Living with cancer."""
    cancer_types = Topic.objects.create(name="Cancer types", slug="cancer-types")
    breast = Topic.objects.create(name="Breast cancer", slug="breast", parent=cancer_types)
    secondary = Topic.objects.create(name="Secondary", slug="secondary", parent=breast)
    bowel = Topic.objects.create(name="Bowel cancer", slug="bowel", parent=cancer_types)
    living = Topic.objects.create(name="Living with cancer", slug="living")
    return cancer_types, breast, secondary, bowel, living


def test_the_tree_is_read_in_one_query(tree, django_assert_num_queries):
    cancer_types, breast, *_ = tree

    with django_assert_num_queries(1):
        parents = topics.parents()

    assert parents[breast.pk] == cancer_types.pk and parents[cancer_types.pk] is None


def test_ancestors_go_from_the_topic_up_to_its_root(tree):
    cancer_types, breast, secondary, _bowel, _living = tree

    assert topics.ancestors(secondary.pk, topics.parents()) == [
        secondary.pk,
        breast.pk,
        cancer_types.pk,
    ]


def test_the_trail_runs_from_the_root_down_to_the_topic(tree):
    cancer_types, breast, secondary, _bowel, _living = tree

    assert topics.trail(secondary.pk, topics.parents()) == [
        cancer_types.pk,
        breast.pk,
        secondary.pk,
    ]


def test_no_topic_or_an_unknown_one_has_no_ancestors(tree):
    assert topics.ancestors(None, topics.parents()) == []
    assert topics.ancestors(999_999, topics.parents()) == []


def test_descendants_are_the_topic_and_everything_under_it_at_any_depth(tree):
    cancer_types, breast, secondary, bowel, living = tree

    below = topics.descendants(cancer_types.pk, topics.parents())

    assert below[0] == cancer_types.pk
    assert sorted(below) == sorted([cancer_types.pk, breast.pk, secondary.pk, bowel.pk])


def test_descendants_of_a_leaf_are_the_leaf_alone(tree):
    *_, living = tree

    assert topics.descendants(living.pk, topics.parents()) == [living.pk]


def test_a_loop_in_the_tree_stops_both_walks():
    looped = {1: 2, 2: 3, 3: 1}

    assert topics.ancestors(1, looped) == [1, 2, 3]
    assert sorted(topics.descendants(1, looped)) == [1, 2, 3]
