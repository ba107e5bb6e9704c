from django.apps import AppConfig


class InfopagesConfig(AppConfig):
    name = "infopages"

    def ready(self) -> None:
        from infopages import signals  # noqa: F401  (connects the cache-refresh receivers)
