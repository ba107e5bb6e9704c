from django.apps import AppConfig


class InfopagesConfig(AppConfig):
    name = "infopages"

    def ready(self) -> None:
        from infopages import checks, signals, subscriptions  # noqa: F401  (checks, receivers)

        subscriptions.subscribe()  # what follows every publication, inside its transaction
