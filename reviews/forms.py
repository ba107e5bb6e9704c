from django import forms
from django.utils.translation import gettext_lazy as _

from infopages.models import Page


class AuditFilterForm(forms.Form):
    """Which audit events to export: one page (by its address) and a date range."""

    page = forms.ModelChoiceField(
        queryset=Page.objects.all(), to_field_name="slug", required=False,
        error_messages={"invalid_choice": _("There is no page with that address.")},
    )  # fmt: skip
    since = forms.DateField(label=_("from"), required=False)
    until = forms.DateField(label=_("to"), required=False)

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned
