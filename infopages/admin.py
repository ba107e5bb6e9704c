from django.contrib import admin
from markdownx.admin import MarkdownxModelAdmin
from reversion.admin import VersionAdmin

from infopages.models import (
    Page,
    Person,
    PublishedPage,
    PublishedSection,
    Reference,
    Resource,
    Section,
    Topic,
)


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
class PageAdmin(VersionAdmin, MarkdownxModelAdmin):
    """Editing the working copy; every save here is a version (see History)."""

    list_display = ["title", "slug", "topic", "reviewed_on", "next_review_on", "updated_at"]
    list_filter = ["topic"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["related_pages", "reviewers"]
    inlines = [SectionInline, ReferenceInline, ResourceInline]


@admin.register(Section)
class SectionAdmin(VersionAdmin, MarkdownxModelAdmin):
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
