"""Serving figures' pictures from the figures storage at ``/figures/<name>``.

With the filesystem storage the pages point here; with an object store they point at the
store, and this view still answers (so an app server can serve any picture another stored).
A name is a content digest: its bytes never change, so a year's caching is safe, and a name
that is not one of ours is "not found" before the storage is asked.
"""

from pathlib import PurePosixPath

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

from infopages import images


@require_safe
def figure_file(request: HttpRequest, name: str) -> FileResponse:
    if not images.NAME.match(name):
        raise Http404("No such picture.")
    store = images.storage()
    try:
        handle = store.open(name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404("No such picture.") from None
    extension = PurePosixPath(name).suffix.lstrip(".")
    response = FileResponse(handle, content_type=images.CONTENT_TYPES[extension])
    response["Cache-Control"] = settings.FIGURES_CACHE_CONTROL
    # Only ever a picture: never sniffed as anything else, never a document with powers.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # Public pictures: partners using the API may show them on their own sites.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response
