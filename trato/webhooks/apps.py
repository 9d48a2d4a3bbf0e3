from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "trato.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from trato.core import events
        from trato.webhooks.services import on_event
        from trato.webhooks.tasks import register_sweep

        events.listen(on_event)
        register_sweep()
