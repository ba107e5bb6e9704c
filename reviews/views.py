"""Workflow views. The editors' and reviewers' workspace builds on reviews.services."""

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from reviews import contents, policy, selectors
from reviews.export import write_audit_csv
from reviews.forms import AuditFilterForm
from reviews.models import ChangeRequest


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


@require_safe
@login_required
def change_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A plain, read-only view of one change request: where workflow emails link to."""
    try:
        change = selectors.change_with_details(pk)
    except ChangeRequest.DoesNotExist:
        raise Http404("No such change request.") from None
    if not policy.can_view(request.user, change):
        raise PermissionDenied("Only editors, reviewers and publishers can see change requests.")
    context = {
        "change": change,
        "items": change.items.all(),
        "required": selectors.required_sign_offs(change),
        "missing": selectors.missing_sign_offs(change),
        "sign_offs": change.sign_offs.all(),
        "comments": change.comments.all(),
        "authors": contents.authors_of(change),
    }
    return render(request, "reviews/change_detail.html", context)
