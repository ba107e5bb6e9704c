from django.apps import AppConfig


class InfopagesConfig(AppConfig):
    name = "infopages"
