"""``manage.py check_reference_links`` against a local server started by the test (never the
internet): each source's link is recorded as working, moved (with its redirects), broken or
not reached, politely (one request per host per interval, a timeout, a User-Agent naming the
portal). The workspace's list of broken links: ``tests/reviews/test_register_screens.py``."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from infopages.linkcheck import HostThrottle, politeness_budget
from infopages.models import Source
from tests.link_server import link_servers

TIMEOUT = "0.5"


@pytest.fixture
def servers():
    with link_servers("127.0.0.1", "127.0.0.2") as (bases, seen):
        yield bases, seen


def source(url: str, citation: str = "") -> Source:
    return Source.objects.create(citation=citation or f"Source at {url}", url=url)


def check(*extra: str) -> str:
    out = io.StringIO()
    call_command(
        "check_reference_links",
        "--interval",
        "0",
        "--timeout",
        TIMEOUT,
        "--allow-private-addresses",  # the test server is on this machine
        *extra,
        stdout=out,
    )
    return out.getvalue()


@pytest.mark.django_db
def test_each_kind_of_answer_is_recorded(servers, settings):
    settings.SITE_URL = "https://information.example.org"
    (base, other), seen = servers
    ok, moved, gone, error, slow = (
        source(f"{base}/{path}") for path in ("ok", "moved-twice", "gone", "error", "slow")
    )

    output = check()

    for row in (ok, moved, gone, error, slow):
        row.refresh_from_db()
        assert row.link_checked_at is not None
    assert (ok.link_status, ok.link_status_code, ok.link_redirects) == ("ok", 200, [])
    assert (moved.link_status, moved.link_status_code) == ("redirected", 200)
    assert moved.link_redirects == [
        {"url": f"{base}/moved-twice", "status": 302},
        {"url": f"{base}/moved", "status": 301},
    ]
    assert moved.link_final_url == f"{base}/ok"
    assert (gone.link_status, gone.link_status_code) == ("broken", 404)
    assert (error.link_status, error.link_status_code) == ("broken", 500)
    assert slow.link_status == "unreachable" and slow.link_status_code is None
    assert slow.link_error == "No answer within 0.5 seconds"
    assert "Checking 5 links on 1 host, at most 5 on one" in output
    assert "Checked 5 links in" in output and "broken: 2" in output
    assert "3 broken: https://information.example.org/reviews/sources/broken-links/" in output
    agents = {request.user_agent for request in seen}
    assert agents == {"Cancer information link checker (+https://information.example.org)"}
    assert not [r for r in seen if r.path == "/ok" and r.method == "GET"]  # HEAD was enough


@pytest.mark.django_db
def test_a_refused_head_is_asked_again_with_get(servers):
    (base, _other), seen = servers
    refused = source(f"{base}/no-head")

    check()

    refused.refresh_from_db()
    assert refused.link_status == "ok"
    assert [(r.method, r.path) for r in seen] == [("HEAD", "/no-head"), ("GET", "/no-head")]


@pytest.mark.django_db
def test_redirects_to_another_host_are_followed_and_a_loop_is_broken(servers):
    (base, other), _seen = servers
    elsewhere, loop = source(f"{base}/elsewhere"), source(f"{base}/loop")

    check()

    elsewhere.refresh_from_db()
    loop.refresh_from_db()
    assert elsewhere.link_status == "redirected" and elsewhere.link_final_url == f"{other}/ok"
    assert loop.link_status == "broken" and loop.link_error == "More than 10 redirects"
    assert len(loop.link_redirects) == 11


@pytest.mark.django_db
def test_a_link_shared_by_two_sources_is_asked_for_once(servers):
    (base, _other), seen = servers
    first, second = source(f"{base}/gone", "One"), source(f"{base}/gone", "Two")
    merged = source(f"{base}/error", "Merged away")
    Source.objects.filter(pk=merged.pk).update(merged_into=first)

    check()

    assert [r.path for r in seen] == ["/gone"]  # HEAD's 404 is the answer; merged: skipped
    for row in (first, second):
        row.refresh_from_db()
        assert row.link_status_code == 404
    merged.refresh_from_db()
    assert merged.link_checked_at is None


def test_requests_to_one_host_are_an_interval_apart_and_hosts_do_not_wait_for_each_other():
    clock = {"now": 100.0}
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        clock["now"] += seconds

    throttle = HostThrottle(1.0, clock=lambda: clock["now"], sleep=sleep)
    started = []

    def ask(host, takes=0.25):
        with throttle.request(host):
            started.append((host, clock["now"]))
            clock["now"] += takes  # the answer takes a while

    ask("a.example")
    ask("a.example")  # one second after the first one ended
    ask("b.example")  # another host: at once
    clock["now"] = 110.0
    ask("a.example")  # long after: at once

    assert started == [
        ("a.example", 100.0),
        ("a.example", 101.25),
        ("b.example", 101.5),
        ("a.example", 110.0),
    ]
    assert slept == [1.0]


def test_the_politeness_budget_is_the_busiest_host_or_the_workers_share():
    urls = [f"http://127.0.0.{host}/{n}" for host in range(1, 101) for n in range(20)]

    wide = politeness_budget(urls, interval=1.0, workers=100)
    narrow = politeness_budget(urls, interval=1.0, workers=10)

    assert (wide.links, wide.hosts, wide.busiest, wide.seconds) == (2000, 100, 20, 19.0)
    assert narrow.seconds == 190.0
    assert "2000 links on 100 hosts, at most 20 on one: at least 19.0 s" in str(wide)


@pytest.mark.django_db
def test_links_to_this_machine_are_not_asked_for_unless_allowed(servers):
    (base, _other), seen = servers
    local = source(f"{base}/ok")
    out = io.StringIO()

    call_command("check_reference_links", "--interval", "0", stdout=out)

    local.refresh_from_db()
    assert local.link_status == "unreachable"
    assert local.link_error == "A private or local address: not checked"
    assert seen == []


@pytest.mark.django_db
def test_nonsense_options_are_refused():
    with pytest.raises(CommandError):
        call_command("check_reference_links", "--workers", "0", stdout=io.StringIO())
