from django.contrib import admin

from reviews.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log is evidence: it can be read, never edited."""

    list_display = ["created_at", "actor", "action", "page", "change_request_id"]
    list_filter = ["action"]
    search_fields = ["message", "page__title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
