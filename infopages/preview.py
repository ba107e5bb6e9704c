"""The markdown editor's live preview: django-markdownx posts what the editor typed as
``content`` and shows the HTML back, rendered by the one sanitising renderer
(``MARKDOWNX_MARKDOWNIFY_FUNCTION``). Staff only (see ``portal.urls``)."""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from markdownx.views import MarkdownifyView


class MarkdownPreview(MarkdownifyView):
    """markdownx's own view answers a request without ``content`` with a server error; a
    request we cannot preview is the client's mistake, and says so."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if "content" not in request.POST:
            return HttpResponseBadRequest(
                "Nothing to preview: send the text as “content”.",
                content_type="text/plain; charset=utf-8",
            )
        return super().post(request, *args, **kwargs)
