from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Medical sign-off")

    def ready(self) -> None:
        from reviews import signals, subscriptions  # noqa: F401  (roles and topic names)

        subscriptions.subscribe()  # what follows every publication, after it commits
