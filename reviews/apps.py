from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Medical sign-off")

    def ready(self) -> None:
        from reviews import signals  # noqa: F401  (follows reviewers' roles and topic names)
