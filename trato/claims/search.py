"""Global search provider: claims by number, subject, partner, origin document number or product code, only among
the claims the user may see."""

from django.db.models import Exists, OuterRef, Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from trato.claims.models import Claim, OriginDocument, OriginLine
from trato.core.search import SearchHit, SearchProvider


def _matches(word: str) -> Q:
    documents = OriginDocument.objects.filter(claim=OuterRef("pk"), number__icontains=word)
    products = OriginLine.objects.filter(document__claim=OuterRef("pk"), product_code__icontains=word)
    return (
        Q(number__icontains=word)
        | Q(subject__icontains=word)
        | Q(partner__name__icontains=word)
        | Q(external_ref__iexact=word)
        | Exists(documents)
        | Exists(products)
    )


def search_claims(queryset, query: str):
    for word in query.split()[:8]:
        queryset = queryset.filter(_matches(word))
    return queryset


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
