from django.apps import AppConfig
from django.core.signals import request_started
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Medical sign-off")

    def ready(self) -> None:
        from reviews import signals, subscriptions  # noqa: F401  (roles and topic names)
        from reviews.blocks import plugin as blocks
        from reviews.core.models.roles import forget, seed_starting_roles
        from reviews.evidence import plugin as evidence
        from reviews.outside import plugin as outside
        from reviews.readability import plugin as readability
        from reviews.schedule import plugin as schedule
        from reviews.versions import plugin as versions

        # Each feature plugs into the core's steps and screens (reviews.core.hooks, .panels),
        # in this order (the order of their links on the dashboard).
        for feature in (schedule, readability, evidence, outside, blocks, versions):
            feature.register()

        subscriptions.subscribe()  # what follows every publication, after it commits
        post_migrate.connect(seed_starting_roles, sender=self, dispatch_uid="reviews.roles")
        request_started.connect(forget, dispatch_uid="reviews.roles")
