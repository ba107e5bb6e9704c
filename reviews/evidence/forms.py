"""Forms of the evidence register's screens: a source's record, marking it updated or
withdrawn, merging two, and filtering the register. They check what a person typed; the
services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from infopages.models import Source
from reviews.core.forms import TextField, WebLinkField, WorkspaceForm


class SourceForm(WorkspaceForm):
    """A source's record in the register."""

    citation = TextField(
        label=_("Citation"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Author or organisation, title and year, e.g. “NICE. Advanced breast cancer "
            "(NG101). 2017.” Pages citing it keep their own wording, as signed off."
        ),
        error_messages={"required": _("Write the citation.")},
    )
    url = WebLinkField(
        label=_("Link (optional)"),
        max_length=500,
        required=False,
        help_text=_("The web address of the source, starting https:// (checked every week)."),
        error_messages={"invalid": _("Enter a web address, e.g. https://www.nice.org.uk/…")},
    )
    publisher = forms.CharField(
        label=_("Publisher (optional)"),
        max_length=200,
        required=False,
        help_text=_("e.g. NICE, Cancer Research UK, The BMJ"),
    )
    identifier = forms.CharField(
        label=_("Guideline number or DOI (optional)"),
        max_length=200,
        required=False,
        help_text=_("e.g. NG101, or 10.1136/bmj.n71"),
    )
    version_or_date = forms.CharField(
        label=_("Version or date (optional)"),
        max_length=100,
        required=False,
        help_text=_("Which edition pages cite, e.g. “Updated October 2026” or “v2.1”."),
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    FIELDS = ("citation", "url", "publisher", "identifier", "version_or_date")

    def values(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class SourceEditForm(SourceForm):
    """Correcting a source's record: a field left out is refused, not taken as emptied."""

    keeps_what_it_is_not_sent = True


class MarkSourceForm(WorkspaceForm):
    """Marking a source updated or withdrawn, or current again."""

    status = forms.ChoiceField(
        label=_("The source is now"),
        choices=[
            (Source.Status.UPDATED, _("Updated: a new edition or new recommendations")),
            (Source.Status.WITHDRAWN, _("Withdrawn: it should no longer be relied on")),
            (Source.Status.CURRENT, _("Current: nothing to review")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what happened to the source.")},
    )
    note = forms.CharField(
        label=_("What happened"),
        max_length=300,
        required=False,
        help_text=_(
            "e.g. “NICE NG101 updated October 2026: new advice on CDK4/6 inhibitors”. Pages "
            "citing it are flagged for review with these words."
        ),
    )


class MergeSourcesForm(WorkspaceForm):
    """Two sources that are one: which to keep."""

    reason = forms.CharField(
        label=_("Why are they the same source? (optional)"),
        max_length=300,
        required=False,
        help_text=_("e.g. “The same guideline, once cited with its old link”."),
    )

    def __init__(self, *args, first: Source, second: Source, **kwargs):
        super().__init__(*args, **kwargs)
        self.pair = {first.pk: first, second.pk: second}
        self.fields["keep"] = forms.TypedChoiceField(
            label=_("Which record to keep"),
            coerce=int,
            choices=[(s.pk, f"#{s.pk}: {s.citation[:120]}") for s in (first, second)],
            widget=forms.RadioSelect,
            help_text=_(
                "The other one's references move to it; the other stays in the register, "
                "marked as merged, so nothing is lost."
            ),
            error_messages={"required": _("Choose which record to keep.")},
        )

    def chosen(self) -> tuple[Source, Source]:
        """(the source kept, the one merged into it)."""
        keep = self.pair[self.cleaned_data["keep"]]
        merge = next(s for pk, s in self.pair.items() if pk != keep.pk)
        return keep, merge


class RegisterFilterForm(forms.Form):
    """Which sources the register lists."""

    q = forms.CharField(
        label=_("Find"),
        required=False,
        max_length=200,
        help_text=_("Words of the citation, the publisher, a guideline number, DOI or link."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Source.Status.choices],
    )
    link = forms.ChoiceField(
        label=_("Link"),
        required=False,
        choices=[
            ("", _("Any")),
            ("broken", _("Broken or not reached")),
            ("moved", _("Works, but moved")),
            ("unchecked", _("Not checked yet")),
        ],
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def filters(self) -> dict[str, str]:
        if not self.is_valid():
            return {"text": "", "status": "", "link": ""}
        data = self.cleaned_data
        return {"text": data["q"], "status": data["status"], "link": data["link"]}


class SourceCheckForm(WorkspaceForm):
    """ "Checked against the updated source: no change needed", for one source's flags. The
    service decides who may, and whether the note says enough."""

    source = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("What you checked"),
        required=False,  # the service says what it needs: a short note, 300 characters
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "A short note the page's history keeps, e.g. “Dose advice in ‘Treatment’ matches "
            "the 2026 edition, section 1.4.”"
        ),
    )


class StartChangeForSourceForm(WorkspaceForm):
    """Starting a change to bring the page in line with a source that changed."""

    summary = forms.CharField(
        label=_("What the change is for"),
        max_length=500,
        widget=forms.TextInput,
        help_text=_("For the reviewers, e.g. “Bring the dose advice in line with NG101 (2026)”."),
        error_messages={"required": _("Say what the change is for.")},
    )
