"""The figure form: a picture to upload (or the one kept from a refused save), its name, alt
text, caption, long description and credit.

The picture is checked here (``infopages.images.check_upload``) before anything is stored;
the alt text by the rules readers need (``infopages.figures.alt_refusal``).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from infopages import images
from infopages.figures import alt_refusal
from infopages.markdown import validate_markdown
from infopages.models import StoredImage
from reviews.core.forms import TextField
from reviews.core.forms_editing import EditForm


class FigureForm(EditForm):
    picture = forms.FileField(
        label=_("Picture file"),
        required=False,
        help_text=_(
            "A PNG, JPEG or WebP file of at most 10 MB. Diagrams are clearest as PNG. Details "
            "the camera adds (such as where a photo was taken) are removed."
        ),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    kept_image = forms.CharField(widget=forms.HiddenInput, required=False)
    name = forms.SlugField(
        label=_("Name"),
        max_length=60,
        help_text=_(
            "Lower-case letters, numbers and hyphens, e.g. where-it-spreads. To place the figure, "
            "put the line [figure: its-name] in a section's text where readers should see it."
        ),
        error_messages={
            "required": _("Give the figure a name, e.g. where-it-spreads."),
            "invalid": _(
                "Use only lower-case letters, numbers and hyphens, e.g. where-it-spreads."
            ),
        },
    )
    alt = forms.CharField(
        label=_("Alt text"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "What the picture shows, for people who cannot see it, in a sentence or two. "
            "Not the file's name, and no need to start “Image of”."
        ),
    )
    decorative = forms.BooleanField(
        label=_("Decorative: it adds nothing the text does not say (no alt text needed)"),
        required=False,
    )
    caption = forms.CharField(
        label=_("Caption (optional)"),
        max_length=500,
        required=False,
        help_text=_("Shown under the picture to everyone."),
    )
    long_description = TextField(
        label=_("Long description (optional)"),
        required=False,
        strip=False,
        validators=[validate_markdown],
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "For a diagram or chart whose detail does not fit in the alt text. Readers open it "
            "under “Describe this image”. Markdown: - for a list."
        ),
    )
    credit = forms.CharField(
        label=_("Credit or licence (optional)"),
        max_length=300,
        required=False,
        help_text=_("e.g. “Drawing: the information team” or “Photo: Jane Smith, CC BY 4.0”."),
    )
    field_order = [
        "picture",
        "kept_image",
        "name",
        "alt",
        "decorative",
        "caption",
        "long_description",
        "credit",
        "comment",
        "lock_version",
    ]
    # Browsers send no file when none is chosen (keep the picture) and nothing for an unticked box.
    may_leave_out = ("picture", "kept_image", "decorative")

    def __init__(self, *args, current: StoredImage | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current  # the figure's picture now (editing), if any

    def clean_picture(self) -> images.CleanImage | None:
        upload = self.cleaned_data.get("picture")
        if not upload:
            return None
        if upload.size > images.max_bytes():
            raise forms.ValidationError(
                _("%(name)s is %(size).1f MB; pictures may be at most %(limit)s MB.")
                % {
                    "name": upload.name,
                    "size": upload.size / 1024 / 1024,
                    "limit": images.max_bytes() // 1024 // 1024,
                }
            )
        data = upload.read()
        try:
            return images.check_upload(data, upload.name)
        except images.ImageRefused as refusal:
            raise forms.ValidationError(str(refusal)) from None

    def clean_kept_image(self) -> StoredImage | None:
        digest = (self.cleaned_data.get("kept_image") or "").strip()
        if not digest:
            return None
        return StoredImage.objects.filter(digest=digest).first()

    def clean(self):
        cleaned = super().clean()
        picture = cleaned.get("picture")
        kept = cleaned.get("kept_image")
        if "picture" in self.errors:
            return cleaned
        if picture is None and kept is None and self.current is None:
            self.add_error("picture", _("Choose a picture (PNG, JPEG or WebP) to upload."))
            return cleaned
        if picture is not None:
            original = picture.original_name
        else:
            original = (kept or self.current).original_name
        refusal = alt_refusal(
            alt=cleaned.get("alt", ""),
            decorative=cleaned.get("decorative", False),
            original_name=original,
        )
        if refusal:
            self.add_error("alt", refusal)
        return cleaned


class NewFigureForm(FigureForm):
    """A new figure has no version counter yet."""

    keeps_what_it_is_not_sent = False
    lock_version = None
