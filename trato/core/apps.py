from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "trato.core"
    label = "core"
