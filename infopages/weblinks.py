"""What counts as a web link in the portal: one strict reading, used by every door a link
comes in by (the register's source form, a page's reference and resource forms, the
importer) and by the weekly link checker before it asks for anything.

Browsers and URL libraries forgive a lot: ``http://%31%32%37.0.0.1/``, ``http://2130706433/``
and ``http://0x7f.1/`` all reach 127.0.0.1, and ``http://user@host/`` hides which host is
meant. A link that needs forgiving is refused here, with a message saying what to change,
so the checker never has to guess, and never guesses differently from the check.
"""

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import quote

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_LENGTH = 2000
DEFAULT_PORTS = {"http": 80, "https": 443}
_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")
_NUMERIC_LABEL = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)$")
# NAT64 (RFC 6052): a public-looking IPv6 address that reaches the IPv4 address inside it.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class BadLink(ValueError):
    """A link the portal does not accept, with a message for the person who gave it."""


@dataclass(frozen=True)
class WebLink:
    scheme: str  # "http" or "https"
    host: str  # ASCII: a name after IDNA, or an IP address without brackets
    port: int
    target: str  # what is asked for: path and query, never the fragment
    address: IPAddress | None  # when the host is an IP address

    @property
    def netloc(self) -> str:
        """Host and port as a Host header says them (the port only when not the default)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"


def parse_web_link(url: str) -> WebLink:
    """The link read strictly, or ``BadLink`` saying what is wrong with it."""
    if not isinstance(url, str) or not url:
        raise BadLink("Enter a web address, e.g. https://www.nice.org.uk/…")
    if len(url) > MAX_LENGTH:
        raise BadLink(f"A web address can be at most {MAX_LENGTH} characters long.")
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise BadLink("Enter a web address without spaces or line breaks.")
    scheme, sep, rest = url.partition("://")
    scheme = scheme.lower()
    if not sep or scheme not in DEFAULT_PORTS:
        raise BadLink("Enter a web address starting https:// or http://")
    end = min((rest.find(c) for c in "/?#" if c in rest), default=len(rest))
    authority, target = rest[:end], rest[end:].split("#", 1)[0]
    if "@" in authority:
        raise BadLink("Leave out the user name or password (the part up to “@”).")
    if "\\" in authority:
        raise BadLink("A web address uses “/”, not “\\”.")
    host, port = _split_port(authority, scheme)
    if "%" in host:
        raise BadLink("Write the site's name without %-codes, e.g. https://www.nice.org.uk/…")
    if not host:
        raise BadLink("The web address has no site name, e.g. https://www.nice.org.uk/…")
    address = _ip_literal(host)
    if address is None:
        host = _domain_name(host)
    else:
        host = str(address)
    if not target.startswith("/"):
        target = "/" + target
    # As a browser sends it: characters beyond ASCII in the path or query %-encoded.
    target = "".join(c if c.isascii() else quote(c) for c in target)
    return WebLink(scheme=scheme, host=host, port=port, target=target, address=address)


def _split_port(authority: str, scheme: str) -> tuple[str, int]:
    if authority.startswith("["):
        host, bracket, after = authority[1:].partition("]")
        if not bracket:
            raise BadLink("An IPv6 address in a web address needs its closing “]”.")
        host = "[" + host + "]"
    else:
        host, _colon, after = authority.partition(":")
        after = ":" + after if _colon else ""
    if not after:
        return host, DEFAULT_PORTS[scheme]
    digits = after[1:] if after.startswith(":") else None
    if digits is None or not digits.isascii() or not digits.isdigit():
        raise BadLink("After the site's name, only “:” and a port number may follow.")
    if not 1 <= int(digits) <= 65535:
        raise BadLink("The port number (after the colon) must be between 1 and 65535.")
    return host, int(digits)


def _ip_literal(host: str) -> IPAddress | None:
    """The address when the host is one, in the only forms accepted: four decimal numbers,
    or IPv6 in brackets (no zone). Other numeric forms (2130706433, 0x7f.1, 0177.0.0.1)
    are refused rather than read the way one library or another would."""
    if host.startswith("["):
        try:
            return ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise BadLink("The IPv6 address in brackets is not a valid one.") from None
    last = host.rstrip(".").rsplit(".", 1)[-1].lower()
    if not _NUMERIC_LABEL.match(last):
        return None
    try:
        return ipaddress.IPv4Address(host)
    except ValueError:
        raise BadLink(
            "Write the site's name, or an IP address as four numbers from 0 to 255 "
            "(e.g. 192.0.2.10)."
        ) from None


def _domain_name(host: str) -> str:
    try:
        ascii_host = host.lower().encode("idna").decode("ascii")
    except UnicodeError:
        raise BadLink("The site's name is not a valid domain name.") from None
    labels = ascii_host.rstrip(".").split(".")
    if not all(_LABEL.match(label) for label in labels):
        raise BadLink("The site's name is not a valid domain name.")
    return ascii_host


def is_public_address(address: IPAddress) -> bool:
    """Whether an address is on the public internet: not this machine, a private network,
    link-local (cloud metadata), multicast or reserved, in IPv4 or IPv6, including IPv6
    forms that carry an IPv4 address (mapped, 6to4, Teredo, NAT64)."""
    if (
        not address.is_global
        or address.is_multicast
        or address.is_reserved
        or address.is_link_local
        or address.is_loopback
        or address.is_unspecified
        or address.is_private
    ):
        return False
    if isinstance(address, ipaddress.IPv6Address):
        inside = [address.ipv4_mapped, address.sixtofour]
        if address.teredo:
            inside.extend(address.teredo)
        if address in _NAT64:
            inside.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        return all(is_public_address(v4) for v4 in inside if v4 is not None)
    return True


def public_link_problem(url: str) -> str:
    """Why ``url`` cannot be given as a page's or a source's link ("" if it can): it must
    read strictly and not name this machine or a private network. Names are not looked up
    here (the checker does, each time it asks); one without a dot is never a public site."""
    try:
        link = parse_web_link(url)
    except BadLink as bad:
        return str(bad)
    private = (
        "This is a private or local address, which readers cannot open: give the public "
        "web address."
    )
    if link.address is not None:
        return "" if is_public_address(link.address) else private
    name = link.host.rstrip(".")
    if "." not in name or name == "localhost" or name.endswith(".localhost"):
        return private
    return ""
