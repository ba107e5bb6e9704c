"""The link checker cannot be turned on its own host: links that only a forgiving parser
reads as this machine, names that resolve to private addresses, redirects there and a
second DNS answer are never asked for; a link that cannot be read is recorded as broken and
the run goes on. Against local servers (tests/link_server.py), never the internet."""

import io
import ipaddress
import shutil
import ssl
import subprocess
import threading
from http.server import ThreadingHTTPServer

import pytest
from django.core.management import call_command

from infopages.linkcheck import PRIVATE, HostThrottle, LinkResult, check_links, check_url
from infopages.models import Source
from infopages.weblinks import is_public_address, parse_web_link, public_link_problem
from tests.link_server import Handler, link_servers

AGENT = "test"


@pytest.fixture
def server():
    with link_servers("127.0.0.1") as ((base,), seen):
        yield base, seen


def port_of(base: str) -> int:
    return int(base.rsplit(":", 1)[1])


def run_command(*extra: str) -> str:
    out = io.StringIO()
    call_command("check_reference_links", "--interval", "0", "--timeout", "0.5", *extra, stdout=out)
    return out.getvalue()


def checked(url: str, *extra: str) -> Source:
    row = Source.objects.create(citation=f"Source at {url}", url=url)
    run_command(*extra)
    row.refresh_from_db()
    return row


LOOKALIKES = {
    "percent-encoded address": "http://%31%32%37.0.0.1:{port}/ok",
    "percent-encoded name": "http://local%68ost:{port}/ok",
    "decimal address": "http://2130706433:{port}/ok",
    "hexadecimal address": "http://0x7f.0.0.1:{port}/ok",
    "short address": "http://127.1:{port}/ok",
    "user info": "http://nice.org.uk@127.0.0.1:{port}/ok",
    "space in the host": "http://127.0.0.1 :{port}/ok",
}


@pytest.mark.django_db
@pytest.mark.parametrize("url", LOOKALIKES.values(), ids=LOOKALIKES.keys())
def test_a_link_only_a_forgiving_parser_reads_is_broken_and_never_asked_for(server, url):
    base, seen = server

    # Even with test servers allowed: the strict reading does not depend on it.
    row = checked(url.format(port=port_of(base)), "--allow-private-addresses")

    assert row.link_status == "broken"
    assert row.link_error.startswith("The link is not a usable web address: ")
    assert seen == []


LOCAL = {
    "localhost": "http://localhost:{port}/ok",
    "IPv4-mapped IPv6": "http://[::ffff:127.0.0.1]:{port}/ok",
    "IPv6 loopback": "http://[::1]:{port}/ok",
    "loopback": "http://127.0.0.1:{port}/ok",
}


@pytest.mark.django_db
@pytest.mark.parametrize("url", LOCAL.values(), ids=LOCAL.keys())
def test_a_link_to_this_machine_is_not_asked_for(server, url):
    base, seen = server

    row = checked(url.format(port=port_of(base)))

    assert (row.link_status, row.link_error) == ("unreachable", PRIVATE)
    assert seen == []


@pytest.mark.django_db
def test_a_bad_port_is_recorded_as_broken_and_the_run_goes_on(server):
    base, _seen = server
    bad = Source.objects.create(citation="Bad port", url="http://example.org:99999/")
    good = Source.objects.create(citation="Fine", url=f"{base}/ok")

    output = run_command("--allow-private-addresses")

    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.link_status == "broken"
    assert "port number" in bad.link_error
    assert good.link_status == "ok"
    assert "Checked 2 links" in output


def check_one(url: str, **options) -> LinkResult:
    return check_url(url, throttle=HostThrottle(0), timeout=0.5, user_agent=AGENT, **options)


def only(*allowed: str):
    addresses = {ipaddress.ip_address(a) for a in allowed}
    return lambda address: address in addresses


def test_a_redirect_to_a_private_address_is_not_followed():
    with link_servers("127.0.0.2", "127.0.0.1") as ((base, _local), seen):
        # 127.0.0.2 stands for a public site; its redirect points at 127.0.0.1.
        result = check_one(f"{base}/elsewhere", address_allowed=only("127.0.0.2"))

    assert (result.status, result.error) == ("unreachable", PRIVATE)
    assert result.redirects == [{"url": f"{base}/elsewhere", "status": 301}]
    assert [(r.host, r.path) for r in seen] == [(base.removeprefix("http://"), "/elsewhere")]


def test_a_name_that_resolves_to_a_private_address_is_not_asked_for():
    asked = []

    def resolver(host, port):
        asked.append(host)
        return ["10.1.2.3"]

    result = check_one("https://intranet.example.org/", resolver=resolver)

    assert (result.status, result.error) == ("unreachable", PRIVATE)
    assert asked == ["intranet.example.org"]


def test_one_private_address_among_public_ones_is_enough_to_refuse():
    result = check_one(
        "https://mixed.example.org/", resolver=lambda host, port: ["8.8.8.8", "127.0.0.1"]
    )

    assert result.error == PRIVATE


def test_the_name_is_looked_up_once_and_asked_at_that_address_with_its_host_header(server):
    """DNS rebinding: the second answer (this machine's other address) is never used,
    though HEAD is refused and GET asked after it."""
    with link_servers("127.0.0.2") as ((base,), seen):
        port = port_of(base)
        answers = [["127.0.0.2"]]

        def resolver(host, port):
            return answers.pop(0) if answers else ["127.0.0.3"]

        result = check_one(
            f"http://pinned.example.org:{port}/no-head",
            resolver=resolver,
            address_allowed=only("127.0.0.2"),
        )

    assert result.status == "ok"
    assert [(r.method, r.host) for r in seen] == [
        ("HEAD", f"pinned.example.org:{port}"),
        ("GET", f"pinned.example.org:{port}"),
    ]


def test_a_bad_link_in_a_run_is_recorded_and_the_others_are_checked(server):
    base, _seen = server
    results = {}

    check_links(
        ["http://%6c%6f%63%61%6c%68%6f%73%74/", f"{base}/ok"],
        record=results.__setitem__,
        interval=0,
        timeout=0.5,
        user_agent=AGENT,
        address_allowed=lambda address: True,
    )

    assert results["http://%6c%6f%63%61%6c%68%6f%73%74/"].status == "broken"
    assert results[f"{base}/ok"].status == "ok"


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",
        "224.0.0.1",
        "233.252.0.1",  # multicast, though "global"
        "240.0.0.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::",  # 6to4 around 127.0.0.1
        "64:ff9b::a00:1",  # NAT64 around 10.0.0.1
    ],
)
def test_private_local_multicast_and_reserved_addresses_are_not_public(address):
    assert not is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "2606:4700::1111"])
def test_public_addresses_are_public(address):
    assert is_public_address(ipaddress.ip_address(address))


def test_names_are_read_with_idna_and_ports_defaulted():
    link = parse_web_link("https://Bücher.Example/a%20b/café?x=1#top")

    assert (link.host, link.port) == ("xn--bcher-kva.example", 443)
    assert link.target == "/a%20b/caf%C3%A9?x=1"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://www.nice.org.uk/guidance/ng101", ""),
        ("http://example.org:8080/", ""),
        ("https://[2606:4700::1111]/", ""),
        ("ftp://example.org/", "starting https:// or http://"),
        ("http://%31%32%37.0.0.1/", "%-codes"),
        ("http://2130706433/", "four numbers"),
        ("http://0177.0.0.1/", "four numbers"),
        ("http://user:secret@example.org/", "user name or password"),
        ("http://example.org:99999/", "between 1 and 65535"),
        ("http://example.org:0/", "between 1 and 65535"),
        ("http://example.org:http/", "port number"),
        ("http://exa mple.org/", "without spaces"),
        ("http://[::1%25eth0]/", "%-codes"),
        ("http://[::g]/", "not a valid one"),
        ("http://exa_mple!.org/", "not a valid domain name"),
        ("http://localhost/", "private or local address"),
        ("http://intranet/", "private or local address"),
        ("http://192.168.0.1/", "private or local address"),
        ("http://[::ffff:127.0.0.1]/", "private or local address"),
    ],
)
def test_what_a_person_is_told_about_a_link(url, problem):
    found = public_link_problem(url)

    assert (problem in found) if problem else found == ""


@pytest.fixture
def tls_server(tmp_path):
    """An HTTPS server on 127.0.0.2 with a self-signed certificate for pinned.example.org,
    recording the name each client asked for in its TLS handshake (SNI)."""
    if not shutil.which("openssl"):
        pytest.skip("needs the openssl command")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=pinned.example.org",
         "-addext", "subjectAltName=DNS:pinned.example.org"],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    names = []
    context.sni_callback = lambda _socket, name, _context: names.append(name)
    server = ThreadingHTTPServer(("127.0.0.2", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.seen, server.other_host = [], ""
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1], names
    finally:
        server.shutdown()
        server.server_close()


def test_https_goes_to_the_checked_address_and_checks_the_certificate_for_the_name(tls_server):
    port, names = tls_server

    result = check_one(
        f"https://pinned.example.org:{port}/ok",
        resolver=lambda host, port: ["127.0.0.2"],
        address_allowed=only("127.0.0.2"),
    )

    assert names == ["pinned.example.org"]  # SNI: the site's name, not the address
    assert result.status == "unreachable"  # self-signed: not trusted, as a browser would say
    assert result.error.startswith("The site's certificate is not valid")
