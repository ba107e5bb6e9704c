from django.apps import AppConfig


class InfopagesConfig(AppConfig):
    name = "infopages"

    def ready(self) -> None:
        from infopages import checks, signals  # noqa: F401  (registers checks, connects receivers)
