"""What people type about shared blocks: a new block, a block's fields, retiring one."""

from django import forms
from django.utils.translation import gettext_lazy as _

from infopages.shared_blocks import BLOCK_TYPES, Block
from reviews.core.forms import WorkspaceForm


class NewBlockForm(WorkspaceForm):
    name = forms.SlugField(
        label=_("Name"),
        max_length=60,
        help_text=_(
            "Lower-case letters, digits and hyphens, e.g. support-line. Editors write it in "
            "the marker {{block:support-line}}; it never changes."
        ),
    )
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=[(t.key, f"{t.label}: {t.description}") for t in BLOCK_TYPES],
        widget=forms.RadioSelect,
    )
    title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_("For the workspace, e.g. “Support line”.")
    )


class BlockFieldsForm(WorkspaceForm):
    """A block's fields, as its type declares them, with the edit counter of each and why."""

    keeps_what_it_is_not_sent = True

    def __init__(self, *args, block: Block, **kwargs):
        super().__init__(*args, **kwargs)
        self.block = block
        for field in block.type.fields:
            widget = (
                forms.Textarea(attrs={"rows": 8})
                if field.kind == "markdown"
                else forms.TextInput(
                    attrs={"type": {"phone": "tel", "email": "email"}.get(field.kind, "text")}
                )
            )
            self.fields[field.key] = forms.CharField(
                label=field.label,
                required=False,  # the service says what is missing, in words
                strip=False,
                help_text=field.help_text + ("" if field.required else " (optional)"),
                widget=widget,
            )
            self.fields[f"lock_{field.key}"] = forms.IntegerField(
                required=False, widget=forms.HiddenInput
            )
        self.fields["comment"] = forms.CharField(
            label=_("What you changed and why"),
            max_length=500,
            help_text=_("For the reviewers and the history."),
        )

    def values(self) -> dict[str, str]:
        return {f.key: self.cleaned_data.get(f.key) or "" for f in self.block.type.fields}

    def lock_versions(self) -> dict[str, int]:
        return {
            f.key: self.cleaned_data[f"lock_{f.key}"]
            for f in self.block.type.fields
            if self.cleaned_data.get(f"lock_{f.key}") is not None
        }


class RetireBlockForm(WorkspaceForm):
    reason = forms.CharField(
        label=_("Why it is retired"), max_length=500, help_text=_("Goes in the audit log.")
    )
