from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "trato.mail"
    label = "mail"
    verbose_name = _("Mail")

    def ready(self) -> None:
        from trato.core import events
        from trato.jobs import periodic
        from trato.mail.sending import MAIL_UNDELIVERED
        from trato.mail.tasks import outbox_sweep

        periodic.register("mail.outbox_sweep", outbox_sweep, every=timedelta(minutes=1))
        events.declare(MAIL_UNDELIVERED, _("An email on a record could not be delivered"))
