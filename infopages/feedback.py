"""'Was this page helpful?': readers' answers, stored for the information team.

Why a separate page for the form: public pages are cached by browsers and a CDN, and a CSRF
token baked into a shared cached page would be stale or, worse, shared between readers. So the
page itself carries only a GET form with two buttons (Yes / No) pointing here; this view is
never cached, renders a small form with a fresh CSRF token (and the answer already chosen),
and the POST goes through Django's CSRF protection like any other form. It needs no
JavaScript and no login.

Privacy: we store the answer, an optional comment and the time; nothing about the reader. Rate
limiting counts submissions per client in the cache under a keyed hash of the address, which
expires within the hour and never reaches the database.
"""

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from infopages import ratelimit, selectors
from infopages.clients import client_address
from infopages.models import PageFeedback

# At most this many submissions per client per window: enough for a reader giving feedback
# on a handful of pages, far too few for a script flooding the team's inbox.
FEEDBACK_LIMIT = 10
FEEDBACK_WINDOW_SECONDS = 3600
COMMENT_MAX_LENGTH = 1000


class FeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        label=_("Was this page helpful?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes or no.")},
    )
    comment = forms.CharField(
        label=_("Tell us more (optional)"),
        help_text=_(
            "Please do not include your name, contact details or anything about your health. "
            "We read every comment but cannot reply."
        ),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": COMMENT_MAX_LENGTH}),
    )


def allow_submission(request: HttpRequest) -> bool:
    """Count this submission; False once the client has used up the current window."""
    return ratelimit.allow(
        "feedback-rate",
        client_address(request),
        limit=FEEDBACK_LIMIT,
        seconds=FEEDBACK_WINDOW_SECONDS,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def feedback(request: HttpRequest, slug: str) -> HttpResponse:
    publication = selectors.live_publication(slug=slug)
    if publication is None:
        raise Http404("No published page at this address.")
    if request.method == "POST":
        if not allow_submission(request):
            response = _render(
                request, "infopages/feedback_limited.html", publication, {}, status=429
            )
            response["Retry-After"] = str(FEEDBACK_WINDOW_SECONDS)
            return response
        form = FeedbackForm(request.POST)
        if form.is_valid():
            PageFeedback.objects.create(
                publication=publication,
                slug=publication.slug,
                helpful=form.cleaned_data["helpful"],
                comment=form.cleaned_data["comment"].strip(),
            )
            return redirect(reverse("infopages:feedback_thanks", args=[slug]), permanent=False)
    else:
        chosen = request.GET.get("helpful")
        form = FeedbackForm(initial={"helpful": chosen} if chosen in {"yes", "no"} else None)
    return _render(request, "infopages/feedback.html", publication, {"form": form})


@never_cache
@require_safe
def feedback_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    publication = selectors.live_publication(slug=slug)
    if publication is None:
        raise Http404("No published page at this address.")
    return _render(request, "infopages/feedback_thanks.html", publication, {})


def _render(request, template: str, publication, context: dict, status: int = 200):
    """In the page's own language (a Welsh page's readers give feedback in Welsh)."""
    kind = publication.language_kind
    context |= {"publication": publication, "page_lang": kind.lang, "page_dir": kind.direction}
    with translation.override(kind.lang):
        return render(request, template, context, status=status)
