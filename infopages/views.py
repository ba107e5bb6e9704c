"""Public views. They read only the published read model (see selectors)."""

from django.db import connection
from django.db.utils import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from infopages import selectors


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "infopages/home.html", {"topics": selectors.live_pages_by_topic()})


@require_safe
def page_detail(request: HttpRequest, slug: str) -> HttpResponse:
    publication = selectors.live_publication(slug=slug)
    if publication is None:
        raise Http404("No published page at this address.")
    today = timezone.localdate()
    context = {
        "publication": publication,
        "sections": publication.sections.all(),
        "related": selectors.live_related(publication),
        "review_overdue": bool(publication.next_review_on and publication.next_review_on < today),
    }
    return render(request, "infopages/page_detail.html", context)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
