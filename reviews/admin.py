"""Admin for the workflow's settings and records, and for what the admin may still change.

Workflow state changes only through reviews.services, so change requests, sign-offs and the
audit log are read-only here, as is the content (``infopages.admin``). What may still be
changed here (topics, people's public credit, sign-off requirements, email settings,
accounts and their groups) is written to the audit log, add, change and delete alike, with
who did it and what changed (``AuditedAdmin``). Django's own admin log is kept too, but it
can be edited and is not the portal's evidence.
"""

import datetime as dt
import json

from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from infopages.admin import READ_ONLY_TABULAR_TEMPLATE, PageFeedbackAdmin, ReadOnlyAdminMixin
from infopages.models import Page, PageFeedback, Person, Topic
from reviews.core import audit
from reviews.core.audit import Action
from reviews.core.export import write_audit_csv
from reviews.core.models import (
    AuditEvent,
    ChangeRequest,
    ChangeRequestItem,
    Comment,
    Invitation,
    Notification,
    NotificationPreference,
    ReviewerRole,
    SignOff,
    SignOffRequirement,
    SignOffRequirementRole,
)
from reviews.evidence.models import ReviewFlag, SourceCheck
from reviews.schedule.models import ReviewReminder

User = get_user_model()

# Never written to the audit log, whatever changes: secrets, and what signing in updates.
UNAUDITED_FIELDS = {"password", "last_login", "key"}  # key: a two-factor device's secret


def _shown(value) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):  # to the second, as the admin's form shows it
        return f"{timezone.localtime(value):%-d %B %Y %H:%M:%S}"
    if isinstance(value, dt.date):
        return f"{value:%-d %B %Y}"
    return str(value)


def snapshot(obj: models.Model) -> dict[str, str]:
    """What the admin can change on ``obj``, as a person reads it: {label: value}."""
    values = {}
    for field in obj._meta.concrete_fields:
        if not field.editable or field.primary_key or field.name in UNAUDITED_FIELDS:
            continue
        if field.choices:
            value = getattr(obj, f"get_{field.name}_display")()
        else:
            value = getattr(obj, field.name)
        values[str(field.verbose_name)] = _shown(value)
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            related = sorted(str(item) for item in getattr(obj, field.name).all())
            values[str(field.verbose_name)] = ", ".join(related) or "(none)"
    return values


def _differences(before: dict[str, str], after: dict[str, str]) -> str:
    changed = [
        f"{label}: {before.get(label, '(empty)')} → {value}"
        for label, value in after.items()
        if before.get(label) != value
    ]
    return "; ".join(changed)


class AuditedAdmin:
    """Writes an ``admin_changed`` audit event for every add, change and delete made through
    this admin, in the same transaction: who, which object, and each changed value (old →
    new; passwords never)."""

    def _audit(self, request, obj: models.Model, what: str, details: str = "") -> None:
        noun = obj._meta.verbose_name
        page = obj if isinstance(obj, Page) else getattr(obj, "page", None)
        audit.record(
            action=Action.ADMIN_CHANGED,
            actor=request.user,
            page=page if isinstance(page, Page) else None,
            message=f"In the admin: {what} {noun} “{obj}”" + (f": {details}" if details else "."),
        )

    def audit_snapshot(self, obj: models.Model) -> dict[str, str]:
        """What is audited of ``obj``: its fields, and what an admin with inline rows adds."""
        return snapshot(obj)

    def save_model(self, request, obj, form, change):
        if change:
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            obj._audit_before = self.audit_snapshot(stored) if stored is not None else {}
        super().save_model(request, obj, form, change)

    def log_addition(self, request, obj, message):
        values = "; ".join(f"{label}: {value}" for label, value in self.audit_snapshot(obj).items())
        self._audit(request, obj, "added", values)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        before = getattr(obj, "_audit_before", None)
        if before is not None:
            details = _differences(before, self.audit_snapshot(obj)) or "nothing changed"
        else:  # a view of its own, such as setting a password: Django's words, no values
            details = LogEntry(change_message=json.dumps(message)).get_change_message()
        self._audit(request, obj, "changed", details)
        return super().log_change(request, obj, message)

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._audit(request, obj, "deleted")
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self._audit(request, obj, "deleted")
            super().delete_queryset(request, queryset)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit log is evidence: it can be read and exported, never edited."""

    list_display = ["created_at", "actor", "action", "page", "change_request_id"]
    list_filter = ["action", "created_at"]
    search_fields = ["message", "page__title", "actor__username"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "page"]
    actions = ["export_csv"]

    @admin.action(description=_("Export selected as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
        events = queryset.select_related("actor", "page").order_by("created_at", "id")
        write_audit_csv(events, response)
        return response


class ItemInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ChangeRequestItem
    template = READ_ONLY_TABULAR_TEMPLATE
    extra = 0
    fields = ["content_type", "object_id", "version", "base_version"]
    readonly_fields = fields


class SignOffInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SignOff
    template = READ_ONLY_TABULAR_TEMPLATE
    extra = 0
    fields = ["created_at", "reviewer", "invitation", "role", "decision", "comment", "content_hash"]
    readonly_fields = fields


class InvitationInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Outside reviewers invited (never their link's or code's hashes)."""

    model = Invitation
    template = READ_ONLY_TABULAR_TEMPLATE
    extra = 0
    fields = [
        "created_at",
        "name",
        "email",
        "role",
        "invited_by",
        "expires_at",
        "opened_at",
        "decided_at",
        "revoked_at",
        "named_publicly",
    ]
    readonly_fields = fields


class CommentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Comment
    template = READ_ONLY_TABULAR_TEMPLATE
    extra = 0
    fields = ["created_at", "author", "body"]
    readonly_fields = fields


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "page", "state", "is_full_review", "created_by", "submitted_at"]
    list_filter = ["state", "is_full_review"]
    search_fields = ["page__title", "summary"]
    list_select_related = ["page", "created_by"]
    inlines = [ItemInline, SignOffInline, InvitationInline, CommentInline]


class RolesNeededFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        rows = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if not any(row.get("for_every_change", 0) >= 1 for row in rows):
            raise ValidationError(
                _(
                    "Every change must be signed off by someone: give at least one role a "
                    "number needed for every change."
                )
            )


class RolesNeededInline(admin.TabularInline):
    model = SignOffRequirementRole
    formset = RolesNeededFormSet
    extra = 1
    fields = ["role", "for_every_change", "for_full_review"]


@admin.register(SignOffRequirement)
class SignOffRequirementAdmin(AuditedAdmin, admin.ModelAdmin):
    """Which reviewer roles sign off changes to a topic's pages or one page (the requirement
    naming neither is the default for every other page). A full review needs, of each role,
    the larger of its two numbers."""

    list_display = ["__str__", "topic", "page", "roles_needed"]
    list_select_related = ["topic", "page"]
    autocomplete_fields = ["page"]
    inlines = [RolesNeededInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("roles__role")

    @admin.display(description=_("roles needed"))
    def roles_needed(self, obj) -> str:
        return "; ".join(str(row) for row in obj.roles.all())

    def audit_snapshot(self, obj):
        values = snapshot(obj)
        rows = obj.roles.select_related("role") if obj.pk is not None else []
        values[str(_("roles needed"))] = "; ".join(str(row) for row in rows) or "(none)"
        return values

    def has_delete_permission(self, request, obj=None):
        """The default requirement stays: without it a page under no requirement would need
        nobody's sign-off."""
        if obj is not None and obj.is_default:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset.exclude(topic=None, page=None))

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class OneDefault(form):
            def clean(self):
                cleaned = super().clean()
                is_default = not cleaned.get("topic") and not cleaned.get("page")
                others = SignOffRequirement.objects.filter(topic=None, page=None)
                if self.instance.pk is not None:
                    others = others.exclude(pk=self.instance.pk)
                if is_default and others.exists():
                    raise ValidationError(
                        _(
                            "Choose a topic or a page. The default requirement, for every "
                            "other page, already exists: change that one instead."
                        )
                    )
                if cleaned.get("topic") and cleaned.get("page"):
                    raise ValidationError(_("Choose a topic or a page, not both."))
                return cleaned

        return OneDefault


@admin.register(ReviewerRole)
class ReviewerRoleAdmin(AuditedAdmin, admin.ModelAdmin):
    """Reviewer roles: who signs off in which role is the role's group. A role is required
    by adding it to a sign-off requirement. Its code is kept with every sign-off in it, so
    it cannot change once saved, and a role anyone has signed off in cannot be deleted
    (make it inactive instead)."""

    list_display = ["label", "code", "public_label", "group", "position", "active"]
    list_select_related = ["group"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (
            SignOff.objects.filter(role=obj.code).exists()
            or Invitation.objects.filter(role=obj.code).exists()
        ):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["user", "frequency"]
    list_filter = ["frequency"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "user", "address", "subject", "frequency", "sent_at"]
    list_filter = ["frequency", "event"]
    search_fields = ["user__username", "subject"]
    list_select_related = ["user"]


@admin.register(Topic)
class TopicAdmin(AuditedAdmin, admin.ModelAdmin):
    """Renaming or moving a topic sends open changes under it back to review
    (``reviews.signals``): pages show the topic's name, so reviewers sign it off."""

    list_display = ["__str__", "slug", "position", "review_interval_months"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Person)
class PersonAdmin(AuditedAdmin, admin.ModelAdmin):
    """Reviewers' public credit. Reviewers set their own in the workspace; each sign-off
    keeps the credit it was given with."""

    list_display = ["name", "credentials", "role", "named_publicly", "user"]
    search_fields = ["name", "role"]
    autocomplete_fields = ["user"]


# Accounts and groups: removing a reviewer from a group or deactivating them makes their
# sign-offs lapse (reviews.signals); each such change is audited here.
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class AuditedUserAdmin(AuditedAdmin, UserAdmin):
    pass


@admin.register(Group)
class AuditedGroupAdmin(AuditedAdmin, GroupAdmin):
    pass


# Deleting a reader's answer (say, one that names someone) is audited too.
admin.site.unregister(PageFeedback)


@admin.register(PageFeedback)
class AuditedPageFeedbackAdmin(AuditedAdmin, PageFeedbackAdmin):
    pass


@admin.register(ReviewReminder)
class ReviewReminderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What ``send_review_reminders`` recorded: one row per page, due date and kind."""

    list_display = ["sent_on", "page", "due_on", "kind", "escalated"]
    list_filter = ["kind", "escalated", "sent_on"]
    search_fields = ["page__title"]
    list_select_related = ["page"]


@admin.register(ReviewFlag)
class ReviewFlagAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Raised by marking a source in the evidence register, cleared by publishing or by a
    source check."""

    list_display = ["page", "source_status", "reason", "raised_at", "cleared_at"]
    list_filter = ["source_status"]
    search_fields = ["page__title", "reason", "citation"]
    list_select_related = ["page"]


@admin.register(SourceCheck)
class SourceCheckAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Taken on a page's source check in the workspace: "no change needed"."""

    list_display = ["checked_at", "page", "source", "checked_by", "note"]
    search_fields = ["page__title", "note", "source__citation"]
    list_select_related = ["page", "source", "checked_by"]
