from django.contrib import admin
from django.db.models import Count, Q
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from markdownx.admin import MarkdownxModelAdmin
from reversion.admin import VersionAdmin

from infopages.models import (
    Page,
    PageFeedback,
    Person,
    PublishedPage,
    PublishedSection,
    Reference,
    Resource,
    Section,
    Topic,
)
from infopages.services import next_lock_version


def move_edit_counter_on(obj) -> None:
    """An admin save counts as an edit, so an editor who opened the same text in the workspace
    before it gets a conflict (with both texts) instead of silently overwriting it."""
    if obj.pk is not None:
        obj.lock_version = next_lock_version(type(obj), obj.pk)


class CountsEdits:
    def save_model(self, request, obj, form, change):
        move_edit_counter_on(obj)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            if inline_form.has_changed() and hasattr(inline_form.instance, "lock_version"):
                move_edit_counter_on(inline_form.instance)
        super().save_formset(request, form, formset, change)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["__str__", "slug", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "credentials", "role"]
    search_fields = ["name", "role"]


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    fields = ["position", "heading", "anchor", "body"]


class ReferenceInline(admin.TabularInline):
    model = Reference
    extra = 0


class ResourceInline(admin.TabularInline):
    model = Resource
    extra = 0


@admin.register(Page)
class PageAdmin(CountsEdits, VersionAdmin, MarkdownxModelAdmin):
    """Editing the working copy; every save here is a version (see History)."""

    list_display = ["title", "slug", "topic", "owner", "updated_at"]
    list_filter = ["topic"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["related_pages"]
    inlines = [SectionInline, ReferenceInline, ResourceInline]


@admin.register(Section)
class SectionAdmin(CountsEdits, VersionAdmin, MarkdownxModelAdmin):
    list_display = ["heading", "page", "position"]
    list_filter = ["page"]


class PublishedSectionInline(admin.StackedInline):
    model = PublishedSection
    extra = 0
    can_delete = False
    readonly_fields = ["position", "heading", "anchor", "html", "source_version_id"]
    exclude = ["plain_text"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PublishedPage)
class PublishedPageAdmin(admin.ModelAdmin):
    """The public record. Read-only: only publishing writes it."""

    list_display = ["title", "published_at", "is_current", "superseded_at", "published_by"]
    list_filter = ["is_current"]
    search_fields = ["title", "slug"]
    inlines = [PublishedSectionInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PageFeedback)
class PageFeedbackAdmin(admin.ModelAdmin):
    """Readers' answers to "Was this page helpful?", per page. Read-only: readers wrote them."""

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
