from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "trato.partners"
    label = "partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        from trato.core import events, search
        from trato.partners.models import Contact, Partner
        from trato.partners.payloads import partner_payload
        from trato.partners.search import contact_provider, partner_provider
        from trato.timeline import registry
        from trato.webhooks import payloads

        registry.register(Partner)
        registry.register(Contact)
        search.register(partner_provider)
        search.register(contact_provider)
        events.declare("partner.created", _("A partner was created"))
        events.declare("partner.changed", _("A partner was changed"))
        payloads.register(Partner, partner_payload)
