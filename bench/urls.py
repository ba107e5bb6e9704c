"""The portal's routes and ``/bench/floor/``: a constant 15 KB page through the same middleware,
the most any Django view could do (the floor every figure is a share of)."""

from django.http import HttpResponse
from django.urls import include, path

FLOOR_BODY = ("<!doctype html><title>floor</title>" + "<p>constant text</p>" * 780).encode()


def floor(request):
    return HttpResponse(FLOOR_BODY, content_type="text/html; charset=utf-8")


urlpatterns = [
    path("bench/floor/", floor),
    path("", include("portal.urls")),
]

handler404 = "infopages.errors.not_found"
handler500 = "infopages.errors.server_error"
