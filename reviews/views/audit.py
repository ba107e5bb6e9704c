"""The audit log as CSV, for admins."""

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.views.decorators.http import require_safe

from reviews import selectors
from reviews.export import write_audit_csv
from reviews.forms import AuditFilterForm


@require_safe
@staff_member_required
def audit_csv(request: HttpRequest) -> HttpResponse:
    """The audit log as CSV, for admins; ?page=<slug>&since=YYYY-MM-DD&until=YYYY-MM-DD."""
    if not request.user.has_perm("reviews.view_auditevent"):
        raise PermissionDenied("Only admins can export the audit log.")
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
