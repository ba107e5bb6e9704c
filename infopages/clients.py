"""Where a request comes from, as our own proxy saw it: one answer for every rate limit."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address: ``CLIENT_IP_HEADER`` behind a proxy, else ``REMOTE_ADDR``.

    Of a comma-separated header (``X-Forwarded-For``) the right-most entry is used: it is the
    one our proxy added; earlier ones are whatever the client chose to send.
    """
    header = getattr(settings, "CLIENT_IP_HEADER", "")
    if header and request.META.get(header):
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")
