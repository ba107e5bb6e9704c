"""The one rate limiter (readers' feedback, outside reviewers' codes and tries): a limit per
window, per scope and per person, that never stores who they are."""

import datetime as dt

import time_machine
from django.core.cache import cache

from infopages import ratelimit

START = dt.datetime(2026, 12, 6, 10, 0, tzinfo=dt.UTC)  # the start of an hour's window


def allowed(times: int, who: str = "client:192.0.2.1", scope: str = "feedback-rate") -> list:
    return [ratelimit.allow(scope, who, limit=3, seconds=3600) for _ in range(times)]


def test_up_to_the_limit_is_allowed_and_the_next_one_is_refused():
    with time_machine.travel(START, tick=False):
        assert allowed(4) == [True, True, True, False]


def test_a_new_window_starts_the_count_again():
    with time_machine.travel(START, tick=False) as clock:
        allowed(3)
        clock.move_to(START + dt.timedelta(minutes=59, seconds=59))
        assert allowed(1) == [False]
        clock.move_to(START + dt.timedelta(hours=1))
        assert allowed(1) == [True]


def test_each_client_is_counted_on_its_own():
    with time_machine.travel(START, tick=False):
        allowed(3, who="client:192.0.2.1")

        assert allowed(1, who="client:192.0.2.2") == [True]


def test_each_scope_is_counted_on_its_own():
    with time_machine.travel(START, tick=False):
        allowed(3, scope="outside-review:codes")

        assert allowed(1, scope="outside-review:tries") == [True]


def test_a_count_lost_from_the_cache_starts_again():
    with time_machine.travel(START, tick=False):
        allowed(3)
        cache.clear()

        assert allowed(1) == [True]


def test_the_cache_never_holds_the_client_address():
    with time_machine.travel(START, tick=False):
        allowed(1, who="client:192.0.2.1")

        assert not any("192.0.2.1" in key for key in cache._cache)
