"""Forms for editing the page within a change: its details, sections, references and
resources, removing a part and putting parts in order.

Every edit form carries the version counter it started from (``lock_version``) and a comment
for the history. The forms check what a person typed; the editing services decide.
"""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from markdownx.widgets import MarkdownxWidget

from infopages import topics
from infopages.markdown import MAX_SECTION_CHARACTERS, validate_markdown
from infopages.models import Page, Source, Topic
from infopages.services import address_taken
from infopages.shared_blocks import SHARED_BLOCKS_ROOT
from reviews.core.forms import PageField, TextField, WebLinkField, WorkspaceForm

# Dates as browsers' date pickers send them, and as people in the UK type them.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y"]


class EditForm(WorkspaceForm):
    """What every edit carries: the version counter the editor started from, and why."""

    keeps_what_it_is_not_sent = True

    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    comment = forms.CharField(
        label=_("What did you change?"),
        max_length=500,
        help_text=_("A few words for the history, e.g. “Clearer wording” or “New NICE guidance”."),
        error_messages={"required": _("Say in a few words what you changed.")},
    )


def markdown_widget(*, live_preview: bool) -> forms.Widget:
    """The markdownx editor (live preview) for people allowed its preview, else a textarea."""
    attrs = {"rows": 16, "class": "markdown-input", "spellcheck": "true"}
    return MarkdownxWidget(attrs=attrs) if live_preview else forms.Textarea(attrs=attrs)


class SectionForm(EditForm):
    heading = forms.CharField(
        label=_("Heading"),
        max_length=200,
        error_messages={"required": _("Give the section a heading.")},
    )
    # The limit is checked on save, not by a maxlength, which would cut a paste off silently.
    body = TextField(
        label=_("Text"),
        required=False,
        strip=False,
        validators=[validate_markdown],
        help_text=format_lazy(
            _(
                "Up to {limit} characters. Markdown: ## for a sub-heading, - for a list, "
                "[text](https://…) for a link."
            ),
            limit=f"{MAX_SECTION_CHARACTERS:,}",
        ),
    )
    field_order = ["heading", "body", "comment", "lock_version"]

    def __init__(self, *args, live_preview: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].widget = markdown_widget(live_preview=live_preview)


class NewSectionForm(SectionForm):
    """A new section has no version counter yet."""

    keeps_what_it_is_not_sent = False  # nothing stored yet: a field left out is empty
    lock_version = None


class PageFieldsForm(EditForm):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Give the page a title.")},
    )
    summary = TextField(
        label=_("Summary"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two plain sentences, shown under the title and in search results."),
        error_messages={"required": _("Write a summary of one or two sentences.")},
    )
    field_order = ["title", "summary", "comment", "lock_version"]


class PageAddressForm(EditForm):
    """The page's address, /info/<slug>/. Its old address keeps working for readers once the
    new one is published (they are sent on)."""

    slug = forms.SlugField(
        label=_("Address"),
        max_length=120,
        help_text=_(
            "The last part of the page's address, /info/…/: lower-case letters, numbers and "
            "hyphens, e.g. secondary-breast-cancer."
        ),
        error_messages={
            "required": _("Give the page an address."),
            "invalid": _("Use only lower-case letters, numbers and hyphens, e.g. bone-scan."),
        },
    )
    field_order = ["slug", "comment", "lock_version"]

    def __init__(self, *args, page: Page, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].strip().lower()
        taken = address_taken(self.page, slug)
        if taken:
            raise forms.ValidationError(f"{taken} Choose another address.")
        return slug


def topic_labels() -> list[tuple[int, str]]:
    """Every topic as (id, "Cancer types › Breast cancer"), in the tree's order: one query."""
    rows = {
        pk: (parent_id, position, name, slug)
        for pk, parent_id, position, name, slug in Topic.objects.order_by().values_list(
            "pk", "parent_id", "position", "name", "slug"
        )
    }

    parent_of = {pk: row[0] for pk, row in rows.items()}
    chains = {pk: topics.trail(pk, parent_of) for pk in rows}
    # Shared blocks' topics hold their working copies and sign-off requirements, no page.
    chains = {pk: chain for pk, chain in chains.items() if rows[chain[0]][3] != SHARED_BLOCKS_ROOT}
    ordered = sorted(chains, key=lambda pk: [(rows[n][1], rows[n][2].lower()) for n in chains[pk]])
    return [(pk, " › ".join(rows[n][2] for n in chains[pk])) for pk in ordered]


class PageTopicForm(EditForm):
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.all(),
        help_text=_("Where readers find the page: its topic is shown above its title."),
        error_messages={"required": _("Choose the page's topic.")},
    )
    field_order = ["topic", "comment", "lock_version"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", _("Choose a topic")), *topic_labels()]


class RelatedPagesForm(EditForm):
    """The pages related now (untick to remove) and one to add, typed: never a list of every
    page, which would grow with the site."""

    related_pages = forms.ModelMultipleChoiceField(
        label=_("Related pages"),
        queryset=Page.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Readers are pointed to these pages at the end of this one. Untick a page to remove it."
        ),
    )
    add_page = PageField(
        label=_("Add a related page (optional)"),
        required=False,
        help_text=_("Its title or its address."),
    )
    field_order = ["related_pages", "add_page", "comment", "lock_version"]

    def __init__(self, *args, page: Page, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page
        self.fields["related_pages"].queryset = page.related_pages.order_by("title", "pk")
        # A shared block's working copy is no page readers could be pointed to.
        self.fields["add_page"].pages = Page.objects.exclude(pk=page.pk).filter(
            shared_block__isnull=True
        )

    def clean(self):
        cleaned = super().clean()
        related = list(cleaned.get("related_pages") or [])
        added = cleaned.get("add_page")
        if added is not None and added not in related:
            related.append(added)
        cleaned["related_pages"] = related
        return cleaned


class ReferenceForm(EditForm):
    """A page's reference: its citation, link and accessed date as the page shows them, and
    its source in the evidence register (chosen on the screen; empty: the exact duplicate of
    this citation and link in the register, or a new source)."""

    source = forms.ModelChoiceField(
        queryset=Source.objects.filter(merged_into__isnull=True),
        required=False,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": _(
                "That source is no longer in the register (it was merged): choose it again."
            )
        },
    )
    citation = TextField(
        label=_("Citation"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Author or organisation, title and year, e.g. “NICE. Advanced breast cancer "
            "(NG101). 2017.”"
        ),
        error_messages={"required": _("Write the citation.")},
    )
    url = WebLinkField(
        label=_("Link (optional)"),
        max_length=500,
        required=False,
        help_text=_("The web address of the source, starting https://"),
        error_messages={"invalid": _("Enter a web address, e.g. https://www.nice.org.uk/…")},
    )
    accessed_on = forms.DateField(
        label=_("Accessed (optional)"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("When the link was last checked, e.g. 14/07/2025."),
        error_messages={"invalid": _("Enter a real date, e.g. 14/07/2025.")},
    )
    field_order = ["citation", "url", "accessed_on", "comment", "source", "lock_version"]
    # Left out, the source is found again from the citation and link, as when left empty.
    may_leave_out = ("source",)

    def clean_accessed_on(self) -> dt.date | None:
        day = self.cleaned_data["accessed_on"]
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("The accessed date cannot be in the future."))
        return day


class NewReferenceForm(ReferenceForm):
    keeps_what_it_is_not_sent = False  # nothing stored yet: a field left out is empty
    lock_version = None


class ResourceForm(EditForm):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("As readers will see it, e.g. “Our secondary breast cancer booklet”."),
        error_messages={"required": _("Give the resource a title.")},
    )
    url = WebLinkField(
        label=_("Link"),
        max_length=500,
        help_text=_("The web address, starting https://"),
        error_messages={
            "required": _("Give the link to the resource."),
            "invalid": _("Enter a web address, e.g. https://www.example.org/booklet"),
        },
    )
    description = forms.CharField(
        label=_("Description (optional)"),
        max_length=300,
        required=False,
        help_text=_("A short line, e.g. “Free to order or download.”"),
    )
    field_order = ["title", "url", "description", "comment", "lock_version"]


class NewResourceForm(ResourceForm):
    keeps_what_it_is_not_sent = False  # nothing stored yet: a field left out is empty
    lock_version = None


class RemovePartForm(WorkspaceForm):
    comment = forms.CharField(max_length=500)

    def __init__(self, *args, noun: str = "section", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].label = _("Why remove this %(noun)s?") % {"noun": noun}
        self.fields["comment"].error_messages["required"] = _(
            "Say why the %(noun)s is removed."
        ) % {"noun": noun}


class ReorderForm(WorkspaceForm):
    """The order an editor is building (``order``), from the one they started with
    (``expected``), both as ids separated by commas, and why it changes."""

    order = forms.CharField(widget=forms.HiddenInput, required=False)
    expected = forms.CharField(widget=forms.HiddenInput, required=False)
    comment = forms.CharField(
        label=_("Why change the order?"),
        max_length=500,
        # A text area: Enter in it adds a line rather than pressing the first "Move" button.
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A few words for the history, e.g. “Treatments before side effects”."),
        error_messages={"required": _("Say in a few words why the order changes.")},
    )


def ids_from(value: str | None) -> list[int]:
    """ "3,1,2" -> [3, 1, 2]; anything else in it is left out."""
    return [int(part) for part in (value or "").split(",") if part.strip().isdigit()]
