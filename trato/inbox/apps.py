from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "trato.inbox"
    label = "inbox"
    verbose_name = _("Incoming mail")

    def ready(self) -> None:
        from trato.core import events
        from trato.inbox.filing import MAIL_RECEIVED
        from trato.inbox.tasks import register_polling

        register_polling()
        events.declare(MAIL_RECEIVED, _("An email was filed on a record"))
