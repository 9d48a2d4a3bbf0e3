"""What a webhook says about a claim (trato/webhooks): what the claim page shows whoever may see the claim."""

from typing import Any

from trato.claims.models import Claim
from trato.webhooks.payloads import iso, related_visible


def claim_payload(claim: Claim, owner: Any) -> dict[str, Any]:
    partner = claim.partner if related_visible(claim.partner, owner) else None
    return {
        "id": claim.pk,
        "number": claim.number,
        "kind": claim.kind,
        "state": claim.state,
        "subject": claim.subject,
        "partner": {"id": partner.pk, "name": partner.name, "ref": partner.ref} if partner else None,
        "category": claim.category.name if claim.category else None,
        "priority": claim.priority,
        "external_ref": claim.external_ref,
        "received_on": iso(claim.received_on),
        "deadline": iso(claim.deadline),
        "opened_at": iso(claim.opened_at),
        "closed_at": iso(claim.closed_at),
        "resolution": claim.resolution,
        "resolution_cost": str(claim.resolution_cost) if claim.resolution_cost is not None else None,
    }
