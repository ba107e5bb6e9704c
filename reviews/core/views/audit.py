"""The audit log as CSV, for admins."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.views.decorators.http import require_safe

from reviews.core import selectors
from reviews.core.export import write_audit_csv
from reviews.core.forms import AuditFilterForm
from reviews.core.views.common import forbidden


@require_safe
@login_required
def audit_csv(request: HttpRequest) -> HttpResponse:
    """The audit log as CSV, for admins; ?page=<slug>&since=YYYY-MM-DD&until=YYYY-MM-DD."""
    if not (request.user.is_staff and request.user.has_perm("reviews.view_auditevent")):
        return forbidden(request, "Only admins can export the audit log.")
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        problems = [str(error) for errors in form.errors.values() for error in errors]
        return HttpResponseBadRequest(
            "The audit log was not exported: " + " ".join(problems),
            content_type="text/plain; charset=utf-8",
        )
    events = selectors.audit_events(
        page=form.cleaned_data["page"],
        since=form.cleaned_data["since"],
        until=form.cleaned_data["until"],
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    write_audit_csv(events.iterator(chunk_size=2000), response)
    return response
