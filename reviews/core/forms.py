"""Forms of the workflow's screens. They check what a person typed; the services decide.
Editing the page's parts: ``forms_editing``."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from infopages.models import PUBLIC_NOTE_MAX_LENGTH, Page
from infopages.weblinks import public_link_problem
from reviews.core.models import Decision, Frequency


class AuditFilterForm(forms.Form):
    """Which audit events to export: one page (by its address) and a date range."""

    page = forms.ModelChoiceField(
        queryset=Page.objects.all(),
        to_field_name="slug",
        required=False,
        error_messages={"invalid_choice": _("There is no page with that address.")},
    )
    since = forms.DateField(label=_("from"), required=False)
    until = forms.DateField(label=_("to"), required=False)

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned


class TextField(forms.CharField):
    """Multi-line text with the line endings authors type (browsers send CRLF), so a save
    that changes nothing else does not change every line."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class WebLinkField(forms.URLField):
    """A link readers (and the weekly link checker) will follow, read as strictly as the
    checker and the importer read it (``infopages.weblinks``), with one message saying what
    to change: not Django's forgiving URL check plus ours."""

    default_validators = []

    def validate(self, value):
        super().validate(value)
        if value and (problem := public_link_problem(value)):
            raise forms.ValidationError(problem, code="invalid")


class WorkspaceForm(forms.Form):
    """Labels without a trailing colon, as the rest of the portal writes them.

    A form that replaces what is stored (``keeps_what_it_is_not_sent``) refuses a submission
    that leaves out one of its optional fields, rather than take the field as emptied and
    blank what was there (a request made by hand, or by a page of an older portal). Browsers
    send nothing for an unticked box or an empty list, so those may be left out."""

    keeps_what_it_is_not_sent = False
    may_leave_out: tuple[str, ...] = ()  # fields whose absence already means "work it out"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if self.keeps_what_it_is_not_sent:
            left_out = [
                f"“{field.label}”"
                for name, field in self.fields.items()
                if not field.required
                and not field.disabled
                and name not in self.may_leave_out
                and field.widget.value_omitted_from_data(
                    self.data, self.files, self.add_prefix(name)
                )
            ]
            if left_out:
                raise forms.ValidationError(
                    _(
                        "The form arrived without %(fields)s, so nothing was saved. "
                        "Reload the page and try again."
                    ),
                    code="incomplete",
                    params={"fields": ", ".join(left_out)},
                )
        return cleaned


class PageField(forms.CharField):
    """A page named by its title or its address, typed (or pasted as a link).

    A text field, not a list of every page: a list grows with the site, and at thousands of
    pages no one can use it. An unclear name gets an error naming a few pages it might be;
    with ``offer_choices`` the error names none and the form offers them (``suggestions``)
    as buttons that choose the page.
    """

    SUGGESTIONS = 8

    def __init__(self, *args, pages=None, offer_choices: bool = False, **kwargs):
        kwargs.setdefault("max_length", 300)
        super().__init__(*args, **kwargs)
        self.pages = pages if pages is not None else Page.objects.all()
        self.offer_choices = offer_choices
        self.suggestions: list[Page] = []

    def clean(self, value):
        self.suggestions = []
        text = super().clean(value)
        if not text:
            return None
        slug = text.strip().rstrip("/").rsplit("/", 1)[-1].lower()
        found = self.pages.filter(slug=slug).first() or self._one_titled(text)
        if found is not None:
            return found
        like = list(self.pages.filter(title__icontains=text).order_by("title")[: self.SUGGESTIONS])
        if not like:
            raise forms.ValidationError(
                _("No page is called “%(text)s”. Type part of its title to see suggestions.")
                % {"text": text}
            )
        if self.offer_choices:
            self.suggestions = like
            raise forms.ValidationError(
                _(
                    "Which page? Several pages match “%(text)s”: choose one below, or type its "
                    "full title or its address."
                )
                % {"text": text}
            )
        names = "; ".join(f"{p.title} ({p.slug})" for p in like)
        raise forms.ValidationError(
            _("Which page? Type its full title or its address: %(names)s") % {"names": names}
        )

    def _one_titled(self, text: str):
        titled = list(self.pages.filter(title__iexact=text.strip())[:2])
        return titled[0] if len(titled) == 1 else None


class StartChangeForm(WorkspaceForm):
    """Which page to change. When the name typed is unclear, the screen offers the pages it
    might be as buttons (``CHOSEN_PAGE``) that start the change in one step, with the
    summary and full-review box as typed."""

    CHOSEN_PAGE = "chosen_page"

    page = PageField(
        label=_("Page"),
        help_text=_("Its title or its address, e.g. “Bone scan” or bone-scan."),
        error_messages={"required": _("Say which page you want to change.")},
        offer_choices=True,
    )
    summary = forms.CharField(
        label=_("What will change and why (optional for now)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Reviewers read this first. You can write it before you submit."),
    )
    is_full_review = forms.BooleanField(
        label=_("This is a full review (every section is checked; a lay reviewer signs off too)"),
        required=False,
    )

    def __init__(self, data=None, *args, **kwargs):
        # A suggestion's button names the page by its address, in place of what was typed.
        if data is not None and data.get(self.CHOSEN_PAGE):
            data = data.copy()
            data["page"] = data[self.CHOSEN_PAGE]
        super().__init__(data, *args, **kwargs)

    @property
    def page_suggestions(self) -> list[Page]:
        """The pages an unclear name might be (after validation; empty otherwise)."""
        return self.fields["page"].suggestions


class ChangeDetailsForm(WorkspaceForm):
    keeps_what_it_is_not_sent = True

    summary = forms.CharField(
        label=_("What changed and why"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("In plain English, for the reviewers and for the record."),
    )
    is_full_review = forms.BooleanField(
        label=_("Full review (needs a lay reviewer's sign-off as well)"), required=False
    )


class SignOffForm(WorkspaceForm):
    """A reviewer's decision on the content shown to them (``seen_hash``)."""

    decision = forms.ChoiceField(
        label=_("Do you approve this change?"),
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether you approve or ask for changes.")},
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Needed when you ask for changes: say what should change."),
    )
    role = forms.ChoiceField(label=_("Signing off as"), choices=(), required=False)
    sections = forms.MultipleChoiceField(
        label=_("Sections you have read"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "A full review covers the whole page: tick each section once you have read "
            "it. You can ask for changes without ticking them all."
        ),
    )
    seen_hash = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, roles=(), sections=(), **kwargs):
        """``sections``: (id, heading) of each section to confirm, in a full review only."""
        super().__init__(*args, **kwargs)
        self.fields["sections"].choices = list(sections)
        if not sections:
            del self.fields["sections"]
        self.fields["decision"].choices = [
            (Decision.APPROVE, _("Approve: this is accurate and ready")),
            (Decision.REQUEST_CHANGES, _("Ask for changes")),
        ]
        roles = list(roles)
        self.fields["role"].choices = [(role.value, role.label) for role in roles]
        if len(roles) <= 1:
            self.fields["role"].widget = forms.HiddenInput()
            self.initial.setdefault("role", roles[0].value if roles else "")
        else:
            self.fields["role"].widget = forms.RadioSelect()
            self.fields["role"].required = True


class PublicCreditForm(WorkspaceForm):
    """How readers see a reviewer named on the pages they sign off in a full review."""

    keeps_what_it_is_not_sent = True

    name = forms.CharField(label=_("Your name as readers see it"), max_length=200)
    credentials = forms.CharField(
        label=_("Credentials (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example MBBS FRCR, or RN MSc."),
    )
    role = forms.CharField(
        label=_("Your role as readers see it"),
        max_length=200,
        help_text=_(
            "For example “Consultant Clinical Oncologist” or “Person living with "
            "secondary breast cancer”."
        ),
    )
    named_publicly = forms.BooleanField(
        label=_("Name me on the pages I review"),
        required=False,
        help_text=_("If you untick this, readers see your role only."),
    )


class CommentForm(WorkspaceForm):
    body = forms.CharField(
        label=_("Add a comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write a comment before sending it.")},
    )


class WithdrawForm(WorkspaceForm):
    reason = forms.CharField(
        label=_("Why is it withdrawn? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.TextInput,
    )


class PublicNoteField(forms.CharField):
    """One line readers see in the page's history: plain text, on one line."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Note for readers (optional)"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", PUBLIC_NOTE_MAX_LENGTH)
        kwargs.setdefault(
            "help_text",
            _(
                "One line for the page's public history, saying what changed, for example "
                "“Updated the information about bone scans”. A minor change may have none. "
                "No names or internal details."
            ),
        )
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        return " ".join(super().to_python(value).split())


class PublishForm(WorkspaceForm):
    """The publisher confirms what goes live (``seen_hash``), with a note for readers."""

    public_note = PublicNoteField()
    seen_hash = forms.CharField(widget=forms.HiddenInput, required=False)


class ScheduleForm(WorkspaceForm):
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("UK time. The page goes live within a few minutes of this time."),
        error_messages={
            "required": _("Choose the date and time to publish."),
            "invalid": _("Enter a date and time, e.g. 2026-12-01 09:00."),
        },
    )
    public_note = PublicNoteField()


class NotificationPreferenceForm(WorkspaceForm):
    frequency = forms.ChoiceField(
        label=_("Email me about changes"), choices=Frequency.choices, widget=forms.RadioSelect
    )


class UnpublishForm(WorkspaceForm):
    page = PageField(
        label=_("Page to take down"),
        help_text=_("Its title or its address."),
        error_messages={"required": _("Say which page to take down.")},
    )
    reason = forms.CharField(
        label=_("Reason (goes in the audit log)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the reason for taking the page down.")},
    )

    def __init__(self, *args, pages=None, **kwargs):
        super().__init__(*args, **kwargs)
        if pages is not None:
            self.fields["page"].pages = pages


class RestoreForm(WorkspaceForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class AsOfForm(WorkspaceForm):
    """A past day to look up. Browsers' date pickers send 2026-03-01; typed dates 01/03/2026."""

    date = forms.DateField(
        label="Date",
        help_text="Every copy readers could see at any time that day is listed, newest first.",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Enter a date, for example 01/03/2026.",
            "invalid": "Enter a real date, for example 01/03/2026.",
        },
    )

    def clean_date(self) -> dt.date:
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise forms.ValidationError("Choose today or a date in the past.")
        return day
