from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def claim_contacts(claim):
    """The contacts a communication on a claim may name: its customer's or supplier's."""
    from trato.partners.models import Contact

    if claim.partner_id is None:
        return Contact.objects.none()
    return Contact.objects.filter(partner_id=claim.partner_id, is_archived=False)


class ClaimsConfig(AppConfig):
    name = "trato.claims"
    label = "claims"
    verbose_name = _("Claims")

    def ready(self) -> None:
        from trato.claims import inbox_handler, workflow
        from trato.claims.models import Claim
        from trato.claims.payloads import claim_payload
        from trato.claims.search import claim_provider
        from trato.claims.tasks import register_reminders
        from trato.core import events, search
        from trato.timeline import registry
        from trato.webhooks import payloads

        registry.register(Claim, contacts=claim_contacts, state_field="state")
        for name, label in workflow.EVENTS.items():
            events.declare(name, label)
        search.register(claim_provider)
        payloads.register(Claim, claim_payload)
        register_reminders()
        inbox_handler.register()  # the claims mail alias (issue 4's "extras")
