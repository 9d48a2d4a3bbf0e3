"""Global search provider: claims by number, subject, partner, origin document number or product code, only among
the claims the user may see."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from trato.claims.models import Claim
from trato.claims.selectors import search as search_claims
from trato.core.search import SearchHit, SearchProvider


def claim_url(claim: Claim) -> str:
    try:
        return reverse("claims:detail", args=[claim.pk])
    except NoReverseMatch:  # the claim pages are not mounted (e.g. an API-only test)
        return ""


def _claims(user, query: str, limit: int) -> list[SearchHit]:
    claims = search_claims(Claim.objects.visible_to(user), query).select_related("partner")
    claims = claims.order_by("-received_on", "-pk")[:limit]
    return [
        SearchHit(
            title=str(claim),
            subtitle=" · ".join(filter(None, [claim.get_state_display(), claim.partner and claim.partner.name])),
            url=claim_url(claim),
        )
        for claim in claims
    ]


claim_provider = SearchProvider(key="claims", label=_("Claims"), search=_claims)
