"""The plain-English report: the hardest live pages to read, by topic (never shown to readers)."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from reviews.core import selectors
from reviews.core.views.common import workspace_view
from reviews.readability import selectors as scores_of
from reviews.readability.scoring import target_reading_age

PAGES_PER_SCREEN = 50


@require_safe
@workspace_view
def readability_report(request: HttpRequest) -> HttpResponse:
    topics = selectors.live_topic_choices()
    path = request.GET.get("topic", "")
    if path not in {choice_path for choice_path, _name in topics}:
        path = ""
    scores = scores_of.hardest_to_read(topic_path=path)
    page_obj = Paginator(scores, PAGES_PER_SCREEN).get_page(request.GET.get("page"))
    context = {
        "topics": topics,
        "topic_path": path,
        "page_obj": page_obj,
        "target": target_reading_age(),
        "unscored": scores_of.live_pages_without_score(topic_path=path),
    }
    return render(request, "reviews/readability_report.html", context)
