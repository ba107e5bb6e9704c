"""Error responses: JSON for the API, our own pages for everything else; never cached.

Every 404 says ``Cache-Control: no-store``. A page that was taken down must vanish from
browsers and CDNs at once, and one that is published again must appear at once, so its 404 is
kept nowhere. A short ``s-maxage`` would shield the portal from floods only for repeated
requests to one missing address, which cost one indexed query each; a flood of made-up
addresses gets past any cache anyway and belongs to the CDN's rate limits.
"""

import sys

from django.core.exceptions import RequestDataTooBig
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = 120

NOT_FOUND = "Nothing here: check the address (see /api/pages/ for the list of pages)."
SERVER_ERROR = "Something went wrong on our side. Please try again in a few minutes."
UNAVAILABLE = "The information service is not available just now. Please try again shortly."


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def api_error(detail: str, *, status: int) -> JsonResponse:
    """The API's error body, ``{"detail": ...}``, readable by any origin and never cached."""
    response = JsonResponse(
        {"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False}
    )
    response["Access-Control-Allow-Origin"] = "*"
    add_never_cache_headers(response)
    return response


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    """``handler404``: a page not found, a topic not found, a page taken down."""
    if is_api(request):
        return api_error(NOT_FOUND, status=404)
    response = render(request, "404.html", status=404)
    add_never_cache_headers(response)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``. The page is rendered without the request: it must not fail in turn.
    What the person typed in a form that failed is shown back to them, so nothing is lost.

    A lost database found outside a view (e.g. reading a signed-in person's session) ends up
    here too: it gets the calm 503 page, as it does in a view (``infopages.middleware``)."""
    if isinstance(sys.exception(), OperationalError | InterfaceError):
        return unavailable(request)
    if is_api(request):
        return api_error(SERVER_ERROR, status=500)
    response = HttpResponse(render_to_string("500.html", {"kept": typed_text(request)}), status=500)
    add_never_cache_headers(response)
    return response


def unavailable(request: HttpRequest) -> HttpResponse:
    """503 with ``Retry-After`` when the database cannot be reached, with what was typed."""
    if is_api(request):
        response = api_error(UNAVAILABLE, status=503)
    else:
        context = {"kept": typed_text(request)}
        response = HttpResponse(render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    # The session could not be read: leave it alone rather than let the session middleware
    # take it for empty and delete the cookie (which would sign the person out).
    if "session" in request.__dict__:
        del request.session
    return response


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    """``handler400``: most often a form too large to read (``DATA_UPLOAD_MAX_MEMORY_SIZE``)."""
    if is_api(request):
        return api_error("The request could not be read.", status=400)
    context = {"too_large": isinstance(exception, RequestDataTooBig)}
    response = HttpResponse(render_to_string("400.html", context), status=400)
    add_never_cache_headers(response)
    return response


# The text a person types in the portal's forms, by field name, as the form labels it.
TYPED_FIELDS = {
    "heading": "Heading",
    "body": "Text",
    "title": "Title",
    "summary": "Summary",
    "comment": "Comment",
    "reason": "Reason",
    "citation": "Citation",
    "description": "Description",
}


def typed_text(request: HttpRequest) -> list[tuple[str, str]]:
    """(label, text) of what a person typed into a form whose sending failed, to show it back.

    Only free text (never passwords, codes or hidden fields), and nothing that cannot be read
    safely: an error page must not fail in turn."""
    if request.method != "POST":
        return []
    try:
        return [
            (label, request.POST[name])
            for name, label in TYPED_FIELDS.items()
            if request.POST.get(name, "").strip()
        ]
    except Exception:  # noqa: BLE001 (a body that cannot be parsed: show nothing)
        return []
