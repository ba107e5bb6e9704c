"""Error responses: JSON for the API, our own pages for everything else; never cached.

Every 404 says ``Cache-Control: no-store``. A page that was taken down must vanish from
browsers and CDNs at once, and one that is published again must appear at once, so its 404 is
kept nowhere. A short ``s-maxage`` would shield the portal from floods only for repeated
requests to one missing address, which cost one indexed query each; a flood of made-up
addresses gets past any cache anyway and belongs to the CDN's rate limits.
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

API_PREFIX = "/api/"

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
    """``handler500``. The page is rendered without the request: it must not fail in turn."""
    if is_api(request):
        return api_error(SERVER_ERROR, status=500)
    response = HttpResponse(render_to_string("500.html"), status=500)
    add_never_cache_headers(response)
    return response
