"""Forms for outside reviewers: inviting one, their one-time code, and their decision."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.core.forms import SignOffForm, WorkspaceForm
from reviews.core.models.invitations import DEFAULT_DAYS, MAX_DAYS


class InvitationForm(WorkspaceForm):
    """Who to invite, in which role, and how readers would see them credited."""

    name = forms.CharField(
        label=_("Their name"),
        max_length=200,
        help_text=_("As readers would see it, for example “Dr Amira Hale”."),
        error_messages={"required": _("Give the reviewer's name.")},
    )
    email = forms.EmailField(
        label=_("Their email address"),
        max_length=254,
        help_text=_("The link and the one-time codes to open it are sent here."),
        error_messages={
            "required": _("Give the address to send the link to."),
            "invalid": _("Enter an email address, like name@example.org."),
        },
    )
    role = forms.ChoiceField(
        label=_("They review as"),
        choices=(),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the role they review in.")},
    )
    public_role = forms.CharField(
        label=_("Their role as readers see it"),
        max_length=200,
        help_text=_(
            "For example “Consultant Clinical Oncologist” or “Person living with secondary "
            "breast cancer”."
        ),
        error_messages={"required": _("Give their role as readers would see it.")},
    )
    credentials = forms.CharField(
        label=_("Credentials (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example MBBS FRCR, or RN MSc."),
    )
    days = forms.IntegerField(
        label=_("The link works for (days)"),
        min_value=1,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        help_text=_("It also stops working once they have decided, or if you revoke it."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, roles=(), **kwargs):
        """``roles``: those the change needs (only they can be chosen), as ``RoleKey``s."""
        super().__init__(*args, **kwargs)
        roles = list(roles)
        self.fields["role"].choices = [(role.value, role.label.capitalize()) for role in roles]
        if len(roles) == 1:
            self.initial.setdefault("role", roles[0].value)


class OutsideCodeForm(WorkspaceForm):
    code = forms.CharField(
        label=_("Code from the email"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
        error_messages={"required": _("Enter the 6-digit code from the email.")},
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Enter the 6 digits from the email, without letters."))
        return code


class OutsideDecisionForm(SignOffForm):
    """A staff reviewer's decision form, with, in a full review, whether to be named."""

    named = forms.BooleanField(
        label=_("Name me on the page"),
        required=False,
        initial=True,
        help_text=_("If you untick this, readers see your role only."),
    )

    def __init__(self, *args, full_review: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not full_review:
            del self.fields["named"]
