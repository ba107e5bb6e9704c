"""The content in the admin, read-only.

Pages and everything on them are changed in the workspace, inside a change request, so that
every edit is a version, is audited and reaches readers only once signed off. The read model
(publications, review notices, public wording) is written by publishing alone. Topics and
people, which the admin may still change, are registered by ``reviews.admin`` with an audit
of every change: this app cannot write the audit log.
"""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from infopages.models import (
    Page,
    PageFeedback,
    PublicReviewNotice,
    PublicWording,
    PublishedPage,
    PublishedSection,
    Reference,
    Resource,
    Section,
    Source,
)
from infopages.parts import PART_KINDS, PartKind

EDITED_IN_THE_WORKSPACE = _(
    "Read-only here. Pages, their sections, references, resources, topic, address and "
    "related pages are changed in the workspace (/reviews/), inside a change request, so every "
    "edit is kept as a version, written to the audit log and signed off before readers see it."
)


class ReadOnlyAdminMixin:
    """Shown, never added, changed or deleted here (for model admins and inlines alike)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


class ReadOnlyInline:
    extra = 0
    can_delete = False
    show_change_link = False


# Django's inline table without its empty headers (axe: empty-table-header), for every
# read-only tabular inline.
READ_ONLY_TABULAR_TEMPLATE = "infopages/admin/tabular_read_only.html"


class ReadOnlyTabularInline(ReadOnlyInline, admin.TabularInline):
    template = READ_ONLY_TABULAR_TEMPLATE

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def part_inline(kind: PartKind) -> type:
    """A kind's read-only inline on the page: stacked for a part with text, else a table."""
    bases = (ReadOnlyInline, admin.StackedInline) if kind.has_text else (ReadOnlyTabularInline,)
    attributes = {"model": kind.model, "fields": list(kind.admin_fields), "__module__": __name__}
    return type(f"{kind.model.__name__}Inline", bases, attributes)


@admin.register(Page)
class PageAdmin(ReadOnlyAdmin):
    list_display = ["title", "slug", "topic", "owner", "updated_at"]
    list_filter = ["topic"]
    search_fields = ["title", "summary", "slug"]
    list_select_related = ["topic", "owner"]
    fieldsets = [
        (
            None,
            {
                "fields": ["title", "slug", "summary", "topic", "related_pages", "owner"],
                "description": EDITED_IN_THE_WORKSPACE,
            },
        )
    ]
    inlines = [part_inline(kind) for kind in PART_KINDS]


@admin.register(Section)
class SectionAdmin(ReadOnlyAdmin):
    list_display = ["heading", "page", "position"]
    list_filter = ["page"]
    list_select_related = ["page"]
    fieldsets = [
        (
            None,
            {
                "fields": ["page", "position", "heading", "anchor", "body"],
                "description": EDITED_IN_THE_WORKSPACE,
            },
        )
    ]


@admin.register(Reference)
class ReferenceAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "page", "accessed_on"]
    list_filter = ["page"]
    list_select_related = ["page"]


@admin.register(Source)
class SourceAdmin(ReadOnlyAdmin):
    """The evidence register: changed in the workspace (/reviews/sources/), audited."""

    list_display = ["__str__", "identifier", "status", "link_status", "link_checked_at"]
    list_filter = ["status", "link_status"]
    search_fields = ["citation", "url", "identifier", "publisher"]
    exclude = ["publications"]


@admin.register(Resource)
class ResourceAdmin(ReadOnlyAdmin):
    list_display = ["title", "page", "url"]
    list_filter = ["page"]
    list_select_related = ["page"]


class PublishedSectionInline(ReadOnlyInline, admin.StackedInline):
    model = PublishedSection
    readonly_fields = ["position", "heading", "anchor", "html", "source_version_id"]
    exclude = ["plain_text"]


@admin.register(PublishedPage)
class PublishedPageAdmin(ReadOnlyAdmin):
    """The public record. Read-only: only publishing writes it."""

    list_display = ["title", "published_at", "is_current", "superseded_at", "published_by"]
    list_filter = ["is_current"]
    search_fields = ["title", "slug"]
    inlines = [PublishedSectionInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(PublicReviewNotice)
class PublicReviewNoticeAdmin(ReadOnlyAdmin):
    """Started and ended by the workflow with a full review."""

    list_display = ["page", "started_at", "ended_at"]
    list_select_related = ["page"]


@admin.register(PublicWording)
class PublicWordingAdmin(ReadOnlyAdmin):
    """Reworded by publishers through the workflow (audited), not here."""

    list_display = ["key", "text", "updated_at"]


@admin.register(PageFeedback)
class PageFeedbackAdmin(admin.ModelAdmin):
    """Readers' answers to "Was this page helpful?", per page. Read-only: readers wrote them.
    (Deleting one, e.g. a comment with personal details, is audited by ``reviews.admin``.)"""

    list_display = ["slug", "helpful", "short_comment", "created_at", "publication"]
    list_filter = ["helpful", "slug", "created_at"]
    search_fields = ["slug", "comment"]
    date_hierarchy = "created_at"
    list_select_related = ["publication"]
    change_list_template = "infopages/admin/pagefeedback_change_list.html"

    @admin.display(description=_("comment"))
    def short_comment(self, obj: PageFeedback) -> str:
        return Truncator(obj.comment).chars(80)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            # Totals for whatever is filtered (e.g. one page), shown above the list.
            response.context_data["feedback_totals"] = changelist.queryset.aggregate(
                helpful_count=Count("pk", filter=Q(helpful=True)),
                not_helpful_count=Count("pk", filter=Q(helpful=False)),
            )
        return response

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
