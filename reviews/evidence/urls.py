"""The evidence register's routes: sources, broken links, checking a page against a source."""

from django.urls import path

from reviews.evidence.views import source_check, sources

urlpatterns = [
    path("sources/", sources.source_list, name="sources"),
    path("sources/add/", sources.add_source, name="add_source"),
    path("sources/merge/", sources.merge_sources, name="merge_sources"),
    path("sources/broken-links/", sources.broken_links, name="broken_links"),
    path("sources/<int:source_pk>/", sources.source_detail, name="source"),
    path("sources/<int:source_pk>/edit/", sources.edit_source, name="edit_source"),
    path("sources/<int:source_pk>/status/", sources.mark_source, name="mark_source"),
    path("pages/<int:page_pk>/source-check/", source_check.source_check, name="source_check"),
    path(
        "pages/<int:page_pk>/source-check/confirm/",
        source_check.confirm_source_check,
        name="confirm_source_check",
    ),
    path(
        "pages/<int:page_pk>/source-check/start-change/",
        source_check.start_change_for_source,
        name="start_change_for_source",
    ),
]
