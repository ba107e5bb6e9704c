"""Forms of the review schedule's screens: the calendar's filters and a page's schedule."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from infopages.models import PublicWording, Topic
from infopages.review_intervals import MAX_REVIEW_MONTHS, MAX_REVIEW_YEARS_WORDS, MIN_REVIEW_MONTHS
from reviews.core import policy
from reviews.core.forms import WorkspaceForm
from reviews.schedule.calendar import CalendarFilter

NOBODY = "nobody"


def editors():
    return (
        get_user_model()
        .objects.filter(groups__name=policy.EDITORS, is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


class TopicChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, topic: Topic) -> str:
        return str(topic)


class CalendarFilterForm(WorkspaceForm):
    """Which pages the calendar, its CSV and the report show (a GET form)."""

    topic = TopicChoiceField(
        label=_("Topic (and the topics under it)"),
        queryset=Topic.objects.select_related("parent__parent__parent"),
        required=False,
        empty_label=_("All topics"),
    )
    owner = forms.ChoiceField(label=_("Looked after by"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.editors = {str(user.pk): user for user in editors()}
        self.fields["owner"].choices = [
            ("", _("Anyone")),
            (NOBODY, _("Nobody (reminders go to the team address)")),
            *[(pk, _name(user)) for pk, user in self.editors.items()],
        ]

    def filters(self) -> CalendarFilter:
        """What was chosen; all pages when the form is not valid."""
        if not self.is_valid():
            return CalendarFilter()
        owner = self.cleaned_data["owner"]
        return CalendarFilter.of(
            topic=self.cleaned_data["topic"],
            owner=self.editors.get(owner),
            unowned=owner == NOBODY,
        )


class OwnerForm(WorkspaceForm):
    keeps_what_it_is_not_sent = True

    owner = forms.ChoiceField(
        label=_("Looked after by"),
        required=False,
        help_text=_("They are reminded when the page's review is due."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.editors = {str(user.pk): user for user in editors()}
        self.fields["owner"].choices = [
            ("", _("Nobody: reminders go to the team address")),
            *[(pk, _name(user)) for pk, user in self.editors.items()],
        ]

    def chosen(self):
        return self.editors.get(self.cleaned_data["owner"])


class IntervalForm(WorkspaceForm):
    keeps_what_it_is_not_sent = True

    months = forms.IntegerField(
        label=_("Fully reviewed every (months)"),
        required=False,
        min_value=MIN_REVIEW_MONTHS,
        max_value=MAX_REVIEW_MONTHS,
        help_text=format_lazy(
            _(
                "Leave empty to follow the page's topic. At most {months}: patient information "
                "is reviewed at least every {years}. Applies from the next full review."
            ),
            months=MAX_REVIEW_MONTHS,
            years=MAX_REVIEW_YEARS_WORDS,
        ),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class NextReviewForm(WorkspaceForm):
    on = forms.DateField(
        label=_("New next review date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Readers see this date at once."),
    )
    reason = forms.CharField(
        label=_("Why"),
        max_length=200,
        help_text=_("For example: new NICE guidance. It is kept in the audit log."),
    )


class StartFullReviewForm(WorkspaceForm):
    summary = forms.CharField(
        label=_("What the review is for (optional)"),
        max_length=500,
        required=False,
        widget=forms.TextInput,
        help_text=_("For the reviewers, e.g. “Three-yearly review” or “New NICE guidance”."),
    )


class WordingForm(WorkspaceForm):
    text = forms.CharField(
        label=_("What readers are told while a page is being reviewed"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown at the top of a page while a full review is under way or overdue."),
    )
    key = PublicWording.Key.REVIEW_NOTICE
