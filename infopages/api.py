"""A read-only JSON API of published pages, for partners and apps.

``/api/pages/`` lists live pages (paginated: ``?page=2&page_size=50``, at most 100 a page);
``/api/pages/<slug>/`` gives one page with its sections as HTML and as plain text, its review
dates, references, reviewers, resources and figures (each with its URLs, alt text and
caption). Like the HTML pages it reads only the published read model, sends the same
validators (ETag / Last-Modified, 304 on a match) and may be cached by shared caches. Links
are absolute, on ``SITE_URL``. Anyone may read it, from any origin:
it holds nothing that is not public.

A page's detail also gives its public history, newest first (``"history"``: each entry's
``date``, ``kind``, ``label`` and ``note``, see ``infopages.history``).

Every error is JSON, ``{"detail": "..."}``, and never cached: 404 here and for unknown
addresses under ``/api/``, 405 for anything but GET and HEAD, 500, and 503 with
``Retry-After`` when the database is unavailable (``infopages.errors``,
``infopages.middleware``).
"""

from functools import wraps

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from infopages import caching, errors, selectors
from infopages.figures import api_figures
from infopages.history import history_json
from infopages.languages import VERSION_KINDS
from infopages.models import PublishedPage, PublishedSection
from infopages.review_notice import review_overdue
from infopages.shared_blocks import blocks_shown
from infopages.views import canonical_url, live_page_response, review_notice

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def _json(payload: dict, *, status: int = 200) -> JsonResponse:
    response = JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _not_found(message: str) -> JsonResponse:
    return errors.api_error(message, status=404)


def read_only(view):
    """Like ``require_safe``, but the refusal is JSON too, saying what is allowed. Exempt
    from CSRF checks, which would otherwise answer a write with Django's HTML page before
    this refusal: nothing here changes anything, and no cookie is read."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            response = errors.api_error("The API is read-only: use GET (or HEAD).", status=405)
            response["Allow"] = "GET, HEAD"
            return response
        return view(request, *args, **kwargs)

    return wrapper


def _page_summary(request: HttpRequest, publication: PublishedPage, today) -> dict:
    trail = publication.topic_trail
    topic_path = publication.topic_path
    return {
        "slug": publication.slug,
        "title": publication.title,
        "summary": publication.summary,
        "url": canonical_url(publication.get_absolute_url()),
        "api_url": canonical_url(reverse("infopages:api_page", args=[publication.slug])),
        "topic": {
            "name": trail[-1]["name"] if trail else "",
            "path": topic_path,
            "url": canonical_url(selectors.topic_url(topic_path)),
        },
        "reviewed_on": publication.reviewed_on,
        "next_review_on": publication.next_review_on,
        "review_overdue": review_overdue(publication.next_review_on, today),
        "review_notice": review_notice(publication, today) or None,
        "published_at": publication.published_at,
        "version": publication.language or None,  # e.g. "cy", "easy-read"; None: English
        "lang": publication.language_kind.lang,
        "dir": publication.language_kind.direction,
    }


def _section(request: HttpRequest, publication: PublishedPage, section: PublishedSection) -> dict:
    return {
        "heading": section.heading,
        "anchor": section.anchor,
        "url": canonical_url(f"{publication.get_absolute_url()}#{section.anchor}"),
        "html": section.html,
        "text": section.plain_text,
    }


@read_only
def page_list(request: HttpRequest) -> HttpResponse:
    try:
        size = min(max(int(request.GET.get("page_size") or DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE)
    except ValueError:
        size = DEFAULT_PAGE_SIZE
    number = request.GET.get("page") or "1"
    language = request.GET.get("language", "")
    if language and language not in VERSION_KINDS:
        return _not_found("No such language: use one of " + ", ".join(VERSION_KINDS) + ".")

    def build() -> HttpResponse:
        live = selectors.live_publications(order_by="title").filter(language=language)
        paginator = Paginator(live, size)
        try:
            page = paginator.page(number)
        except (EmptyPage, PageNotAnInteger):
            return _not_found("No such page of results.")
        today = timezone.localdate()

        def link(n: int) -> str:
            query = f"?page={n}" + (f"&page_size={size}" if size != DEFAULT_PAGE_SIZE else "")
            query += f"&language={language}" if language else ""
            return canonical_url(reverse("infopages:api_pages") + query)

        payload = {
            "count": paginator.count,
            "next": link(page.next_page_number()) if page.has_next() else None,
            "previous": link(page.previous_page_number()) if page.has_previous() else None,
            "results": [_page_summary(request, p, today) for p in page.object_list],
        }
        return caching.set_public_headers(_json(payload))

    return caching.cached_public_response(request, f"api-list:{number}:{size}:{language}", build)


@read_only
def page_detail(request: HttpRequest, slug: str) -> HttpResponse:
    def render_page(publication, related, today) -> HttpResponse:
        sections = selectors.published_sections(publication, with_text=True)
        payload = _page_summary(request, publication, today) | {
            "sections": [_section(request, publication, s) for s in sections],
            "references": publication.references,
            "reviewers": publication.reviewers,
            "resources": publication.resources,
            "figures": api_figures(publication.figures),
            "history": history_json(publication),
            "blocks": blocks_shown(s.html for s in sections),
            "related": [
                {
                    "slug": p.slug,
                    "title": p.title,
                    "url": canonical_url(p.get_absolute_url()),
                    "api_url": canonical_url(reverse("infopages:api_page", args=[p.slug])),
                }
                for p in related
            ],
        }
        return _json(payload)

    response = live_page_response(
        request,
        slug=slug,
        variant="api",
        render_page=render_page,
        not_found=lambda: _not_found("No published page at this address."),
    )
    response["Access-Control-Allow-Origin"] = "*"  # on a 304 too
    return response
