"""A reviewer's own settings: how readers see them credited."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from infopages.models import Person
from reviews.core import policy, services
from reviews.core.credits import credit_for
from reviews.core.errors import WorkflowError
from reviews.core.forms import PublicCreditForm
from reviews.core.views.common import forbidden, workspace_view


@require_http_methods(["GET", "POST"])
@workspace_view
def public_credit(request: HttpRequest) -> HttpResponse:
    roles = policy.reviewer_roles(request.user)
    if not roles:
        return forbidden(request, "Only reviewers are credited on the pages they review.")
    if request.method == "POST":
        form = PublicCreditForm(request.POST)
        if form.is_valid():
            try:
                services.set_public_credit(user=request.user, **form.cleaned_data)
            except WorkflowError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "Saved. Full reviews you sign from now on credit you so.")
                return redirect("reviews:public_credit")
    else:
        person = Person.objects.filter(user=request.user).first()
        credit = credit_for(request.user, min(roles, key=lambda role: (role.position, role)))
        form = PublicCreditForm(
            initial={
                "name": person.name if person else credit["name"],
                "credentials": person.credentials if person else "",
                "role": credit["role"],
                "named_publicly": person.named_publicly if person else True,
            }
        )
    return render(request, "reviews/public_credit.html", {"form": form})
