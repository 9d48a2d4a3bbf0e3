"""What a webhook says about a partner (trato/webhooks): its identity and how to reach it, as its page shows."""

from typing import Any

from trato.partners.models import Partner


def partner_payload(partner: Partner, owner: Any) -> dict[str, Any]:
    return {
        "id": partner.pk,
        "name": partner.name,
        "ref": partner.ref,
        "kinds": partner.kinds,
        "tax_id": partner.tax_id,
        "email": partner.email,
        "phone": partner.phone_e164 or partner.phone,
        "city": partner.city,
        "country": partner.country,
        "is_archived": partner.is_archived,
    }
