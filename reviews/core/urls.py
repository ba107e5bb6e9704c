"""The change workflow's routes: the dashboard, change requests, editing, history."""

from django.urls import path

from reviews.core.views import (
    audit,
    changes,
    dashboard,
    editing,
    editing_figures,
    editing_page,
    editing_parts,
    history,
    ordering,
    people,
)

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("audit.csv", audit.audit_csv, name="audit_csv"),
    path("notifications/", dashboard.notification_preference, name="notification_preference"),
    path("account/credit/", people.public_credit, name="public_credit"),
    path("changes/start/", dashboard.start_change, name="start_change"),
    path("changes/<int:pk>/", changes.change_detail, name="change"),
    path("changes/<int:pk>/details/", changes.update_details, name="update_details"),
    path("changes/<int:pk>/submit/", changes.submit, name="submit"),
    path("changes/<int:pk>/sign-off/", changes.sign_off, name="sign_off"),
    path("changes/<int:pk>/sections-read/", changes.keep_sections_read, name="keep_sections_read"),
    path("changes/<int:pk>/comments/", changes.comment, name="comment"),
    path("changes/<int:pk>/withdraw/", changes.withdraw, name="withdraw"),
    path("changes/<int:pk>/publish/", changes.publish, name="publish"),
    path("changes/<int:pk>/schedule/", changes.schedule, name="schedule"),
    path("changes/<int:pk>/unschedule/", changes.unschedule, name="unschedule"),
    path("changes/<int:pk>/figures/add/", editing_figures.add_figure, name="add_figure"),
    path(
        "changes/<int:pk>/figures/<int:figure_pk>/edit/",
        editing_figures.edit_figure,
        name="edit_figure",
    ),
    path(
        "changes/<int:pk>/figures/<int:figure_pk>/remove/",
        editing_figures.remove_figure,
        name="remove_figure",
    ),
    path("changes/<int:pk>/page/edit/", editing_page.edit_page, name="edit_page"),
    path("changes/<int:pk>/page/topic/", editing_page.edit_topic, name="edit_topic"),
    path("changes/<int:pk>/page/address/", editing_page.edit_address, name="edit_address"),
    path("changes/<int:pk>/page/related/", editing_page.edit_related_pages, name="edit_related"),
    path("changes/<int:pk>/<str:kind>/order/", ordering.reorder, name="reorder"),
    path("changes/<int:pk>/sections/add/", editing.add_section, name="add_section"),
    path(
        "changes/<int:pk>/sections/<int:section_pk>/edit/",
        editing.edit_section,
        name="edit_section",
    ),
    path(
        "changes/<int:pk>/sections/<int:section_pk>/remove/",
        editing.remove_section,
        name="remove_section",
    ),
    *[
        route
        for kind, noun in editing_parts.ROUTES
        for route in (
            path(
                f"changes/<int:pk>/{kind}/add/",
                editing_parts.add_part,
                {"kind": kind},
                name=f"add_{noun}",
            ),
            path(
                f"changes/<int:pk>/{kind}/<int:part_pk>/edit/",
                editing_parts.edit_part,
                {"kind": kind},
                name=f"edit_{noun}",
            ),
            path(
                f"changes/<int:pk>/{kind}/<int:part_pk>/remove/",
                editing_parts.remove_part_view,
                {"kind": kind},
                name=f"remove_{noun}",
            ),
        )
    ],
    path("pages/unpublish/", dashboard.unpublish, name="unpublish"),
    path("pages/<int:page_pk>/history/", history.page_history, name="page_history"),
    path(
        "pages/<int:page_pk>/publications/<int:publication_pk>/",
        history.publication_detail,
        name="publication",
    ),
    path("pages/<int:page_pk>/as-of/", history.page_as_of, name="page_as_of"),
    path("pages/<int:page_pk>/restore/", history.restore_version, name="restore_version"),
    path(
        "pages/<int:page_pk>/restore-publication/",
        history.restore_publication,
        name="restore_publication",
    ),
]
