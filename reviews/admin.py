"""Admin for the workflow's settings and records. Workflow state changes only through
reviews.services, so change requests, sign-offs and the audit log are read-only here."""

from django.contrib import admin
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reviews.export import write_audit_csv
from reviews.models import (
    AuditEvent,
    ChangeRequest,
    ChangeRequestItem,
    Comment,
    Notification,
    NotificationPreference,
    ReviewReminder,
    SignOff,
    SignOffRequirement,
)


class ReadOnlyAdminMixin:
    """Records are evidence: they can be read, never added, edited or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
    extra = 0
    fields = ["content_type", "object_id", "version", "base_version"]
    readonly_fields = fields


class SignOffInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = SignOff
    extra = 0
    fields = ["created_at", "reviewer", "role", "decision", "comment", "content_hash"]
    readonly_fields = fields


class CommentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Comment
    extra = 0
    fields = ["created_at", "author", "body"]
    readonly_fields = fields


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "page", "state", "is_full_review", "created_by", "submitted_at"]
    list_filter = ["state", "is_full_review"]
    search_fields = ["page__title", "summary"]
    list_select_related = ["page", "created_by"]
    inlines = [ItemInline, SignOffInline, CommentInline]


@admin.register(SignOffRequirement)
class SignOffRequirementAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "topic",
        "page",
        "needs_medical",
        "needs_lay",
        "full_review_needs_lay",
    ]
    list_select_related = ["topic", "page"]
    autocomplete_fields = ["page"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
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


@admin.register(ReviewReminder)
class ReviewReminderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What ``send_review_reminders`` recorded: one row per page, due date and kind."""

    list_display = ["sent_on", "page", "due_on", "kind", "escalated"]
    list_filter = ["kind", "escalated", "sent_on"]
    search_fields = ["page__title"]
    list_select_related = ["page"]
