from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "trato.core"
    label = "core"

    def ready(self) -> None:
        from trato.core import pickers

        pickers.autodiscover()
